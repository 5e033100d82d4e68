package dev.interstice.runtime.exec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Runs work under the execution lock: on the caller's thread when the lock is free and nothing is queued, otherwise
 * on one drainer thread that takes queued work in arrival order.
 *
 * <p>Why: with many callers, handing a contended lock from parked thread to parked thread costs a context switch per
 * transaction on top of the one each caller pays to learn its result; on a 2-core machine that, not the reducers,
 * bounded throughput. The drainer runs transactions back to back and each caller is woken once, when its result (or
 * its durability) is known. A caller that submits A then B sees them run in that order.
 */
final class CallQueue {
    /** Queued items run per lock hold, so that threads taking the lock directly (schedules, reads) are not starved. */
    private static final int BATCH = 256;

    private final ReentrantLock lock;
    private final String threadName;
    private final ConcurrentLinkedQueue<Item<?>> items = new ConcurrentLinkedQueue<>();
    private volatile Thread drainer;
    private volatile boolean drainerParked;
    private volatile boolean closed;

    private record Item<T>(Supplier<T> body, CompletableFuture<T> result) {
        void run() {
            T value;
            try {
                value = body.get();
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
                return;
            }
            result.complete(value);
        }
    }

    CallQueue(ReentrantLock lock, String threadName) {
        this.lock = lock;
        this.threadName = threadName;
    }

    <T> CompletableFuture<T> submit(Supplier<T> body) {
        if (closed) return CompletableFuture.failedFuture(new IllegalStateException("the executor is closed"));
        // a thread already holding the lock (nested in a transaction, or the drainer itself) must not wait for the queue
        boolean nested = lock.isHeldByCurrentThread();
        if (nested || (items.isEmpty() && lock.tryLock())) {
            var item = new Item<>(body, new CompletableFuture<T>());
            try {
                item.run();
            } finally {
                if (!nested) lock.unlock(); // queued work meanwhile: the drainer was woken when it was queued
            }
            return item.result();
        }
        var item = new Item<>(body, new CompletableFuture<T>());
        items.add(item);
        wakeDrainer();
        if (closed) failQueued();
        return item.result();
    }

    private void wakeDrainer() {
        Thread d = drainer;
        if (d == null) {
            synchronized (this) {
                d = drainer;
                if (d == null) {
                    d = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::drain);
                    drainer = d;
                    d.start();
                    return;
                }
            }
        }
        // Dekker with drain(): we published the item before reading the flag, it sets the flag before re-checking
        if (drainerParked) LockSupport.unpark(d);
    }

    private void drain() {
        while (true) {
            if (items.isEmpty()) {
                if (closed) return;
                drainerParked = true;
                if (items.isEmpty() && !closed) LockSupport.park(this);
                drainerParked = false;
                continue;
            }
            lock.lock();
            try {
                for (int n = 0; n < BATCH; n++) {
                    Item<?> item = items.poll();
                    if (item == null) break;
                    item.run();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Stops the drainer once it has run what was queued; work submitted afterwards fails. */
    void close() {
        closed = true;
        Thread d = drainer;
        if (d == null) {
            failQueued();
            return;
        }
        LockSupport.unpark(d);
        if (d == Thread.currentThread()) return;
        boolean interrupted = false;
        while (true) {
            try {
                d.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        failQueued();
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void failQueued() {
        Item<?> item;
        while ((item = items.poll()) != null)
            item.result().completeExceptionally(new IllegalStateException("the executor is closed"));
    }
}
