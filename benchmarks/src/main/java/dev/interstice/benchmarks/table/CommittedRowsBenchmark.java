package dev.interstice.benchmarks.table;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.host.IndexQuery;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.table.IndexRange;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import dev.interstice.runtime.table.TypeChecker;
import dev.interstice.runtime.tx.Transaction;
import dev.interstice.storage.TableId;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A committed table's operations through its public API (issue 18): the scan-workload {@code item} shape (u64 key, a
 * u32 with a btree index over 100 values, a u64) with N rows; a point get (the bytes a guest gets, and decoded), an
 * insert plus a delete of the oldest row and an update of the indexed value (each a transaction applied as a commit
 * applies it), a page of 1,000 rows in key order and 100 rows of an index lookup. Uses only API that existed before
 * rows were kept encoded, so the same file runs against both. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar CommittedRowsBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx3g"})
@State(Scope.Thread)
public class CommittedRowsBenchmark {
    private static final int VALUES = 100;

    @Param({"1000000"})
    public int rows;

    private Table table;
    private final SplittableRandom random = new SplittableRandom(42);
    private long oldest;
    private long newest;
    private long tx;

    private static Row row(long id, long n) {
        return new Row(IntersticeValue.u64(id), List.of(IntersticeValue.u32(n), IntersticeValue.u64(id * 3)));
    }

    private static IndexKey key(long id) {
        return new IndexKey(IntersticeValue.u64(id));
    }

    @Setup(Level.Trial)
    public void fill() {
        var schema = new TableSchema(
                "item",
                "item",
                Visibility.PUBLIC,
                List.of(new FieldDef("n", IntersticeType.U32), new FieldDef("v", IntersticeType.U64)),
                new FieldDef("id", IntersticeType.U64),
                false,
                List.of(new IndexSchema("n", IndexSchema.Type.BTREE, false, false)),
                Persistence.EPHEMERAL);
        table = new Table(new TableId("m", "item"), schema, new TypeChecker(Map.of()));
        for (long id = 0; id < rows; id++) {
            Row r = row(id, id % VALUES);
            table.load(new StoredRow(key(id), r, Abi.encodeRow(r)));
        }
        oldest = 0;
        newest = rows - 1;
    }

    private long anyKey() {
        return oldest + random.nextLong(newest - oldest + 1);
    }

    @Benchmark
    public byte[] get() {
        return table.get(key(anyKey())).encoded();
    }

    /** A point get whose bytes are read, as a guest's read copies them: {@link #get} alone leaves them untouched. */
    @Benchmark
    public long getAndRead() {
        long sum = 0;
        for (byte b : table.get(key(anyKey())).encoded()) sum += b;
        return sum;
    }

    @Benchmark
    public Row getDecoded() {
        return table.get(key(anyKey())).row();
    }

    @Benchmark
    public void insertAndDeleteOldest() {
        var t = new Transaction(++tx, 0, tx);
        t.insert(table, row(++newest, newest % VALUES), null);
        t.apply(t.netChanges());
        t = new Transaction(++tx, 0, tx);
        t.delete(table, key(oldest++));
        t.apply(t.netChanges());
    }

    @Benchmark
    public void updateIndexedValue() {
        var t = new Transaction(++tx, 0, tx);
        t.update(table, row(anyKey(), random.nextInt(VALUES)), null);
        t.apply(t.netChanges());
    }

    @Benchmark
    public void scanPage(Blackhole bh) {
        Iterator<StoredRow> it = table.scanFrom(key(anyKey()));
        for (int i = 0; i < 1000 && it.hasNext(); i++) bh.consume(it.next().encoded());
    }

    @Benchmark
    public void indexLookup(Blackhole bh) {
        var t = new Transaction(++tx, 0, tx);
        var q = new IndexQuery.Eq(new IndexKey(IntersticeValue.u32(random.nextInt(VALUES))));
        Iterator<StoredRow> it = t.openIndexScan(table, "n", IndexRange.of(q));
        for (int i = 0; i < 100 && it.hasNext(); i++) bh.consume(it.next().encoded());
    }
}
