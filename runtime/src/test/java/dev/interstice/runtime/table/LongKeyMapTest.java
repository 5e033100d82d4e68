package dev.interstice.runtime.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link LongKeyMap} against a {@link HashMap} model. */
class LongKeyMapTest {

    enum Kind {
        PUT,
        GET,
        REMOVE
    }

    record Op(Kind kind, long key, int value) {}

    /** Few distinct keys (so deletes hit and clusters form), plus extremes, big spreads and shifted keys. */
    @Provide
    Arbitrary<Long> keys() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.longs().between(-8, 48)),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                0L,
                                -1L,
                                1L,
                                Long.MIN_VALUE,
                                Long.MAX_VALUE,
                                Long.MIN_VALUE + 1,
                                Long.MAX_VALUE - 1,
                                0xFFFF_FFFFL,
                                1L << 32)),
                Tuple.of(2, Arbitraries.integers().between(0, 15).map(i -> (long) i << 58)),
                Tuple.of(1, Arbitraries.longs()));
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Kind> kinds =
                Arbitraries.frequency(Tuple.of(5, Kind.PUT), Tuple.of(3, Kind.GET), Tuple.of(4, Kind.REMOVE));
        return Combinators.combine(kinds, keys(), Arbitraries.integers())
                .as(Op::new)
                .list()
                .ofMaxSize(600);
    }

    @Property
    void behavesLikeAHashMap(@ForAll("ops") List<Op> ops) {
        var map = new LongKeyMap<Integer>();
        var model = new HashMap<Long, Integer>();
        for (Op op : ops) {
            switch (op.kind()) {
                case PUT ->
                    assertThat(map.put(op.key(), op.value())).as("%s", op).isEqualTo(model.put(op.key(), op.value()));
                case GET -> assertThat(map.get(op.key())).as("%s", op).isEqualTo(model.get(op.key()));
                case REMOVE -> assertThat(map.remove(op.key())).as("%s", op).isEqualTo(model.remove(op.key()));
            }
            assertThat(map.size()).isEqualTo(model.size());
        }
        assertSame(map, model);
    }

    /** Long runs of deletes and re-inserts in a map that grows and then stays full: finds a deletion that loses entries. */
    @Property(tries = 40)
    void survivesChurn(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int keySpace) {
        var random = new Random(seed);
        var map = new LongKeyMap<Integer>();
        var model = new HashMap<Long, Integer>();
        long base = random.nextBoolean() ? 0 : random.nextLong();
        for (int step = 0; step < 20_000; step++) {
            long key = base + random.nextInt(keySpace);
            if (random.nextInt(3) == 0) {
                assertThat(map.remove(key)).isEqualTo(model.remove(key));
            } else {
                assertThat(map.put(key, step)).isEqualTo(model.put(key, step));
            }
            long probe = base + random.nextInt(keySpace);
            assertThat(map.get(probe)).as("get %d at step %d", probe, step).isEqualTo(model.get(probe));
        }
        assertSame(map, model);
    }

    @Test
    void sequentialKeysInsertedDeletedAndReinserted() {
        var map = new LongKeyMap<Long>();
        var model = new HashMap<Long, Long>();
        var order = new ArrayList<Long>();
        for (long k = -50_000; k < 50_000; k++) {
            map.put(k, k);
            model.put(k, k);
            order.add(k);
        }
        assertSame(map, model);
        Collections.shuffle(order, new Random(7));
        for (int i = 0; i < order.size(); i++) {
            long k = order.get(i);
            assertThat(map.remove(k)).isEqualTo(k);
            model.remove(k);
            if (i % 3 == 0) {
                map.put(k, -k);
                model.put(k, -k);
            }
        }
        assertSame(map, model);
        for (long k = -50_000; k < 50_000; k++) assertThat(map.get(k)).isEqualTo(model.get(k));
        assertThat(map.get(Long.MIN_VALUE)).isNull();
        assertThat(map.get(Long.MAX_VALUE)).isNull();
    }

    private static <V> void assertSame(LongKeyMap<V> map, HashMap<Long, V> model) {
        assertThat(map.size()).isEqualTo(model.size());
        model.forEach((k, v) -> assertThat(map.get(k)).as("key %d", k).isEqualTo(v));
    }
}
