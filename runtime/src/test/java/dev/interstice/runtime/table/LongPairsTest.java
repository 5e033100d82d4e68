package dev.interstice.runtime.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The radix sort of pairs agrees with a comparison sort in signed order, and the tree built from its output. */
class LongPairsTest {
    private static long value(Random rnd, int kind) {
        return switch (kind) {
            case 0 -> rnd.nextLong(); // every byte varies, negatives too
            case 1 -> rnd.nextInt(1000); // only the low bytes vary
            case 2 -> (rnd.nextInt(50) - 25) ^ Long.MIN_VALUE; // around the sign flip
            case 3 -> (long) rnd.nextInt(1 << 25) << 3; // low bits shared too: 25 varying bits, digits of 9
            case 4 -> 1L << rnd.nextInt(64); // one bit of 64, the sign bit among them
            default -> 42; // all the same: every pass skipped
        };
    }

    @Test
    void sortsLikeAComparisonSortAndBuildsTheSameTree() {
        Random rnd = new Random(7);
        for (int kind = 0; kind < 6; kind++)
            for (int kind2 = 0; kind2 < 6; kind2++)
                for (int n : new int[] {0, 1, 2, 63, 64, 65, 4096 + 17}) {
                    long[] pairs = new long[2 * n];
                    long[][] ref = new long[n][];
                    for (int i = 0; i < n; i++) {
                        pairs[2 * i] = value(rnd, kind);
                        pairs[2 * i + 1] = value(rnd, kind2);
                        ref[i] = new long[] {pairs[2 * i], pairs[2 * i + 1]};
                    }
                    LongPairs.sort(pairs, n, true);
                    Arrays.sort(ref, Comparator.<long[]>comparingLong(p -> p[0]).thenComparingLong(p -> p[1]));
                    for (int i = 0; i < n; i++) {
                        assertThat(pairs[2 * i]).isEqualTo(ref[i][0]);
                        assertThat(pairs[2 * i + 1]).isEqualTo(ref[i][1]);
                    }
                    LongPairTree bulk = new LongPairTree();
                    bulk.addSorted(pairs, n);
                    LongPairTree one = new LongPairTree();
                    for (int i = 0; i < n; i++) one.add(pairs[2 * i], pairs[2 * i + 1]);
                    assertThat(bulk.size()).isEqualTo(one.size());
                    var a = bulk.from(Long.MIN_VALUE, Long.MIN_VALUE, true);
                    var b = one.from(Long.MIN_VALUE, Long.MIN_VALUE, true);
                    for (; b.valid(); a.advance(), b.advance()) {
                        assertThat(a.valid()).isTrue();
                        assertThat(a.first()).isEqualTo(b.first());
                        assertThat(a.second()).isEqualTo(b.second());
                    }
                    assertThat(a.valid()).isFalse();
                    // the bulk-built tree takes removals and inserts as any other
                    for (int i = 0; i < n; i += 2)
                        assertThat(bulk.remove(pairs[2 * i], pairs[2 * i + 1]))
                                .isEqualTo(one.remove(pairs[2 * i], pairs[2 * i + 1]));
                    bulk.add(5, 5);
                    one.add(5, 5);
                    assertThat(bulk.size()).isEqualTo(one.size());
                    for (int i = 0; i < n; i++)
                        assertThat(bulk.contains(pairs[2 * i], pairs[2 * i + 1]))
                                .isEqualTo(one.contains(pairs[2 * i], pairs[2 * i + 1]));
                }
    }

    @Test
    void sortingByFirstOnlyKeepsTheOrderOfEqualFirsts() {
        long[] pairs = {3, 0, 1, 1, 3, 2, 1, 3, -5, 4, 3, 5};
        LongPairs.sort(pairs, 6, false);
        assertThat(pairs).containsExactly(-5, 4, 1, 1, 1, 3, 3, 0, 3, 2, 3, 5);
    }
}
