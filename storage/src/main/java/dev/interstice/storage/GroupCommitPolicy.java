package dev.interstice.storage;

/**
 * The WAL's group-commit decision: when to take the pending records as a batch, write it and fsync it. Pure: no
 * threads, no clock (times are passed in); not thread-safe, the WAL calls it under its lock.
 *
 * <p>One batch is written and fsynced at a time. A batch starts at once when a caller waits for durability, when the
 * storage closes or a roll is requested, or when {@link #EAGER_BYTES} are pending; otherwise once the oldest pending
 * record has waited {@code fastFlushNanos} ("fast" acks). Records appended while a batch is being fsynced ride the next
 * one, which starts as soon as that fsync ends: a waiting caller waits for at most the running fsync and its own.
 *
 * <p>One exception, the <em>linger</em>: after an fsync released n waiters while p records were appended, if n + p
 * &ge; {@link #LINGER_MIN_GROUP} the released callers are expected back soon (closed-loop committers: a round trip
 * and an execution), so the next batch is held until it has all n + p or the mean fsync latency has passed (at most
 * {@link #MAX_LINGER_NANOS}): a caller that missed the batch would wait that long anyway, for this batch's fsync
 * before its own. Without it, 4 callers that each wait for their answer settle into groups of one or two that
 * alternate, each waiting for the others' fsyncs and its own (measured: a median batch of one record, ~3 fsyncs per
 * answer); with it they merge into one group sharing one fsync. A lone caller (n = 1, p = 0) never lingers.
 */
final class GroupCommitPolicy {
    /** Once this much is pending the writer flushes without waiting for a durability waiter or the timer. */
    static final int EAGER_BYTES = 1 << 20;
    /** {@link #waitNanos}: flush now. */
    static final long FLUSH = 0;
    /** {@link #waitNanos}: nothing to do until something changes (a waiter, a finished batch). */
    static final long UNTIL_SIGNALLED = Long.MAX_VALUE;
    /** Linger only when the released waiters and the records appended meanwhile are at least this many. */
    static final int LINGER_MIN_GROUP = 2;
    /** Upper bound of a linger, whatever the fsync latency. */
    static final long MAX_LINGER_NANOS = 1_000_000;

    /**
     * What the writer sees when it decides.
     *
     * @param pendingBytes      framed bytes appended but not yet taken as a batch
     * @param pendingRecords    records among them
     * @param pendingSinceNanos when the oldest of them was appended
     * @param durableWaiter     a caller waits for durability of a record not yet taken as a batch
     * @param flushing          a batch is being written and fsynced (by the writer thread or a waiting caller)
     * @param urgent            closing, or a segment roll was requested: everything pending must be written now
     */
    record State(
            int pendingBytes,
            int pendingRecords,
            long pendingSinceNanos,
            boolean durableWaiter,
            boolean flushing,
            boolean urgent) {}

    private final long fastFlushNanos;
    private long ewmaFsyncNanos = 200_000;
    private int lingerTarget; // 0: no linger
    private long lingerDeadline;

    GroupCommitPolicy(long fastFlushNanos) {
        this.fastFlushNanos = fastFlushNanos;
    }

    /**
     * How long the writer may wait before it flushes: {@link #FLUSH}, a positive time, or {@link #UNTIL_SIGNALLED}.
     * With nothing pending it is the idle tick ({@link #idleNanos}), so that an append never has to wake the writer
     * to start the fast-flush timer.
     */
    long waitNanos(State s, long now) {
        if (s.flushing()) return UNTIL_SIGNALLED;
        if (s.pendingBytes() == 0) return idleNanos();
        long fastLeft = s.pendingSinceNanos() + fastFlushNanos - now;
        if (s.urgent() || s.pendingBytes() >= EAGER_BYTES || fastLeft <= 0) return FLUSH;
        if (!s.durableWaiter()) return fastLeft;
        if (lingerTarget == 0 || s.pendingRecords() >= lingerTarget || now >= lingerDeadline) return FLUSH;
        return Math.min(lingerDeadline - now, fastLeft);
    }

    /**
     * How long an idle writer sleeps before it looks at the pending records again: half the fast-flush interval, so
     * a record appended just after it fell asleep is still flushed within the interval.
     */
    long idleNanos() {
        return Math.max(1, fastFlushNanos / 2);
    }

    /**
     * Whether a waiting writer must be woken after an append or a new durability waiter: when it may have to start a
     * batch now (its idle tick notices the first pending record without a waiter; a finishing batch wakes it
     * otherwise). A durable waiter always wakes it, linger or not: the writer may be asleep on its idle tick, which
     * knows nothing of the linger, and a woken writer that should linger goes back to sleep for the rest of it.
     */
    boolean wakeWriter(State s) {
        if (s.flushing() || s.pendingBytes() == 0) return false;
        return s.urgent() || s.pendingBytes() >= EAGER_BYTES || s.durableWaiter();
    }

    /** A batch was taken: a linger ends with it. */
    void batchTaken() {
        lingerTarget = 0;
    }

    /**
     * An fsync ended at {@code now}, releasing {@code waitersReleased} waiting callers; {@code pendingRecords} were
     * appended meanwhile. Starts a linger after a large enough group.
     */
    void fsyncCompleted(long now, long latencyNanos, int waitersReleased, int pendingRecords) {
        ewmaFsyncNanos += (latencyNanos - ewmaFsyncNanos) / 8;
        if (waitersReleased > 0 && waitersReleased + pendingRecords >= LINGER_MIN_GROUP) {
            lingerTarget = waitersReleased + pendingRecords;
            lingerDeadline = now + Math.min(ewmaFsyncNanos, MAX_LINGER_NANOS);
        } else {
            lingerTarget = 0;
        }
    }
}
