package dev.interstice.runtime.table;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.AbiDecodeException;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.storage.TableId;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The committed state of one table: rows in primary-key order (so scans are deterministic whatever the history),
 * secondary indexes and auto-increment counters. Only the transaction executor mutates it, at commit.
 */
public final class Table {
    private final TableId id;
    private final TableSchema schema;
    private final TypeChecker types;
    /**
     * Every committed row as its encoded bytes only, by key and in key order; reads hand out {@link StoredRow} views
     * that decode on demand.
     */
    private final RowStore rows;

    private final Collection<StoredRow> scanView = new AbstractCollection<>() {
        @Override
        public Iterator<StoredRow> iterator() {
            return rows.all();
        }

        @Override
        public int size() {
            return rows.size();
        }
    };
    private final Map<String, SecondaryIndex> indexes = new LinkedHashMap<>();
    /** Next value per auto-increment column (-1 = primary key). */
    private final Map<Integer, Long> autoInc = new TreeMap<>();
    /** A view filters the rows the node sends off (module/TableViews): its errors never quote another row. */
    private boolean viewed;

    public Table(TableId id, TableSchema schema, TypeChecker types) {
        this(id, schema, types, List.of());
    }

    /** {@code composites}: the table's composite indexes (our extension of the schema, {@link CompositeIndex}). */
    public Table(TableId id, TableSchema schema, TypeChecker types, List<CompositeIndex> composites) {
        this.id = id;
        this.schema = schema;
        this.types = types;
        this.rows = RowStore.forType(schema.primaryKey().type());
        if (schema.primaryKeyAutoInc()) autoInc.put(-1, 0L);
        IntegerKeys pkKeys = IntegerKeys.forType(schema.primaryKey().type(), false);
        for (IndexSchema is : schema.indexes()) {
            int column = column(is.field());
            IntegerKeys valueKeys = IntegerKeys.forType(columnType(column), true);
            indexes.put(is.field(), new SecondaryIndex(is, new int[] {column}, valueKeys, pkKeys));
            if (is.autoInc()) autoInc.put(column, 0L);
        }
        for (CompositeIndex c : composites) {
            int[] columns = c.fields().stream().mapToInt(this::column).toArray();
            var is = new IndexSchema(c.name(), IndexSchema.Type.BTREE, c.unique(), false);
            indexes.put(c.name(), new SecondaryIndex(is, columns));
        }
    }

    /** Marks the table as having a view (set once, when its module is loaded). */
    public void markViewed() {
        viewed = true;
    }

    /** Whether a view filters the rows the node sends off; messages then quote no row but the writer's own. */
    public boolean viewed() {
        return viewed;
    }

    public TableId id() {
        return id;
    }

    public TableSchema schema() {
        return schema;
    }

    public TypeChecker types() {
        return types;
    }

    public int size() {
        return rows.size();
    }

    public StoredRow get(IndexKey pk) {
        byte[] encoded = rows.get(pk);
        return encoded == null ? null : StoredRow.committed(pk, encoded);
    }

    /** Committed rows in primary-key order; a live view, valid until the next commit. */
    public Collection<StoredRow> scan() {
        return scanView;
    }

    /** Committed rows after primary key {@code after} (from the first when null), lazily; valid until the next commit. */
    public Iterator<StoredRow> scanAfter(IndexKey after) {
        return after == null ? rows.all() : rows.from(after, false);
    }

    /** Committed rows from primary key {@code first} on (inclusive), lazily; valid until the next commit. */
    public Iterator<StoredRow> scanFrom(IndexKey first) {
        return rows.from(first, true);
    }

    /** The index named {@code field}: a column's, or a composite index's (its columns joined by ','); or null. */
    public SecondaryIndex index(String field) {
        return indexes.get(field);
    }

    public Collection<SecondaryIndex> indexes() {
        return indexes.values();
    }

    public Map<Integer, Long> autoIncCounters() {
        return autoInc;
    }

    /** Column position among non-key entries, -1 for the primary key. */
    public int column(String field) {
        if (field.equals(schema.primaryKey().name())) return -1;
        int c = schema.fieldIndex(field);
        if (c < 0) throw new IllegalArgumentException("table '" + schema.name() + "' has no field '" + field + "'");
        return c;
    }

