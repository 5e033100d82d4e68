package dev.interstice.benchmarks.table;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import dev.interstice.runtime.table.TypeChecker;
import dev.interstice.runtime.tx.Transaction;
import dev.interstice.storage.TableId;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What a committed row costs at scale (issue 18), on a bare {@link Table} (no node, so nothing else is live): N rows
 * of (u64 key, u32 {@code n}, a string payload of P bytes), with or without a btree index on {@code n}, loaded as
 * recovery loads them; the heap per row after full collections, beyond the mean encoded row. Then {@code churn}
 * transactions (an update of a random row's {@code n} each, as a commit applies it) with all rows live: run it with
 * {@code -Xlog:gc} to read the longest pause.
 *
 * <pre>
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar dev.interstice.benchmarks.table.TableFootprint rows payload index churn
 * </pre>
 * e.g. {@code 10000000 64 1 2000000}.
 */
public final class TableFootprint {
    private TableFootprint() {}

    public static void main(String[] args) throws Exception {
        long rows = Long.parseLong(args[0]);
        int payload = Integer.parseInt(args[1]);
        boolean indexed = !args[2].equals("0");
        long churn = args.length > 3 ? Long.parseLong(args[3]) : 0;
        var schema = schema(indexed);
        long before = heapAfterGc();
        var table = new Table(new TableId("m", "t"), schema, new TypeChecker(Map.of()));
        char[] text = new char[payload];
        long encoded = 0;
        long t0 = System.nanoTime();
        for (long id = 0; id < rows; id++) {
            Row r = row(id, id % 1000, text);
            byte[] bytes = Abi.encodeRow(r);
            encoded += bytes.length;
            table.load(new StoredRow(new IndexKey(IntersticeValue.u64(id)), r, bytes));
        }
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        long after = heapAfterGc();
        double perRow = (after - before) / (double) rows;
        double enc = encoded / (double) rows;
        System.out.printf(
                Locale.ROOT,
                "%,d rows (payload %d B, %s) loaded in %.1f s; heap %,d -> %,d bytes: %.1f per row, encoded row %.1f:"
                        + " %.1f bytes per row beyond the encoded row%n",
                rows,
                payload,
                indexed ? "1 btree index on a u32" : "no secondary index",
                loadSeconds,
                before,
                after,
                perRow,
                enc,
                perRow - enc);
        if (churn > 0) {
            var random = new SplittableRandom(7);
            long t1 = System.nanoTime();
            for (long i = 0; i < churn; i++) {
                var tx = new Transaction(i + 1, 0, i);
                tx.update(table, row(random.nextLong(rows), random.nextLong(1000), text), null);
                tx.apply(tx.netChanges());
            }
            double s = (System.nanoTime() - t1) / 1e9;
            System.out.printf(Locale.ROOT, "%,d updates with every row live in %.1f s (%.0f/s)%n", churn, s, churn / s);
        }
        System.out.println(table.size()); // keeps the table live to the end
    }

    /** The table: u64 key {@code id}, a u32 {@code n} (with a btree index when {@code indexed}), a string {@code p}. */
    static TableSchema schema(boolean indexed) {
        return new TableSchema(
                "t",
                "t",
                Visibility.PUBLIC,
                List.of(new FieldDef("n", IntersticeType.U32), new FieldDef("p", IntersticeType.STRING)),
                new FieldDef("id", IntersticeType.U64),
                false,
                indexed ? List.of(new IndexSchema("n", IndexSchema.Type.BTREE, false, false)) : List.of(),
                Persistence.LOGGED);
    }

    /** A row of {@link #schema}: the payload is {@code text} filled with one letter chosen by {@code id}. */
    static Row row(long id, long n, char[] text) {
        Arrays.fill(text, (char) ('a' + id % 26));
        return new Row(IntersticeValue.u64(id), List.of(IntersticeValue.u32(n), IntersticeValue.str(new String(text))));
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
