package dev.interstice.storage;

import dev.interstice.abi.schema.Persistence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Tables as they were after a past transaction ("as of tx N"): the newest snapshot at or before N that the kept log
 * continues (the live one, one kept in {@code history/}, or empty when the log reaches its first record), then the log
 * records up to N, only the asked tables' writes. Read-only and lock-free, like {@link TxLog}.
 */
public final class TableHistory {
    private TableHistory() {}

    private static final int ATTEMPTS = 5;

    /**
     * The asked tables' rows (key to row, unsigned key order) after transaction {@code txId}; {@code txId} is the last
     * transaction at or before the one asked that the log holds (0: none). A table absent then has no rows.
     */
    public record State(long txId, Map<TableId, TreeMap<ByteKey, byte[]>> tables) {}

    /** The kept history does not reach back to the transaction asked for. */
    public static final class NotKept extends StorageException {
        private final long earliestTx;

        NotKept(long asked, long earliestTx, String why) {
            super("the node's kept history does not reach back to tx " + asked + ": " + why);
            this.earliestTx = earliestTx;
        }

        /** The oldest transaction whose state can be read (-1: none can). */
        public long earliestTx() {
            return earliestTx;
        }
    }

    /** The asked tables as of transaction {@code txId}, reading records up to {@code maxLsn} only. */
    public static State asOf(Path dir, Set<TableId> tables, long txId, long maxLsn) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return asOfOnce(dir, tables, txId, maxLsn);
            } catch (NoSuchFileException e) {
                if (attempt == ATTEMPTS) throw e; // compaction keeps moving the files away: give up
            }
        }
    }

    /**
     * The last transaction committed at or before {@code timeMs} (ms since the epoch) among the records up to
     * {@code maxLsn}, or 0 if the kept log holds none that early (then {@link NotKept} if the log has been pruned).
     */
    public static long txAt(Path dir, long timeMs, long maxLsn) throws IOException {
        List<Segments.OnDisk> segs = segments(dir);
        long[] found = {0, -1}; // last tx at or before the time; first tx seen
        for (Segments.OnDisk s : segs) {
            if (s.firstLsn() > maxLsn) break;
            byte[] data = read(s.path());
            if (data == null) continue;
            boolean[] past = {false};
            Segments.scan(data, data.length, s.firstLsn(), null, new WalFormat.Skipping() {
                @Override
                public void begin(long lsn, boolean userTx, long tx, long ts) {
                    if (!userTx || lsn > maxLsn) return;
                    if (found[1] < 0) found[1] = tx;
                    if (ts <= timeMs) found[0] = tx;
                    else past[0] = true;
                }
            });
            if (past[0]) break;
        }
        if (found[0] == 0 && (segs.isEmpty() || segs.getFirst().firstLsn() > 1))
            throw new NotKept(0, found[1], "no kept transaction is that old");
        return found[0];
    }

    private static State asOfOnce(Path dir, Set<TableId> tables, long txId, long maxLsn) throws IOException {
        List<Segments.OnDisk> segs = segments(dir);
        long firstLsn = segs.isEmpty() ? Long.MAX_VALUE : segs.getFirst().firstLsn();
        Base base = base(dir, tables, txId, firstLsn);
        Applier a = new Applier(tables, txId, maxLsn, base);
        for (int i = 0; i < segs.size() && !a.done; i++) {
            Segments.OnDisk s = segs.get(i);
            if (s.firstLsn() > maxLsn) break;
            if (i + 1 < segs.size() && segs.get(i + 1).firstLsn() <= base.lsn + 1) continue; // wholly before the base
            byte[] data = read(s.path());
            if (data == null) throw new NoSuchFileException(s.path().toString());
            Segments.scan(data, data.length, s.firstLsn(), null, a);
        }
        return new State(a.lastTx, a.rows);
    }

    /** Where reading starts: a snapshot's rows and registry, or nothing at LSN 0. */
    private record Base(
            long lsn, long lastTxId, Map<Integer, TableId> names, Map<TableId, TreeMap<ByteKey, byte[]>> rows) {}

    private static Base base(Path dir, Set<TableId> tables, long txId, long firstLsn) throws IOException {
        List<SnapshotFile.OnDisk> snaps = new ArrayList<>(SnapshotFile.list(dir));
        Path history = LogHistory.dir(dir);
        if (Files.isDirectory(history)) snaps.addAll(SnapshotFile.list(history));
        snaps.sort((x, y) -> Long.compare(y.lsn(), x.lsn())); // newest first
        long earliest = -1;
        for (SnapshotFile.OnDisk s : snaps) {
            if (s.lsn() + 1 < firstLsn) continue; // the log after it is no longer kept
            try (SnapshotFile.Reader r = new SnapshotFile.Reader(s.path())) {
                if (stateful(r, tables)) continue; // its rows are in row files, which hold only the latest state
                earliest = r.lastTxId;
                if (r.lastTxId <= txId) return read(r, tables);
            }
        }
        if (firstLsn == 1 || firstLsn == Long.MAX_VALUE && snaps.isEmpty())
            return new Base(0, 0, new HashMap<>(), new HashMap<>());
        throw new NotKept(
                txId,
                earliest,
                earliest < 0
                        ? "its log was pruned (storage README, log retention)"
                        : "the oldest state it keeps is as of tx " + earliest);
    }

    private static boolean stateful(SnapshotFile.Reader r, Set<TableId> tables) {
        for (Registry.Meta m : r.tables) if (m.mode() == Persistence.STATEFUL && tables.contains(m.id())) return true;
        return false;
    }

    private static Base read(SnapshotFile.Reader r, Set<TableId> tables) throws IOException {
        Map<Integer, TableId> names = new HashMap<>();
        for (Registry.Meta m : r.tables) names.put(m.no(), m.id());
        Map<TableId, TreeMap<ByteKey, byte[]>> rows = new HashMap<>();
        for (int no = r.nextSection(); no >= 0; no = r.nextSection()) {
            TableId id = names.get(no);
            if (id == null || !tables.contains(id)) continue;
            TreeMap<ByteKey, byte[]> t = rows.computeIfAbsent(id, k -> new TreeMap<>());
            while (r.nextRow()) t.put(new ByteKey(r.key()), r.row());
        }
        return new Base(r.lsn, r.lastTxId, names, rows);
    }

    /** Applies the asked tables' writes of the records after the base up to the asked transaction. */
    private static final class Applier extends WalFormat.Skipping {
        final Map<TableId, TreeMap<ByteKey, byte[]>> rows;
        private final Set<TableId> tables;
        private final Map<Integer, TableId> names;
        private final long txId;
        private final long maxLsn;
        private final long baseLsn;
        long lastTx;
        boolean done;
        private boolean taking;

        Applier(Set<TableId> tables, long txId, long maxLsn, Base base) {
            this.tables = tables;
            this.txId = txId;
            this.maxLsn = maxLsn;
            this.baseLsn = base.lsn;
            this.names = base.names;
            this.rows = base.rows;
            this.lastTx = base.lastTxId;
        }

        @Override
        public void begin(long lsn, boolean userTx, long tx, long timestampMs) {
            if (lsn > maxLsn || userTx && tx > txId) done = true;
            taking = !done && lsn > baseLsn;
            if (taking && userTx) lastTx = tx;
        }

        private TreeMap<ByteKey, byte[]> table(int no) {
            if (!taking) return null;
            TableId id = names.get(no);
            return id == null || !tables.contains(id) ? null : rows.computeIfAbsent(id, k -> new TreeMap<>());
        }

        @Override
        public void put(int no, byte[] buf, int keyOff, int keyLen, int rowOff, int rowLen) {
            var t = table(no);
            if (t != null)
                t.put(new ByteKey(SnapshotFile.copy(buf, keyOff, keyLen)), SnapshotFile.copy(buf, rowOff, rowLen));
        }

        @Override
        public void delete(int no, byte[] buf, int keyOff, int keyLen) {
            var t = table(no);
            if (t != null) t.remove(new ByteKey(SnapshotFile.copy(buf, keyOff, keyLen)));
        }

        @Override
        public void clear(int no) {
            var t = table(no);
            if (t != null) t.clear();
        }

        @Override
        public void declare(int no, Persistence mode, TableId id) {
            if (taking) names.put(no, id);
        }

        @Override
        public void drop(int no) {
            var t = table(no); // a dropped table has no rows; a table declared again under its name starts empty
            if (t != null) t.clear();
        }
    }

    private static List<Segments.OnDisk> segments(Path dir) throws IOException {
        TreeMap<Long, Segments.OnDisk> byLsn = new TreeMap<>();
        Path wal = dir.resolve("wal");
        Path history = LogHistory.dir(dir);
        if (Files.isDirectory(wal)) for (Segments.OnDisk s : Segments.list(wal)) byLsn.put(s.firstLsn(), s);
        if (Files.isDirectory(history)) for (Segments.OnDisk s : Segments.list(history)) byLsn.put(s.firstLsn(), s);
        return new ArrayList<>(byLsn.values());
    }

    private static byte[] read(Path p) throws IOException {
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
