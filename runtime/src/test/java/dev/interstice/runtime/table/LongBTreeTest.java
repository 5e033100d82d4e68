package dev.interstice.runtime.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The B+ tree behaves as a TreeMap of longs: gets, puts, removes, ordered iteration from a key, through splits and merges. */
class LongBTreeTest {

    static List<Long> list(Iterator<Long> it) {
        var out = new ArrayList<Long>();
        it.forEachRemaining(out::add);
        return out;
    }

    static void same(LongBTree<Long> tree, TreeMap<Long, Long> model, Random r, long keyRange) {
        assertThat(tree.size()).isEqualTo(model.size());
        assertThat(list(tree.values())).isEqualTo(new ArrayList<>(model.values()));
        for (int i = 0; i < 20; i++) {
            long k = r.nextLong(keyRange + 2) - 1;
            assertThat(tree.get(k)).isEqualTo(model.get(k));
            boolean inclusive = r.nextBoolean();
            List<Long> from = list(tree.from(k, inclusive));
            assertThat(from)
                    .isEqualTo(new ArrayList<>(model.tailMap(k, inclusive).values()));
        }
    }

    /** Random puts and removes over a key range small enough to revisit keys, checked against a TreeMap. */
    @Property(tries = 60)
    void behavesAsATreeMap(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 20_000) int ops,
            @ForAll @LongRange(min = 1, max = 50_000) long keyRange,
            @ForAll @IntRange(min = 0, max = 100) int removePercent) {
        var r = new Random(seed);
        var tree = new LongBTree<Long>();
        var model = new TreeMap<Long, Long>();
        for (int i = 0; i < ops; i++) {
            long k = r.nextLong(keyRange) - keyRange / 2; // negative keys too
            if (r.nextInt(100) < removePercent) assertThat(tree.remove(k)).isEqualTo(model.remove(k));
            else assertThat(tree.put(k, (long) i)).isEqualTo(model.put(k, (long) i));
        }
        same(tree, model, r, keyRange);
    }

    @Test
    void threeLevelsInKeyOrderThenMostRemovedGivesThePagesBack() {
        var tree = new LongBTree<Long>();
        var model = new TreeMap<Long, Long>();
        int n = 400_000; // 64 x 64 leaves of 64 hold 262,144: a third level
        for (long k = 0; k < n; k++) {
            tree.put(k, k);
            model.put(k, k);
        }
        var r = new Random(7);
        same(tree, model, r, n);
        for (long k = 0; k < n; k++) {
            if (k % 97 == 0) continue;
            assertThat(tree.remove(k)).isEqualTo(k);
            model.remove(k);
        }
        same(tree, model, r, n);
        for (Map.Entry<Long, Long> e : new ArrayList<>(model.entrySet())) {
            tree.remove(e.getKey());
            model.remove(e.getKey());
        }
        assertThat(tree.size()).isZero();
        assertThat(tree.values().hasNext()).isFalse();
        assertThat(tree.from(5, true).hasNext()).isFalse();
        tree.put(3, 3L);
        assertThat(list(tree.values())).containsExactly(3L);
    }

    @Test
    void extremeKeysAndReplacement() {
        var tree = new LongBTree<String>();
        assertThat(tree.put(Long.MIN_VALUE, "min")).isNull();
        assertThat(tree.put(Long.MAX_VALUE, "max")).isNull();
        assertThat(tree.put(0, "zero")).isNull();
        assertThat(tree.put(0, "again")).isEqualTo("zero");
        assertThat(tree.size()).isEqualTo(3);
        var all = new ArrayList<String>();
        tree.values().forEachRemaining(all::add);
        assertThat(all).containsExactly("min", "again", "max");
        assertThat(tree.remove(42)).isNull();
        assertThat(tree.get(Long.MAX_VALUE)).isEqualTo("max");
    }
}
