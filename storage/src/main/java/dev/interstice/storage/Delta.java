package dev.interstice.storage;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The changes of one table instance that a compaction collects from sealed segments: the last change per key, in
 * order of first change. Keys and rows are not copied: entries point into the segment arrays, which stay unmodified
 * and reachable for the whole run (bounded by {@link Compactor#MAX_RUN_BYTES}). Not thread-safe.
 */
final class Delta {
    /** The last change of a key: key {@code buf[keyOff, +keyLen)}, row {@code buf[rowOff, +rowLen)} or a tombstone. */
    static final class Entry {
        /** The first 8 key bytes, big-endian, zero-padded: unsigned order of prefixes is key order unless they tie. */
        final long prefix;

        final int keyLen;
        byte[] buf;
        int keyOff;
        int rowOff;
        int rowLen; // -1: deleted

        Entry(long prefix, byte[] buf, int keyOff, int keyLen, int rowOff, int rowLen) {
            this.prefix = prefix;
            this.buf = buf;
            this.keyOff = keyOff;
            this.keyLen = keyLen;
            this.rowOff = rowOff;
            this.rowLen = rowLen;
        }

        boolean tombstone() {
            return rowLen < 0;
        }

        byte[] key() {
            return Arrays.copyOfRange(buf, keyOff, keyOff + keyLen);
        }

        byte[] row() {
            return Arrays.copyOfRange(buf, rowOff, rowOff + rowLen);
        }

        /** Unsigned lexicographic comparison with the key {@code b[off, +len)} whose prefix is {@code p}. */
        int compareTo(byte[] b, int off, int len, long p) {
            if (prefix != p) return Long.compareUnsigned(prefix, p);
            // Equal prefixes and a key of at most 8 bytes: the shorter key is a prefix of the other (its zero padding
            // matched real zero bytes), so the lengths decide.
            if (keyLen <= 8 || len <= 8) return Integer.compare(keyLen, len);
            return Arrays.compareUnsigned(buf, keyOff + 8, keyOff + keyLen, b, off + 8, off + len);
        }
    }

    static final Entry[] NONE = {};

    /** Key order: prefix first, bytes on a tie. */
    private static final Comparator<Entry> ORDER = (x, y) -> x.compareTo(y.buf, y.keyOff, y.keyLen, y.prefix);

    /** The table's rows before this delta no longer count (cleared, or a new table instance). */
    boolean baseDiscarded;

    private Entry[] entries = new Entry[16];
    private int size;
    /** Open addressing: {@code hash << 32 | index + 1}, 0 = free; the hash spares most key comparisons. */
    private long[] slots = new long[32];

    int size() {
        return size;
    }

    Entry get(int i) {
        return entries[i];
    }

    /** Records a put of key {@code buf[keyOff, +keyLen)}, row {@code buf[rowOff, +rowLen)}: replaces the key's entry. */
    void put(byte[] buf, int keyOff, int keyLen, int rowOff, int rowLen) {
        long prefix = prefix(buf, keyOff, keyLen);
        int h = hash(prefix, buf, keyOff, keyLen);
        int mask = slots.length - 1;
        int s = h & mask;
        for (long slot; (slot = slots[s]) != 0; s = (s + 1) & mask) {
            if ((int) (slot >>> 32) != h) continue;
            Entry e = entries[(int) slot - 1];
            if (e.compareTo(buf, keyOff, keyLen, prefix) == 0) {
                e.buf = buf;
                e.keyOff = keyOff;
                e.rowOff = rowOff;
                e.rowLen = rowLen;
                return;
            }
        }
        if (size == entries.length) entries = Arrays.copyOf(entries, size * 2);
        entries[size++] = new Entry(prefix, buf, keyOff, keyLen, rowOff, rowLen);
        slots[s] = (long) h << 32 | size;
        if (size * 2 > slots.length) grow();
    }

    void delete(byte[] buf, int keyOff, int keyLen) {
        put(buf, keyOff, keyLen, 0, -1);
    }

    void clear() {
        baseDiscarded = true;
        entries = new Entry[16];
        size = 0;
        slots = new long[32];
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        int mask = slots.length - 1;
        for (long slot : old) {
            if (slot == 0) continue;
            int s = (int) (slot >>> 32) & mask;
            while (slots[s] != 0) s = (s + 1) & mask;
            slots[s] = slot;
        }
    }

    /** The entries in unsigned lexicographic key order (the snapshot's row order). */
    Entry[] sorted() {
        Entry[] a = Arrays.copyOf(entries, size);
        if (size < 64) {
            Arrays.sort(a, ORDER);
            return a;
        }
        long[] p = new long[size];
        for (int i = 0; i < size; i++) p[i] = a[i].prefix;
        radixSort(p, a);
        // Equal prefixes: keys sharing their first 8 bytes (or shorter keys that pad alike) are ordered by their bytes.
        for (int i = 0, j; i < size; i = j) {
            j = i + 1;
            while (j < size && p[j] == p[i]) j++;
            if (j - i > 1) Arrays.sort(a, i, j, ORDER);
        }
        return a;
    }

    /**
     * Sorts {@code a} by the unsigned values {@code p} (permuted alike): a stable LSD radix sort, one pass per byte,
     * skipping bytes that are equal in every prefix (e.g. the high bytes of small integers).
     */
    private static void radixSort(long[] p, Entry[] a) {
        int n = p.length;
        int[][] counts = new int[8][256];
        for (long v : p) for (int b = 0; b < 8; b++) counts[b][(int) (v >>> (8 * b)) & 0xFF]++;
        long[] p2 = new long[n];
        Entry[] a2 = new Entry[n];
        long[] pIn = p;
        Entry[] aIn = a;
        for (int b = 0; b < 8; b++) {
            int shift = 8 * b;
            int[] c = counts[b];
            if (c[(int) (pIn[0] >>> shift) & 0xFF] == n) continue;
            for (int d = 0, sum = 0; d < 256; d++) {
                int k = c[d];
                c[d] = sum;
                sum += k;
            }
            for (int i = 0; i < n; i++) {
                int to = c[(int) (pIn[i] >>> shift) & 0xFF]++;
                p2[to] = pIn[i];
                a2[to] = aIn[i];
            }
            long[] tp = pIn;
            pIn = p2;
            p2 = tp;
            Entry[] ta = aIn;
            aIn = a2;
            a2 = ta;
        }
        if (pIn != p) {
            System.arraycopy(pIn, 0, p, 0, n);
            System.arraycopy(aIn, 0, a, 0, n);
        }
    }

    /** The first 8 bytes of {@code b[off, +len)} as a big-endian long, zero-padded when shorter. */
    static long prefix(byte[] b, int off, int len) {
        if (len >= 8) return Long.reverseBytes(Bytes.getLong(b, off));
        long p = 0;
        for (int i = 0; i < len; i++) p |= (b[off + i] & 0xFFL) << (56 - 8 * i);
        return p;
    }

    private static int hash(long prefix, byte[] b, int off, int len) {
        long h = prefix ^ len * 0x9E3779B97F4A7C15L;
        for (int i = 8; i < len; i += 8) h = Long.rotateLeft(h * 0xC2B2AE3D27D4EB4FL, 31) ^ prefix(b, off + i, len - i);
        h ^= h >>> 33; // murmur3 finaliser: the slot index uses the low bits
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int) h;
    }
}
