package dev.interstice.cli.bench;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Generates load on a {@link Connector}: one sender thread per connection, each keeping up to {@code inflight} calls
 * outstanding (closed loop), or sending at a fixed share of the total rate (open loop; a call that cannot be sent on
 * time because the connection is saturated is sent as soon as possible and its latency still counts from the time it
 * was due, which corrects coordinated omission). Only calls the target acknowledges count as throughput; failures are
 * counted apart. A timeline thread cuts the run into intervals aligned on the end of the warmup and the end of the
 * measured window.
 */
public final class LoadDriver {
    private static final int MAX_ERROR_SAMPLES = 20;

    private final Consumer<String> out;

    public LoadDriver() {
        this(System.err);
    }

    /** {@code out}: where progress lines go. */
    public LoadDriver(PrintStream out) {
        this.out = out::println;
    }

    /** {@code out}: where progress lines go (flushed after each). */
    public LoadDriver(PrintWriter out) {
        this.out = line -> {
            out.println(line);
            out.flush();
        };
    }

    public LoadResult run(Connector connector, LoadConfig cfg) throws Exception {
        try (CallTarget control = connector.connect(-1, 1)) {
            return new Run(connector, cfg, control).execute();
        }
    }

    private final class Run {
        final Connector connector;
        final LoadConfig cfg;
        final CallTarget control;
        final Recorder recorder = new Recorder(3);
        final AtomicLong sent = new AtomicLong();
        final AtomicLong acked = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final LongAdder intervalErrors = new LongAdder();
        final Map<String, LongAdder> errorSamples = new ConcurrentHashMap<>();
        final long[] lastSeq;
        final String[] clients;
        final long[] unfinished;
        long t0;
        long warmupEnd;
        long end;
        long[] gcStart = {0, 0, 0};
        long[] gcEnd = {0, 0, 0};

        Run(Connector connector, LoadConfig cfg, CallTarget control) {
            this.connector = connector;
            this.cfg = cfg;
            this.control = control;
            lastSeq = new long[cfg.connections()];
            unfinished = new long[cfg.connections()];
            clients = new String[cfg.connections()];
            for (int i = 0; i < clients.length; i++) clients[i] = cfg.runId() + "-" + i;
        }

        LoadResult execute() throws Exception {
            for (Verification v : cfg.verifications()) v.before(control);
            var targets = new ArrayList<CallTarget>();
            var senders = new ArrayList<Thread>();
            var timeline = new ArrayList<LoadResult.Interval>();
            var measured = new Histogram(3);
            var rateStart = new LinkedHashMap<String, Long>();
            var rates = new LinkedHashMap<String, LoadResult.Rate>();
            long measuredAcks = 0;
            long measuredErrors = 0;
            double measuredMs = 0;
            long startedAtMs = System.currentTimeMillis();
            try {
                for (int i = 0; i < cfg.connections(); i++) targets.add(connector.connect(i, cfg.inflight()));
                t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                warmupEnd = t0 + TimeUnit.MILLISECONDS.toNanos(cfg.warmupMs());
                end = warmupEnd + TimeUnit.MILLISECONDS.toNanos(cfg.durationMs());
                for (int i = 0; i < cfg.connections(); i++) {
                    int idx = i;
                    CallTarget target = targets.get(i);
                    senders.add(Thread.ofPlatform().name("load-sender-" + i).start(() -> send(idx, target)));
                }
                if (cfg.warmupMs() == 0) {
                    gcStart = jvmCounters();
                    for (var e : cfg.rates().entrySet())
                        rateStart.put(e.getKey(), e.getValue().read(control));
                }
                parkUntil(t0); // nothing is sent before t0
                Histogram interval = null;
                long from = t0;
                long sampleNs = TimeUnit.MILLISECONDS.toNanos(cfg.sampleMs());
                long nextTick = t0 + sampleNs;
                while (true) {
                    long boundary = nextTick;
                    if (from < warmupEnd && warmupEnd < boundary) boundary = warmupEnd;
                    if (boundary > end) boundary = end;
                    parkUntil(boundary);
                    long now = System.nanoTime();
                    interval = recorder.getIntervalHistogram(interval);
                    long errs = intervalErrors.sumThenReset();
                    var phase = from < warmupEnd ? LoadResult.Phase.WARMUP : LoadResult.Phase.MEASURE;
                    var iv = interval(from, now, phase, interval, errs);
                    timeline.add(iv);
                    if (phase == LoadResult.Phase.MEASURE) {
                        measured.add(interval);
                        measuredAcks += interval.getTotalCount();
                        measuredErrors += errs;
                        measuredMs += (now - from) / 1e6;
                    }
                    if (cfg.progress()) progress(iv, measuredAcks);
                    if (boundary == warmupEnd && phase == LoadResult.Phase.WARMUP) {
                        gcStart = jvmCounters();
                        for (var e : cfg.rates().entrySet())
                            rateStart.put(e.getKey(), e.getValue().read(control));
                    }
                    from = now;
                    if (boundary == end) {
                        gcEnd = jvmCounters();
                        break;
                    }
                    if (boundary == nextTick) nextTick += sampleNs;
                }
                readRates(rateStart, measuredMs, rates);
                joinSenders(senders);
                long now = System.nanoTime();
                interval = recorder.getIntervalHistogram(interval);
                long errs = intervalErrors.sumThenReset();
                var drain = interval(from, now, LoadResult.Phase.DRAIN, interval, errs);
                timeline.add(drain);
                if (cfg.progress() && (drain.acknowledged() > 0 || drain.errors() > 0)) progress(drain, measuredAcks);
            } finally {
                for (Thread t : senders) if (t.isAlive()) t.interrupt();
                for (CallTarget t : targets) t.close();
            }
            long unfinishedTotal = 0;
            for (long u : unfinished) unfinishedTotal += u;
            var counts = new Verification.Counts(sent.get(), acked.get(), failed.get(), unfinishedTotal);
            var checks = new ArrayList<Verification.Check>();
            long maxSeq = 0;
            String maxClient = "";
            int maxWorker = 0;
            for (int i = 0; i < lastSeq.length; i++)
                if (lastSeq[i] > maxSeq) {
                    maxSeq = lastSeq[i];
                    maxClient = clients[i];
                    maxWorker = i;
                }
            // after the run $max_seq / $max_client name the connection that sent the most (upstream's meaning)
            var after = new TemplateContext(
                    maxSeq,
                    maxWorker,
                    sent.get(),
                    maxClient,
                    System.currentTimeMillis(),
                    maxSeq,
                    maxClient,
                    sent.get());
            for (Verification v : cfg.verifications()) checks.add(check(v, counts, after));
            var samples = new LinkedHashMap<String, Long>();
            errorSamples.forEach((k, v) -> samples.put(k, v.sum()));
            var env = measuredEnvironment();
            return new LoadResult(
                    cfg,
                    connector.describe(),
                    connector.ackMode(),
                    startedAtMs,
                    System.currentTimeMillis(),
                    measuredMs,
                    measuredAcks,
                    measuredErrors,
                    counts,
                    maxSeq,
                    maxClient,
                    measured,
                    timeline,
                    rates,
                    samples,
                    checks,
                    env);
        }

