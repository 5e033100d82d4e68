package dev.interstice.runtime.table;

/**
 * Sorting {@code n} pairs of longs held in one array (pair i at {@code 2i, 2i + 1}) in signed order, first then
 * second: a least-significant-digit radix sort over bytes that skips every byte all pairs share (the high bytes of
 * small keys), so a bulk load sorts millions of pairs in a few passes over them and no object per pair.
 */
final class LongPairs {
    private LongPairs() {}

    /** Sorts by (first, second), or by first only ({@code bothHalves} false: equal firsts keep their order). */
    static void sort(long[] pairs, int n, boolean bothHalves) {
        if (n < 2) return;
        int words = bothHalves ? 2 : 1;
        int[][] counts = new int[8 * words][256];
        for (int i = 0; i < n; i++) {
            long first = pairs[2 * i];
            for (int d = 0; d < 8; d++) counts[d][digit(first, d)]++;
            if (bothHalves) {
                long second = pairs[2 * i + 1];
                for (int d = 0; d < 8; d++) counts[8 + d][digit(second, d)]++;
            }
        }
        long[] src = pairs;
        long[] dst = null;
        // least significant first: second's bytes, then first's
        for (int pass = 0; pass < 8 * words; pass++) {
            boolean ofSecond = bothHalves && pass < 8;
            int d = pass % 8;
            int[] count = counts[ofSecond ? 8 + d : d];
            if (count[digit(src[ofSecond ? 1 : 0], d)] == n) continue; // every pair has this byte
            if (dst == null) dst = new long[2 * n];
            int[] start = new int[256];
            for (int b = 0, sum = 0; b < 256; b++) {
                start[b] = sum;
                sum += count[b];
            }
            int half = ofSecond ? 1 : 0;
            for (int i = 0; i < n; i++) {
                int at = 2 * start[digit(src[2 * i + half], d)]++;
                dst[at] = src[2 * i];
                dst[at + 1] = src[2 * i + 1];
            }
            long[] t = src;
            src = dst;
            dst = t;
        }
        if (src != pairs) System.arraycopy(src, 0, pairs, 0, 2 * n);
    }

    /** Byte {@code d} (0: least significant) of {@code x}, the top one with the sign flipped so that it sorts signed. */
    private static int digit(long x, int d) {
        int b = (int) (x >>> (8 * d)) & 0xFF;
        return d == 7 ? b ^ 0x80 : b;
    }
}
