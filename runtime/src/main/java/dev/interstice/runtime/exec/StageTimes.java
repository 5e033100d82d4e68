package dev.interstice.runtime.exec;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * A diagnostic (docs/parallel-execution.md, "Where a speculated transaction's CPU went"): wall time per transaction of
 * each stage of a top-level call, summed over the node's life, off unless the JVM runs with {@code
 * -Dinterstice.stageTimes=true} (then {@code Executor.stageTimes()} reports them). Samples above {@link #OUTLIER_NANOS}
 * are counted apart, not summed: on a loaded machine a stage's thread is sometimes descheduled in the middle, and
 * such a sample measures the machine, not the stage.
 */
final class StageTimes {
    static final boolean ENABLED = Boolean.getBoolean("interstice.stageTimes");
    static final long OUTLIER_NANOS = 200_000;
    /** Samples start this long after the node opened ({@code -Dinterstice.stageTimes.skipMs}, 0): a warm-up left out. */
    private final long from = System.nanoTime() + Long.getLong("interstice.stageTimes.skipMs", 0) * 1_000_000;

    enum Stage {
        /** Speculating: the whole of {@code Speculator.speculate} (resolve, wait for an executor, run the guest). */
        SPECULATE,
        /** Speculating: waiting for an executor. */
        ENTER,
        /** Speculating: the guest's run. */
        SPECULATIVE_RUN,
        /** Speculating: the commit prepared (net changes, log record encoded). */
        PREPARE,
        /** Waiting for the execution lock. */
        LOCK,
        /** Validating a speculation (under the lock). */
        VALIDATE,
        /** Serial path: the guest's run under the lock. */
        RUN,
        /** Commit: net changes and the log record's changes built. */
        BUILD,
        /** Commit: the log append (encoding, audit chain, copy into the log's buffer). */
        APPEND,
        /** Commit: the apply to the committed tables (with executors: under the tables' exclusive lock, remembered). */
        APPLY,
        /** Commit: what follows (schedules, subscribers queued, listeners, remote calls, effects). */
        AFTER,
        /** After the commit, still under the lock: the subscribers (and other queued jobs) it triggered run. */
        TAIL
    }

    private static final Stage[] STAGES = Stage.values();
    private final LongAdder[] nanos = new LongAdder[STAGES.length];
    private final LongAdder[] samples = new LongAdder[STAGES.length];
    private final LongAdder[] outliers = new LongAdder[STAGES.length];

    StageTimes() {
        for (int i = 0; i < STAGES.length; i++) {
            nanos[i] = new LongAdder();
            samples[i] = new LongAdder();
            outliers[i] = new LongAdder();
        }
    }

    /** A clock reading when enabled, else 0 (no call to the clock). */
    static long now() {
        return ENABLED ? System.nanoTime() : 0;
    }

    /** Notes {@code s} from {@code since} (a {@link #now}) to now, and returns now; a no-op when disabled. */
    long note(Stage s, long since) {
        if (!ENABLED) return 0;
        long t = System.nanoTime();
        long d = t - since;
        if (t - from < 0) return t; // still in the warm-up
        if (d > OUTLIER_NANOS) outliers[s.ordinal()].increment();
        else {
            nanos[s.ordinal()].add(d);
            samples[s.ordinal()].increment();
        }
        return t;
    }

    /** Mean µs per sample of each stage noted, with its samples and outliers; "off" when disabled. */
    String report() {
        if (!ENABLED) return "off (-Dinterstice.stageTimes=true)";
        var sb = new StringBuilder();
        for (Stage s : STAGES) {
            long n = samples[s.ordinal()].sum();
            if (n == 0) continue;
            sb.append(String.format(
                    Locale.ROOT,
                    "%s=%.2fus(n=%d,out=%d) ",
                    s.name().toLowerCase(Locale.ROOT),
                    nanos[s.ordinal()].sum() / 1e3 / n,
                    n,
                    outliers[s.ordinal()].sum()));
        }
        return sb.toString().trim();
    }
}
