package dev.interstice.runtime.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The pair tree behaves as a TreeSet of (long, long) pairs: adds, removes, ordered reads from a pair, through splits and merges. */
class LongPairTreeTest {
    private record Pair(long a, long b) {}

    private static final Comparator<Pair> ORDER =
            Comparator.comparingLong(Pair::a).thenComparingLong(Pair::b);

    private static List<Pair> read(LongPairTree.Cursor c) {
        var out = new ArrayList<Pair>();
        for (; c.valid(); c.advance()) out.add(new Pair(c.first(), c.second()));
        return out;
    }

    private static void same(LongPairTree tree, TreeSet<Pair> model, Random r, long range) {
        assertThat(tree.size()).isEqualTo(model.size());
        assertThat(read(tree.from(Long.MIN_VALUE, Long.MIN_VALUE, true))).isEqualTo(new ArrayList<>(model));
        for (int i = 0; i < 20; i++) {
            var p = new Pair(r.nextLong(range + 2) - 1 - range / 2, r.nextLong(range + 2) - 1 - range / 2);
            boolean inclusive = r.nextBoolean();
            assertThat(tree.contains(p.a(), p.b())).isEqualTo(model.contains(p));
            assertThat(read(tree.from(p.a(), p.b(), inclusive)))
                    .isEqualTo(new ArrayList<>(model.tailSet(p, inclusive)));
        }
    }

    /** Random adds and removes over small ranges (many pairs share a first value), checked against a TreeSet. */
    @Property(tries = 60)
    void behavesAsATreeSetOfPairs(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 20_000) int ops,
            @ForAll @LongRange(min = 1, max = 300) long firstRange,
            @ForAll @LongRange(min = 1, max = 50_000) long secondRange,
            @ForAll @IntRange(min = 0, max = 100) int removePercent) {
        var r = new Random(seed);
        var tree = new LongPairTree();
        var model = new TreeSet<>(ORDER);
        for (int i = 0; i < ops; i++) {
            var p = new Pair(r.nextLong(firstRange) - firstRange / 2, r.nextLong(secondRange) - secondRange / 2);
            if (r.nextInt(100) < removePercent)
                assertThat(tree.remove(p.a(), p.b())).isEqualTo(model.remove(p));
            else assertThat(tree.add(p.a(), p.b())).isEqualTo(model.add(p));
        }
        same(tree, model, r, Math.max(firstRange, secondRange));
    }

    @Test
    void threeLevelsInOrderThenMostRemovedThenAllRemoved() {
        var tree = new LongPairTree();
        var model = new TreeSet<>(ORDER);
        int n = 400_000; // 64 x 64 leaves of 64 hold 262,144: a third level
        for (long k = 0; k < n; k++) {
            assertThat(tree.add(k % 7, k)).isTrue();
            model.add(new Pair(k % 7, k));
        }
        var r = new Random(7);
        same(tree, model, r, n);
        for (long k = 0; k < n; k++) {
            if (k % 97 == 0) continue;
            assertThat(tree.remove(k % 7, k)).isTrue();
            model.remove(new Pair(k % 7, k));
        }
        same(tree, model, r, n);
        for (Pair p : new ArrayList<>(model)) tree.remove(p.a(), p.b());
        assertThat(tree.size()).isZero();
        assertThat(tree.from(Long.MIN_VALUE, Long.MIN_VALUE, true).valid()).isFalse();
        tree.add(3, 4);
        assertThat(read(tree.from(3, 4, true))).containsExactly(new Pair(3, 4));
        assertThat(read(tree.from(3, 4, false))).isEmpty();
    }

    @Test
    void extremeValues() {
        var tree = new LongPairTree();
        assertThat(tree.add(Long.MAX_VALUE, Long.MIN_VALUE)).isTrue();
        assertThat(tree.add(Long.MIN_VALUE, Long.MAX_VALUE)).isTrue();
        assertThat(tree.add(Long.MIN_VALUE, Long.MAX_VALUE)).isFalse();
        assertThat(read(tree.from(Long.MIN_VALUE, Long.MIN_VALUE, true)))
                .containsExactly(new Pair(Long.MIN_VALUE, Long.MAX_VALUE), new Pair(Long.MAX_VALUE, Long.MIN_VALUE));
        assertThat(tree.remove(0, 0)).isFalse();
        assertThat(tree.size()).isEqualTo(2);
    }
}
