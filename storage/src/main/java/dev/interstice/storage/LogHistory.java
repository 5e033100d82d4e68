package dev.interstice.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log segments a snapshot covers, kept in {@code <dir>/history/} under {@link LogRetention} so the log can be read
 * after compaction. Recovery never looks here: moving a segment out of {@code wal/} is what takes it out of replay.
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

    /** Deletes kept segments, oldest first, while they exceed the byte bound or are older than the age bound. */
    void prune(long nowMs) throws IOException {
        if (!Files.isDirectory(dir)) return;
        List<Segments.OnDisk> kept = Segments.list(dir);
        long total = 0;
        for (Segments.OnDisk s : kept) total += Files.size(s.path());
        long oldest = nowMs - retention.maxAge().toMillis();
        boolean deleted = false;
        for (Segments.OnDisk s : kept) {
            long size = Files.size(s.path());
            boolean old = Files.getLastModifiedTime(s.path()).toMillis() < oldest;
            if (total <= retention.maxBytes() && !old) break;
            AtomicFiles.deleteIfExists(s.path());
            total -= size;
            deleted = true;
        }
        if (deleted) {
            AtomicFiles.fsyncDirectory(dir);
            log.debug("log history pruned to {} bytes", total);
        }
    }
}