    public IntersticeType columnType(int column) {
        return column < 0
                ? schema.primaryKey().type()
                : schema.fields().get(column).type();
    }

    public static IntersticeValue columnValue(Row row, int column) {
        return column < 0 ? row.primaryKey() : row.entries().get(column);
    }

    /** Applies one committed change: {@code before} and/or {@code after} may be null (insert / delete). */
    public void apply(StoredRow before, StoredRow after) {
        if (before != null) {
            for (SecondaryIndex ix : indexes.values()) ix.remove(ix.keyOf(before.row()), before.pk());
            if (after == null || !after.pk().equals(before.pk())) {
                rows.remove(before.pk());
            }
        }
        if (after != null) {
            rows.put(after.pk(), after.encoded()); // replaces the row of the same key
            for (SecondaryIndex ix : indexes.values()) ix.add(ix.keyOf(after.row()), after.pk());
        }
    }

    /**
     * Loads recovered rows from their encodings in any order (a recovered map's): into an empty table faster than one
     * by one ({@link #bulkLoad}).
     */
    public void loadAllEncoded(Collection<byte[]> encoded) {
        Loader l = bulkLoad(encoded.size());
        for (byte[] bytes : encoded) l.add(bytes, 0, bytes.length);
        l.finish();
    }

    /**
     * Starts a bulk load of about {@code rows} recovered rows (recovery streaming a snapshot): {@link Loader#add} each,
     * then {@link Loader#finish}. Until then the key order and the indexes do not show the rows. No events, no
     * validation beyond decoding.
     */
    public Loader bulkLoad(int rows) {
        return new Loader(rows);
    }

    /**
     * A bulk load in progress. Each row is decoded only as far as the table needs it (the primary key, the indexed and
     * auto_inc columns; the rest is walked over, not built) and copied into the row store; the key order and the
     * integer indexes are built once at the end from sorted pairs. An integer-keyed table whose indexes are all over
     * one integer column reads those as longs, no object per row. A row whose key was loaded before replaces it; the
     * indexes are then rebuilt from the rows at the end.
     */
    public final class Loader {
        /** From this many rows on, {@link #finish} builds the indexes beside the key order, on other threads. */
        private static final int PARALLEL_LOAD = 1 << 16;

        /** By column: whether an index or auto_inc counter reads it. */
        private final boolean[] needed;
        /** The auto_inc columns (-1: the primary key) and their next values, written back at {@link #finish}. */
        private final int[] autoColumns;

        private final long[] autoNext;
        /** Non-null for the primitive path: the row store, each column's integer type (null: not read), indexes. */
        private final PagedRows paged;

        private final IntegerKeys[] columnKeys;
        private final SecondaryIndex[] pairIndexes;
        private final long[] plain;

        private final int expected;
        private boolean replaced;
        private boolean finished;

        private Loader(int expected) {
            this.expected = expected;
            int n = schema.fields().size();
            needed = new boolean[n];
            IntegerKeys[] kinds = new IntegerKeys[n];
            boolean primitive = rows instanceof PagedRows;
            for (SecondaryIndex ix : indexes.values()) {
                for (int c : ix.columns()) if (c >= 0) needed[c] = true;
                IntegerKeys k = ix.pairKeys();
                if (k == null || ix.column() < 0) primitive = false;
                else kinds[ix.column()] = k;
                ix.beginLoad(expected);
            }
            autoColumns = autoInc.keySet().stream().mapToInt(Integer::intValue).toArray();
            autoNext = autoInc.values().stream().mapToLong(Long::longValue).toArray();
            for (int c : autoColumns)
                if (c >= 0) {
                    needed[c] = true;
                    if (kinds[c] == null) kinds[c] = IntegerKeys.forType(columnType(c), false);
                }
            paged = primitive ? (PagedRows) rows : null;
            columnKeys = kinds;
            pairIndexes = primitive ? indexes.values().toArray(new SecondaryIndex[0]) : null;
            plain = new long[n];
            rows.beginLoad(expected);
        }

        /** Loads the row encoded at {@code buf[off, off + len)} (copied: the buffer may be reused). */
        public void add(byte[] buf, int off, int len) {
            if (finished) throw new IllegalStateException("the load is finished");
            if (paged == null || !addPrimitive(buf, off, len)) addDecoded(buf, off, len);
        }

