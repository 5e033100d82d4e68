package dev.interstice.storage;

import dev.interstice.abi.schema.Persistence;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Reads committed transactions back from a storage directory's log: the kept history ({@code history/}) and the live
 * log ({@code wal/}). Read-only and lock-free: it works on a stopped node's directory and beside a running
 * {@link Storage} (which moves and deletes segments meanwhile: a read that loses a file starts again).
 */
public final class TxLog {
    private TxLog() {}

    /** A transaction as logged: its log position and its record (the origin is null for records written without). */
    public record Entry(long lsn, TxRecord record) {}

    private static final int ATTEMPTS = 5;
    private static final int PEEK_FRAMES = 16;

    /**
     * The first {@code limit} transactions with a txId of at least {@code fromTx} and an LSN of at most {@code maxLsn}
     * that {@code filter} accepts, oldest first. Tables the reader cannot name (declared and dropped in log that is no
     * longer kept) show as module {@code ""}, table {@code "#<number>"}. A damaged record ends the read there.
     */
    public static List<Entry> read(Path dir, long fromTx, int limit, long maxLsn, Predicate<TxRecord> filter)
            throws IOException {
        return read(dir, fromTx, limit, maxLsn, filter, null);
    }

    /**
     * As {@link #read(Path, long, int, long, Predicate)}; {@code known} (null: none) names the tables a running storage
     * has, so that the live log before {@code fromTx} need not be read for its declarations.
     */
    static List<Entry> read(
            Path dir, long fromTx, int limit, long maxLsn, Predicate<TxRecord> filter, Map<Integer, TableId> known)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return readOnce(dir, fromTx, limit, maxLsn, filter, known);
            } catch (NoSuchFileException e) {
                if (attempt == ATTEMPTS) throw e; // compaction keeps moving the files away: give up
            }
        }
    }

    private static List<Entry> readOnce(
            Path dir, long fromTx, int limit, long maxLsn, Predicate<TxRecord> filter, Map<Integer, TableId> known)
            throws IOException {
        Map<Integer, TableId> names = new HashMap<>();
        if (known != null) names.putAll(known);
        List<SnapshotFile.OnDisk> snaps = SnapshotFile.list(dir);
        if (!snaps.isEmpty())
            try (SnapshotFile.Reader r = new SnapshotFile.Reader(snaps.getLast().path())) {
                for (Registry.Meta m : r.tables) names.put(m.no(), m.id());
            }
        List<Segments.OnDisk> segs = segments(dir);
        int start = 0;
        for (int i = 1; i < segs.size(); i++) {
            long first = firstTxId(segs.get(i).path());
            if (first >= 0 && first <= fromTx) start = i;
            if (first > fromTx) break;
        }
        if (known == null) {
            // tables declared in the live log before the start: its declarations are read too (the transactions
            // there are all before fromTx); tables declared before the snapshot are in it
            Path wal = dir.resolve("wal");
            for (int i = 0; i < start; i++)
                if (segs.get(i).path().getParent().endsWith(wal.getFileName())) {
                    start = i;
                    break;
                }
        }
        Collector c = new Collector(names, fromTx, limit, maxLsn, filter);
        for (Segments.OnDisk s : segs.subList(start, segs.size())) {
            if (c.out.size() >= limit || s.firstLsn() > maxLsn) break;
            byte[] data = Files.readAllBytes(s.path());
            Segments.scan(data, data.length, s.firstLsn(), null, c); // stops at the first bad frame (a torn tail)
        }
        return c.out;
    }

    /** Whether the kept log still begins with the storage's first record (nothing of it was pruned). */
    public static boolean reachesStart(Path dir) throws IOException {
        List<Segments.OnDisk> segs = segments(dir);
        return segs.isEmpty()
                ? SnapshotFile.list(dir).isEmpty()
                : segs.getFirst().firstLsn() == 1;
    }

    /**
     * A snapshot from which the kept log can be re-executed: its file, LSN and last transaction, and whether it is the
     * live one (whose STATEFUL tables' rows are the row files in {@code rows/}).
     */
    public record Start(Path snapshot, long lsn, long lastTxId, boolean live) {}

    /**
     * The oldest snapshot that the kept log continues (the log holds every record after it) and that holds all of its
     * state: a kept older one only when it has no STATEFUL tables (their row files keep the latest state only), else
     * the live one. Null when there is none (no snapshot, or the log does not continue any).
     */
    public static Start replayStart(Path dir) throws IOException {
        List<Segments.OnDisk> segs = segments(dir);
        List<SnapshotFile.OnDisk> live = SnapshotFile.list(dir);
        List<SnapshotFile.OnDisk> snaps = new ArrayList<>(live);
        Path history = LogHistory.dir(dir);
        if (Files.isDirectory(history)) snaps.addAll(SnapshotFile.list(history));
        snaps.sort(java.util.Comparator.comparingLong(SnapshotFile.OnDisk::lsn)); // oldest first
        long first = segs.isEmpty() ? Long.MAX_VALUE : segs.getFirst().firstLsn();
        SnapshotFile.OnDisk newest = live.isEmpty() ? null : live.getLast();
        for (SnapshotFile.OnDisk s : snaps) {
            boolean isLive = s.equals(newest);
            if (!isLive && (segs.isEmpty() || s.lsn() + 1 < first)) continue; // the log after it is not kept
            try (SnapshotFile.Reader r = new SnapshotFile.Reader(s.path())) {
                if (!isLive && r.tables.stream().anyMatch(m -> m.mode() == Persistence.STATEFUL)) continue;
                return new Start(s.path(), s.lsn(), r.lastTxId, isLive);
            }
        }
        return null;
    }

    /** The kept history's and the live log's segments by first LSN; a segment moved while listing counts once. */
    static List<Segments.OnDisk> segments(Path dir) throws IOException {
        TreeMap<Long, Segments.OnDisk> byLsn = new TreeMap<>();
        Path wal = dir.resolve("wal");
        Path history = LogHistory.dir(dir);
        if (Files.isDirectory(wal)) for (Segments.OnDisk s : Segments.list(wal)) byLsn.put(s.firstLsn(), s);
        // listed second: a segment moved from wal/ meanwhile is found here, under the path it now has
        if (Files.isDirectory(history)) for (Segments.OnDisk s : Segments.list(history)) byLsn.put(s.firstLsn(), s);
        return new ArrayList<>(byLsn.values());
    }

    /** The txId of the segment's first transaction record among its first few frames, or -1 if none is there. */
    private static long firstTxId(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long pos = 0;
            ByteBuffer head = ByteBuffer.allocate(WalFormat.HEADER + 17);
            for (int i = 0; i < PEEK_FRAMES; i++) {
                head.clear();
                while (head.hasRemaining() && ch.read(head, pos + head.position()) > 0) {
                    // read until full or end of file
                }
                if (head.position() < WalFormat.HEADER + 17) return -1;
                byte[] b = head.array();
                int len = WalFormat.payloadLen(b, 0);
                if (len <= 0 || len > WalFormat.MAX_PAYLOAD) return -1;
                if ((b[WalFormat.HEADER] & WalFormat.FLAG_USER_TX) != 0) return Bytes.getLong(b, WalFormat.HEADER + 1);
                pos += WalFormat.HEADER + len;
            }
            return -1;
        }
    }

    /** Builds the records the read wants from the decoded frames. */
    private static final class Collector implements WalFormat.Visitor {
        final List<Entry> out = new ArrayList<>();
        private final Map<Integer, TableId> names;
        private final long fromTx;
        private final int limit;
        private final long maxLsn;
        private final Predicate<TxRecord> filter;

        private boolean taking;
        private long lsn;
        private long txId;
        private long timestampMs;
        private TxOrigin origin;
        private TxTrace trace;
        private List<byte[]> inputs = List.of();
        private final List<Change> changes = new ArrayList<>();

        Collector(Map<Integer, TableId> names, long fromTx, int limit, long maxLsn, Predicate<TxRecord> filter) {
            this.names = names;
            this.fromTx = fromTx;
            this.limit = limit;
            this.maxLsn = maxLsn;
            this.filter = filter;
        }

        @Override
        public void begin(long lsn, boolean userTx, long txId, long timestampMs) {
            taking = userTx && txId >= fromTx && lsn <= maxLsn && out.size() < limit;
            this.lsn = lsn;
            this.txId = txId;
            this.timestampMs = timestampMs;
            origin = null;
            trace = null;
            inputs = List.of();
            changes.clear();
        }

        @Override
        public void origin(byte[] buf, int off, int len) {
            if (!taking) return;
            try {
                origin = TxOrigin.decode(buf, off, len);
            } catch (Bytes.FormatException e) {
                origin = null; // never needed for the state: the record is shown without it
            }
        }

        @Override
        public void trace(byte[] buf, int off, int len) {
            if (!taking) return;
            try {
                trace = TxTrace.decode(buf, off, len);
            } catch (Bytes.FormatException e) {
                trace = null; // as for the origin: shown without it
            }
        }

        @Override
        public void inputs(byte[] buf, int off, int len) {
            if (!taking) return;
            try {
                var in = new Bytes.Source(buf, off, off + len);
                int n = in.varint(len);
                var out = new ArrayList<byte[]>(n);
                for (int i = 0; i < n; i++) {
                    int at = in.lenBytes();
                    out.add(SnapshotFile.copy(buf, at, in.lastLen));
                }
                inputs = out;
            } catch (Bytes.FormatException e) {
                inputs = List.of(); // a replay then asks the world, as for a record written before inputs were kept
            }
        }

        private TableId name(int no) {
            TableId id = names.get(no);
            return id != null ? id : new TableId("", "#" + no);
        }

        @Override
        public void put(int tableNo, byte[] buf, int keyOff, int keyLen, int rowOff, int rowLen) {
            if (taking)
                changes.add(new Change.Put(
                        name(tableNo), SnapshotFile.copy(buf, keyOff, keyLen), SnapshotFile.copy(buf, rowOff, rowLen)));
        }

        @Override
        public void delete(int tableNo, byte[] buf, int keyOff, int keyLen) {
            if (taking) changes.add(new Change.Delete(name(tableNo), SnapshotFile.copy(buf, keyOff, keyLen)));
        }

        @Override
        public void clear(int tableNo) {
            if (taking) changes.add(new Change.Clear(name(tableNo)));
        }

        @Override
        public void declare(int tableNo, Persistence mode, TableId id) {
            names.put(tableNo, id);
        }

        @Override
        public void drop(int tableNo) {
            // the number is never reused: earlier records keep their name
        }

        @Override
        public void end() {
            if (!taking) return;
            TxRecord r = new TxRecord(txId, timestampMs, changes, origin, trace, inputs);
            if (filter.test(r)) out.add(new Entry(lsn, r));
        }
    }
}
