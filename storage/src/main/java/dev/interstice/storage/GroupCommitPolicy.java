package dev.interstice.storage;

/**
 * The WAL writer's group-commit decision: when to take the pending records as a batch, write it and fsync it. Pure:
 * no threads, no clock (times are passed in); not thread-safe, the WAL calls it under its lock.
 *
 * <p>The writer flushes at once when the storage closes or a roll is requested, when {@link #EAGER_BYTES} are
 * pending, or once the oldest pending record has waited {@code fastFlushNanos} ("fast" acks). When a caller waits
 * for durability it flushes at once too, except during a <em>linger</em>: after an fsync released a group of n
 * waiters, those n callers are expected back with new records soon (closed-loop committers), so the next batch is
 * held until it has that many records or half the mean fsync latency (at most {@link #MAX_LINGER_NANOS}) has passed.
 * One fsync then carries every concurrent committer instead of alternating between two half-size groups. Nothing is
 * flushed while every fsync slot is busy: records appended meanwhile ride the next batch.
 */
final class GroupCommitPolicy {
    /** Once this much is pending the writer flushes without waiting for a durability waiter or the timer. */
    static final int EAGER_BYTES = 1 << 20;
    /** Linger only after batches of at least this many records. */
    static final int LINGER_MIN_BATCH = 4;
    /** Upper bound of a linger, whatever the fsync latency. */
    static final long MAX_LINGER_NANOS = 1_000_000;
    /** {@link #waitNanos}: flush now. */
    static final long FLUSH = 0;
    /** {@link #waitNanos}: nothing to do until something changes (an append, a waiter, a finished fsync). */
    static final long UNTIL_SIGNALLED = Long.MAX_VALUE;

    /**
     * What the writer sees when it decides.
     *
     * @param pendingBytes      framed bytes appended but not yet taken as a batch
     * @param pendingRecords    records among them
     * @param pendingSinceNanos when the oldest of them was appended
     * @param durableWaiter     a caller waits for durability of a record not yet handed to an fsync
     * @param syncsInFlight     fsyncs running
     * @param urgent            closing, or a segment roll was requested: everything pending must be written now
     */
    record State(
            int pendingBytes,
            int pendingRecords,
            long pendingSinceNanos,
            boolean durableWaiter,
            int syncsInFlight,
            boolean urgent) {}

    private final long fastFlushNanos;
    private final int maxSyncsInFlight;
    private long ewmaFsyncNanos = 200_000;
    private int lingerTarget; // 0: no linger
    private long lingerDeadline;

    GroupCommitPolicy(long fastFlushNanos, int maxSyncsInFlight) {
        this.fastFlushNanos = fastFlushNanos;
        this.maxSyncsInFlight = maxSyncsInFlight;
    }

    /** How long the writer may wait before it flushes: {@link #FLUSH}, a positive time, or {@link #UNTIL_SIGNALLED}. */
    long waitNanos(State s, long now) {
        if (s.pendingBytes() == 0 || s.syncsInFlight() >= maxSyncsInFlight) return UNTIL_SIGNALLED;
        long fastLeft = s.pendingSinceNanos() + fastFlushNanos - now;
        if (s.urgent() || s.pendingBytes() >= EAGER_BYTES || fastLeft <= 0) return FLUSH;
        if (!s.durableWaiter()) return fastLeft;
        if (lingerTarget == 0 || s.pendingRecords() >= lingerTarget || now >= lingerDeadline) return FLUSH;
        return Math.min(lingerDeadline - now, fastLeft);
    }

    /**
     * Whether a waiting writer should be woken after an append ({@code firstPending}: it made the pending buffer
     * non-empty, so the writer must start its fast-flush timer) or a new durability waiter. Only when it could start
     * a batch: its timers and finishing fsyncs wake it otherwise.
     */
    boolean wakeWriter(State s, boolean firstPending) {
        if (s.pendingBytes() == 0 || s.syncsInFlight() >= maxSyncsInFlight) return false;
        if (firstPending || s.pendingBytes() >= EAGER_BYTES) return true;
        return s.durableWaiter() && (lingerTarget == 0 || s.pendingRecords() >= lingerTarget);
    }

    /** The writer took the pending records as a batch: a linger ends with it. */
    void batchTaken() {
        lingerTarget = 0;
    }

    /**
     * An fsync made a batch of {@code batchRecords} durable at {@code now}, releasing {@code waitersReleased} waiting
     * callers; {@code pendingRecords} were appended meanwhile. Starts a linger after a large enough group.
     */
    void fsyncCompleted(long now, long latencyNanos, int waitersReleased, int batchRecords, int pendingRecords) {
        ewmaFsyncNanos += (latencyNanos - ewmaFsyncNanos) / 8;
        if (waitersReleased >= LINGER_MIN_BATCH && batchRecords >= LINGER_MIN_BATCH) {
            lingerTarget = waitersReleased + pendingRecords;
            lingerDeadline = now + Math.min(ewmaFsyncNanos / 2, MAX_LINGER_NANOS);
        } else {
            lingerTarget = 0;
        }
    }
}
