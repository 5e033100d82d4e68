package dev.interstice.console;

import dev.interstice.runtime.IntersticeException;
import dev.interstice.runtime.exec.CallObserver;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/**
 * The console's charts: reducer transactions per second, their latency percentiles and errors, one sample a second,
 * the last {@link #KEPT} kept. Told of calls under the execution lock, so it only counts; {@link #sample} does the
 * sorting on the console's own thread.
 */
final class Metrics implements CallObserver {
    /** Samples kept (five minutes), what a page that opens sees first. */
    static final int KEPT = 300;
    /** Latencies kept per second at most: beyond, the percentiles are those of the first ones. */
    static final int MAX_LATENCIES = 1 << 16;

    /** One second: when it ended (epoch ms), transactions committed, failed, and latency percentiles in ms. */
    record Sample(long time, long committed, long failed, double p50, double p90, double p99, double max) {}

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long[] latencies = new long[1024];
    private int count;
    private long committed;
    private long failed;

    @Override
    public synchronized void reducer(
            String module,
            String reducer,
            long txId,
            long runNanos,
            long commitNanos,
            IntersticeException.Kind failure) {
        if (failure != null) {
            failed++;
            return;
        }
        committed++;
        if (count == latencies.length && count < MAX_LATENCIES) latencies = Arrays.copyOf(latencies, count * 2);
        if (count < latencies.length) latencies[count++] = runNanos + commitNanos;
    }

    /** Ends the current second: its sample, kept and returned. */
    Sample sample(long nowMs) {
        long[] lat;
        long ok;
        long bad;
        synchronized (this) {
            lat = Arrays.copyOf(latencies, count);
            ok = committed;
            bad = failed;
            count = 0;
            committed = 0;
            failed = 0;
        }
        Arrays.sort(lat);
        var s = new Sample(
                nowMs,
                ok,
                bad,
                at(lat, 0.50),
                at(lat, 0.90),
                at(lat, 0.99),
                lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6);
        synchronized (samples) {
            if (samples.size() == KEPT) samples.removeFirst();
            samples.addLast(s);
        }
        return s;
    }

    List<Sample> recent() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    private static double at(long[] sorted, double q) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
