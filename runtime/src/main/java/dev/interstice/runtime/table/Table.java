package dev.interstice.runtime.table;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.storage.TableId;
import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
     * by one, the key order built once at the end.
     */
    public void loadAllEncoded(Collection<byte[]> encoded) {
        rows.beginLoad(encoded.size());
        try {
            for (byte[] bytes : encoded) loadEncoded(bytes);
        } finally {
            rows.endLoad();
        }
    }

    /** Loads a recovered row from its encoding (a snapshot's or a log's; no events, no validation beyond decoding). */
    private void loadEncoded(byte[] encoded) {
        Row row = Abi.decodeRow(encoded);
        load(new StoredRow(new IndexKey(row.primaryKey()), row, encoded));
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
