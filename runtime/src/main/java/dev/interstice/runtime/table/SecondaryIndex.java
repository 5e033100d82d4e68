package dev.interstice.runtime.table;

import dev.interstice.abi.host.IndexQuery;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A hash or btree index over one column, or over several (a composite index, keyed by the tuple of their values), of
 * committed rows. Unique indexes map a key to one primary key; others map a key to the sorted set of primary keys
 * that have it, so every lookup returns rows in a deterministic (index key, primary key) order. An index over one
 * integer (or bool) column of a table with an integer primary key holds no object per row instead: its (value, primary
 * key) pairs as longs in a {@link LongPairTree}, hash and btree alike (a hash index still answers only equality).
 */
public final class SecondaryIndex {
    private final IndexSchema schema;
    private final int[] columns;
    /** Index key to primary key (unique) or to the sorted set of primary keys; null when {@link #pairs} is used. */
    private final Map<IndexKey, Object> entries;
    /** (column value, primary key) as {@link IntegerKeys#ordered} longs; null when {@link #entries} is used. */
    private LongPairTree pairs;
    /** During a bulk load into empty {@link #pairs}: the pairs added since, sorted into the tree at the end. */
    private long[] pending;

    private int pendingCount;

    private final IntegerKeys valueKeys;
    private final IntegerKeys pkKeys;

    public SecondaryIndex(IndexSchema schema, int column) {
        this(schema, new int[] {column});
    }

    /** {@code schema.field()} names the index: the column's name, or a composite index's columns joined by ','. */
    public SecondaryIndex(IndexSchema schema, int[] columns) {
        this(schema, columns, null, null);
    }

    /**
     * With {@code valueKeys} and {@code pkKeys} (the integer types of the one column and of the primary key) the
     * index keeps primitive pairs; with nulls a map of key objects.
     */
    SecondaryIndex(IndexSchema schema, int[] columns, IntegerKeys valueKeys, IntegerKeys pkKeys) {
        this.schema = schema;
        this.columns = columns.clone();
        boolean primitive = columns.length == 1 && valueKeys != null && pkKeys != null;
        this.valueKeys = primitive ? valueKeys : null;
        this.pkKeys = primitive ? pkKeys : null;
        this.pairs = primitive ? new LongPairTree() : null;
        this.entries = primitive ? null : schema.type() == IndexSchema.Type.BTREE ? new TreeMap<>() : new HashMap<>();
    }

    public IndexSchema schema() {
        return schema;
    }

    /** The (first) indexed column among the row's non-key entries, or -1 for the primary key itself. */
    public int column() {
        return columns[0];
    }

    /** The indexed columns (a copy). */
    int[] columns() {
        return columns.clone();
    }

    /** How many columns the index covers (more than one: a composite index). */
    public int arity() {
        return columns.length;
    }

    public boolean unique() {
        return schema.unique();
    }

    /** The row's key in this index: the column's value, or the tuple of the columns' values. */
    public IndexKey keyOf(Row row) {
        if (columns.length == 1) return new IndexKey(Table.columnValue(row, columns[0]));
        var items = new ArrayList<IntersticeValue>(columns.length);
        for (int c : columns) items.add(Table.columnValue(row, c));
        return new IndexKey(new IntersticeValue.Tuple(items));
    }

    public void add(IndexKey key, IndexKey pk) {
        if (pairs != null) {
            // writes are type-checked against the schema before they reach a table
            if (!valueKeys.ours(key) || !pkKeys.ours(pk))
                throw new IllegalArgumentException(
                        "index key " + key + " or primary key " + pk + " is of another type");
            addOrdered(IntegerKeys.ordered(key), IntegerKeys.ordered(pk));
            return;
        }
        if (schema.unique()) {
            entries.put(key, pk);
            return;
        }
        @SuppressWarnings("unchecked")
        var set = (TreeSet<IndexKey>) entries.computeIfAbsent(key, k -> new TreeSet<IndexKey>());
        set.add(pk);
    }

    /** The integer type of the one column when the index keeps primitive pairs ({@link #addOrdered}), else null. */
    IntegerKeys pairKeys() {
        return valueKeys;
    }

    /** Adds the pair (value, primary key) as {@link IntegerKeys#ordered} longs, to an index of {@link #pairKeys}. */
    void addOrdered(long v, long p) {
        if (pending == null) pairs.add(v, p);
        else {
            if (2 * pendingCount == pending.length) pending = Arrays.copyOf(pending, 4 * pendingCount);
            pending[2 * pendingCount] = v;
            pending[2 * pendingCount + 1] = p;
            pendingCount++;
        }
    }