        /** The measured rate of each probe, from its reading at the start of the measured window to now. */
        private void readRates(Map<String, Long> rateStart, double measuredMs, Map<String, LoadResult.Rate> rates)
                throws Exception {
            for (var e : cfg.rates().entrySet()) {
                long a = rateStart.get(e.getKey());
                long b = e.getValue().read(control);
                rates.put(e.getKey(), new LoadResult.Rate(a, b, measuredMs <= 0 ? 0 : (b - a) * 1000.0 / measuredMs));
            }
        }

        /** Each sender waits for its calls (drain timeout) before it ends; one stuck inside a call is abandoned. */
        private void joinSenders(List<Thread> senders) throws InterruptedException {
            long joinDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cfg.drainTimeoutMs() + 5_000);
            for (int i = 0; i < senders.size(); i++) {
                Thread t = senders.get(i);
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
                if (t.isAlive() && unfinished[i] == 0) unfinished[i] = 1;
            }
        }

        private Verification.Check check(Verification v, Verification.Counts counts, TemplateContext after) {
            try {
                return v.after(control, counts, after);
            } catch (Exception e) {
                return new Verification.Check(v.name(), false, 0, 0, 0, "could not verify: " + message(e));
            }
        }

        private Map<String, Object> measuredEnvironment() {
            var env = environment();
            // this JVM's collections during the measured window (in process, the node's pauses are in the latencies)
            env.put("gc_collections_measured", gcEnd[0] - gcStart[0]);
            env.put("gc_time_ms_measured", gcEnd[1] - gcStart[1]);
            // CPU time this JVM (the load generator; in process also the node) used in the measured window
            if (gcStart[2] >= 0 && gcEnd[2] >= 0) env.put("process_cpu_ms_measured", gcEnd[2] - gcStart[2]);
            return env;
        }

        LoadResult.Interval interval(long from, long to, LoadResult.Phase phase, Histogram h, long errs) {
            boolean any = h.getTotalCount() > 0;
            return new LoadResult.Interval(
                    (from - t0) / 1e6,
                    (to - from) / 1e6,
                    phase,
                    h.getTotalCount(),
                    errs,
                    any ? h.getValueAtPercentile(50) : 0,
                    any ? h.getValueAtPercentile(99) : 0,
                    any ? h.getMaxValue() : 0);
        }

