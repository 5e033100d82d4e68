package dev.interstice.runtime.table;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.interstice.storage.TableId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A bulk load ({@link Table#bulkLoad}, what recovery streams a snapshot into) leaves the table exactly as committing
 * the same rows one by one does: rows, key order, every index (btree, unique, hash) and the auto_inc counters.
 */
class TableBulkLoadTest {

    private static Table table(IntersticeType pkType) {
        boolean autoInc = pkType != IntersticeType.STRING;
        var schema = new TableSchema(
                "t",
                "T",
                Visibility.PUBLIC,
                List.of(
                        new FieldDef("n", IntersticeType.U32),
                        new FieldDef("name", IntersticeType.STRING),
                        new FieldDef("code", IntersticeType.U64),
                        new FieldDef("score", IntersticeType.I32)),
                new FieldDef("id", pkType),
                autoInc,
                List.of(
                        new IndexSchema("n", IndexSchema.Type.BTREE, false, false),
                        new IndexSchema("code", IndexSchema.Type.BTREE, true, false),
                        new IndexSchema("score", IndexSchema.Type.HASH, false, false)),
                Persistence.LOGGED);
        return new Table(new TableId("m", "t"), schema, new TypeChecker(Map.of()));
    }

    private static IntersticeValue key(IntersticeType type, Random rnd) {
        if (type == IntersticeType.U64)
            return IntersticeValue.u64(rnd.nextBoolean() ? rnd.nextInt(5000) : rnd.nextLong());
        if (type == IntersticeType.I64) return IntersticeValue.i64(rnd.nextInt(10_000) - 5000);
        if (type == IntersticeType.U32) return IntersticeValue.u32(rnd.nextInt(5000));
        return IntersticeValue.str("k" + rnd.nextInt(5000));
    }

    /** Rows in random order; with {@code repeats}, some keys come again (the later row replaces the earlier). */
    private static List<byte[]> rows(IntersticeType type, boolean repeats, long seed) {
        Random rnd = new Random(seed);
        var out = new ArrayList<byte[]>();
        var seen = new TreeSet<IndexKey>();
        long code = 1L << 63; // unique codes, some with the high bit set (unsigned order)
        while (out.size() < 3000) {
            IntersticeValue pk = key(type, rnd);
            if (!seen.add(new IndexKey(pk)) && !repeats) continue;
            code += 1 + rnd.nextInt(1000);
            Row row = new Row(
                    pk,
                    List.of(
                            IntersticeValue.u32(rnd.nextInt(40)),
                            IntersticeValue.str("name " + rnd.nextInt()),
                            IntersticeValue.u64(rnd.nextBoolean() ? code : code & Long.MAX_VALUE),
                            IntersticeValue.i32(rnd.nextInt(21) - 10)));
            out.add(Abi.encodeRow(row));
        }
        return out;
    }

    private static List<StoredRow> read(Iterator<StoredRow> it) {
        var out = new ArrayList<StoredRow>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static List<StoredRow> where(Table t, String field, Condition.Op op, IntersticeValue v) {
        return read(RowSelector.open(t, List.of(new Condition(field, op, new IndexKey(v))), null));
    }

    @ParameterizedTest
    @CsvSource({"U64,false", "U64,true", "I64,false", "I64,true", "U32,true", "STRING,false", "STRING,true"})
    void aBulkLoadEqualsCommittingTheRowsOneByOne(String pkType, boolean repeats) {
        IntersticeType type = switch (pkType) {
            case "U64" -> IntersticeType.U64;
            case "I64" -> IntersticeType.I64;
            case "U32" -> IntersticeType.U32;
            default -> IntersticeType.STRING;
        };
        List<byte[]> rows = rows(type, repeats, 42);
        Table expected = table(type);
        for (byte[] b : rows) {
            Row row = Abi.decodeRow(b);
            IndexKey pk = new IndexKey(row.primaryKey());
            expected.load(new StoredRow(pk, row, b));
        }
        Table loaded = table(type);
        Table.Loader l = loaded.bulkLoad(rows.size());
        byte[] buf = new byte[1 << 16];
        int at = 7;
        for (byte[] b : rows) { // rows as ranges of a shared buffer that is overwritten after each
            System.arraycopy(b, 0, buf, at, b.length);
            l.add(buf, at, b.length);
            java.util.Arrays.fill(buf, at, at + b.length, (byte) 0x55);
        }
        l.finish();

        assertThat(loaded.size()).isEqualTo(expected.size());
        assertThat(read(loaded.scan().iterator()))
                .containsExactlyElementsOf(read(expected.scan().iterator()));
        assertThat(loaded.autoIncCounters()).isEqualTo(expected.autoIncCounters());
        for (StoredRow r : expected.scan()) assertThat(loaded.get(r.pk())).isEqualTo(r);
        // the btree index, whole and as a range
        assertThat(where(loaded, "n", Condition.Op.GTE, IntersticeValue.u32(0)))
                .containsExactlyElementsOf(where(expected, "n", Condition.Op.GTE, IntersticeValue.u32(0)));
        assertThat(where(loaded, "n", Condition.Op.LT, IntersticeValue.u32(7)))
                .containsExactlyElementsOf(where(expected, "n", Condition.Op.LT, IntersticeValue.u32(7)))
                .isNotEmpty();
        // the unique index: every row's code owned by its row, a replaced row's code by no one
        assertThat(where(loaded, "code", Condition.Op.GTE, IntersticeValue.u64(0)))
                .containsExactlyElementsOf(where(expected, "code", Condition.Op.GTE, IntersticeValue.u64(0)));
        SecondaryIndex code = loaded.index("code");
        for (byte[] b : rows) {
            Row row = Abi.decodeRow(b);
            IndexKey c = new IndexKey(row.entries().get(2));
            assertThat(code.owner(c)).isEqualTo(expected.index("code").owner(c));
        }
        // the hash index answers equality
        for (int s = -10; s <= 10; s++)
            assertThat(where(loaded, "score", Condition.Op.EQ, IntersticeValue.i32(s)))
                    .containsExactlyElementsOf(where(expected, "score", Condition.Op.EQ, IntersticeValue.i32(s)));
        // and the loaded table goes on as any other: a change after the load keeps the indexes right
        StoredRow first = expected.scan().iterator().next();
        loaded.apply(loaded.get(first.pk()), null);
        expected.apply(first, null);
        assertThat(where(loaded, "n", Condition.Op.GTE, IntersticeValue.u32(0)))
                .containsExactlyElementsOf(where(expected, "n", Condition.Op.GTE, IntersticeValue.u32(0)));
    }
}
