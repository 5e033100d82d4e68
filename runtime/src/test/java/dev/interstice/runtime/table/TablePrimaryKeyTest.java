package dev.interstice.runtime.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.storage.TableId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Primary-key lookups through {@link Table} keep IndexKey equality whichever map backs them. */
class TablePrimaryKeyTest {

    private static final List<IntersticeValue> FIVES = List.of(
            IntersticeValue.u8(5),
            IntersticeValue.u32(5),
            IntersticeValue.u64(5),
            IntersticeValue.i32(5),
            IntersticeValue.i64(5));
    private static final List<IntersticeType> TYPES =
            List.of(IntersticeType.U8, IntersticeType.U32, IntersticeType.U64, IntersticeType.I32, IntersticeType.I64);

    private static Table table(IntersticeType pkType) {
        var schema = new TableSchema(
                "t",
                "T",
                Visibility.PUBLIC,
                List.of(new FieldDef("v", IntersticeType.STRING)),
                new FieldDef("id", pkType),
                false,
                List.of(),
                Persistence.LOGGED);
        return new Table(new TableId("m", "t"), schema, new TypeChecker(Map.of()));
    }

    private static StoredRow row(IntersticeValue pk, String v) {
        Row row = new Row(pk, List.of(IntersticeValue.str(v)));
        return new StoredRow(new IndexKey(pk), row, Abi.encodeRow(row));
    }

    @Test
    void aKeyOfAnotherIntegerVariantIsNotFound() {
        for (int t = 0; t < TYPES.size(); t++) {
            Table table = table(TYPES.get(t));
            table.apply(null, row(FIVES.get(t), "five"));
            for (int k = 0; k < FIVES.size(); k++) {
                StoredRow found = table.get(new IndexKey(FIVES.get(k)));
                if (k == t)
                    assertThat(found)
                            .as("%s in %s table", FIVES.get(k), TYPES.get(t))
                            .isNotNull();
                else
                    assertThat(found)
                            .as("%s in %s table", FIVES.get(k), TYPES.get(t))
                            .isNull();
            }
            // a removal with the wrong variant must not remove anything either
            table.apply(row(FIVES.get((t + 1) % FIVES.size()), "other"), null);
            assertThat(table.size()).isEqualTo(1);
            assertThat(table.get(new IndexKey(FIVES.get(t)))).isNotNull();
        }
    }

    /** Scans and pages follow IndexKey's order for every integer variant: u64 unsigned, i32 and i64 signed. */
    @Test
    void integerKeysScanInIndexKeyOrder() {
        var keys = List.of(
                List.of(
                        IntersticeValue.u64(-1),
                        IntersticeValue.u64(0),
                        IntersticeValue.u64(Long.MIN_VALUE),
                        IntersticeValue.u64(7)),
                List.of(
                        IntersticeValue.i64(-1),
                        IntersticeValue.i64(Long.MAX_VALUE),
                        IntersticeValue.i64(0),
                        IntersticeValue.i64(Long.MIN_VALUE)),
                List.of(IntersticeValue.i32(3), IntersticeValue.i32(-3), IntersticeValue.i32(0)),
                List.of(IntersticeValue.u32(4_000_000_000L), IntersticeValue.u32(1)),
                List.of(IntersticeValue.u8(255), IntersticeValue.u8(0)));
        for (var values : keys) {
            var type = switch (values.getFirst()) {
                case IntersticeValue.U64 x -> IntersticeType.U64;
                case IntersticeValue.I64 x -> IntersticeType.I64;
                case IntersticeValue.I32 x -> IntersticeType.I32;
                case IntersticeValue.U32 x -> IntersticeType.U32;
                default -> IntersticeType.U8;
            };
            Table table = table(type);
            for (IntersticeValue v : values) table.apply(null, row(v, v.toString()));
            var sorted = values.stream().map(IndexKey::new).sorted().toList();
            assertThat(table.scan()).extracting(StoredRow::pk).containsExactlyElementsOf(sorted);
            assertThat(iterable(table.scanAfter(sorted.get(0))))
                    .extracting(StoredRow::pk)
                    .containsExactlyElementsOf(sorted.subList(1, sorted.size()));
            assertThat(iterable(table.scanFrom(sorted.get(1))))
                    .extracting(StoredRow::pk)
                    .containsExactlyElementsOf(sorted.subList(1, sorted.size()));
            // a key of another type sorts before or after every row, as in IndexKey's order
            var other = new IndexKey(IntersticeValue.str("x"));
            assertThat(iterable(table.scanAfter(other)))
                    .hasSize(other.compareTo(sorted.getFirst()) < 0 ? values.size() : 0);
        }
    }

    private static Iterable<StoredRow> iterable(java.util.Iterator<StoredRow> it) {
        var out = new java.util.ArrayList<StoredRow>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void nonIntegerKeysStillWork() {
        Table table = table(IntersticeType.STRING);
        table.apply(null, row(IntersticeValue.str("b"), "1"));
        table.apply(null, row(IntersticeValue.str("a"), "2"));
        assertThat(table.get(new IndexKey(IntersticeValue.str("a")))).isNotNull();
        assertThat(table.get(new IndexKey(IntersticeValue.u32(5)))).isNull();
        assertThat(table.scan())
                .extracting(r -> r.pk().value())
                .containsExactly(IntersticeValue.str("a"), IntersticeValue.str("b"));
    }

    @Test
    void insertUpdateDeleteAndScanOrder() {
        Table table = table(IntersticeType.U64);
        long[] keys = {-1L, 0L, Long.MIN_VALUE, 7L, Long.MAX_VALUE};
        for (long k : keys) table.apply(null, row(IntersticeValue.u64(k), "v" + k));
        assertThat(table.size()).isEqualTo(keys.length);
        // u64 order is unsigned: raw bits -1 is the largest
        assertThat(table.scan())
                .extracting(r -> ((IntersticeValue.U64) r.pk().value()).value())
                .containsExactly(0L, 7L, Long.MAX_VALUE, Long.MIN_VALUE, -1L);

        StoredRow before = table.get(new IndexKey(IntersticeValue.u64(-1L)));
        StoredRow after = row(IntersticeValue.u64(-1L), "updated");
        table.apply(before, after);
        assertThat(table.get(new IndexKey(IntersticeValue.u64(-1L)))).isEqualTo(after);
        assertThat(table.scan()).contains(after).doesNotContain(before);

        table.apply(after, null);
        assertThat(table.get(new IndexKey(IntersticeValue.u64(-1L)))).isNull();
        assertThat(table.size()).isEqualTo(keys.length - 1);
        assertThat(table.scan()).hasSize(keys.length - 1);

        table.load(row(IntersticeValue.u64(7L), "loaded"));
        assertThat(table.get(new IndexKey(IntersticeValue.u64(7L))).row().entries())
                .containsExactly(IntersticeValue.str("loaded"));
        assertThat(table.size()).isEqualTo(keys.length - 1);
    }
}
