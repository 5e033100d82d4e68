package dev.interstice.webgpu;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one thread every call into a {@link GpuDevice} runs on. Dawn's OpenGL backend binds its context to the thread
 * that created it: a call from another thread loses the device. Callers on any thread hand their work here and wait;
 * work already on this thread runs directly. The thread only ever runs GPU work, so it never waits for a lock its
 * callers hold.
 */
public final class GpuThread implements AutoCloseable {
    private final ExecutorService executor;
    private volatile Thread thread;

    public GpuThread() {
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "interstice-gpu");
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    /** Runs {@code work} on the GPU thread and returns its result; its exceptions reach the caller unchanged. */
    public <T> T call(Callable<T> work) {
        if (Thread.currentThread() == thread) return callHere(work);
        Future<T> f = executor.submit(work);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the GPU work is under way: finish waiting, keep the interrupt
                }
            }
        } catch (ExecutionException e) {
            throw Wgpu.fail(e.getCause());
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
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

    @Override
    public void close() {
        executor.shutdown();
    }
}
