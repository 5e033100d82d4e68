package dev.interstice.runtime.table;

/**
 * Sorting {@code n} pairs of longs held in one array (pair i at {@code 2i, 2i + 1}) in signed order, first then
 * second: a least-significant-digit radix sort over only the bits that vary among the pairs (the high bits of small
 * keys are shared), in digits of up to {@link #MAX_DIGIT_BITS} bits, so a bulk load sorts millions of pairs in a few
 * passes over them and no object per pair. Keys under 2^24 take two passes, (value under 2^12, such a key) pairs three.
 */
final class LongPairs {
    /**
     * 12 bits: 4,096 buckets, whose counters and the write positions they stream to stay in the cache. Measured on 10M
     * pairs against bytes (8 bits): keys 0..10M in about 0.6 of the time, (value under 1000, key) pairs in about half.
     */
    private static final int MAX_DIGIT_BITS = 12;

    private LongPairs() {}

    /** Sorts by (first, second), or by first only ({@code bothHalves} false: equal firsts keep their order). */
    static void sort(long[] pairs, int n, boolean bothHalves) {
        if (n < 2) return;
        long varyFirst = 0;
        long varySecond = 0;
        long first0 = pairs[0];
        long second0 = pairs[1];
        for (int i = 0; i < n; i++) {
            varyFirst |= pairs[2 * i] ^ first0;
            if (bothHalves) varySecond |= pairs[2 * i + 1] ^ second0;
        }
        // least significant first: second's digits, then first's
        Digits digits = new Digits();
        if (bothHalves) digits.plan(1, varySecond);
        digits.plan(0, varyFirst);
        if (digits.count == 0) return; // all equal
        int[][] counts = digits.histograms(pairs, n);
        long[] src = pairs;
        long[] dst = new long[2 * n];
        for (int d = 0; d < digits.count; d++) {
            int[] start = counts[d];
            for (int b = 0, sum = 0; b < start.length; b++) {
                int c = start[b];
                start[b] = sum;
                sum += c;
            }
            int half = digits.half[d];
            int shift = digits.shift[d];
            int mask = start.length - 1;
            for (int i = 0; i < n; i++) {
                long a = src[2 * i];
                long b = src[2 * i + 1];
                int at = 2 * start[digit(half == 0 ? a : b, shift, mask)]++;
                dst[at] = a;
                dst[at + 1] = b;
            }
            long[] t = src;
            src = dst;
            dst = t;
        }
        if (src != pairs) System.arraycopy(src, 0, pairs, 0, 2 * n);
    }

    /** The digit at {@code shift} of {@code x} with its sign bit flipped, so that unsigned digits sort it signed. */
    private static int digit(long x, int shift, int mask) {
        return (int) ((x ^ Long.MIN_VALUE) >>> shift) & mask;
    }

    /** The passes: which half, from which bit, how wide. At most 2 x 64 / 1 digits. */
    private static final class Digits {
        final int[] half = new int[128];
        final int[] shift = new int[128];
        final int[] bits = new int[128];
        int count;

        /** Adds the digits covering the bits set in {@code vary} of half {@code h}, lowest first, evenly wide. */
        void plan(int h, long vary) {
            if (vary == 0) return;
            int lo = Long.numberOfTrailingZeros(vary);
            int span = 64 - Long.numberOfLeadingZeros(vary) - lo;
            int passes = (span + MAX_DIGIT_BITS - 1) / MAX_DIGIT_BITS;
            int width = (span + passes - 1) / passes;
            for (int p = 0; p < passes; p++) {
                half[count] = h;
                shift[count] = lo + p * width;
                bits[count] = Math.min(width, span - p * width);
                count++;
            }
        }

        /** Every pass's bucket counts, in one pass over the pairs. */
        int[][] histograms(long[] pairs, int n) {
            int[][] counts = new int[count][];
            for (int d = 0; d < count; d++) counts[d] = new int[1 << bits[d]];
            for (int i = 0; i < n; i++)
                for (int d = 0; d < count; d++)
                    counts[d][digit(pairs[2 * i + half[d]], shift[d], counts[d].length - 1)]++;
            return counts;
        }
    }
}
