package dev.interstice.runtime.tx;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.host.IndexQuery;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.abi.value.ValueText;
import dev.interstice.runtime.table.AutoInc;
import dev.interstice.runtime.table.IndexRange;
import dev.interstice.runtime.table.SecondaryIndex;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One reducer invocation's view of the tables: reads see committed state plus this transaction's own writes; every
 * write is validated when it is made (types, primary key, unique indexes) against that same view, so commit cannot
 * fail and applies everything at once. Nested local reducer calls share the caller's transaction.
 * Not thread-safe: a transaction lives on the executing thread under the node's execution lock, or, speculating
 * (docs/parallel-execution.md), on its caller's thread with a {@link ReadSet}: then it reads committed rows through
 * that set and refuses ({@link SerialOnly}) what the set cannot validate; its id, time and seed come at commit.
 */
public final class Transaction {
    private long id;
    private long timestampMs;
    private SplittableRandom random;
    /** Non-null while speculating: committed reads go through it. */
    private ReadSet reads;

    private final LinkedHashMap<Table, TableWrites> writes = new LinkedHashMap<>();
    private final Map<Table, Map<Integer, Long>> counters = new HashMap<>();

    public Transaction(long id, long timestampMs, long randomSeed) {
        this.id = id;
        this.timestampMs = timestampMs;
        this.random = new SplittableRandom(randomSeed);
    }

    /** A speculative transaction: no id, time or seed yet ({@link #settle}); committed reads are noted in {@code reads}. */
    public Transaction(ReadSet reads) {
        this(0, 0, 0);
        this.reads = reads;
    }

    /**
     * Gives a speculative transaction the id, time and seed it commits with (it used none of them: reading the time or
     * a random number is {@link SerialOnly}); from now on it is an ordinary transaction under the execution lock.
     */
    public void settle(long txId, long timestamp, long randomSeed) {
        id = txId;
        timestampMs = timestamp;
        random = new SplittableRandom(randomSeed);
        reads = null;
    }

    /** Whether this transaction is speculating (its reads are noted, its id and time are not known yet). */
    public boolean speculative() {
        return reads != null;
    }

    /** Refuses {@code what} while speculating: the call then runs serially. */
    public void serialOnly(String what) {
        if (reads != null) throw new SerialOnly(what);
    }

    public long id() {
        return id;
    }

    public long timestampMs() {
        serialOnly("time");
        return timestampMs;
    }

    public long nextRandom() {
        serialOnly("random");
        return random.nextLong();
    }

    public boolean hasWrites() {
        return !writes.isEmpty();
    }

    // ---- reads ----

    public StoredRow get(Table t, IndexKey pk) {
        TableWrites w = writes.get(t);
        if (w != null) {
            TableWrites.Entry e = w.entry(pk);
            if (e != null) return e.after;
        }
        return committed(t, pk);
    }

    /** The committed row of {@code pk}: read directly, or through the read set while speculating. */
    StoredRow committed(Table t, IndexKey pk) {
        return reads == null ? t.get(pk) : reads.get(t, pk);
    }

    /** All rows in primary-key order. */
    public List<StoredRow> scan(Table t) {
        serialOnly("scan");
        var out = new ArrayList<StoredRow>(t.size());
        openScan(t).forEachRemaining(out::add);
        return out;
    }

    /** Rows whose indexed column matches, ordered by that column then primary key. */
    public List<StoredRow> indexScan(Table t, String field, IndexQuery q) {
        var out = new ArrayList<StoredRow>();
        openIndexScan(t, field, IndexRange.of(q)).forEachRemaining(out::add);
        return out;
    }

    /**
     * The rows of {@code t} in primary-key order, read lazily: committed rows as they are (no commit happens while
     * the transaction lives) merged with a copy of this transaction's writes to {@code t} taken now. So the cursor
     * sees the table as it was when it was opened: writes made while it is read do not change what it returns.
     */
    public Iterator<StoredRow> openScan(Table t) {
        serialOnly("scan");
        TableWrites w = writes.get(t);
        if (w == null || w.entries.isEmpty()) return t.scanAfter(null);
        var written = new ArrayList<StoredRow>();
        for (TableWrites.Entry e : w.entries.values()) if (e.after != null) written.add(e.after);
        written.sort(Comparator.comparing(StoredRow::pk));
        return new MergedRows(
                new SkippingRows(t.scanAfter(null), new HashSet<>(w.entries.keySet())),
                written,
                Comparator.comparing(StoredRow::pk));
    }

