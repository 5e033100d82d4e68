package dev.interstice.runtime.exec;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs what committed transactions asked of the world (a module load, a socket send) once each transaction is
 * durable, one at a time, in commit order, on a thread of its own: never under the execution lock (an effect may start
 * transactions itself) and never before a crash could no longer take the transaction back.
 */
final class Effects implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Effects.class);

    private record Batch(long lsn, List<Runnable> effects) {}

    private final CommitLog commitLog;
    private final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
    private volatile Thread thread;
    private volatile boolean closed;

    Effects(CommitLog commitLog) {
        this.commitLog = commitLog;
    }

    /** Queues a committed transaction's effects (under the execution lock, so batches arrive in commit order). */
    void submit(long lsn, List<Runnable> effects) {
        if (effects.isEmpty() || closed) return;
        if (thread == null)
            thread = Thread.ofVirtual().name("interstice-effects").start(this::run);
        queue.add(new Batch(lsn, List.copyOf(effects)));
    }

    private void run() {
        while (!closed) {
            Batch b;
            try {
                b = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                commitLog.whenDurable(b.lsn()).join();
            } catch (RuntimeException e) {
                log.warn("effects of a transaction not run: it could not be made durable ({})", e.getMessage());
                continue;
            }
            for (Runnable effect : b.effects()) {
                try {
                    effect.run();
                } catch (RuntimeException e) {
                    log.warn("an effect of a committed transaction failed: {}", e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) t.interrupt();
    }
}