    /**
     * Starts a bulk load of about {@code rows} entries into an empty index: pairs are sorted once at {@link #endLoad}
     * and fill the tree's pages (random-order inserts each cost a cache-missing descent).
     */
    void beginLoad(int rows) {
        if (pairs != null && pairs.size() == 0 && pending == null) {
            pending = new long[2 * Math.max(16, Math.min(rows, 1 << 26))];
            pendingCount = 0;
        }
    }

    /** Ends what {@link #beginLoad} started. */
    void endLoad() {
        if (pending == null) return;
        long[] p = pending;
        pending = null;
        LongPairs.sort(p, pendingCount, true);
        pairs.addSorted(p, pendingCount);
    }

    /** Removes every entry (and drops a bulk load's pairs): a load that replaced rows rebuilds its indexes. */
    void clear() {
        pending = null;
        if (pairs != null) pairs = new LongPairTree();
        else entries.clear();
    }

    public void remove(IndexKey key, IndexKey pk) {
        endLoad();
        if (pairs != null) {
            if (valueKeys.ours(key) && pkKeys.ours(pk)) pairs.remove(IntegerKeys.ordered(key), IntegerKeys.ordered(pk));
            return;
        }
        if (schema.unique()) {
            entries.remove(key, pk);
            return;
        }
        Object o = entries.get(key);
        if (o instanceof TreeSet<?> set) {
            set.remove(pk);
            if (set.isEmpty()) entries.remove(key);
        }
    }

    /** The primary key holding {@code key} in a unique index, or null. */
    public IndexKey owner(IndexKey key) {
        if (pairs == null) return (IndexKey) entries.get(key);
        if (!valueKeys.ours(key)) return null;
        long v = IntegerKeys.ordered(key);
        LongPairTree.Cursor c = pairs.from(v, Long.MIN_VALUE, true);
        return c.valid() && c.first() == v ? pkKeys.key(c.second()) : null;
    }

    /** Refuses a range this index cannot answer, with the reason. */
    public void check(IndexRange r) {
        int n = columns.length;
        if (r.columns() == 0
                || r.columns() > n
                || (r.query() == null && r.prefix().size() > n))
            throw new IllegalArgumentException(
                    "index '" + schema.field() + "' has " + n + " column(s); the scan names " + r.columns());
        if (schema.type() != IndexSchema.Type.BTREE
                && (r.columns() != n || !(r.query() == null || r.query() instanceof IndexQuery.Eq)))
            throw new IllegalArgumentException(
                    "a hash index supports only equality lookups on all its columns; declare the index btree for ranges");
    }

    /**
     * The primary keys in {@code r}, lazily, in (index key, primary key) order; after {@code (afterKey, afterPk)} when
     * those are given (a page's last row). Valid while the index is not changed (until the next commit).
     */
    public Iterator<IndexKey> pks(IndexRange r, IndexKey afterKey, IndexKey afterPk) {
        check(r);
        if (pairs != null) return pairPks(r, afterKey, afterPk);
        int n = columns.length;
        NavigableMap<IndexKey, Object> view;
        if (entries instanceof NavigableMap<IndexKey, Object> tree) {
            IndexKey start = afterKey != null ? afterKey : startKey(r);
            view = start == null ? tree : tree.tailMap(start, true);
        } else {
            IndexKey key = fullKey(r);
            Object o = entries.get(key);
            view = new TreeMap<>();
            if (o != null) view.put(key, o);
        }
        Iterator<Map.Entry<IndexKey, Object>> keys = view.entrySet().iterator();
        return new Iterator<>() {
            private Iterator<IndexKey> current = Collections.emptyIterator();
            private boolean done;

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && !done) advance();
                return current.hasNext();
            }

            @Override
            public IndexKey next() {
                if (!hasNext()) throw new NoSuchElementException();
                return current.next();
            }

