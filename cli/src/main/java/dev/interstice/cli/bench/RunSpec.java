package dev.interstice.cli.bench;

import java.nio.file.Path;

/**
 * One benchmark run over the network, as the command line ({@code run}, {@code profile}) or a scenario file gives
 * it. Either a built-in {@link Profiles profile} or a module, reducer and argument template.
 */
final class RunSpec {
    String name;
    String node;
    String token;
    /** A built-in profile (then module/reducer/args come from it unless given), or null. */
    String profile;

    String module;
    String reducer;
    String argsJson = "[]";
    int connections = 4;
    int inflight = 1;
    long durationMs = 10_000;
    long warmupMs = 2_000;
    double rate;
    /** "durable" or "fast"; null: the profile's, else durable. */
    String ack;

    long sampleMs = 1_000;
    long timeoutMs = 30_000;
    Path output;
    Path html;
    boolean noHtml;
    boolean resetBefore;
    boolean quiet;
    /** TLS even to a loopback node that serves plaintext (to measure what TLS costs). */
    boolean tls;
    /** Checks after the run: null = decide from the workload (benchmark-workload reducers), else as given. */
    Boolean verifyCommitted;

    Boolean verifyBalance;
    /** A query run after the run; with {@code verifyExpectJson} its answer must equal that value. */
    String verifyQuery;

    String verifyArgsJson = "[]";
    String verifyExpectJson;
    /** A query returning a counter whose rate over the measured window is reported (upstream's query_delta). */
    String throughputQuery;

    String throughputQueryArgsJson = "[]";
    /** A local process (the node) whose CPU time over the measured window is reported, or 0. */
    long cpuOfPid;
    /** What the command line was, for the report. */
    String command;

    final Profiles.Workload workload = new Profiles.Workload();

    String ackMode(Profiles.Profile p) {
        if (ack != null) return ack;
        return p != null ? p.ack() : "durable";
    }

    String displayName() {
        if (name != null) return name;
        if (profile != null && reducer == null) return profile;
        return node + ":" + module + ":" + reducer;
    }

    /** Checks what can be checked without the node; throws IllegalArgumentException naming the problem. */
    RunSpec validate() {
        if (node == null || node.isBlank()) throw new IllegalArgumentException(where() + "no node given");
        if (profile != null) Profiles.require(profile);
        else if (module == null || reducer == null)
            throw new IllegalArgumentException(where() + "needs module_name and reducer_name (or a profile)");
        if (connections < 1) throw new IllegalArgumentException(where() + "connections must be >= 1");
        if (inflight < 1) throw new IllegalArgumentException(where() + "inflight must be >= 1");
        if (durationMs < 1) throw new IllegalArgumentException(where() + "duration_ms must be >= 1");
        if (warmupMs < 0) throw new IllegalArgumentException(where() + "warmup_ms must be >= 0");
        if (rate < 0) throw new IllegalArgumentException(where() + "rate must be >= 0");
        if (sampleMs < 10) throw new IllegalArgumentException(where() + "sample_ms must be >= 10");
        if (timeoutMs < 1) throw new IllegalArgumentException(where() + "timeout_ms must be >= 1");
        if (ack != null && !ack.equals("durable") && !ack.equals("fast"))
            throw new IllegalArgumentException(where() + "ack must be durable or fast, not '" + ack + "'");
        if (verifyExpectJson != null && verifyQuery == null)
            throw new IllegalArgumentException(where() + "an expected value needs a verify query");
        if (workload.accounts < 2) throw new IllegalArgumentException(where() + "accounts must be >= 2");
        return this;
    }

    private String where() {
        return name == null ? "" : "scenario '" + name + "': ";
    }
}
