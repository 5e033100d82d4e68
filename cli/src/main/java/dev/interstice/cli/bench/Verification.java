package dev.interstice.cli.bench;

/**
 * A check of the node's state around a run: read before the first call, read again once every call has completed,
 * compared with what the driver counted.
 */
public final class Verification {

    /** What the driver counted over the whole run (warmup and drain included). */
    public record Counts(long sent, long acknowledged, long errors, long unfinished) {}

    /** The outcome of one check. */
    public record Check(String name, boolean passed, long before, long after, long expectedDelta, String detail) {}

    /**
     * A check made once the run is over (nothing read before it). {@code after}: the placeholders' values after the run
     * ({@code $max_seq}, {@code $max_client}: the connection that sent the most calls).
     */
    @FunctionalInterface
    public interface AfterCheck {
        Check check(CallTarget control, Counts counts, TemplateContext after) throws Exception;
    }

    private enum Kind {
        DELTA_EQUALS_ACKS,
        UNCHANGED,
        AFTER
    }

    private final String name;
    private final Probe probe;
    private final Kind kind;
    private final long perAck;
    private final AfterCheck afterCheck;
    private long before;

    private Verification(String name, Probe probe, Kind kind, long perAck, AfterCheck afterCheck) {
        this.name = name;
        this.probe = probe;
        this.kind = kind;
        this.perAck = perAck;
        this.afterCheck = afterCheck;
    }

    /** {@code after - before == perAck * acknowledged}: e.g. total_committed (1 per call), fanout_seen (N per call). */
    public static Verification deltaEqualsAcks(String name, Probe probe, long perAck) {
        return new Verification(name, probe, Kind.DELTA_EQUALS_ACKS, perAck, null);
    }

    /** {@code after == before}: e.g. total_balance under transfers. */
    public static Verification unchanged(String name, Probe probe) {
        return new Verification(name, probe, Kind.UNCHANGED, 0, null);
    }

    /** A check of the state after the run only, e.g. a query's answer against an expected value. */
    public static Verification after(String name, AfterCheck check) {
        return new Verification(name, null, Kind.AFTER, 0, check);
    }

    public String name() {
        return name;
    }

    void before(CallTarget control) throws Exception {
        if (probe != null) before = probe.read(control);
    }

    Check after(CallTarget control, Counts counts, TemplateContext afterRun) throws Exception {
        if (kind == Kind.AFTER) return afterCheck.check(control, counts, afterRun);
        long after = probe.read(control);
        long delta = after - before;
        return switch (kind) {
            case UNCHANGED ->
                new Check(name, delta == 0, before, after, 0, delta == 0 ? "unchanged" : "changed by " + delta);
            case DELTA_EQUALS_ACKS -> {
                long expected = perAck * counts.acknowledged();
                String detail = delta == expected
                        ? "delta " + delta + " == " + perAck + " x " + counts.acknowledged() + " acknowledged"
                        : "delta " + delta + " != " + perAck + " x " + counts.acknowledged() + " acknowledged (errors "
                                + counts.errors() + ", unfinished " + counts.unfinished() + ")";
                yield new Check(name, delta == expected, before, after, expected, detail);
            }
            case AFTER -> throw new IllegalStateException("unreachable");
        };
    }
}
