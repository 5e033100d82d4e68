package dev.interstice.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * @param directory          root directory of the storage (created if missing)
 * @param segmentBytes       the active log segment is sealed (and a new one started) once it reaches this size
 * @param fastFlushInterval  upper bound on how long an appended record may wait for its fsync when no caller
 *                           waits for durability ("fast" acks)
 * @param salvage            on corruption before the log tail, truncate at the last good transaction and report the
 *                           loss instead of failing with {@link StorageCorruptionException}
 */
public record StorageConfig(Path directory, long segmentBytes, Duration fastFlushInterval, boolean salvage) {
  public static final long DEFAULT_SEGMENT_BYTES = 32L << 20;
  public static final Duration DEFAULT_FAST_FLUSH_INTERVAL = Duration.ofMillis(10);
  public static final long MAX_SEGMENT_BYTES = 1L << 30;

  public StorageConfig {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(fastFlushInterval, "fastFlushInterval");
    if (segmentBytes < 4096 || segmentBytes > MAX_SEGMENT_BYTES)
      throw new IllegalArgumentException("segmentBytes must be in [4096, 1 GiB]: " + segmentBytes);
    if (fastFlushInterval.isNegative() || fastFlushInterval.isZero())
      throw new IllegalArgumentException("fastFlushInterval must be positive: " + fastFlushInterval);
  }

  public static StorageConfig defaults(Path dir) {
    return new StorageConfig(dir, DEFAULT_SEGMENT_BYTES, DEFAULT_FAST_FLUSH_INTERVAL, false);
  }

  public StorageConfig withSegmentBytes(long bytes) {
    return new StorageConfig(directory, bytes, fastFlushInterval, salvage);
  }

  public StorageConfig withFastFlushInterval(Duration interval) {
    return new StorageConfig(directory, segmentBytes, interval, salvage);
  }

  public StorageConfig withSalvage(boolean salvage) {
    return new StorageConfig(directory, segmentBytes, fastFlushInterval, salvage);
  }
}