        void progress(LoadResult.Interval iv, long measuredAcks) {
            out.accept(String.format(
                    Locale.ROOT,
                    "[%7.1fs %-7s] %,10d/s  errors %-6d p50 %9s  p99 %9s  max %9s  acknowledged (measured) %,d",
                    (iv.startMs() + iv.lengthMs()) / 1000.0,
                    iv.phase().name().toLowerCase(),
                    Math.round(iv.tps()),
                    iv.errors(),
                    Reports.us(iv.p50Us()),
                    Reports.us(iv.p99Us()),
                    Reports.us(iv.maxUs()),
                    measuredAcks));
        }

        /** The sender of connection {@code idx}. */
        void send(int idx, CallTarget target) {
            int inflight = cfg.inflight();
            var permits = new Semaphore(inflight);
            String client = clients[idx];
            long seq = 0;
            long interval = 0;
            long next = 0;
            if (cfg.openLoop()) {
                double perConnection = cfg.rate() / cfg.connections();
                interval = Math.max(1, Math.round(1e9 / perConnection));
                next = t0 + interval * idx / cfg.connections(); // spread the connections over one interval
            } else {
                parkUntil(t0);
            }
            try {
                while (true) {
                    long intended;
                    if (cfg.openLoop()) {
                        if (next >= end) break;
                        parkUntil(next);
                        intended = next;
                        next += interval;
                    } else {
                        intended = -1;
                    }
                    long wait = end - System.nanoTime();
                    if (wait <= 0 || !permits.tryAcquire(wait, TimeUnit.NANOSECONDS)) break;
                    long now = System.nanoTime();
                    if (now >= end) {
                        permits.release();
                        break;
                    }
                    seq++;
                    lastSeq[idx] = seq;
                    long op = sent.incrementAndGet();
                    var ctx = new TemplateContext(seq, idx, op, client, System.currentTimeMillis(), seq, client, op);
                    long start = intended >= 0 ? intended : System.nanoTime();
                    CompletableFuture<Void> f;
                    try {
                        var args = cfg.args().next(ctx);
                        if (intended < 0) start = System.nanoTime();
                        f = target.call(cfg.module(), cfg.reducer(), args);
                    } catch (RuntimeException e) {
                        f = CompletableFuture.failedFuture(e);
                    }
                    final long s = start;
                    f.whenComplete((v, e) -> {
                        complete(s, e);
                        permits.release();
                    });
                }
                // drain: wait for this connection's calls still in flight
                if (!permits.tryAcquire(inflight, cfg.drainTimeoutMs(), TimeUnit.MILLISECONDS))
                    unfinished[idx] = inflight - permits.availablePermits();
            } catch (InterruptedException e) {
                unfinished[idx] = inflight - permits.availablePermits();
                Thread.currentThread().interrupt();
            }
        }

        void complete(long startNs, Throwable e) {
            long now = System.nanoTime();
            if (e == null) {
                recorder.recordValue(Math.max(1, (now - startNs) / 1000));
                acked.incrementAndGet();
            } else {
                failed.incrementAndGet();
                intervalErrors.increment();
                String m = message(e);
                var adder = errorSamples.get(m);
                if (adder == null && errorSamples.size() < MAX_ERROR_SAMPLES)
                    adder = errorSamples.computeIfAbsent(m, k -> new LongAdder());
                if (adder == null) adder = errorSamples.computeIfAbsent("(other errors)", k -> new LongAdder());
                adder.increment();
            }
        }
    }

    static String message(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null)
            e = e.getCause();
        String m = e.getMessage();
        return e.getClass().getSimpleName()
                + (m == null ? "" : ": " + (m.length() > 300 ? m.substring(0, 300) + "..." : m));
    }

    static void parkUntil(long deadlineNs) {
        while (true) {
            long left = deadlineNs - System.nanoTime();
            if (left <= 0) return;
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) return;
        }
    }

    /** Collections, their total time (ms) and the CPU time (ms, all threads; -1 if unknown) of this JVM so far. */
    static long[] jvmCounters() {
        long n = 0;
        long ms = 0;
        long cpu = -1;
        for (var b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionCount());
            ms += Math.max(0, b.getCollectionTime());
        }
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) cpu = os.getProcessCpuTime() / 1_000_000;
        return new long[] {n, ms, cpu};
    }

    public static Map<String, Object> environment() {
        var env = new LinkedHashMap<String, Object>();
        env.put("available_processors", Runtime.getRuntime().availableProcessors());
        env.put("java_version", System.getProperty("java.version"));
        env.put("java_vm", System.getProperty("java.vm.name"));
        env.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        env.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        try {
            var load = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage();
            if (load >= 0) env.put("load_average_1m_at_end", load);
        } catch (RuntimeException ignored) {
            // not available on this platform
        }
        return env;
    }
}