    /**
     * The rows an index range selects, in (index key, primary key) order, read lazily with the same snapshot rule
     * as {@link #openScan}. {@code index}: a column's name, or a composite index's columns joined by ','.
     */
    public Iterator<StoredRow> openIndexScan(Table t, String index, IndexRange range) {
        serialOnly("index scan");
        SecondaryIndex ix = t.index(index);
        if (ix == null) throw new TxException("table '" + t.schema().name() + "' has no index on '" + index + "'");
        Iterator<IndexKey> pks;
        try {
            pks = ix.pks(range, null, null);
        } catch (IllegalArgumentException e) {
            throw new TxException(e.getMessage() + " (table '" + t.schema().name() + "', index '" + index + "')");
        }
        Iterator<StoredRow> committed = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return pks.hasNext();
            }

            @Override
            public StoredRow next() {
                return t.get(pks.next());
            }
        };
        TableWrites w = writes.get(t);
        if (w == null || w.entries.isEmpty()) return committed;
        var written = new ArrayList<StoredRow>();
        for (TableWrites.Entry e : w.entries.values())
            if (e.after != null && range.matches(ix.keyOf(e.after.row()), ix.arity())) written.add(e.after);
        Comparator<StoredRow> order = Comparator.<StoredRow, IndexKey>comparing(r -> ix.keyOf(r.row()))
                .thenComparing(StoredRow::pk);
        written.sort(order);
        return new MergedRows(new SkippingRows(committed, new HashSet<>(w.entries.keySet())), written, order);
    }

    // ---- writes ----

    /** Inserts a row, assigning auto-increment columns; returns the stored row. */
    public StoredRow insert(Table t, Row row, byte[] encoded) {
        validateShape(t, row, !t.schema().primaryKeyAutoInc());
        if (reads != null && reads.autoIncrements(t)) throw new SerialOnly("auto_inc insert");
        // speculating, the table has no counters (checked): the committed ones are not read unlocked
        Map<Integer, Long> next = reads != null ? new LinkedHashMap<>() : countersFor(t);
        boolean changed = false;
        for (var c : next.entrySet()) {
            IntersticeValue v = AutoInc.valueOf(t.columnType(c.getKey()), c.getValue());
            if (v == null)
                throw new TxException("auto_inc column '" + columnName(t, c.getKey()) + "' of table '"
                        + t.schema().name() + "' is exhausted");
            row = c.getKey() < 0 ? row.withPrimaryKey(v) : row.withEntry(c.getKey(), v);
            changed = true;
        }
        IndexKey pk = keyOf(row);
        if (get(t, pk) != null)
            throw new TxException("duplicate primary key " + show(pk) + " in table '"
                    + t.schema().name() + "'");
        StoredRow stored = new StoredRow(pk, row, changed || encoded == null ? Abi.encodeRow(row) : encoded);
        checkUnique(t, stored);
        next.replaceAll((col, n) -> n + 1);
        writesFor(t).put(pk, stored);
        return stored;
    }

    /** Replaces the row with the same primary key; it must exist. */
    public StoredRow update(Table t, Row row, byte[] encoded) {
        validateShape(t, row, true);
        IndexKey pk = keyOf(row);
        if (get(t, pk) == null)
            throw new TxException("no row with primary key " + show(pk) + " in table '"
                    + t.schema().name() + "' to update");
        StoredRow stored = new StoredRow(pk, row, encoded == null ? Abi.encodeRow(row) : encoded);
        checkUnique(t, stored);
        writesFor(t).put(pk, stored);
        return stored;
    }

    /**
     * Puts a row exactly as given, inserted or replacing the row with its primary key: auto_inc columns keep their
     * values and counters (a past state made current again, {@code rewind}).
     */
    public StoredRow restore(Table t, Row row, byte[] encoded) {
        serialOnly("restore");
        validateShape(t, row, true);
        StoredRow stored = new StoredRow(keyOf(row), row, encoded == null ? Abi.encodeRow(row) : encoded);
        checkUnique(t, stored);
        writesFor(t).put(stored.pk(), stored);
        return stored;
    }

    public void delete(Table t, IndexKey pk) {
        if (get(t, pk) == null)
            throw new TxException("no row with primary key " + show(pk) + " in table '"
                    + t.schema().name() + "' to delete");
        writesFor(t).put(pk, null);
    }

    public void clear(Table t) {
        serialOnly("clear");
        TableWrites w = writesFor(t);
        for (StoredRow committed : t.scan()) if (w.entry(committed.pk()) == null) w.put(committed.pk(), null);
        for (IndexKey pk : new ArrayList<>(w.entries.keySet())) w.put(pk, null);
    }

    // ---- commit ----

    /**
     * Applies every write to the committed tables and returns the net row changes in first-touch order. Called
     * only after the log accepted the transaction; cannot fail.
     */
    public List<RowChange> netChanges() {
        var out = new ArrayList<RowChange>();
        for (TableWrites w : writes.values())
            for (TableWrites.Entry e : w.entries.values())
                if (e.before != e.after) out.add(new RowChange(w.table, e.before, e.after));
        return out;
    }

    /** Auto-increment counters this transaction advanced, per table. */
    public Map<Table, Map<Integer, Long>> counters() {
        return counters;
    }

    public void apply(List<RowChange> changes) {
        for (RowChange c : changes) c.table().apply(c.before(), c.after());
        for (var e : counters.entrySet()) e.getKey().autoIncCounters().putAll(e.getValue());
    }

    // ---- helpers ----

    private TableWrites writesFor(Table t) {
        return writes.computeIfAbsent(t, k -> new TableWrites(k, this));
    }

    private Map<Integer, Long> countersFor(Table t) {
        return counters.computeIfAbsent(t, k -> new LinkedHashMap<>(k.autoIncCounters()));
    }

    private static void validateShape(Table t, Row row, boolean checkPk) {
        var schema = t.schema();
        if (checkPk) {
            String r = t.types().check(row.primaryKey(), schema.primaryKey().type());
            if (r != null)
                throw new TxException("table '" + schema.name() + "': primary key '"
                        + schema.primaryKey().name() + "': " + r);
        }
        if (row.entries().size() != schema.fields().size())
            throw new TxException("table '" + schema.name() + "': expected "
                    + schema.fields().size() + " field(s) besides the primary key, got "
                    + row.entries().size());
        for (int i = 0; i < row.entries().size(); i++) {
            String r =
                    t.types().check(row.entries().get(i), schema.fields().get(i).type());
            if (r != null)
                throw new TxException("table '" + schema.name() + "': field '"
                        + schema.fields().get(i).name() + "': " + r);
        }
    }

    private void checkUnique(Table t, StoredRow row) {
        TableWrites w = writes.get(t);
        for (SecondaryIndex ix : t.indexes()) {
            if (!ix.unique()) continue;
            IndexKey key = keyOf(row, ix);
            IndexKey owner = w == null ? null : w.writtenOwner(ix, key);
            if (owner == null) {
                IndexKey committedOwner = reads == null ? ix.owner(key) : reads.owner(t, ix, key);
                if (committedOwner != null && (w == null || w.entry(committedOwner) == null)) owner = committedOwner;
            }
            if (owner != null && !owner.equals(row.pk()))
                throw new TxException("unique index '" + ix.schema().field() + "' of table '"
                        + t.schema().name() + "': " + show(key) + " is already used by "
                        + (t.viewed() ? "another row" : "the row with primary key " + show(owner)));
        }
    }

    private static IndexKey keyOf(Row row) {
        String r = IndexKey.unsupported(row.primaryKey());
        if (r != null) throw new TxException("primary key: " + r);
        return new IndexKey(row.primaryKey());
    }

    private static IndexKey keyOf(StoredRow row, SecondaryIndex ix) {
        return ix.keyOf(row.row());
    }

    private static String columnName(Table t, int column) {
        return column < 0
                ? t.schema().primaryKey().name()
                : t.schema().fields().get(column).name();
    }

    static String show(IndexKey k) {
        return ValueText.of(k.value());
    }
}
