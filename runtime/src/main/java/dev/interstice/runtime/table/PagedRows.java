package dev.interstice.runtime.table;

import dev.interstice.abi.value.IndexKey;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Rows of an integer-keyed table with no object per row: their bytes packed in {@link RowPages}, found by key through
 * a {@link RowHash} of page handles, in key order through a {@link LongPairTree} of (key, handle) pairs. A row costs
 * its bytes, a 10-byte record head, a hash slot (8 bytes at load 3/8-3/4) and a pair (16 bytes, pages filled in key
 * order): docs/benchmarks.md, "Compact rows". An update of the same length rewrites the row in place; otherwise the
 * row moves to the page being filled and a page left at least half dead is compacted. Reads copy a row out.
 */
final class PagedRows implements RowStore {
    private final IntegerKeys keys;
    private final RowPages pages = new RowPages();
    private final RowHash hash = new RowHash(pages);
    private final LongPairTree order = new LongPairTree();
    /**
     * While a bulk load runs ({@link #beginLoad}): the (key, handle) pairs of the rows loaded since, in the pages but
     * neither in the hash nor in the order. {@link #endLoad} sorts them once and builds both from them (a probe of
     * the hash, which reads the key of each handle it meets, and a tree descent per row cost cache misses). Null
     * otherwise.
     */
    private long[] loading;

    private int loaded;

    PagedRows(IntegerKeys keys) {
        this.keys = keys;
    }

    /** The key type. */
    IntegerKeys keys() {
        return keys;
    }

    @Override
    public byte[] get(IndexKey pk) {
        endLoad();
        if (!keys.ours(pk)) return null;
        long h = hash.get(IntegerKeys.ordered(pk));
        return h == RowPages.NONE ? null : pages.copy(h);
    }

    @Override
    public void put(IndexKey pk, byte[] encoded) {
        put(pk, encoded, 0, encoded.length);
    }

    @Override
    public boolean load(IndexKey pk, byte[] buf, int off, int len) {
        if (!keys.ours(pk)) throw new IllegalArgumentException("primary key " + pk + " is of another type");
        return load(IntegerKeys.ordered(pk), buf, off, len);
    }

    /**
     * {@link #load(IndexKey, byte[], int, int)} by {@link IntegerKeys#ordered} key. During a bulk load the row is only
     * appended (false: whether its key was loaded before is found at {@link #endLoad}).
     */
    boolean load(long key, byte[] buf, int off, int len) {
        if (loading == null) return put(key, buf, off, len);
        long h = pages.add(key, buf, off, len, RowHash.tag(key));
        if (2 * loaded == loading.length) loading = Arrays.copyOf(loading, 4 * loaded);
        loading[2 * loaded] = key;
        loading[2 * loaded + 1] = h;
        loaded++;
        return false;
    }

    private boolean put(IndexKey pk, byte[] buf, int off, int len) {
        // writes are type-checked against the schema before they reach a table
        if (!keys.ours(pk)) throw new IllegalArgumentException("primary key " + pk + " is of another type");
        endLoad();
        return put(IntegerKeys.ordered(pk), buf, off, len);
    }

    /**
     * Adds or replaces the row of {@code key} ({@link IntegerKeys#ordered}) at {@code buf[off, off + len)}; returns
     * whether one of that key was replaced.
     */
    private boolean put(long key, byte[] buf, int off, int len) {
        int slot = hash.slot(key);
        if (slot >= 0) {
            long old = hash.at(slot);
            if (pages.length(old) == len) {
                pages.overwrite(old, buf, off, len); // reads hand out copies, so no reader sees the change
                return true;
            }
            long moved = pages.add(key, buf, off, len, RowHash.tag(key));
            hash.set(slot, moved);
            reorder(key, old, moved);
            pages.remove(old);
            compact();
            return true;
        }
        long h = pages.add(key, buf, off, len, RowHash.tag(key));
        order.add(key, h);
        if (hash.insert(-slot - 1, h)) hash.grow(order);
        compact();
        return false;
    }

