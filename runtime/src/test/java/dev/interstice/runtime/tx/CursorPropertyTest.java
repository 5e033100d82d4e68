package dev.interstice.runtime.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.interstice.runtime.table.CompositeIndex;
import dev.interstice.runtime.table.Condition;
import dev.interstice.runtime.table.IndexRange;
import dev.interstice.runtime.table.RowSelector;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import dev.interstice.runtime.table.TypeChecker;
import dev.interstice.storage.TableId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Cursors and index ranges against a model: random committed rows, random writes of one transaction, random ranges
 * on a btree index, a hash index and a composite index (a, b). What a cursor returns must be the model's rows at the
 * cursor's opening (committed plus the transaction's writes), filtered and in (index key, primary key) order,
 * whatever the transaction writes afterwards.
 */
class CursorPropertyTest {
    /** id -> (a, b). */
    private record Model(TreeMap<Long, long[]> rows) {
        Model copy() {
            var m = new TreeMap<Long, long[]>();
            rows.forEach((k, v) -> m.put(k, v.clone()));
            return new Model(m);
        }

        List<Long> select(Predicate<long[]> keep, Comparator<Map.Entry<Long, long[]>> order) {
            return rows.entrySet().stream()
                    .filter(e -> keep.test(e.getValue()))
                    .sorted(order.thenComparing(Map.Entry::getKey))
                    .map(Map.Entry::getKey)
                    .toList();
        }
    }

    private static Table table() {
        var schema = new TableSchema(
                "t",
                "t",
                Visibility.PUBLIC,
                List.of(new FieldDef("a", IntersticeType.U32), new FieldDef("b", IntersticeType.U64)),
                new FieldDef("id", IntersticeType.U64),
                false,
                List.of(
                        new IndexSchema("a", IndexSchema.Type.BTREE, false, false),
                        new IndexSchema("b", IndexSchema.Type.HASH, false, false)),
                Persistence.EPHEMERAL);
        return new Table(
                new TableId("m", "t"),
                schema,
                new TypeChecker(Map.of()),
                List.of(new CompositeIndex(List.of("a", "b"), false)));
    }

    private static Row row(long id, long a, long b) {
        return new Row(IntersticeValue.u64(id), List.of(IntersticeValue.u32(a), IntersticeValue.u64(b)));
    }

    private static IndexKey u32(long v) {
        return new IndexKey(IntersticeValue.u32(v));
    }

    private static IndexKey u64(long v) {
        return new IndexKey(IntersticeValue.u64(v));
    }

    private static List<Long> ids(Iterator<StoredRow> it) {
        var out = new ArrayList<Long>();
        it.forEachRemaining(r -> out.add(((IntersticeValue.U64) r.pk().value()).value()));
        return out;
    }

    /** A random query on values 0..9 and the same as a predicate. */
    private record Q(IndexQuery query, Predicate<Long> test) {}

    private static Q query(Random rnd, boolean asU32) {
        long x = rnd.nextInt(10);
        long y = rnd.nextInt(10);
        IndexKey k = asU32 ? u32(x) : u64(x);
        IndexKey l = asU32 ? u32(y) : u64(y);
        boolean inMin = rnd.nextBoolean();
        boolean inMax = rnd.nextBoolean();
        return switch (rnd.nextInt(6)) {
            case 0 -> new Q(new IndexQuery.Eq(k), v -> v == x);
            case 1 -> new Q(new IndexQuery.Lt(k), v -> v < x);
            case 2 -> new Q(new IndexQuery.Lte(k), v -> v <= x);
            case 3 -> new Q(new IndexQuery.Gt(k), v -> v > x);
            case 4 -> new Q(new IndexQuery.Gte(k), v -> v >= x);
            default ->
                new Q(
                        new IndexQuery.Range(k, l, inMin, inMax),
                        v -> (inMin ? v >= x : v > x) && (inMax ? v <= y : v < y));
        };
    }

    private static void write(Random rnd, Transaction tx, Table t, Model m) {
        long id = rnd.nextInt(80);
        long a = rnd.nextInt(10);
        long b = rnd.nextInt(10);
        if (!m.rows().containsKey(id)) {
            tx.insert(t, row(id, a, b), null);
            m.rows().put(id, new long[] {a, b});
        } else if (rnd.nextBoolean()) {
            tx.update(t, row(id, a, b), null);
            m.rows().put(id, new long[] {a, b});
        } else {
            tx.delete(t, u64(id));
            m.rows().remove(id);
        }
    }

