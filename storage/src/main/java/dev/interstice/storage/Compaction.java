package dev.interstice.storage;

import dev.interstice.abi.schema.Persistence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One compaction run: merges the base snapshot with a contiguous run of sealed segments into a new snapshot as of the
 * run's last LSN, in five steps: {@link #collectDelta}, {@link #writeRowFiles}, {@link #writeSnapshot},
 * {@link #install}, {@link #dropCovered}. Reads only files (never the live state), so appends never wait for it.
 *
 * <p>A crash between any two steps is safe: until {@link #install} renames the new snapshot into place the base
 * snapshot and every segment after it are intact, and replaying those over row files that {@link #writeRowFiles}
 * already advanced gives the same state.
 */
final class Compaction {
    /** What {@link #collectDelta} found, used by every later step. */
    record Collected(
            long newLsn,
            long lastTxId,
            Registry oldRegistry,
            Registry registry,
            Map<Integer, Delta> deltas,
            Map<String, byte[]> chainHeads) {}

    /** The new snapshot file, fsynced under its tmp name. */
    record Written(Path tmp, long bytes) {}

    /** The new snapshot, renamed into place: the state as of its LSN. */
    record Installed(SnapshotFile.OnDisk snapshot, long bytes) {}

    /** A completed run. */
    record Result(long lsn, long snapshotBytes, long rowFilesWritten) {}

    private final Path root;
    private final Path rowsDir;
    private final SnapshotFile.OnDisk base; // null: the first snapshot
    private final List<Segments.Sealed> segments;
    private final Wal wal;
    private final RowFileWriter rowFiles;
    private final IoHooks hooks;
    private final CompactionAbort abort;
    private final LogHistory history;

    Compaction(
            Path root,
            SnapshotFile.OnDisk base,
            List<Segments.Sealed> segments,
            Wal wal,
            RowFileWriter rowFiles,
            IoHooks hooks,
            CompactionAbort abort,
            LogHistory history) {
        this.root = root;
        this.rowsDir = root.resolve("rows");
        this.base = base;
        this.segments = segments;
        this.wal = wal;
        this.rowFiles = rowFiles;
        this.hooks = hooks;
        this.abort = abort;
        this.history = history;
    }

    /**
     * Runs every step. {@code onInstalled} hears of the new snapshot as soon as it is in place, before the covered
     * files are dropped (if that fails, the caller must still build on the new snapshot).
     */
    Result run(Consumer<Installed> onInstalled) throws IOException {
        Collected c = collectDelta();
        long files = writeRowFiles(c);
        Written w = writeSnapshot(c);
        Installed installed = install(w, c.newLsn());
        onInstalled.accept(installed);
        dropCovered(c);
        return new Result(c.newLsn(), w.bytes(), files);
    }

    /** Step 1: the base snapshot's registry, and the sealed segments read and CRC-checked into per-table deltas. */
    private Collected collectDelta() throws IOException {
        Registry oldReg = new Registry();
        long lastTxId = 0;
        Map<String, byte[]> heads = Map.of();
        if (base != null) {
            try (SnapshotFile.Reader r = new SnapshotFile.Reader(base.path())) {
                r.tables.forEach(oldReg::put);
                oldReg.raiseNextNo(r.nextTableNo);
                lastTxId = r.lastTxId;
                heads = r.chainHeads;
            }
        }
        DeltaCollector collector = new DeltaCollector(oldReg.copy(), base == null ? 0 : base.lsn(), lastTxId);
        collector.chainHeads.putAll(heads);
        for (Segments.Sealed s : segments) {
            abort.check();
            scan(s, collector);
        }
        return new Collected(
                segments.getLast().lastLsn(),
                collector.lastTxId(),
                oldReg,
                collector.registry,
                collector.deltas,
                collector.chainHeads);
    }

    /** The collector's entries point into the segment's array, which thereby lives for the run. */
    private static void scan(Segments.Sealed s, DeltaCollector collector) throws IOException {
        byte[] data = Files.readAllBytes(s.path());
        Segments.Scan scan = Segments.scan(data, data.length, s.firstLsn(), collector, null);
        if (!scan.clean())
            throw new StorageCorruptionException(
                    s.path(), scan.validEnd(), "sealed segment damaged: " + scan.badReason());
        if (scan.nextLsn() - 1 != s.lastLsn())
            throw new StorageCorruptionException(
                    s.path(),
                    data.length,
                    "sealed segment ends at LSN " + (scan.nextLsn() - 1) + ", expected " + s.lastLsn());
    }

    /** Step 2: STATEFUL tables' row files brought to the new LSN (fsynced) before the snapshot that vouches for them. */
    private long writeRowFiles(Collected c) throws IOException {
        long files = 0;
        for (Registry.Meta m : c.registry().all()) {
            if (m.mode() != Persistence.STATEFUL) continue;
            abort.check();
            files += rowFiles.materialise(
                    m, c.oldRegistry().byNo(m.no()), c.deltas().get(m.no()), base);
        }
        hooks.compactionPoint("rows-written");
        return files;
    }

    /** Step 3: the new snapshot written and fsynced under a tmp name (deleted again on failure). */
    private Written writeSnapshot(Collected c) throws IOException {
        Path tmp = root.resolve(SnapshotFile.name(c.newLsn()) + ".tmp");
        try {
            long bytes = SnapshotMerge.write(tmp, base, c, rowFiles, hooks, abort);
            hooks.compactionPoint("snapshot-written");
            return new Written(tmp, bytes);
        } catch (IOException | RuntimeException e) {
            deleteTmp(tmp);
            throw e;
        }
    }

    /** Step 4: the snapshot renamed into place and its directory fsynced: from here on it is the state as of its LSN. */
    private Installed install(Written w, long lsn) throws IOException {
        Path fin = root.resolve(SnapshotFile.name(lsn));
        try {
            AtomicFiles.move(w.tmp(), fin);
        } catch (IOException | RuntimeException e) {
            deleteTmp(w.tmp());
            throw e;
        }
        AtomicFiles.fsyncDirectory(root);
        hooks.compactionPoint("snapshot-installed");
        return new Installed(new SnapshotFile.OnDisk(fin, lsn), w.bytes());
    }

    private static void deleteTmp(Path tmp) {
        try {
            AtomicFiles.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // best effort; recovery deletes *.tmp
        }
    }

    /**
     * Step 5: the merged segments moved to the log history (deleted without retention), the base snapshot kept there
     * or deleted, and the row files of tables no longer STATEFUL deleted.
     */
    private void dropCovered(Collected c) throws IOException {
        wal.retireSealed(segments, history);
        if (base != null) history.retireSnapshot(base.path(), base.lsn()); // kept for reading past states, or deleted
        Set<Path> statefulDirs = new HashSet<>();
        for (Registry.Meta m : c.registry().all())
            if (m.mode() == Persistence.STATEFUL) statefulDirs.add(RowFiles.tableDir(rowsDir, m.id()));
        for (Registry.Meta m : c.oldRegistry().all()) {
            Path dir = RowFiles.tableDir(rowsDir, m.id());
            if (m.mode() == Persistence.STATEFUL && !statefulDirs.contains(dir) && Files.exists(dir)) {
                RowFiles.deleteTree(dir);
                AtomicFiles.fsyncDirectory(dir.getParent());
            }
        }
    }
}
