package dev.interstice.cli.bench.agar;

import org.HdrHistogram.AbstractHistogram;

/** A distribution as the report gives it: how many values, p50/p99/max, in {@code unit}. */
public record Measure(long count, double p50, double p99, double max, String unit) {
    /** {@code h} holds microseconds; the report gives milliseconds. */
    static Measure millis(AbstractHistogram h) {
        return new Measure(
                h.getTotalCount(),
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0,
                "ms");
    }

    static long clampUs(AbstractHistogram h, long nanos) {
        return Math.min(h.getHighestTrackableValue(), Math.max(0, nanos / 1000));
    }
}
