package dev.interstice.runtime.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.host.IndexQuery;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * An index over one integer column of a table with an integer key keeps primitive pairs; it answers exactly as the
 * map of key objects every other index keeps: the same primary keys in the same (index key, primary key) order for
 * every range, page boundary and unique owner, keys of other variants included.
 */
class SecondaryIndexPairsTest {

    private static IndexKey value(long v) {
        return new IndexKey(IntersticeValue.u32(v));
    }

    private static IndexKey pk(long k) {
        return new IndexKey(IntersticeValue.u64(k));
    }

    /** Mostly u32 keys (the column's variant); sometimes a key of an earlier or later variant. */
    private static IndexKey probe(Random r, long values) {
        return switch (r.nextInt(12)) {
            case 0 -> new IndexKey(IntersticeValue.u8(r.nextInt(5)));
            case 1 -> new IndexKey(IntersticeValue.i32(r.nextInt(5)));
            default -> value(r.nextLong(values + 2));
        };
    }

    private static IndexQuery query(Random r, long values) {
        return switch (r.nextInt(6)) {
            case 0 -> new IndexQuery.Eq(probe(r, values));
            case 1 -> new IndexQuery.Lt(probe(r, values));
            case 2 -> new IndexQuery.Lte(probe(r, values));
            case 3 -> new IndexQuery.Gt(probe(r, values));
            case 4 -> new IndexQuery.Gte(probe(r, values));
            default -> new IndexQuery.Range(probe(r, values), probe(r, values), r.nextBoolean(), r.nextBoolean());
        };
    }

    private static List<IndexKey> list(Iterator<IndexKey> it) {
        var out = new ArrayList<IndexKey>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Property(tries = 60)
    void answersAsTheMapOfKeys(
            @ForAll long seed,
            @ForAll boolean unique,
            @ForAll boolean btree,
            @ForAll @IntRange(min = 1, max = 3_000) int ops,
            @ForAll @IntRange(min = 1, max = 200) int values) {
        var r = new Random(seed);
        var schema = new IndexSchema("v", btree ? IndexSchema.Type.BTREE : IndexSchema.Type.HASH, unique, false);
        var keyed = new SecondaryIndex(schema, 0);
        var pairs = new SecondaryIndex(
                schema,
                new int[] {0},
                IntegerKeys.forType(IntersticeType.U32, true),
                IntegerKeys.forType(IntersticeType.U64, false));
        Map<Long, Long> rows = new HashMap<>(); // pk -> value
        Map<Long, Long> owners = new HashMap<>(); // value -> pk (unique)
        for (int i = 0; i < ops; i++) {
            long k = r.nextLong(ops) - (r.nextBoolean() ? 0 : Long.MIN_VALUE); // u64 keys above 2^63 too
            Long old = rows.get(k);
            if (old != null && r.nextInt(3) == 0) {
                keyed.remove(value(old), pk(k));
                pairs.remove(value(old), pk(k));
                rows.remove(k);
                owners.remove(old);
                continue;
            }
            long v = r.nextLong(values);
            if (unique && owners.containsKey(v)) continue;
            if (old != null) {
                keyed.remove(value(old), pk(k));
                pairs.remove(value(old), pk(k));
                owners.remove(old);
            }
            keyed.add(value(v), pk(k));
            pairs.add(value(v), pk(k));
            rows.put(k, v);
            owners.put(v, k);
        }
        for (int q = 0; q < 30; q++) {
            IndexRange range = btree && r.nextBoolean()
                    ? IndexRange.of(query(r, values))
                    : r.nextBoolean()
                            ? IndexRange.of(new IndexQuery.Eq(probe(r, values)))
                            : new IndexRange(List.of(probe(r, values)), null);
            List<IndexKey> expected = list(keyed.pks(range, null, null));
            assertThat(list(pairs.pks(range, null, null))).as("%s", range).isEqualTo(expected);
            if (!expected.isEmpty()) {
                IndexKey after = expected.get(r.nextInt(expected.size()));
                IndexKey afterKey = value(rows.get(((IntersticeValue.U64) after.value()).value()));
                assertThat(list(pairs.pks(range, afterKey, after)))
                        .as("%s after %s", range, after)
                        .isEqualTo(list(keyed.pks(range, afterKey, after)));
            }
            if (unique) {
                IndexKey key = probe(r, values);
                assertThat(pairs.owner(key)).isEqualTo(keyed.owner(key));
            }
        }
    }
}
