package dev.interstice.cli.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Zipf distribution over {@code 0 .. n-1}: P(k) proportional to 1 / (k + 1)^alpha, so 0 is the most frequent value
 * (the same law as pgbench's {@code random_zipfian(0, n-1, alpha)}). Sampling inverts the cumulative distribution,
 * precomputed once (n doubles), by binary search: exact and about 20 comparisons per sample for n = 100,000.
 */
public final class Zipf {
    private final double[] cdf;
    private final double alpha;

    public Zipf(int n, double alpha) {
        if (n < 1) throw new IllegalArgumentException("n must be >= 1");
        if (!(alpha > 0)) throw new IllegalArgumentException("alpha must be > 0");
        this.alpha = alpha;
        cdf = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += Math.pow(k + 1, -alpha);
            cdf[k] = sum;
        }
        for (int k = 0; k < n; k++) cdf[k] /= sum;
        cdf[n - 1] = 1.0;
    }

    public int size() {
        return cdf.length;
    }

    public double alpha() {
        return alpha;
    }

    /** Probability of value {@code k}. */
    public double probability(int k) {
        return k == 0 ? cdf[0] : cdf[k] - cdf[k - 1];
    }

    public int sample(SplittableRandom r) {
        double u = r.nextDouble();
        int i = Arrays.binarySearch(cdf, u);
        int k = i >= 0 ? i + 1 : -i - 1; // first k with cdf[k] > u
        return Math.min(k, cdf.length - 1);
    }
}
