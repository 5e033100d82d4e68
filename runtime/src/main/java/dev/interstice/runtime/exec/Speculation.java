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
import java.util.concurrent.locks.StampedLock;

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
    /** Validations of a reducer's speculations looked at together for its conflict rate. */
    static final int WINDOW = 64;
    /**
     * Re-executions in one {@link #WINDOW} above which the reducer backs off (its next {@link #BACK_OFF} calls run
     * serially): hot keys, where a speculation mostly wastes its run and the serial path is the faster one.
     */
    static final int MAX_CONFLICTS = WINDOW / 8;
    /** A ring entry that conflicts with every read: the node changed more than rows (a module install). */
    private static final List<RowChange> EVERYTHING = null;

    /** A speculation that ran to the end: what it read, its effects, and the commit count when it started. */
    record Run(
            LoadedModule module, Frame frame, Invocation invocation, ReadSet reads, long start, long runNanos, Of of) {}

    /**
     * One reducer's speculation record: how many of its calls are still to run serially, and its recent validations
     * (written under the execution lock).
     */
    static final class Of {
        private final AtomicInteger serialLeft = new AtomicInteger();
        private int validated;
        private int conflicted;
    }

    /*
     * A StampedLock, not a ReentrantReadWriteLock: a read is one CAS on the lock's state, with no per-thread hold
     * counts written to fields every reading thread shares (with two executors those writes bounced a cache line
     * between the cores on every read). It is not reentrant, so the exclusive side is counted: only ever taken under
     * the execution lock, it is this thread's whenever the count is not zero.
     */
    private final StampedLock tables = new StampedLock();
    private final Lock shared = tables.asReadLock();
    private final Lock exclusive = tables.asWriteLock();
    /** How deep {@link #lockExclusive} is nested (read and written under the execution lock). */
    private int exclusiveDepth;

    private final Semaphore executors;

    @SuppressWarnings("unchecked")
    private final List<RowChange>[] ring = new List[RING];

    private volatile long commits;
    /**
     * Per loaded module (by identity) and reducer name: hashing a reducer's schema on every call cost more than a
     * short transaction's validation.
     */
    private final Map<Object, Map<String, Of>> reducers = new ConcurrentHashMap<>();

    private final LongAdder committed = new LongAdder();
    private final LongAdder reexecuted = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder serial = new LongAdder();

    Speculation(int executors) {
        this.executors = new Semaphore(executors);
    }

    /** The read side of the tables' lock: held by a speculation for each read of committed state. */
    Lock shared() {
        return shared;
    }

    /**
     * Takes the exclusive side for what changes the node's modules or tables otherwise (module installs, internal
     * transactions, {@code Executor.exclusive}, which may nest); under the execution lock, which the caller holds
     * until {@link #unlockExclusive}. Commits meanwhile apply without taking it again.
     */
    void lockExclusive() {
        if (exclusiveDepth++ == 0) exclusive.lock();
    }

    void unlockExclusive() {
        if (--exclusiveDepth == 0) exclusive.unlock();
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
        if (exclusiveDepth > 0) {
            apply.run();
            remember(changes);
            return;
        }
        ReadSet.lockSpinning(exclusive);
        try {
            apply.run();
            remember(changes);
        } finally {
            exclusive.unlock();
        }
    }

    private void remember(List<RowChange> changes) {
        ring[(int) ((commits + 1) % RING)] = changes;
        commits = commits + 1;
    }

    /** Marks a change of the node beyond rows (modules, tables): every running speculation is re-executed. */
    void changedEverything() {
        remember(EVERYTHING);
        reducers.clear(); // modules may have left: their records go, new versions start afresh
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

    /** The record of reducer {@code reducer} of {@code m} (a {@link LoadedModule}: one version, by identity). */
    Of of(Object m, String reducer) {
        return reducers.computeIfAbsent(m, k -> new ConcurrentHashMap<>()).computeIfAbsent(reducer, k -> new Of());
    }

    /** Whether the reducer should run serially now (it fell back or conflicted often recently); counts it. */
    boolean backingOff(Of r) {
        AtomicInteger left = r.serialLeft;
        if (left.get() <= 0) return false;
        left.decrementAndGet();
        serial.increment();
        return true;
    }

    void fellBack(Of r) {
        fallbacks.increment();
        r.serialLeft.set(BACK_OFF);
    }

    /** A valid speculation of {@code r} committed; under the execution lock. */
    void committed(Of r) {
        committed.increment();
        validated(r, false);
    }

    /** A speculation of {@code r} was invalid and re-executed; under the execution lock. */
    void reexecuted(Of r) {
        reexecuted.increment();
        validated(r, true);
    }

    private static void validated(Of r, boolean conflict) {
        if (conflict) r.conflicted++;
        if (++r.validated < WINDOW) return;
        if (r.conflicted > MAX_CONFLICTS) r.serialLeft.set(BACK_OFF);
        r.validated = 0;
        r.conflicted = 0;
    }

    void ranSerially() {
        serial.increment();
    }

    ExecutionStats stats() {
        return new ExecutionStats(committed.sum(), reexecuted.sum(), fallbacks.sum(), serial.sum());
    }
}
