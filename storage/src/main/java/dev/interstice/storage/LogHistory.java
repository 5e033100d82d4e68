package dev.interstice.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log segments a snapshot covers, kept in {@code <dir>/history/} under {@link LogRetention} so the log can be read
 * after compaction, and some replaced snapshots, so that past states can be read from a nearby start
 * ({@link TableHistory}). Recovery never looks here: moving a segment out of {@code wal/} is what takes it out of
 * replay.
 */
final class LogHistory {
    private static final Logger log = LoggerFactory.getLogger(LogHistory.class);

    private final Path dir;
    private final Path walDir;
    private final LogRetention retention;

    LogHistory(Path root, LogRetention retention) {
        this.dir = dir(root);
        this.walDir = root.resolve("wal");
        this.retention = retention;
    }

    static Path dir(Path root) {
        return root.resolve("history");
    }

    /**
     * Takes covered segments out of {@code wal/}: moved here (the directories fsynced) and the history pruned, or
     * deleted when retention keeps nothing.
     */
    void retire(List<Path> covered) throws IOException {
        if (covered.isEmpty()) return;
        if (retention.keepsNothing()) {
            for (Path p : covered) AtomicFiles.deleteIfExists(p);
            AtomicFiles.fsyncDirectory(walDir);
            return;
        }
        AtomicFiles.createDirectoriesDurably(dir);
        for (Path p : covered) AtomicFiles.move(p, dir.resolve(p.getFileName()));
        AtomicFiles.fsyncDirectory(dir);
        AtomicFiles.fsyncDirectory(walDir);
        prune(System.currentTimeMillis());
    }

    /**
     * Takes the snapshot a compaction replaced out of the root: kept here when at least its own size of log was kept
     * since the previous kept snapshot (so snapshots take at most about half the history, and a past state is read
     * from a start at most about a snapshot's size of log before it), else deleted.
     */
    void retireSnapshot(Path snapshot, long lsn) throws IOException {
        Path root = snapshot.getParent();
        if (retention.keepsNothing() || !worthKeeping(lsn, Files.size(snapshot))) {
            AtomicFiles.deleteIfExists(snapshot);
            AtomicFiles.fsyncDirectory(root);
            return;
        }
        AtomicFiles.createDirectoriesDurably(dir);
        AtomicFiles.move(snapshot, dir.resolve(snapshot.getFileName()));
        AtomicFiles.fsyncDirectory(dir);
        AtomicFiles.fsyncDirectory(root);
        prune(System.currentTimeMillis());
    }

    private boolean worthKeeping(long lsn, long bytes) throws IOException {
        if (!Files.isDirectory(dir)) return true;
        List<SnapshotFile.OnDisk> snaps = SnapshotFile.list(dir);
        long previous = snaps.isEmpty() ? -1 : snaps.getLast().lsn();
        if (previous < 0) return true;
        long log = 0;
        for (Segments.OnDisk s : Segments.list(dir))
            if (s.firstLsn() > previous && s.firstLsn() <= lsn) log += Files.size(s.path());
        return log >= bytes;
    }

    /**
     * Deletes kept segments and snapshots, oldest first (a snapshot after the segments that start at or before it),
     * while they exceed the byte bound or are older than the age bound; then the snapshots the kept log no longer
     * continues.
     */
    void prune(long nowMs) throws IOException {
        if (!Files.isDirectory(dir)) return;
        record Kept(Path path, double position, long bytes) {}
        List<Kept> kept = new ArrayList<>();
        for (Segments.OnDisk s : Segments.list(dir)) kept.add(new Kept(s.path(), s.firstLsn(), Files.size(s.path())));
        for (SnapshotFile.OnDisk s : SnapshotFile.list(dir))
            kept.add(new Kept(s.path(), s.lsn() + 0.5, Files.size(s.path())));
        kept.sort(Comparator.comparingDouble(Kept::position));
        long total = 0;
        for (Kept k : kept) total += k.bytes();
        long oldest = nowMs - retention.maxAge().toMillis();
        boolean deleted = false;
        for (Kept k : kept) {
            boolean old = Files.getLastModifiedTime(k.path()).toMillis() < oldest;
            if (total <= retention.maxBytes() && !old) break;
            AtomicFiles.deleteIfExists(k.path());
            total -= k.bytes();
            deleted = true;
        }
        List<Segments.OnDisk> left = Segments.list(dir);
        for (SnapshotFile.OnDisk s : SnapshotFile.list(dir))
            if (left.isEmpty() || s.lsn() + 1 < left.getFirst().firstLsn()) {
                AtomicFiles.deleteIfExists(s.path()); // nothing can be read from it any more
                deleted = true;
            }
        if (deleted) {
            AtomicFiles.fsyncDirectory(dir);
            log.debug("log history pruned to {} bytes", total);
        }
    }
}
