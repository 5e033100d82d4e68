package dev.interstice.cli.bench.agar;

import dev.interstice.runtime.IntersticeException;
import dev.interstice.runtime.exec.CallObserver;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The server's tick, timed by the node ({@link CallObserver}): how many ran in the measured window, how long each
 * took (the reducer's run plus its commit), the time between the starts of consecutive ticks, and the gap from one
 * tick's end to the next one's start (its schedule's delay plus any wait for the scheduler and the execution lock). Called under the
 * server's execution lock (and synchronized: the report reads it from another thread).
 */
final class TickStats implements CallObserver {
    private final String module;
    private final String reducer;
    private final Histogram duration = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final Histogram run = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final Histogram interval = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final Histogram gap = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private volatile boolean measuring;
    private long lastStart;
    private long lastEnd;
    private long ticks;

    TickStats(String module, String reducer) {
        this.module = module;
        this.reducer = reducer;
    }

    @Override
    public synchronized void reducer(
            String module,
            String reducer,
            long txId,
            long runNanos,
            long commitNanos,
            IntersticeException.Kind failure) {
        if (failure != null || !this.module.equals(module) || !this.reducer.equals(reducer)) return;
        long end = System.nanoTime();
        long start = end - runNanos - commitNanos;
        if (measuring) {
            ticks++;
            duration.recordValue(Measure.clampUs(duration, runNanos + commitNanos));
            run.recordValue(Measure.clampUs(run, runNanos));
            if (lastStart != 0) {
                interval.recordValue(Measure.clampUs(interval, start - lastStart));
                gap.recordValue(Measure.clampUs(gap, start - lastEnd));
            }
        }
        lastStart = start;
        lastEnd = end;
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

    synchronized Measure gap() {
        return Measure.millis(gap);
    }
}
