package dev.interstice.cli.bench.agar;

import dev.interstice.runtime.exec.ReducerListener;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The server's tick, timed by the node ({@link ReducerListener}): how many ran in the measured window, how long each
 * took (the reducer's run plus its commit) and the time between the starts of consecutive ticks. Called under the
 * server's execution lock (and synchronized: the report reads it from another thread).
 */
final class TickStats implements ReducerListener {
    private final String module;
    private final String reducer;
    private final Histogram duration = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final Histogram run = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final Histogram interval = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private volatile boolean measuring;
    private long lastStart;
    private long ticks;

    TickStats(String module, String reducer) {
        this.module = module;
        this.reducer = reducer;
    }

    @Override
    public synchronized void ran(String module, String reducer, long txId, long runNanos, long commitNanos) {
        if (!this.module.equals(module) || !this.reducer.equals(reducer)) return;
        long start = System.nanoTime() - runNanos - commitNanos;
        if (measuring) {
            ticks++;
            duration.recordValue(Measure.clampUs(duration, runNanos + commitNanos));
            run.recordValue(Measure.clampUs(run, runNanos));
            if (lastStart != 0) interval.recordValue(Measure.clampUs(interval, start - lastStart));
        }
        lastStart = start;
    }

    void measuring(boolean on) {
        measuring = on;
    }

    synchronized long ticks() {
        return ticks;
    }

    synchronized Measure duration() {
        return Measure.millis(duration);
    }

    synchronized Measure run() {
        return Measure.millis(run);
    }

    synchronized Measure interval() {
        return Measure.millis(interval);
    }
}
