package dev.interstice.storage;

import dev.interstice.abi.schema.Persistence;
import dev.interstice.storage.Bytes.FormatException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the state at open: newest snapshot, then the row files of stateful tables, then every log record after
 * the snapshot's LSN. Repairs a torn tail; reports or (with salvage) cuts off corruption.
 */
final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    record Result(
            long lastLsn,
            long lastTxId,
            Registry registry,
            Map<Integer, RecoveredRows> rows,
            List<String> warnings,
            List<RecoveredState.Truncation> truncations,
            Path activePath,
            long activeFirstLsn,
            long activeSize,
            List<Segments.Sealed> sealed,
            SnapshotFile.OnDisk snapshot,
            long snapshotBytes,
            Map<String, byte[]> chainHeads,
            FileChannel snapshotRows) {}

    private final Path root;
    private final Path walDir;
    private final Path rowsDir;
    private final boolean salvage;
    private final LogHistory history;
    private final List<String> warnings = new ArrayList<>();
    private final List<RecoveredState.Truncation> truncations = new ArrayList<>();

    private final Registry registry = new Registry();
    private final Map<Integer, RecoveredRows> rows = new HashMap<>();
    private final Map<String, byte[]> chainHeads = new HashMap<>();
    /** The snapshot, kept open while LOGGED tables' rows are to be read from it (compaction may delete the file). */
    private FileChannel snapshotRows;

    private long lastTxId;
    private long applyFrom; // records below this LSN are validated but not applied (covered by the snapshot)

    Recovery(Path root, Path walDir, Path rowsDir, boolean salvage, LogHistory history) {
        this.root = root;
        this.history = history;
        this.walDir = walDir;
        this.rowsDir = rowsDir;
        this.salvage = salvage;
    }

    Result run() throws IOException {
        try {
            return recover();
        } catch (IOException | RuntimeException e) {
            if (snapshotRows != null) snapshotRows.close();
            throw e;
        }
    }

    private Result recover() throws IOException {
        deleteTmpFiles(root);
        deleteTmpFiles(walDir); // unused preallocated segments

        // 1. snapshot
        List<SnapshotFile.OnDisk> snaps = SnapshotFile.list(root);
        SnapshotFile.OnDisk snap = snaps.isEmpty() ? null : snaps.getLast();
        long snapLsn = 0;
        long snapBytes = 0;
        if (snap != null) {
            snapBytes = Files.size(snap.path());
            loadSnapshot(snap);
            snapLsn = snap.lsn();
            for (SnapshotFile.OnDisk old : snaps.subList(0, snaps.size() - 1)) AtomicFiles.deleteIfExists(old.path());
            if (snaps.size() > 1) AtomicFiles.fsyncDirectory(root);
        }

        // 2. stateful row files (state as of snapLsn); anything else under rows/ is garbage from an unfinished
        // compaction
        loadRowFiles();

        // 3. log
        applyFrom = snapLsn + 1;
        SegmentResult seg = replayLog(snapLsn);

        Map<Integer, RecoveredRows> live = new HashMap<>();
        for (Registry.Meta m : registry.all()) live.put(m.no(), rows.computeIfAbsent(m.no(), k -> new RecoveredRows()));
        if (snapshotRows != null && live.values().stream().noneMatch(RecoveredRows::readsSnapshot)) {
            snapshotRows.close(); // every section was cleared or dropped by the log
            snapshotRows = null;
        }
        return new Result(
                seg.lastLsn,
                lastTxId,
                registry,
                live,
                warnings,
                truncations,
                seg.activePath,
                seg.activeFirstLsn,
                seg.activeSize,
                seg.sealed,
                snap,
                snapBytes,
                chainHeads,
                snapshotRows);
    }

    private void warn(String msg) {
        log.warn(msg);
        warnings.add(msg);
    }

    private static void deleteTmpFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.tmp")) {
            for (Path p : ds) AtomicFiles.deleteIfExists(p);
        }
    }

    // ----------------------------------------------------------------------------------------------------- snapshot

    /**
     * Reads and checks the whole snapshot (every block's CRC, every entry). A LOGGED table of more than {@link
     * RecoveredRows#COPIED_ROWS} rows is only counted and its section noted, to be read again from the open file when
     * the runtime loads it; a smaller one's rows are copied.
     */
    private void loadSnapshot(SnapshotFile.OnDisk snap) throws IOException {
        FileChannel ch = FileChannel.open(snap.path(), StandardOpenOption.READ);
        boolean keep = false;
        try (SnapshotFile.Reader r = new SnapshotFile.Reader(snap.path(), ch, false)) {
            if (r.lsn != snap.lsn())
                throw new StorageCorruptionException(snap.path(), 0, "snapshot header says LSN " + r.lsn);
            for (Registry.Meta m : r.tables) {
                registry.put(m);
                rows.put(m.no(), new RecoveredRows());
            }
            registry.raiseNextNo(r.nextTableNo);
            lastTxId = r.lastTxId;
            chainHeads.putAll(r.chainHeads);
            int no;
            while ((no = r.nextSection()) >= 0) {
                Registry.Meta m = registry.byNo(no);
                if (m == null || m.mode() != Persistence.LOGGED)
                    throw new StorageCorruptionException(
                            snap.path(), 0, "rows for table number " + no + " not listed as LOGGED");
                // a small table's rows are copied as they are read; a larger one's are only counted
                SnapshotFile.Section section = r.section();
                RecoveredRows t = rows.get(no);
                int n = 0;
                while (r.nextRow()) {
                    if (n < RecoveredRows.COPIED_ROWS)
                        t.addBase(r.buf(), r.keyOff(), r.keyLen(), r.buf(), r.rowOff(), r.rowLen());
                    n++;
                }
                if (n <= RecoveredRows.COPIED_ROWS) continue;
                RecoveredRows large = new RecoveredRows();
                large.snapshotBase(snap.path(), ch, section, n);
                rows.put(no, large);
                keep = true;
            }
        } finally {
            if (keep) snapshotRows = ch;
            else ch.close();
        }
    }

    // ----------------------------------------------------------------------------------------------------- row files

    private void loadRowFiles() throws IOException {
        Set<Path> keep = new HashSet<>();
        for (Registry.Meta m : registry.all()) {
            if (m.mode() != Persistence.STATEFUL) continue;
            Path dir = RowFiles.tableDir(rowsDir, m.id());
            keep.add(dir);
            if (!Files.isDirectory(dir)) continue;
            RecoveredRows t = rows.get(m.no());
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    if (name.endsWith(RowFiles.TMP_SUFFIX)) {
                        AtomicFiles.deleteIfExists(p);
                        continue;
                    }
                    if (!name.endsWith(RowFiles.SUFFIX)) continue;
                    byte[][] kv;
                    try {
                        kv = RowFiles.decode(p, Files.readAllBytes(p));
                    } catch (StorageCorruptionException e) {
                        if (!salvage) throw e;
                        warn("salvage: dropped unreadable row file " + p + " of table " + m.id() + ": "
                                + e.getMessage());
                        continue;
                    }
                    t.addBase(kv[0], 0, kv[0].length, kv[1], 0, kv[1].length);
                }
            }
        }
        // Directories of tables that are not stateful in the snapshot hold no state: remove them.
        if (!Files.isDirectory(rowsDir)) return;
        boolean removed = false;
        try (DirectoryStream<Path> modules = Files.newDirectoryStream(rowsDir)) {
            for (Path mod : modules) {
                if (!Files.isDirectory(mod)) {
                    AtomicFiles.deleteIfExists(mod);
                    continue;
                }
                boolean any = false;
                try (DirectoryStream<Path> tables = Files.newDirectoryStream(mod)) {
                    for (Path t : tables) {
                        if (keep.contains(t)) {
                            any = true;
                        } else {
                            RowFiles.deleteTree(t);
                            removed = true;
                        }
                    }
                }
                if (!any) {
                    RowFiles.deleteTree(mod);
                    removed = true;
                }
            }
        }
        if (removed) AtomicFiles.fsyncDirectory(rowsDir);
    }

    // ----------------------------------------------------------------------------------------------------- log

    private record SegmentResult(
            long lastLsn, Path activePath, long activeFirstLsn, long activeSize, List<Segments.Sealed> sealed) {}

    /** Applies records to the in-memory state (after the registry checker accepted them). */
    private final WalFormat.Visitor applier = new WalFormat.Visitor() {
        private boolean skip;

        @Override
        public void begin(long lsn, boolean userTx, long txId, long timestampMs) {
            skip = lsn < applyFrom;
            if (!skip && userTx && txId > lastTxId) lastTxId = txId;
        }

        @Override
        public void put(int tableNo, byte[] buf, int keyOff, int keyLen, int rowOff, int rowLen) {
            if (skip) return;
            rows.get(tableNo).put(SnapshotFile.copy(buf, keyOff, keyLen), SnapshotFile.copy(buf, rowOff, rowLen));
        }

        @Override
        public void delete(int tableNo, byte[] buf, int keyOff, int keyLen) {
            if (skip) return;
            rows.get(tableNo).delete(SnapshotFile.copy(buf, keyOff, keyLen));
        }

        @Override
        public void clear(int tableNo) {
            if (skip) return;
            rows.put(tableNo, new RecoveredRows());
        }

        @Override
        public void link(String module, byte[] buf, int hashOff, int payloadOff, int hashedLen) {
            if (!skip) chainHeads.put(module, SnapshotFile.copy(buf, hashOff, AuditChain.HASH_BYTES));
        }

        @Override
        public void declare(int tableNo, Persistence mode, TableId id) {
            if (skip) return;
            registry.put(new Registry.Meta(tableNo, id, mode));
            rows.computeIfAbsent(tableNo, k -> new RecoveredRows());
        }

        @Override
        public void drop(int tableNo) {
            if (skip) return;
            registry.remove(tableNo);
            rows.remove(tableNo);
        }
    };

    /** Checks table references only for records that will be applied. */
    private final WalFormat.Visitor checker = new WalFormat.Visitor() {
        private boolean skip;

        @Override
        public void begin(long lsn, boolean userTx, long txId, long timestampMs) {
            skip = lsn < applyFrom;
        }

        @Override
        public void put(int tableNo, byte[] buf, int keyOff, int keyLen, int rowOff, int rowLen)
                throws FormatException {
            if (!skip) registry.checker.put(tableNo, buf, keyOff, keyLen, rowOff, rowLen);
        }

        @Override
        public void delete(int tableNo, byte[] buf, int keyOff, int keyLen) throws FormatException {
            if (!skip) registry.checker.delete(tableNo, buf, keyOff, keyLen);
        }

        @Override
        public void clear(int tableNo) throws FormatException {
            if (!skip) registry.checker.clear(tableNo);
        }

        @Override
        public void declare(int tableNo, Persistence mode, TableId id) throws FormatException {
            if (!skip) registry.checker.declare(tableNo, mode, id);
        }

        @Override
        public void drop(int tableNo) throws FormatException {
            if (!skip) registry.checker.drop(tableNo);
        }
    };

    private SegmentResult replayLog(long snapLsn) throws IOException {
        List<Segments.OnDisk> segs = new ArrayList<>(Segments.list(walDir));
        boolean dirChanged = trimToSnapshot(segs, snapLsn);
        if (segs.isEmpty()) {
            Path p = walDir.resolve(Segments.name(snapLsn + 1));
            PrivateFiles.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)
                    .close(); // empty active segment
            AtomicFiles.fsyncDirectory(walDir);
            return new SegmentResult(snapLsn, p, snapLsn + 1, 0, List.of());
        }
        List<Segments.Sealed> sealed = new ArrayList<>();
        long next = segs.getFirst().firstLsn();
        for (int i = 0; i < segs.size(); i++) {
            Segments.OnDisk seg = segs.get(i);
            if (seg.firstLsn() != next) return cutAtGap(segs, i, next, sealed);
            long size = Files.size(seg.path());
            if (size > Integer.MAX_VALUE - 16)
                throw new StorageCorruptionException(
                        seg.path(), Integer.MAX_VALUE, "segment too large (" + size + " bytes)");
            byte[] data = Files.readAllBytes(seg.path());
            Segments.Scan scan = Segments.scan(data, data.length, next, checker, applier);
            if (!scan.clean()) return cutAtDamage(segs, i, data, scan, sealed, snapLsn, dirChanged);
            next = scan.nextLsn();
            int end = scan.validEnd(); // < data.length if the segment ends with preallocated zeros
            if (i == segs.size() - 1)
                return finish(
                        new SegmentResult(next - 1, seg.path(), seg.firstLsn(), end, sealed), snapLsn, dirChanged);
            sealed.add(new Segments.Sealed(seg.path(), seg.firstLsn(), next - 1, end));
        }
        throw new IllegalStateException("unreachable");
    }

    /**
     * Retires segments wholly covered by the snapshot (left by a crash before the compactor retired them); if the log
     * does not continue the snapshot, fails or (salvage) drops every segment. Returns whether files were deleted.
     */
    private boolean trimToSnapshot(List<Segments.OnDisk> segs, long snapLsn) throws IOException {
        boolean dirChanged = false;
        List<Path> covered = new ArrayList<>();
        while (segs.size() > 1 && segs.get(1).firstLsn() <= snapLsn + 1)
            covered.add(segs.removeFirst().path());
        history.retire(covered); // into the history (or deleted), the directories fsynced
        history.prune(System.currentTimeMillis());
        if (!segs.isEmpty() && segs.getFirst().firstLsn() > snapLsn + 1) {
            Segments.OnDisk first = segs.getFirst();
            String why = "log records " + (snapLsn + 1) + ".." + (first.firstLsn() - 1)
                    + " are missing (snapshot covers up to " + snapLsn + ", first segment starts at " + first.firstLsn()
                    + ")";
            if (!salvage) throw new StorageCorruptionException(first.path(), 0, why);
            long lastSeen = lastLsnOf(segs);
            long dropped = deleteFrom(segs, 0);
            recordLoss(first.path(), 0, dropped, snapLsn + 1, lastSeen, true, why);
            segs.clear();
            dirChanged = true;
        }
        return dirChanged;
    }

    /** Segment {@code i} does not start at LSN {@code next}: fails, or (salvage) the previous one becomes active. */
    private SegmentResult cutAtGap(List<Segments.OnDisk> segs, int i, long next, List<Segments.Sealed> sealed)
            throws IOException {
        Segments.OnDisk seg = segs.get(i);
        String why = "segment starts at LSN " + seg.firstLsn() + " but the previous one ends at LSN " + (next - 1);
        if (!salvage) throw new StorageCorruptionException(seg.path(), 0, why);
        long lastLost = Math.max(next - 1, lastLsnOf(segs.subList(i, segs.size())));
        long dropped = deleteFrom(segs, i);
        recordLoss(seg.path(), 0, dropped, next, lastLost, true, why);
        Segments.Sealed prev = sealed.removeLast();
        AtomicFiles.fsyncDirectory(walDir);
        return new SegmentResult(next - 1, prev.path(), prev.firstLsn(), prev.bytes(), sealed);
    }

    /**
     * Segment {@code i} is damaged at {@code scan.validEnd()}: a torn tail is truncated; corruption fails, or (salvage)
     * is truncated with every later segment.
     */
    private SegmentResult cutAtDamage(
            List<Segments.OnDisk> segs,
            int i,
            byte[] data,
            Segments.Scan scan,
            List<Segments.Sealed> sealed,
            long snapLsn,
            boolean dirChanged)
            throws IOException {
        Segments.OnDisk seg = segs.get(i);
        boolean last = i == segs.size() - 1;
        int n = data.length;
        long badLsn = scan.nextLsn();
        int off = scan.validEnd();
        Segments.Later later = Segments.scanLater(data, off, n, badLsn);
        boolean corrupt = !last || scan.certainCorruption() || later.writtenAfterBadWasDurable();
        if (!corrupt) {
            // Torn tail: the last write never completed (so it was never acknowledged).
            long dropped = n - off;
            String msg =
                    "torn log tail in " + seg.path() + " at offset " + off + ": " + scan.badReason() + "; truncated "
                            + dropped + " bytes ("
                            + (later.count() == 0
                                    ? "no complete record"
                                    : later.count() + " unacknowledged record(s) up to LSN " + later.maxLsn())
                            + " lost)";
            truncate(seg.path(), off);
            truncations.add(new RecoveredState.Truncation(
                    seg.path(),
                    off,
                    dropped,
                    badLsn,
                    later.count() == 0 ? badLsn - 1 : later.maxLsn(),
                    false,
                    scan.badReason()));
            warn(msg);
            return finish(new SegmentResult(badLsn - 1, seg.path(), seg.firstLsn(), off, sealed), snapLsn, dirChanged);
        }
        String why = scan.badReason()
                + (!last
                        ? " (in a sealed segment)"
                        : later.count() > 0
                                ? "; followed by " + later.count() + " valid record(s) up to LSN " + later.maxLsn()
                                : "");
        if (!salvage) throw new StorageCorruptionException(seg.path(), off, why);
        long lastLost = Math.max(later.maxLsn(), lastLsnOf(segs.subList(i + 1, segs.size())));
        long dropped = (n - off) + deleteFrom(segs, i + 1);
        truncate(seg.path(), off);
        recordLoss(seg.path(), off, dropped, badLsn, Math.max(lastLost, badLsn), true, why);
        return finish(new SegmentResult(badLsn - 1, seg.path(), seg.firstLsn(), off, sealed), snapLsn, true);
    }

    private SegmentResult finish(SegmentResult r, long snapLsn, boolean dirChanged) throws IOException {
        if (r.lastLsn < snapLsn)
            throw new StorageCorruptionException(
                    r.activePath,
                    r.activeSize,
                    "log ends at LSN " + r.lastLsn + " before the snapshot's LSN " + snapLsn);
        if (dirChanged) AtomicFiles.fsyncDirectory(walDir);
        return r;
    }

    private void recordLoss(
            Path file, long off, long dropped, long firstLost, long lastLost, boolean salvaged, String why) {
        truncations.add(new RecoveredState.Truncation(file, off, dropped, firstLost, lastLost, salvaged, why));
        warn("salvage: corruption in " + file + " at offset " + off + " (" + why + "); truncated there, dropping "
                + dropped + " bytes: log records " + firstLost + ".." + lastLost + " are lost");
    }

    /** Deletes segments[from..] and returns their total size. */
    private static long deleteFrom(List<Segments.OnDisk> segs, int from) throws IOException {
        long dropped = 0;
        for (int j = from; j < segs.size(); j++) {
            Path p = segs.get(j).path();
            dropped += Files.size(p);
            AtomicFiles.deleteIfExists(p);
        }
        return dropped;
    }

    /** Best-effort largest LSN in the given (dropped) segments, read leniently. */
    private static long lastLsnOf(List<Segments.OnDisk> segs) {
        long max = 0;
        for (Segments.OnDisk s : segs) {
            max = Math.max(max, s.firstLsn() - 1);
            try {
                byte[] d = Files.readAllBytes(s.path());
                Segments.Scan sc = Segments.scan(d, d.length, s.firstLsn(), null, null);
                max = Math.max(max, sc.nextLsn() - 1);
                if (!sc.clean())
                    max = Math.max(
                            max,
                            Segments.scanLater(d, sc.validEnd(), d.length, sc.nextLsn())
                                    .maxLsn());
            } catch (IOException e) {
                // already deleted or unreadable: the file name is all we know
            }
        }
        return max;
    }

    private static void truncate(Path p, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(size);
            ch.force(true);
        }
    }
}