    /** The pair of a row that moved. */
    private void reorder(long key, long old, long moved) {
        order.remove(key, old);
        order.add(key, moved);
    }

    @Override
    public void beginLoad(int rows) {
        if (hash.size() == 0 && loading == null) {
            loading = new long[2 * Math.max(16, Math.min(rows, 1 << 26))];
            loaded = 0;
        }
    }

    /**
     * Sorts the loaded pairs by key (a key loaded again: the last row wins, the earlier ones are removed), builds the
     * order from them, then the hash from their home slots (no key read back from a page: measured cheaper in key
     * order than sorted by home slot).
     */
    @Override
    public boolean endLoad() {
        if (loading == null) return false;
        long[] pairs = loading;
        int n = loaded;
        loading = null;
        LongPairs.sort(pairs, n, false); // stable: a key's rows stay in load order
        int kept = 0;
        boolean again = false;
        for (int i = 0; i < n; i++) {
            if (i + 1 < n && pairs[2 * i + 2] == pairs[2 * i]) {
                pages.remove(pairs[2 * i + 1]); // replaced by a later row of the key
                again = true;
                continue;
            }
            pairs[2 * kept] = pairs[2 * i];
            pairs[2 * kept + 1] = pairs[2 * i + 1];
            kept++;
        }
        order.addSorted(pairs, kept);
        hash.reserve(kept);
        for (int i = 0; i < kept; i++) pairs[2 * i] = hash.home(pairs[2 * i]);
        hash.fill(pairs, kept);
        compact(); // pages left half dead by rows loaded again
        return again;
    }

    @Override
    public void remove(IndexKey pk) {
        endLoad();
        if (!keys.ours(pk)) return;
        long key = IntegerKeys.ordered(pk);
        int slot = hash.slot(key);
        if (slot < 0) return;
        long h = hash.at(slot);
        hash.delete(slot);
        order.remove(key, h);
        pages.remove(h);
        compact();
    }

    /**
     * Moves the live rows out of every page left at least half dead, then frees it. Each move follows at least as
     * many dead bytes, so it costs no more than the writes that made the garbage.
     */
    private void compact() {
        for (int p; (p = pages.wasteful()) >= 0; ) {
            for (int at = 0, end = pages.end(p); at < end; at = pages.next(p, at)) {
                long key = pages.keyAt(p, at);
                int slot = hash.slot(key);
                if (slot < 0) continue;
                long h = hash.at(slot);
                if (RowPages.page(h) != p || RowPages.offset(h) != at) continue; // a dead record of a live key
                long moved = pages.move(h);
                hash.set(slot, moved);
                reorder(key, h, moved);
            }
            pages.release(p);
        }
    }

    @Override
    public int size() {
        endLoad();
        return hash.size();
    }

    @Override
    public Iterator<StoredRow> all() {
        endLoad();
        return rows(order.from(Long.MIN_VALUE, Long.MIN_VALUE, true));
    }

    @Override
    public Iterator<StoredRow> from(IndexKey pk, boolean inclusive) {
        endLoad();
        if (keys.ours(pk)) {
            long key = IntegerKeys.ordered(pk);
            return rows(inclusive ? order.from(key, Long.MIN_VALUE, true) : order.from(key, Long.MAX_VALUE, false));
        }
        // a key of another type sorts before or after every row, as IndexKey orders variants
        return pk.compareTo(keys.probe()) < 0 ? all() : Collections.emptyIterator();
    }

    /** Bytes held in row pages (measurements). */
    long pageBytes() {
        return pages.pageBytes();
    }

    private Iterator<StoredRow> rows(LongPairTree.Cursor c) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return c.valid();
            }

            @Override
            public StoredRow next() {
                if (!c.valid()) throw new NoSuchElementException();
                StoredRow row = StoredRow.committed(keys.key(c.first()), pages.copy(c.second()));
                c.advance();
                return row;
            }
        };
    }
}
