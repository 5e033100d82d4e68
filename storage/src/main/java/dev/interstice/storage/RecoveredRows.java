package dev.interstice.storage;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One table's recovered rows without an object per row: a base with distinct keys, and the changes of the log after
 * the snapshot in a map by key over them (a put replaces, a delete hides a base row). The base of a LOGGED table is
 * its section of the snapshot file, read again (and CRC-checked again) from the channel recovery keeps open when the
 * rows are streamed ({@link #snapshotBase}: no copy of them on the heap meanwhile); the base of a STATEFUL table is its
 * row files' rows packed one after another in large chunks, each {@code [keyLen: u32][key][rowLen: u32][row]}.
 * Streamed into a table once ({@link #forEach}); a map is built only when asked for ({@link #toMap}). Not
 * thread-safe: recovery fills it, then it is only read.
 */
final class RecoveredRows {
    /**
     * A LOGGED table of up to this many rows is copied at open (the system tables, small tables: read by key, often
     * kept); a larger one is read from the snapshot file at load.
     */
    static final int COPIED_ROWS = 16_384;

    /** The first chunk's size; each next one is twice as large up to {@link #MAX_CHUNK}. */
    private static final int FIRST_CHUNK = 16 << 10;
    /**
     * 8 MiB less an array header's room: a whole number of G1 regions up to 8 MiB and at least half a region up to
     * 16 MiB (heaps to 32 GB), so large tables' chunks are humongous objects that young collections never copy.
     */
    private static final int MAX_CHUNK = (8 << 20) - 64;
    /** An overlay value that hides the base row of its key (identity-compared). */
    private static final byte[] DELETED = new byte[0];

    private final List<byte[]> chunks = new ArrayList<>();
    /** Bytes used in each chunk. */
    private final List<Integer> used = new ArrayList<>();

    private byte[] current;
    private int at;
    private int baseRows;
    /** The snapshot section holding the base rows instead of chunks, or null. */
    private SnapshotRows snapshot;
    /** The log's changes after the base: key to row, or {@link #DELETED}. */
    private final HashMap<ByteKey, byte[]> overlay = new HashMap<>();

    /** Adds a row of the base (the snapshot's section or a row file); keys are distinct, no overlay yet. */
    void addBase(byte[] kb, int keyOff, int keyLen, byte[] rb, int rowOff, int rowLen) {
        int size = 8 + keyLen + rowLen;
        if (current == null || at + size > current.length) {
            if (current != null) used.set(used.size() - 1, at);
            int next = current == null ? FIRST_CHUNK : (int) Math.min(MAX_CHUNK, 2L * current.length);
            current = new byte[Math.max(next, size)];
            chunks.add(current);
            used.add(0);
            at = 0;
        }
        Bytes.putInt(current, at, keyLen);
        System.arraycopy(kb, keyOff, current, at + 4, keyLen);
        Bytes.putInt(current, at + 4 + keyLen, rowLen);
        System.arraycopy(rb, rowOff, current, at + 8 + keyLen, rowLen);
        at += size;
        baseRows++;
    }

    /**
     * Makes the base the {@code rows} rows of a snapshot section (instead of chunks: a table has one or the other),
     * read from {@code ch} at each {@link #forEach}.
     */
    void snapshotBase(Path path, FileChannel ch, SnapshotFile.Section section, int rows) {
        if (baseRows != 0 || !overlay.isEmpty()) throw new IllegalStateException("the base is set once, first");
        snapshot = new SnapshotRows(path, ch, section);
        baseRows = rows;
    }

    /** Reads the snapshot section into chunks: the base no longer needs the file. */
    void copySnapshotBase() {
        if (snapshot == null) return;
        var copy = new RecoveredRows();
        new RecoveredRows(snapshot, baseRows).forEach((b, ko, kl, ro, rl) -> copy.addBase(b, ko, kl, b, ro, rl));
        chunks.addAll(copy.chunks);
        if (copy.current != null) copy.used.set(copy.used.size() - 1, copy.at);
        used.addAll(copy.used);
        snapshot = null;
    }

    /** Whether the base is read from the snapshot file (which must stay open until then). */
    boolean readsSnapshot() {
        return snapshot != null;
    }

    RecoveredRows() {}

    /** The base alone (no overlay), for {@link #copySnapshotBase}. */
    private RecoveredRows(SnapshotRows snapshot, int rows) {
        this.snapshot = snapshot;
        this.baseRows = rows;
    }

    void put(byte[] key, byte[] row) {
        overlay.put(new ByteKey(key), row);
    }

    void delete(byte[] key) {
        if (baseRows == 0) overlay.remove(new ByteKey(key));
        else overlay.put(new ByteKey(key), DELETED);
    }

    /** At least the number of rows (exact when the log changed none of the base's keys). */
    int sizeHint() {
        long n = (long) baseRows + overlay.size();
        return (int) Math.min(Integer.MAX_VALUE - 8, n);
    }

    /**
     * Every row once: the base's rows the log did not change (a snapshot's in its key order), then the log's in no
     * particular order. A snapshot section that no longer reads back as it did at open throws {@link
     * StorageCorruptionException}; a closed storage, {@link StorageException}.
     */
    void forEach(RowSink sink) {
        if (current != null) used.set(used.size() - 1, at);
        KeyFilter changed = overlay.isEmpty() ? null : new KeyFilter(overlay.keySet());
        if (snapshot != null) forEachInSnapshot(sink, changed);
        for (int c = 0; c < chunks.size(); c++) {
            byte[] chunk = chunks.get(c);
            int end = used.get(c);
            for (int p = 0; p < end; ) {
                int kl = Bytes.getInt(chunk, p);
                int ko = p + 4;
                int rl = Bytes.getInt(chunk, ko + kl);
                int ro = ko + kl + 4;
                p = ro + rl;
                if (!changed(changed, chunk, ko, kl)) sink.row(chunk, ko, kl, ro, rl);
            }
        }
        for (Map.Entry<ByteKey, byte[]> e : overlay.entrySet()) {
            byte[] row = e.getValue();
            if (row == DELETED) continue;
            byte[] key = e.getKey().bytes();
            byte[] both = new byte[key.length + row.length];
            System.arraycopy(key, 0, both, 0, key.length);
            System.arraycopy(row, 0, both, key.length, row.length);
            sink.row(both, 0, key.length, key.length, row.length);
        }
    }

    private void forEachInSnapshot(RowSink sink, KeyFilter changed) {
        int seen = 0;
        try (var r = new SnapshotFile.Reader(snapshot.path(), snapshot.ch(), snapshot.section())) {
            while (r.nextRow()) {
                byte[] b = r.buf();
                int ko = r.keyOff();
                int kl = r.keyLen();
                if (!changed(changed, b, ko, kl)) sink.row(b, ko, kl, r.rowOff(), r.rowLen());
                seen++;
            }
        } catch (ClosedChannelException e) {
            throw new StorageException("the storage was closed before its recovered rows were read", e);
        } catch (IOException e) {
            throw new StorageException("cannot read the rows of snapshot " + snapshot.path() + " again: " + e, e);
        }
        if (seen != baseRows)
            throw new StorageCorruptionException(
                    snapshot.path(),
                    snapshot.section().blockOffset(),
                    "section read " + seen + " rows, not " + baseRows);
    }

    /** Whether the log changed the base row of this key (the overlay decides it instead). */
    private boolean changed(KeyFilter changed, byte[] b, int ko, int kl) {
        return changed != null
                && changed.mayContain(b, ko, kl)
                && overlay.containsKey(new ByteKey(SnapshotFile.copy(b, ko, kl)));
    }

    /** The rows as a map in key order (a copy of each). */
    TreeMap<ByteKey, byte[]> toMap() {
        TreeMap<ByteKey, byte[]> out = new TreeMap<>();
        forEach((b, ko, kl, ro, rl) ->
                out.put(new ByteKey(SnapshotFile.copy(b, ko, kl)), SnapshotFile.copy(b, ro, rl)));
        return out;
    }

    private record SnapshotRows(Path path, FileChannel ch, SnapshotFile.Section section) {}

    /**
     * A bit set over the changed keys' hashes: a base key whose bit is clear was not changed, so most base rows are
     * passed without making a key object to look up.
     */
    private static final class KeyFilter {
        private final long[] bits;
        private final int mask;

        KeyFilter(Iterable<ByteKey> keys) {
            int n = 64;
            int count = 0;
            for (ByteKey ignored : keys) count++;
            while (n < 16L * count && n < 1 << 30) n <<= 1;
            bits = new long[n >>> 6];
            mask = n - 1;
            for (ByteKey k : keys) set(hash(k.bytes(), 0, k.bytes().length));
        }

        private void set(int h) {
            int i = h & mask;
            bits[i >>> 6] |= 1L << i;
        }

        boolean mayContain(byte[] b, int off, int len) {
            int i = hash(b, off, len) & mask;
            return (bits[i >>> 6] & (1L << i)) != 0;
        }

        private static int hash(byte[] b, int off, int len) {
            int h = 1;
            for (int i = off; i < off + len; i++) h = 31 * h + b[i];
            return h ^ (h >>> 16) * 0x45d9f3b;
        }
    }
}
