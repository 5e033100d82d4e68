package dev.interstice.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One load run: which reducer, with which arguments, how many connections and calls in flight on each, how long,
 * closed loop (each connection sends its next call when one completes) or open loop at a fixed total rate, and what
 * to verify afterwards. Fluent setters; {@link LoadDriver#run} does not change it.
 */
public final class LoadConfig {
    private String name = "custom";
    private String module = "benchmark-workload";
    private String reducer = "noop";
    private ArgSource args = ArgSource.none();
    private String argsDescription = "[]";
    private int connections = 4;
    private int inflight = 1;
    private long durationMs = 10_000;
    private long warmupMs = 2_000;
    private double rate; // calls per second over all connections; 0 = closed loop
    private long sampleMs = 1_000;
    private long drainTimeoutMs = 30_000;
    private boolean progress = true;
    private String runId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Verification> verifications = new ArrayList<>();
    private final Map<String, Probe> rates = new LinkedHashMap<>();
    private final Map<String, Object> notes = new LinkedHashMap<>();

    public LoadConfig name(String v) {
        name = Objects.requireNonNull(v);
        return this;
    }

    public LoadConfig module(String v) {
        module = Objects.requireNonNull(v);
        return this;
    }

    public LoadConfig reducer(String v) {
        reducer = Objects.requireNonNull(v);
        return this;
    }

    /** The arguments of each call; {@code description} goes in the report (e.g. the JSON template). */
    public LoadConfig args(ArgSource v, String description) {
        args = Objects.requireNonNull(v);
        argsDescription = description;
        return this;
    }

    public LoadConfig connections(int v) {
        if (v < 1) throw new IllegalArgumentException("connections must be >= 1");
        connections = v;
        return this;
    }

    public LoadConfig inflight(int v) {
        if (v < 1) throw new IllegalArgumentException("inflight must be >= 1");
        inflight = v;
        return this;
    }

    public LoadConfig durationMs(long v) {
        if (v < 1) throw new IllegalArgumentException("duration must be >= 1 ms");
        durationMs = v;
        return this;
    }

    public LoadConfig warmupMs(long v) {
        if (v < 0) throw new IllegalArgumentException("warmup must be >= 0");
        warmupMs = v;
        return this;
    }

    /** Open loop at {@code v} calls per second over all connections (0: closed loop). */
    public LoadConfig rate(double v) {
        if (v < 0) throw new IllegalArgumentException("rate must be >= 0");
        rate = v;
        return this;
    }

    /** Length of one timeline interval (default 1 s). */
    public LoadConfig sampleMs(long v) {
        if (v < 10) throw new IllegalArgumentException("sample interval must be >= 10 ms");
        sampleMs = v;
        return this;
    }

    public LoadConfig drainTimeoutMs(long v) {
        drainTimeoutMs = v;
        return this;
    }

    /** Print a progress line per interval on stderr. */
    public LoadConfig progress(boolean v) {
        progress = v;
        return this;
    }

    public LoadConfig runId(String v) {
        runId = Objects.requireNonNull(v);
        return this;
    }

    public LoadConfig verify(Verification v) {
        verifications.add(v);
        return this;
    }

    /** A counter read when the measured window starts and ends; the report gives its rate (e.g. ticks per second). */
    public LoadConfig measureRate(String name, Probe p) {
        rates.put(name, p);
        return this;
    }

    /** Free-form facts for the report (workload parameters, setup times...). */
    public LoadConfig note(String key, Object value) {
        notes.put(key, value);
        return this;
    }

    public String name() {
        return name;
    }

    public String module() {
        return module;
    }

    public String reducer() {
        return reducer;
    }

    public ArgSource args() {
        return args;
    }

    public String argsDescription() {
        return argsDescription;
    }

    public int connections() {
        return connections;
    }

    public int inflight() {
        return inflight;
    }

    public long durationMs() {
        return durationMs;
    }

    public long warmupMs() {
        return warmupMs;
    }

    public double rate() {
        return rate;
    }

    public boolean openLoop() {
        return rate > 0;
    }

    public long sampleMs() {
        return sampleMs;
    }

    public long drainTimeoutMs() {
        return drainTimeoutMs;
    }

    public boolean progress() {
        return progress;
    }

    public String runId() {
        return runId;
    }

    public List<Verification> verifications() {
        return List.copyOf(verifications);
    }

    public Map<String, Probe> rates() {
        return new LinkedHashMap<>(rates);
    }

    public Map<String, Object> notes() {
        return new LinkedHashMap<>(notes);
    }
}
