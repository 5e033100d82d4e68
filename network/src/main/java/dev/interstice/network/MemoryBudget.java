package dev.interstice.network;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bytes a node's connections hold in unfinished incoming frames and queued outgoing frames, against a node-wide
 * total and a per-connection limit. Without it, connections that announce large frames and never finish them (or
 * ask for large replies and never read them) fill the heap until an {@code OutOfMemoryError} breaks the node.
 *
 * <p>A connection holds one {@link Account} per direction. {@link Account#reserve} waits for room and is how large
 * frames and large replies get their memory; {@link Account#take} counts bytes that cannot wait (small replies, pushed
 * messages). Either limit lets one item through when nothing else holds memory, so a frame larger than a limit is
 * still served alone. Counting is two atomic adds; only waiters take the lock.
 */
final class MemoryBudget {
    /** What a reservation came to. */
    enum Grant {
        GRANTED,
        NODE_SHORT,
        CLOSED
    }

    private static final long CLOSED = Long.MIN_VALUE;

    private final long total;
    private final long perConnection;
    private final AtomicLong used = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private volatile int waiters;

    MemoryBudget(long total, long perConnection) {
        if (total <= 0 || perConnection <= 0) throw new IllegalArgumentException("budget limits must be positive");
        this.total = total;
        this.perConnection = perConnection;
    }

    /** A budget that never refuses (clients: what they read is bounded by their own requests). */
    static MemoryBudget unlimited() {
        return new MemoryBudget(Long.MAX_VALUE, Long.MAX_VALUE);
    }

    long total() {
        return total;
    }

    long perConnection() {
        return perConnection;
    }

    /** Bytes held by all connections now. */
    long used() {
        return used.get();
    }

    Account open() {
        return new Account();
    }

    private static boolean fits(long held, long n, long limit) {
        return held == 0 || held + n <= limit;
    }

    private void wake() {
        if (waiters == 0) return;
        lock.lock();
        try {
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** One connection's share in one direction. Closing it returns everything it holds; later releases are ignored. */
    final class Account {
        private final AtomicLong held = new AtomicLong();

        long held() {
            long h = held.get();
            return h == CLOSED ? 0 : h;
        }

        boolean isClosed() {
            return held.get() == CLOSED;
        }

        /**
         * Takes {@code n} bytes, waiting while this connection is at its limit (its own frames drain, or it is closed)
         * and at most {@code nodeWait} while the node is at its total.
         */
        Grant reserve(long n, Duration nodeWait) throws InterruptedException {
            if (tryReserve(n)) return Grant.GRANTED;
            long waitNanos = nodeWait.toNanos();
            long nodeShortSince = 0;
            lock.lock();
            waiters++;
            try {
                while (true) {
                    long h = held.get();
                    if (h == CLOSED) return Grant.CLOSED;
                    if (fits(h, n, perConnection)) {
                        if (tryReserve(n)) return Grant.GRANTED;
                        long now = System.nanoTime();
                        if (nodeShortSince == 0) nodeShortSince = now;
                        else if (now - nodeShortSince >= waitNanos) return Grant.NODE_SHORT;
                    } else {
                        nodeShortSince = 0; // our own frames hold the room: wait for them without a deadline
                    }
                    // timed: a release racing with our check is caught on the next round at the latest
                    freed.await(
                            Math.max(1, Math.min(TimeUnit.MILLISECONDS.toNanos(50), waitNanos)), TimeUnit.NANOSECONDS);
                }
            } finally {
                waiters--;
                lock.unlock();
            }
        }

        /** Takes {@code n} bytes if both limits allow it now. */
        private boolean tryReserve(long n) {
            for (long u = used.get(); ; u = used.get()) {
                if (!fits(u, n, total)) return false;
                if (used.compareAndSet(u, u + n)) break;
            }
            for (long h = held.get(); ; h = held.get()) {
                if (h == CLOSED || !fits(h, n, perConnection)) {
                    used.addAndGet(-n);
                    wake();
                    return false;
                }
                if (held.compareAndSet(h, h + n)) return true;
            }
        }

        /** Takes {@code n} bytes if this connection is within its limit (the node total is only counted); for events. */
        boolean tryTake(long n) {
            for (long h = held.get(); ; h = held.get()) {
                if (h == CLOSED || !fits(h, n, perConnection)) return false;
                if (held.compareAndSet(h, h + n)) {
                    used.addAndGet(n);
                    return true;
                }
            }
        }

        /** Counts {@code n} bytes that are held already (they cannot wait); ignored once closed. */
        void take(long n) {
            for (long h = held.get(); ; h = held.get()) {
                if (h == CLOSED) return;
                if (held.compareAndSet(h, h + n)) {
                    used.addAndGet(n);
                    return;
                }
            }
        }

        void release(long n) {
            if (n == 0) return;
            for (long h = held.get(); ; h = held.get()) {
                if (h == CLOSED) return;
                if (held.compareAndSet(h, h - n)) break;
            }
            used.addAndGet(-n);
            wake();
        }

        /** Returns everything this connection holds and wakes its waiters. */
        void close() {
            long h = held.getAndSet(CLOSED);
            if (h == CLOSED) return;
            used.addAndGet(-h);
            lock.lock();
            try {
                freed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
