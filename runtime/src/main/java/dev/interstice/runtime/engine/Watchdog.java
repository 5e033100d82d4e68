package dev.interstice.runtime.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces call deadlines by interrupting threads whose outermost guest entry has run too long.
 *
 * <p>Each thread that enters guest code owns one {@link Slot}, shared by all engines so that a nested
 * entry (host function calling another instance, of any engine) runs under the outermost entry's
 * deadline. Entering and leaving costs a thread-local field update plus one volatile store on the
 * outermost exit; no clock read, no allocation. The watchdog measures time itself: it notes when it
 * first sees a call generation and fires once the budget has passed since then, so a deadline is
 * never early and at most about two ticks late.
 *
 * <p>One daemon thread serves every open engine; it starts with the first and stops when the last
 * one closes. It survives anything thrown inside a tick (an {@code OutOfMemoryError} when the heap is full): a
 * watchdog that died would leave every later runaway call running forever, holding the node's execution lock.
 */
final class Watchdog {
    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** Per-thread deadline state. Fields without a comment are touched by the owner thread only. */
    static final class Slot {
        final Thread thread;
        int depth;
        /** Budget of the current outermost entry; published to the watchdog by the release store of {@link #gen}. */
        long budgetNanos;
        /** Odd while the thread is inside an outermost guest entry; bumped on entry and on exit. */
        volatile long gen;
        /** Generation the watchdog is about to interrupt (0 when none); see {@link #end()}. */
        volatile long interrupting;
        /** Last generation the watchdog actually interrupted. */
        volatile long fired;
        // Watchdog thread only.
        long seenGen;
        long seenAt;
        long seenBudget;

        Slot(Thread thread) {
            this.thread = thread;
        }

        // Callers bump depth inline and call these only at depth 0: a nested entry deep in a runaway
        // recursion must not need an extra stack frame, or a StackOverflowError could skip the bookkeeping.

        /** Starts an outermost guest entry (depth went 0 -> 1). */
        void begin(long budget) {
            budgetNanos = budget;
            // Release is enough: the watchdog only needs to see it eventually, and a volatile store here would
            // cost a fence on every call.
            GEN.setRelease(this, gen + 1);
        }

        /** Ends an outermost guest entry (depth went 1 -> 0) and clears our own interrupt, if any. */
        void end() {
            long g = gen;
            gen = g + 1; // volatile: ordered against the watchdog's interrupting-store/gen-load (Dekker)
            if (interrupting == g) {
                // The watchdog saw this call still running and may be inside Thread.interrupt(): wait for it.
                for (int spins = 0; interrupting == g; spins++) {
                    if (spins < 1_000) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield(); // the watchdog may have been descheduled mid-fire
                    }
                }
            }
            if (fired == g) {
                Thread.interrupted(); // our own interrupt; the thread must be clean for its next task
            }
        }

        /** True if the watchdog interrupted the current outermost entry. Owner thread, inside a call. */
        boolean deadlineFired() {
            return depth > 0 && fired == gen;
        }

        long budgetNanos() {
            return budgetNanos;
        }
    }

    private static final VarHandle GEN;

    static {
        try {
            GEN = MethodHandles.lookup().findVarHandle(Slot.class, "gen", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Placeholder so callers can cache a slot without a null check; its thread matches no thread. */
    static final Slot NO_SLOT = new Slot(null);

    private static final ConcurrentLinkedQueue<Slot> SLOTS = new ConcurrentLinkedQueue<>();
    private static final ThreadLocal<Slot> CURRENT = ThreadLocal.withInitial(() -> {
        Slot s = new Slot(Thread.currentThread());
        SLOTS.add(s);
        return s;
    });

    private static final Object LOCK = new Object();
    private static int users;
    private static Worker worker;

    /** Test seam: runs at the start of every tick when set (tests make it throw). */
    static volatile Runnable tickProbe;

    private Watchdog() {}

    static Slot slot() {
        return CURRENT.get();
    }

    static void acquire() {
        synchronized (LOCK) {
            if (users++ == 0) {
                Worker w = new Worker();
                w.thread = Thread.ofPlatform()
                        .daemon()
                        .name("interstice-wasm-watchdog")
                        .unstarted(w);
                w.thread.setPriority(Thread.MAX_PRIORITY);
                worker = w;
                w.thread.start();
            }
        }
    }

    static void release() {
        Worker stopping = null;
        synchronized (LOCK) {
            if (users > 0 && --users == 0) {
                stopping = worker;
                worker = null;
            }
        }
        if (stopping != null) {
            stopping.stop = true; // its own flag: a worker started meanwhile by acquire() keeps running
            LockSupport.unpark(stopping.thread);
            try {
                stopping.thread.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class Worker implements Runnable {
        Thread thread;
        volatile boolean stop;

        private long failures;
        private long lastReport;

        @Override
        public void run() {
            while (!stop) {
                LockSupport.parkNanos(TICK_NANOS);
                if (stop) {
                    break;
                }
                try {
                    Runnable probe = tickProbe;
                    if (probe != null) {
                        probe.run();
                    }
                    scan(System.nanoTime());
                } catch (Throwable t) {
                    failed(t);
                }
                Thread.interrupted(); // a stray interrupt would turn parkNanos into a busy loop
            }
        }

        /** Reports a failed tick (at most once a minute: it may repeat every tick) and carries on. */
        private void failed(Throwable t) {
            failures++;
            long now = System.nanoTime();
            if (failures > 1 && now - lastReport < TimeUnit.MINUTES.toNanos(1)) {
                return;
            }
            lastReport = now;
            try {
                log.error("deadline watchdog: a tick failed ({} so far); it keeps running: {}", failures, t.toString());
            } catch (Throwable ignored) {
                // logging needs memory too; the next report will say how many ticks failed
            }
        }
    }

    private static void scan(long now) {
        for (Iterator<Slot> it = SLOTS.iterator(); it.hasNext(); ) {
            Slot s = it.next();
            long g = s.gen;
            if ((g & 1) == 0) {
                if (!s.thread.isAlive()) {
                    it.remove();
                }
                continue;
            }
            if (g != s.seenGen) {
                s.seenGen = g;
                s.seenAt = now;
                s.seenBudget = s.budgetNanos; // written before gen's release store, so it belongs to g or later
                continue;
            }
            if (now - s.seenAt >= s.seenBudget) {
                // Fires again on every later tick while the call is still running, in case host code swallowed it.
                fire(s, g);
            }
        }
    }

    private static void fire(Slot s, long g) {
        s.interrupting = g;
        if (s.gen == g) {
            s.fired = g;
            s.thread.interrupt();
        }
        s.interrupting = 0;
    }
}