            private void advance() {
                if (!keys.hasNext()) {
                    done = true;
                    return;
                }
                var e = keys.next();
                IndexKey key = e.getKey();
                for (int i = 0; i < r.prefix().size(); i++)
                    if (!IndexRange.component(key, n, i).equals(r.prefix().get(i))) {
                        done = true; // keys sharing the prefix are contiguous, and the scan started at them
                        return;
                    }
                if (r.query() != null) {
                    int pos = r.position(IndexRange.component(key, n, r.prefix().size()));
                    if (pos > 0) done = true;
                    if (pos != 0) return;
                }
                current = pksOf(e.getValue(), key.equals(afterKey) ? afterPk : null);
            }
        };
    }

    /**
     * {@link #pks} over the pairs: starts at the range's lower bound (or just after {@code (afterKey, afterPk)}) and
     * reads while the range holds, comparing as IndexKeys so keys of another variant behave as in the maps.
     */
    private Iterator<IndexKey> pairPks(IndexRange r, IndexKey afterKey, IndexKey afterPk) {
        LongPairTree.Cursor c;
        if (afterKey != null) c = start(afterKey, afterPk);
        else {
            IndexKey start = r.query() == null
                    ? (r.prefix().isEmpty() ? null : r.prefix().getFirst())
                    : r.lowerBound();
            c = start == null ? pairs.from(Long.MIN_VALUE, Long.MIN_VALUE, true) : start(start, null);
        }
        return new Iterator<>() {
            private IndexKey next;
            private boolean done = c == null;
            // the current run of pairs with one value: its key and whether the range takes it, decided once per run
            private boolean inRun;
            private long value;
            private boolean takes;
            private boolean atAfterKey;

            @Override
            public boolean hasNext() {
                while (next == null && !done) advance();
                return next != null;
            }

            @Override
            public IndexKey next() {
                if (!hasNext()) throw new NoSuchElementException();
                IndexKey pk = next;
                next = null;
                return pk;
            }

            private void advance() {
                if (!c.valid()) {
                    done = true;
                    return;
                }
                long v = c.first();
                long p = c.second();
                c.advance();
                if (!inRun || v != value) {
                    inRun = true;
                    value = v;
                    IndexKey key = valueKeys.key(v);
                    if (!r.prefix().isEmpty() && !key.equals(r.prefix().getFirst())) {
                        done = true; // the scan started at the prefix's value
                        return;
                    }
                    int pos = r.query() == null ? 0 : r.position(key);
                    if (pos > 0) {
                        done = true;
                        return;
                    }
                    takes = pos == 0;
                    atAfterKey = key.equals(afterKey);
                }
                if (!takes) return;
                IndexKey pk = pkKeys.key(p);
                if (atAfterKey && pk.compareTo(afterPk) <= 0) return;
                next = pk;
            }
        };
    }

    /**
     * A cursor at the first pair whose value is {@code key}'s or later ({@code afterPk} given: after that pair); null
     * when every pair sorts before {@code key} (a key of a later variant).
     */
    private LongPairTree.Cursor start(IndexKey key, IndexKey afterPk) {
        if (!valueKeys.ours(key))
            return key.compareTo(valueKeys.probe()) < 0 ? pairs.from(Long.MIN_VALUE, Long.MIN_VALUE, true) : null;
        long v = IntegerKeys.ordered(key);
        if (afterPk == null) return pairs.from(v, Long.MIN_VALUE, true);
        if (pkKeys.ours(afterPk)) return pairs.from(v, IntegerKeys.ordered(afterPk), false);
        // a primary key of another variant: before or after every row's
        return afterPk.compareTo(pkKeys.probe()) < 0
                ? pairs.from(v, Long.MIN_VALUE, true)
                : pairs.from(v, Long.MAX_VALUE, true);
    }

    /** The first key a btree scan of {@code r} reads from, or null for the first key of all. */
    private IndexKey startKey(IndexRange r) {
        var parts = new ArrayList<IndexKey>(r.prefix());
        IndexKey lower = r.query() == null ? null : r.lowerBound();
        if (lower != null) parts.add(lower);
        if (parts.isEmpty()) return null;
        if (columns.length == 1) return parts.getFirst();
        return new IndexKey(
                new IntersticeValue.Tuple(parts.stream().map(IndexKey::value).toList()));
    }

    /** The one key an equality on every column names. */
    private IndexKey fullKey(IndexRange r) {
        var parts = new ArrayList<IndexKey>(r.prefix());
        if (r.query() instanceof IndexQuery.Eq eq) parts.add(eq.key());
        if (columns.length == 1) return parts.getFirst();
        return new IndexKey(
                new IntersticeValue.Tuple(parts.stream().map(IndexKey::value).toList()));
    }

    @SuppressWarnings("unchecked")
    private static Iterator<IndexKey> pksOf(Object o, IndexKey after) {
        if (o instanceof IndexKey pk)
            return after != null && pk.compareTo(after) <= 0
                    ? Collections.emptyIterator()
                    : List.of(pk).iterator();
        var set = (TreeSet<IndexKey>) o;
        return (after == null ? set : set.tailSet(after, false)).iterator();
    }
}
