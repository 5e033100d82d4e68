package dev.interstice.runtime.node;

import dev.interstice.abi.host.CallContext;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.SystemTables;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs reducers at the time {@code ctx.schedule} asked for, each as its own transaction, on one daemon thread.
 * Entries due at the same millisecond run in the order they were committed (their sequence numbers).
 */
final class Scheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final PriorityQueue<SystemTables.Schedule> queue =
            new PriorityQueue<>(java.util.Comparator.comparingLong(SystemTables.Schedule::dueMs)
                    .thenComparingLong(SystemTables.Schedule::seq));
    private final LongSupplier clock;
    private final String nodeId;
    private Executor executor;
    private Thread thread;
    private boolean closed;

    Scheduler(LongSupplier clock, String nodeId) {
        this.clock = clock;
        this.nodeId = nodeId;
    }

    synchronized void start(Executor executor) {
        this.executor = executor;
        thread = Thread.ofPlatform().daemon().name("interstice-scheduler").start(this::run);
    }

    /** Called when the transaction that asked for it commits, and for schedules recovered at start. */
    synchronized void add(SystemTables.Schedule s) {
        queue.add(s);
        notifyAll();
    }

    /** Takes out the pending entries of {@code module} (unloaded or removed): their sequence numbers. */
    synchronized List<Long> removeModule(String module) {
        var seqs = new java.util.ArrayList<Long>();
        queue.removeIf(e -> {
            if (!e.module().equals(module)) return false;
            seqs.add(e.seq());
            return true;
        });
        return seqs;
    }

    synchronized int pending() {
        return queue.size();
    }

    private void run() {
        while (true) {
            SystemTables.Schedule due;
            synchronized (this) {
                while (!closed && (queue.isEmpty() || queue.peek().dueMs() > clock.getAsLong())) {
                    long wait = queue.isEmpty() ? 0 : Math.max(1, queue.peek().dueMs() - clock.getAsLong());
                    try {
                        wait(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) return;
                due = queue.poll();
            }
            try {
                executor.runJob(new Executor.Job(
                        due.module(),
                        due.reducer(),
                        List.of(),
                        CallContext.runtime(nodeId),
                        "schedule",
                        due.seq(),
                        due.cause()));
            } catch (RuntimeException e) {
                log.warn("scheduled reducer {}.{} failed: {}", due.module(), due.reducer(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            notifyAll();
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
