package dev.interstice.storage;

/**
 * What compactions did since open, as reported by {@link Storage#stats()}. Written only by the compactor thread
 * (so plain read-modify-write of the volatile fields is safe), read from any thread.
 */
final class CompactionStats {
    private volatile long snapshotBytes;
    private volatile long snapshotsTaken;
    private volatile long lastSnapshotLsn;
    private volatile long lastMillis;
    private volatile long totalMillis;
    private volatile long rowFilesWritten;

    /** Starts from the snapshot recovery found (lsn 0 and 0 bytes: none). */
    CompactionStats(long snapshotLsn, long snapshotBytes) {
        this.lastSnapshotLsn = snapshotLsn;
        this.snapshotBytes = snapshotBytes;
    }

    /** A new snapshot file of this size is in place (counted as taken once its run completes). */
    void installed(long bytes) {
        snapshotBytes = bytes;
    }

    /** A compaction run finished: its snapshot covers {@code lsn}. */
    void completed(long lsn, long millis, long rowFiles) {
        rowFilesWritten += rowFiles;
        lastMillis = millis;
        totalMillis += millis;
        lastSnapshotLsn = lsn;
        snapshotsTaken++;
    }

    long snapshotBytes() {
        return snapshotBytes;
    }

    long snapshotsTaken() {
        return snapshotsTaken;
    }

    long lastSnapshotLsn() {
        return lastSnapshotLsn;
    }

    long lastMillis() {
        return lastMillis;
    }

    long totalMillis() {
        return totalMillis;
    }

    long rowFilesWritten() {
        return rowFilesWritten;
    }
}
