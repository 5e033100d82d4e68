package dev.interstice.cli.bench;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a run measured. Counts in the measured window are by completion time; latencies are from the intended send
 * time (open loop: coordinated omission corrected) or from the send (closed loop) to the acknowledgement, in µs.
 *
 * @param acknowledged      calls acknowledged as committed during the measured window
 * @param errors            calls that failed during the measured window
 * @param totals            counts over the whole run (warmup and drain included): what verification compares
 * @param latency           latencies of the calls acknowledged in the measured window
 * @param timeline          one entry per interval, warmup and drain included
 * @param rates             counters read at the start and the end of the measured window ({@link LoadConfig#measureRate})
 * @param errorSamples      distinct error messages (up to 20) and how often each occurred, over the whole run
 */
public record LoadResult(
        LoadConfig config,
        String target,
        String ack,
        long startedAtMs,
        long endedAtMs,
        double measuredMs,
        long acknowledged,
        long errors,
        Verification.Counts totals,
        long maxSeq,
        String maxClient,
        Histogram latency,
        List<Interval> timeline,
        Map<String, Rate> rates,
        Map<String, Long> errorSamples,
        List<Verification.Check> checks,
        Map<String, Object> environment) {

    public enum Phase {
        WARMUP,
        MEASURE,
        DRAIN
    }

    /** One timeline interval: [startMs, startMs + lengthMs) since the run started. */
    public record Interval(
            double startMs,
            double lengthMs,
            Phase phase,
            long acknowledged,
            long errors,
            long p50Us,
            long p99Us,
            long maxUs) {
        public double tps() {
            return lengthMs <= 0 ? 0 : acknowledged * 1000.0 / lengthMs;
        }
    }

    public record Rate(long start, long end, double perSecond) {}

    public double throughputTps() {
        return measuredMs <= 0 ? 0 : acknowledged * 1000.0 / measuredMs;
    }

    /** A latency percentile in µs (0 when nothing was acknowledged). */
    public long latencyUs(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile);
    }

    public boolean verified() {
        return checks.stream().allMatch(Verification.Check::passed);
    }
}
