package dev.interstice.webgpu;

import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread every call into a {@link GpuDevice} runs on. Dawn's OpenGL backend binds its context to the thread
 * that created it: a call from another thread loses the device. Callers on any thread hand their work here and wait;
 * work already on this thread runs directly. The thread only ever runs GPU work, so it never waits for a lock its
 * callers hold.
 *
 * <p>A module's frame is a burst of small calls, each a hand-off and a wait. Parking and waking a thread costs tens of
 * microseconds on an idle machine (the core has gone to sleep), so both sides spin briefly before they park: the GPU
 * thread for {@link #SPIN_NANOS} after its last task, a caller while its task runs. Outside bursts both park.
 */
public final class GpuThread implements AutoCloseable {
    /** How long either side spins before parking. */
    static final long SPIN_NANOS = 50_000;

    private final ConcurrentLinkedQueue<Task<?>> queue = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    public GpuThread() {
        thread = new Thread(this::loop, "interstice-gpu");
        thread.setDaemon(true);
        thread.start();
    }

    private static final class Task<T> {
        final Callable<T> work;
        final Thread caller;
        volatile boolean done;
        T result;
        Throwable failure;

        Task(Callable<T> work, Thread caller) {
            this.work = work;
            this.caller = caller;
        }

        void run() {
            try {
                result = work.call();
            } catch (Throwable t) {
                failure = t;
            }
            done = true;
            LockSupport.unpark(caller);
        }
    }

    private void loop() {
        long idleSince = System.nanoTime();
        while (!closed || !queue.isEmpty()) {
            Task<?> t = queue.poll();
            if (t != null) {
                t.run();
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    /** Runs {@code work} on the GPU thread and returns its result; its exceptions reach the caller unchanged. */
    public <T> T call(Callable<T> work) {
        if (Thread.currentThread() == thread) return callHere(work);
        if (closed) throw new IllegalStateException("the GPU thread is closed");
        var task = new Task<>(work, Thread.currentThread());
        queue.add(task);
        LockSupport.unpark(thread);
        long start = System.nanoTime();
        boolean interrupted = false;
        while (!task.done) {
            if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            else {
                LockSupport.park(task);
                // the GPU work is under way: finish waiting, keep the interrupt
                if (Thread.interrupted()) interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (task.failure != null) throw Wgpu.fail(task.failure);
        return task.result;
    }

    public void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    private static <T> T callHere(Callable<T> work) {
        try {
            return work.call();
        } catch (Exception e) {
            throw Wgpu.fail(e);
        }
    }

    /** Lets the thread finish what was handed to it, then end. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