        /** The primitive path; false (nothing loaded) when a value is not of its column's type. */
        private boolean addPrimitive(byte[] buf, int off, int len) {
            PostcardReader r = new PostcardReader(buf, off, len);
            IntegerKeys pkKeys = paged.keys();
            int pkTag = pkKeys.tag();
            if ((int) r.readVarU32() != pkTag) return false;
            long pk = IntegerKeys.readPlain(r, pkTag);
            int n = r.readVarUsize();
            if (n != needed.length) return false;
            for (int i = 0; i < n; i++) {
                IntegerKeys k = columnKeys[i];
                if (needed[i]) {
                    int tag = k.tag();
                    if ((int) r.readVarU32() != tag) return false;
                    plain[i] = IntegerKeys.readPlain(r, tag);
                } else Abi.skipValue(r);
            }
            r.expectEnd();
            long key = pkKeys.ordered(pk);
            if (paged.load(key, buf, off, len)) replaced = true;
            if (!replaced)
                for (SecondaryIndex ix : pairIndexes) {
                    int c = ix.column();
                    ix.addOrdered(columnKeys[c].ordered(plain[c]), key);
                }
            for (int a = 0; a < autoColumns.length; a++) {
                long v = autoColumns[a] < 0 ? pk : plain[autoColumns[a]];
                if (v >= autoNext[a]) autoNext[a] = v + 1;
            }
            return true;
        }

        /** Any table: the needed columns decoded as values. */
        private void addDecoded(byte[] buf, int off, int len) {
            PostcardReader r = new PostcardReader(buf, off, len);
            IntersticeValue pkValue = Abi.readValue(r);
            int n = r.readVarUsize();
            if (n > r.remaining()) throw new AbiDecodeException("a row of " + n + " entries in " + len + " bytes", 0);
            var entries = new IntersticeValue[n];
            for (int i = 0; i < n; i++) {
                if (i < needed.length && needed[i]) entries[i] = Abi.readValue(r);
                else {
                    Abi.skipValue(r);
                    entries[i] = IntersticeValue.VOID;
                }
            }
            r.expectEnd();
            IndexKey pk = new IndexKey(pkValue);
            if (rows.load(pk, buf, off, len)) replaced = true;
            Row row = new Row(pkValue, Arrays.asList(entries));
            if (!replaced) for (SecondaryIndex ix : indexes.values()) ix.add(ix.keyOf(row), pk);
            for (int a = 0; a < autoColumns.length; a++) {
                long v = AutoInc.asLong(columnValue(row, autoColumns[a]));
                if (v >= autoNext[a]) autoNext[a] = v + 1;
            }
        }

        /** Builds the key order and the indexes; sets the auto_inc counters. */
        public void finish() {
            if (finished) return;
            finished = true;
            for (int a = 0; a < autoColumns.length; a++) autoInc.put(autoColumns[a], autoNext[a]);
            // each index sorts its pairs on another thread while this one builds the key order (large loads only)
            var sorts = new ArrayList<CompletableFuture<Void>>();
            if (!replaced)
                for (SecondaryIndex ix : indexes.values())
                    if (expected >= PARALLEL_LOAD) sorts.add(CompletableFuture.runAsync(ix::endLoad));
                    else ix.endLoad();
            if (rows.endLoad()) replaced = true;
            for (CompletableFuture<Void> f : sorts) f.join();
            if (!replaced) return;
            for (SecondaryIndex ix : indexes.values()) ix.clear();
            for (Iterator<StoredRow> it = rows.all(); it.hasNext(); ) {
                StoredRow row = it.next();
                for (SecondaryIndex ix : indexes.values()) ix.add(ix.keyOf(row.row()), row.pk());
            }
        }
    }

    /** Loads a recovered row (no events, no validation beyond decoding). */
    public void load(StoredRow row) {
        apply(get(row.pk()), row);
        for (var e : autoInc.entrySet()) {
            long v = AutoInc.asLong(columnValue(row.row(), e.getKey()));
            if (v >= e.getValue()) e.setValue(v + 1);
        }
    }
}
