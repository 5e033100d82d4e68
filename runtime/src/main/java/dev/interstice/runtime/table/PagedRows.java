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
     * While a bulk load runs ({@link #beginLoad}): the (key, handle) pairs of the rows inserted since, which go into
     * {@link #order} at {@link #endLoad} sorted (appends fill the tree's leaves; random-order inserts cost a
     * cache-missing descent each and leave leaves ~70 % full). Null otherwise.
     */
    private long[] loading;

    private int loaded;
    /** A row was replaced or removed during the bulk load: some of {@link #loading}'s handles may be stale. */
    private boolean stale;

    PagedRows(IntegerKeys keys) {
        this.keys = keys;
    }

    /** The key type. */
    IntegerKeys keys() {
        return keys;
    }

    @Override
    public byte[] get(IndexKey pk) {
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
        return put(pk, buf, off, len);
    }

    private boolean put(IndexKey pk, byte[] buf, int off, int len) {
        // writes are type-checked against the schema before they reach a table
        if (!keys.ours(pk)) throw new IllegalArgumentException("primary key " + pk + " is of another type");
        return put(IntegerKeys.ordered(pk), buf, off, len);
    }

    /**
     * Adds or replaces the row of {@code key} ({@link IntegerKeys#ordered}) at {@code buf[off, off + len)}; returns
     * whether one of that key was replaced.
     */
    boolean put(long key, byte[] buf, int off, int len) {
        int slot = hash.slot(key);
        if (slot >= 0) {
            long old = hash.at(slot);
            if (loading != null) stale = true;
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
        if (loading != null) {
            if (2 * loaded == loading.length) loading = Arrays.copyOf(loading, 4 * loaded);
            loading[2 * loaded] = key;
            loading[2 * loaded + 1] = h;
            loaded++;
        } else order.add(key, h);
        if (hash.insert(-slot - 1, h)) hash.grow(loading != null ? null : order);
        compact();
        return false;
    }

    /** The pair of a row that moved (none to change while a bulk load defers the order: the tree is empty). */
    private void reorder(long key, long old, long moved) {
        if (loading != null) return;
        order.remove(key, old);
        order.add(key, moved);
    }

    @Override
    public void beginLoad(int rows) {
        if (order.size() == 0 && loading == null) {
            loading = new long[2 * Math.max(16, Math.min(rows, 1 << 26))];
            loaded = 0;
            stale = false;
            hash.reserve(rows);
        }
    }

    @Override
    public void endLoad() {
        if (loading == null) return;
        long[] pairs = loading;
        loading = null;
        LongPairs.sort(pairs, loaded, false);
        if (!stale) {
            order.addSorted(pairs, loaded); // keys distinct, handles current
            return;
        }
        for (int i = 0; i < loaded; i++) {
            long key = pairs[2 * i];
            if (i > 0 && key == pairs[2 * i - 2]) continue; // inserted, removed, inserted again
            long h = hash.get(key);
            if (h != RowPages.NONE) order.add(key, h);
        }
    }

    @Override
    public void remove(IndexKey pk) {
        if (!keys.ours(pk)) return;
        long key = IntegerKeys.ordered(pk);
        int slot = hash.slot(key);
        if (slot < 0) return;
        long h = hash.at(slot);
        hash.delete(slot);
        if (loading != null) stale = true;
        order.remove(key, h); // absent while a bulk load defers it
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
        return hash.size();
    }

    @Override
    public Iterator<StoredRow> all() {
        return rows(order.from(Long.MIN_VALUE, Long.MIN_VALUE, true));
    }

    @Override
    public Iterator<StoredRow> from(IndexKey pk, boolean inclusive) {
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