    @Test
    void cursorsReadTheTransactionAsItWasWhenTheyOpened() {
        Comparator<Map.Entry<Long, long[]>> byA = Comparator.comparingLong(e -> e.getValue()[0]);
        Comparator<Map.Entry<Long, long[]>> byB = Comparator.comparingLong(e -> e.getValue()[1]);
        Comparator<Map.Entry<Long, long[]>> byId = (x, y) -> 0;
        for (int seed = 0; seed < 400; seed++) {
            var rnd = new Random(seed);
            Table t = table();
            var model = new Model(new TreeMap<>());
            for (int i = rnd.nextInt(60); i > 0; i--) {
                long id = rnd.nextInt(80);
                long a = rnd.nextInt(10);
                long b = rnd.nextInt(10);
                if (model.rows().containsKey(id)) continue;
                Row r = row(id, a, b);
                t.load(new StoredRow(u64(id), r, Abi.encodeRow(r)));
                model.rows().put(id, new long[] {a, b});
            }
            var tx = new Transaction(1, 0, seed);
            for (int i = rnd.nextInt(30); i > 0; i--) write(rnd, tx, t, model);
            String at = "seed " + seed;

            Q qa = query(rnd, true);
            Q qb = query(rnd, false);
            long a0 = rnd.nextInt(10);
            long b0 = rnd.nextInt(10);
            var scan = tx.openScan(t);
            var onA = tx.openIndexScan(t, "a", IndexRange.of(qa.query()));
            var onB = tx.openIndexScan(t, "b", new IndexRange(List.of(), new IndexQuery.Eq(u64(b0))));
            var prefix = tx.openIndexScan(t, "a,b", new IndexRange(List.of(u32(a0)), null));
            var prefixRange = tx.openIndexScan(t, "a,b", new IndexRange(List.of(u32(a0)), qb.query()));
            var full = tx.openIndexScan(t, "a,b", new IndexRange(List.of(u32(a0), u64(b0)), null));
            var firstOnly = tx.openIndexScan(t, "a,b", new IndexRange(List.of(), qa.query()));
            Model atOpen = model.copy();
            for (int i = rnd.nextInt(20); i > 0; i--) write(rnd, tx, t, model); // not seen by the open cursors

            assertThat(ids(scan)).as(at).isEqualTo(atOpen.select(r -> true, byId));
            assertThat(ids(onA)).as(at).isEqualTo(atOpen.select(r -> qa.test().test(r[0]), byA));
            assertThat(ids(onB)).as(at).isEqualTo(atOpen.select(r -> r[1] == b0, byB));
            assertThat(ids(prefix)).as(at).isEqualTo(atOpen.select(r -> r[0] == a0, byA.thenComparing(byB)));
            assertThat(ids(prefixRange))
                    .as(at)
                    .isEqualTo(atOpen.select(r -> r[0] == a0 && qb.test().test(r[1]), byA.thenComparing(byB)));
            assertThat(ids(full)).as(at).isEqualTo(atOpen.select(r -> r[0] == a0 && r[1] == b0, byId));
            assertThat(ids(firstOnly))
                    .as(at)
                    .isEqualTo(atOpen.select(r -> qa.test().test(r[0]), byA.thenComparing(byB)));
            // a cursor opened now sees the later writes
            assertThat(ids(tx.openScan(t))).as(at).isEqualTo(model.select(r -> true, byId));
        }
    }

    @Test
    void rowSelectorPagesThroughCommittedRowsByTheIndexThatAnswers() {
        for (int seed = 0; seed < 200; seed++) {
            var rnd = new Random(seed);
            Table t = table();
            var model = new Model(new TreeMap<>());
            for (int i = 0; i < 60; i++) {
                long id = rnd.nextInt(200);
                if (model.rows().containsKey(id)) continue;
                long a = rnd.nextInt(10);
                long b = rnd.nextInt(10);
                Row r = row(id, a, b);
                t.load(new StoredRow(u64(id), r, Abi.encodeRow(r)));
                model.rows().put(id, new long[] {a, b});
            }
            long a0 = rnd.nextInt(10);
            long lo = rnd.nextInt(10);
            var where = List.of(
                    new Condition("a", Condition.Op.EQ, u32(a0)), new Condition("b", Condition.Op.GTE, u64(lo)));
            List<Long> expected = model.select(
                    r -> r[0] == a0 && r[1] >= lo,
                    Comparator.<Map.Entry<Long, long[]>>comparingLong(e -> e.getValue()[1]));
            // pages of 3, each after the previous page's last primary key
            var got = new ArrayList<Long>();
            IndexKey after = null;
            while (true) {
                var page = new ArrayList<Long>();
                Iterator<StoredRow> it = RowSelector.open(t, where, after);
                while (page.size() < 3 && it.hasNext())
                    page.add(((IntersticeValue.U64) it.next().pk().value()).value());
                got.addAll(page);
                if (page.size() < 3) break;
                after = u64(page.getLast());
            }
            assertThat(got).as("seed " + seed).isEqualTo(expected);
        }
    }

    @Test
    void rangesAnIndexCannotAnswerAreRefused() {
        Table t = table();
        var tx = new Transaction(1, 0, 0);
        assertThatThrownBy(() -> tx.openIndexScan(t, "b", IndexRange.of(new IndexQuery.Lt(u64(3)))))
                .isInstanceOf(TxException.class)
                .hasMessageContaining("a hash index supports only equality");
        assertThatThrownBy(() -> tx.openIndexScan(t, "c", IndexRange.of(new IndexQuery.Lt(u64(3)))))
                .isInstanceOf(TxException.class)
                .hasMessageContaining("has no index on 'c'");
        assertThatThrownBy(() -> RowSelector.open(t, List.of(new Condition("b", Condition.Op.GT, u64(1))), null))
                .hasMessageContaining("no index of table 't' answers b > 1")
                .hasMessageContaining("(indexes: id (primary key), a, b, (a,b)); index 'b': a hash index supports only"
                        + " equality lookups");
    }
}
