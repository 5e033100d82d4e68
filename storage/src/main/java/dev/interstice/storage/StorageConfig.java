package dev.interstice.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * @param directory           root directory of the storage (created if missing)
 * @param segmentBytes        the active log segment is sealed (and a new one started) once it reaches this size
 * @param fastFlushInterval   upper bound on how long an appended record may wait for its fsync when no caller
 *                            waits for durability ("fast" acks)
 * @param salvage             on corruption before the log tail, truncate at the last good transaction and report the
 *                            loss instead of failing with {@link StorageCorruptionException}
 * @param autoCompaction      compact in the background (when sealed log piles up, and periodically on a quiet log);
 *                            when off only {@link Storage#snapshotNow()} compacts and sealed segments stay around
 * @param periodicCompaction  on a quiet log that has new records, compact anyway once the last compaction is this
 *                            old, so that stateful row files do not lag far behind the log
 * @param preallocateSegments zero-fill and fsync the next log segment in the background (cheaper fsyncs); when off
 *                            each segment is created empty and holds exactly its records
 * @param logRetention        how much of the log a snapshot covers is kept for reading history ({@code history/})
 */
public record StorageConfig(
        Path directory,
        long segmentBytes,
        Duration fastFlushInterval,
        boolean salvage,
        boolean autoCompaction,
        Duration periodicCompaction,
        boolean preallocateSegments,
        LogRetention logRetention) {
    public static final long DEFAULT_SEGMENT_BYTES = 32L << 20;
    public static final Duration DEFAULT_FAST_FLUSH_INTERVAL = Duration.ofMillis(10);
    public static final Duration DEFAULT_PERIODIC_COMPACTION = Duration.ofSeconds(60);
    public static final long MAX_SEGMENT_BYTES = 1L << 30;

    public StorageConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fastFlushInterval, "fastFlushInterval");
        Objects.requireNonNull(periodicCompaction, "periodicCompaction");
        Objects.requireNonNull(logRetention, "logRetention");
        if (segmentBytes < 4096 || segmentBytes > MAX_SEGMENT_BYTES)
            throw new IllegalArgumentException("segmentBytes must be in [4096, 1 GiB]: " + segmentBytes);
        if (fastFlushInterval.isNegative() || fastFlushInterval.isZero())
            throw new IllegalArgumentException("fastFlushInterval must be positive: " + fastFlushInterval);
        if (periodicCompaction.isNegative() || periodicCompaction.isZero())
            throw new IllegalArgumentException("periodicCompaction must be positive: " + periodicCompaction);
    }

    /** Every setting but the log's retention, which is {@link LogRetention#DEFAULT}. */
    public StorageConfig(
            Path directory,
            long segmentBytes,
            Duration fastFlushInterval,
            boolean salvage,
            boolean autoCompaction,
            Duration periodicCompaction,
            boolean preallocateSegments) {
        this(
                directory,
                segmentBytes,
                fastFlushInterval,
                salvage,
                autoCompaction,
                periodicCompaction,
                preallocateSegments,
                LogRetention.DEFAULT);
    }

    /** The given log settings; background compaction, preallocation and retention as in {@link #defaults}. */
    public StorageConfig(Path directory, long segmentBytes, Duration fastFlushInterval, boolean salvage) {
        this(directory, segmentBytes, fastFlushInterval, salvage, true, DEFAULT_PERIODIC_COMPACTION, true);
    }

    public static StorageConfig defaults(Path dir) {
        return new StorageConfig(dir, DEFAULT_SEGMENT_BYTES, DEFAULT_FAST_FLUSH_INTERVAL, false);
    }

    public StorageConfig withDirectory(Path dir) {
        return new StorageConfig(
                dir,
                segmentBytes,
                fastFlushInterval,
                salvage,
                autoCompaction,
                periodicCompaction,
                preallocateSegments,
                logRetention);
    }

    public StorageConfig withSegmentBytes(long bytes) {
        return new StorageConfig(
                directory,
                bytes,
                fastFlushInterval,
                salvage,
                autoCompaction,
                periodicCompaction,
                preallocateSegments,
                logRetention);
    }

    public StorageConfig withFastFlushInterval(Duration interval) {
        return new StorageConfig(
                directory,
                segmentBytes,
                interval,
                salvage,
                autoCompaction,
                periodicCompaction,
                preallocateSegments,
                logRetention);
    }

    public StorageConfig withSalvage(boolean salvage) {
        return new StorageConfig(
                directory,
                segmentBytes,
                fastFlushInterval,
                salvage,
                autoCompaction,
                periodicCompaction,
                preallocateSegments,
                logRetention);
    }

    public StorageConfig withAutoCompaction(boolean on) {
        return new StorageConfig(
                directory,
                segmentBytes,
                fastFlushInterval,
                salvage,
                on,
                periodicCompaction,
                preallocateSegments,
                logRetention);
    }

    public StorageConfig withPeriodicCompaction(Duration period) {
        return new StorageConfig(
                directory,
                segmentBytes,
                fastFlushInterval,
                salvage,
                autoCompaction,
                period,
                preallocateSegments,
                logRetention);
    }

    public StorageConfig withPreallocateSegments(boolean on) {
        return new StorageConfig(
                directory,
                segmentBytes,
                fastFlushInterval,
                salvage,
                autoCompaction,
                periodicCompaction,
                on,
                logRetention);
    }

    public StorageConfig withLogRetention(LogRetention retention) {
        return new StorageConfig(
                directory,
                segmentBytes,
                fastFlushInterval,
                salvage,
                autoCompaction,
                periodicCompaction,
                preallocateSegments,
                retention);
    }
}
