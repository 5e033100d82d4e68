package dev.interstice.storage;

/**
 * Counters since {@link Storage#open}.
 *
 * @param appendedRecords          log records appended (transactions plus table declarations/drops)
 * @param appendedBytes            framed bytes appended to the log
 * @param lastLsn                  LSN of the last appended record
 * @param durableLsn               every record up to this LSN is fsynced
 * @param writes                   batches written (one write call per batch)
 * @param fsyncs                   {@code FileChannel.force} calls on log segments
 * @param fsyncMicros              total time spent in those calls (they may overlap), for the mean fsync latency
 * @param maxBatchRecords          largest number of records covered by one fsync
 * @param segmentsSealed           log segments rolled over
 * @param backpressureWaits        appends that had to wait because 8 MiB of log data were already waiting for the
 *                                 writer (appends outpacing the disk)
 * @param snapshotsTaken           successful compactions (each writes one snapshot file)
 * @param lastSnapshotLsn          LSN covered by the newest snapshot
 * @param lastSnapshotMillis       wall time of the last compaction
 * @param totalSnapshotMillis      wall time of all compactions
 * @param logBytesOnDisk           size of the live log segments
 * @param snapshotBytes            size of the current snapshot file
 * @param rowFilesWritten          stateful row files written by compactions
 * @param failure                  null while healthy; otherwise why the log refuses appends
 */
public record StorageStats(
        long appendedRecords,
        long appendedBytes,
        long lastLsn,
        long durableLsn,
        long writes,
        long fsyncs,
        long fsyncMicros,
        long maxBatchRecords,
        long segmentsSealed,
        long backpressureWaits,
        long snapshotsTaken,
        long lastSnapshotLsn,
        long lastSnapshotMillis,
        long totalSnapshotMillis,
        long logBytesOnDisk,
        long snapshotBytes,
        long rowFilesWritten,
        String failure) {}
