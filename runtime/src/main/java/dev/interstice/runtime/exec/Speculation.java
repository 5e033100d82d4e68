package dev.interstice.runtime.exec;

import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.tx.ReadSet;
import dev.interstice.runtime.tx.RowChange;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The shared state of optimistic execution (executors > 1, docs/parallel-execution.md). Callers run their reducer
 * without the execution lock, reading committed tables under {@link #shared()}; every commit applies its rows under
 * the exclusive side of that lock and is numbered and remembered here (its changes, in a ring of the last
 * {@link #RING}). Under the execution lock a speculation is still valid if no commit numbered after its start changed
 * a key it read. Ring and counter are written under the execution lock; the counter is volatile so a speculation's
 * start sees every commit up to it applied.
 */
final class Speculation {
    /** Commits remembered: a speculation that started more commits ago than this is not validated (re-executed). */
    static final int RING = 1024;
    /** Calls of a reducer run serially, without speculating, after one of its speculations fell back. */
    static final int BACK_OFF = 32;
    /** A ring entry that conflicts with every read: the node changed more than rows (a module install). */
    private static final List<RowChange> EVERYTHING = null;

    /** A speculation that ran to the end: what it read, its effects, and the commit count when it started. */
    record Run(LoadedModule module, Frame frame, Invocation invocation, ReadSet reads, long start, long runNanos) {}

    private final ReentrantReadWriteLock tables = new ReentrantReadWriteLock();
    private final Semaphore executors;

    @SuppressWarnings("unchecked")
    private final List<RowChange>[] ring = new List[RING];

    private volatile long commits;
    private final Map<LoadedModule.Callable<?>, AtomicInteger> backingOff = new ConcurrentHashMap<>();
    private final LongAdder committed = new LongAdder();
    private final LongAdder reexecuted = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder serial = new LongAdder();

    Speculation(int executors) {
        this.executors = new Semaphore(executors);
    }

    /** The read side of the tables' lock: held by a speculation for each read of committed state. */
    Lock shared() {
        return tables.readLock();
    }

    /** The write side: held to apply a commit and by anything that changes the node's modules or tables otherwise. */
    Lock exclusive() {
        return tables.writeLock();
    }

    /**
     * Waits for one of the executors: at most that many calls speculate or wait to commit at once (a speculation keeps
     * its executor until it is committed or re-executed, so n executors keep about n cores busy).
     */
    void enter() {
        executors.acquireUninterruptibly();
    }

    void leave() {
        executors.release();
    }

    long commits() {
        return commits;
    }

    /** Applies a commit's rows under the exclusive lock and remembers them; under the execution lock. */
    void applied(List<RowChange> changes, Runnable apply) {
        ReadSet.lockSpinning(tables.writeLock());
        try {
            apply.run();
            ring[(int) ((commits + 1) % RING)] = changes;
            commits = commits + 1;
        } finally {
            tables.writeLock().unlock();
        }
    }

    /** Marks a change of the node beyond rows (modules, tables): every running speculation is re-executed. */
    void changedEverything() {
        ring[(int) ((commits + 1) % RING)] = EVERYTHING;
        commits = commits + 1;
    }

    /** Whether no commit since {@code start} changed anything {@code reads} read; under the execution lock. */
    boolean unchanged(long start, ReadSet reads) {
        long now = commits;
        if (now - start >= RING) return false;
        for (long at = start + 1; at <= now; at++) {
            List<RowChange> c = ring[(int) (at % RING)];
            if (c == EVERYTHING || reads.conflicts(c)) return false;
        }
        return true;
    }

    /** Whether {@code r} should run serially now (one of its speculations fell back recently); counts it. */
    boolean backingOff(LoadedModule.Callable<?> r) {
        AtomicInteger left = backingOff.get(r);
        if (left == null || left.get() <= 0) return false;
        left.decrementAndGet();
        serial.increment();
        return true;
    }

    void fellBack(LoadedModule.Callable<?> r) {
        fallbacks.increment();
        backingOff.computeIfAbsent(r, k -> new AtomicInteger()).set(BACK_OFF);
    }

    void committed() {
        committed.increment();
    }

    void reexecuted() {
        reexecuted.increment();
    }

    void ranSerially() {
        serial.increment();
    }

    ExecutionStats stats() {
        return new ExecutionStats(committed.sum(), reexecuted.sum(), fallbacks.sum(), serial.sum());
    }
}
