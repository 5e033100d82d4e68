package dev.interstice.runtime.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import dev.interstice.runtime.table.TypeChecker;
import dev.interstice.storage.TableId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Committed rows are kept as their bytes and decoded when read: across many committed transactions (inserts,
 * updates that move indexed values, deletes, unique violations) what the table answers matches a model: scans in
 * key order with the written values, index lookups in (index key, primary key) order, unique owners, over integer
 * indexes (primitive pairs), a string index (key objects) and u64 keys above 2^63.
 */
class CommittedRowsTest {
    /** (a: unique u32, b: u64, s: string) per id. */
    private record Values(long a, long b, String s) {}

    private static Table table() {
        var schema = new TableSchema(
                "t",
                "t",
                Visibility.PUBLIC,
                List.of(
                        new FieldDef("a", IntersticeType.U32),
                        new FieldDef("b", IntersticeType.U64),
                        new FieldDef("s", IntersticeType.STRING)),
                new FieldDef("id", IntersticeType.U64),
                false,
                List.of(
                        new IndexSchema("a", IndexSchema.Type.BTREE, true, false),
                        new IndexSchema("b", IndexSchema.Type.HASH, false, false),
                        new IndexSchema("s", IndexSchema.Type.BTREE, false, false)),
                Persistence.EPHEMERAL);
        return new Table(new TableId("m", "t"), schema, new TypeChecker(Map.of()));
    }

    private static Row row(long id, Values v) {
        return new Row(
                IntersticeValue.u64(id),
                List.of(IntersticeValue.u32(v.a()), IntersticeValue.u64(v.b()), IntersticeValue.str(v.s())));
    }

    private static IndexKey key(IntersticeValue v) {
        return new IndexKey(v);
    }

    private static long id(StoredRow r) {
        return ((IntersticeValue.U64) r.pk().value()).value();
    }

    @Property(tries = 40)
    void committedRowsMatchTheModel(@ForAll long seed) {
        var r = new Random(seed);
        Table t = table();
        // keys compare unsigned: Long.compareUnsigned orders the model as the table orders u64 keys
        var model = new TreeMap<Long, Values>(Long::compareUnsigned);
        for (int txs = 0; txs < 40; txs++) {
            var tx = new Transaction(txs, 0, seed);
            var next = new TreeMap<>(model);
            for (int op = r.nextInt(8); op > 0; op--) {
                long id = r.nextInt(30) + (r.nextBoolean() ? 0 : Long.MIN_VALUE);
                var v = new Values(r.nextInt(40), r.nextInt(4), "s" + r.nextInt(5));
                boolean taken = next.entrySet().stream()
                        .anyMatch(e -> e.getKey() != id && e.getValue().a() == v.a());
                if (next.containsKey(id) && r.nextInt(3) == 0) {
                    tx.delete(t, key(IntersticeValue.u64(id)));
                    next.remove(id);
                } else if (taken) {
                    boolean update = next.containsKey(id);
                    assertThatThrownBy(() -> {
                                if (update) tx.update(t, row(id, v), null);
                                else tx.insert(t, row(id, v), null);
                            })
                            .isInstanceOf(TxException.class)
                            .hasMessageContaining("unique index 'a'");
                } else {
                    if (next.containsKey(id)) tx.update(t, row(id, v), null);
                    else tx.insert(t, row(id, v), null);
                    next.put(id, v);
                }
            }
            if (r.nextInt(5) == 0) continue; // dropped: nothing applied
            tx.apply(tx.netChanges());
            model = next;
            check(t, model, r);
        }
    }

    private static void check(Table t, TreeMap<Long, Values> model, Random r) {
        var scanned = new ArrayList<Long>();
        for (StoredRow s : t.scan()) {
            scanned.add(id(s));
            assertThat(s.row()).isEqualTo(row(id(s), model.get(id(s))));
        }
        assertThat(scanned).containsExactlyElementsOf(model.keySet());
        var read = new Transaction(0, 0, 0);
        for (int q = 0; q < 5; q++) {
            long a = r.nextInt(40);
            long b = r.nextInt(4);
            String s = "s" + r.nextInt(5);
            assertThat(ids(read.indexScan(t, "a", new IndexQuery.Lte(key(IntersticeValue.u32(a))))))
                    .isEqualTo(select(model, e -> e.getValue().a() <= a, Comparator.comparingLong(Values::a)));
            assertThat(ids(read.indexScan(t, "b", new IndexQuery.Eq(key(IntersticeValue.u64(b))))))
                    .isEqualTo(select(model, e -> e.getValue().b() == b, (x, y) -> 0));
            assertThat(ids(read.indexScan(t, "s", new IndexQuery.Gte(key(IntersticeValue.str(s))))))
                    .isEqualTo(select(model, e -> e.getValue().s().compareTo(s) >= 0, Comparator.comparing(Values::s)));
            IndexKey owner = t.index("a").owner(key(IntersticeValue.u32(a)));
            List<Long> holders = select(model, e -> e.getValue().a() == a, (x, y) -> 0);
            assertThat(owner == null ? List.of() : List.of(((IntersticeValue.U64) owner.value()).value()))
                    .isEqualTo(holders);
        }
    }

    private static List<Long> ids(List<StoredRow> rows) {
        return rows.stream().map(CommittedRowsTest::id).toList();
    }

    private static List<Long> select(
            TreeMap<Long, Values> model,
            java.util.function.Predicate<Map.Entry<Long, Values>> keep,
            Comparator<Values> order) {
        return model.entrySet().stream()
                .filter(keep)
                .sorted(Map.Entry.<Long, Values>comparingByValue(order)
                        .thenComparing(Map.Entry::getKey, Long::compareUnsigned))
                .map(Map.Entry::getKey)
                .toList();
    }
}
