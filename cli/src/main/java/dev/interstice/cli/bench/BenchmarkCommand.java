package dev.interstice.cli.bench;

import dev.interstice.cli.Cli;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code interstice benchmark}: load runs against a node over the network. Only acknowledged commits count; the
 * workload's invariants are checked after each run. Exit status: 0, 1 on a failure (node unreachable, setup), 2 on bad
 * usage, 3 when a run's verification failed.
 */
@Command(
        name = "benchmark",
        mixinStandardHelpOptions = true,
        description = {
            "Load a node over the network and measure it: acknowledged calls per second, errors, latency percentiles "
                    + "(HdrHistogram; from the intended send time in open-loop runs), a check of the workload's invariants afterwards, "
                    + "a JSON report and a self-contained HTML chart.",
            "Serve the workload with: ${sys:interstice.command:-interstice} example benchmark (node 'benchmark-example').",
            "The agar game under N bots, all in this process: ${sys:interstice.command:-interstice} benchmark agar --bots 100 --clients 1.",
            "Exit status: 0 ok, 1 failed, 2 bad usage, 3 a verification failed."
        },
        subcommands = {
            BenchmarkCommand.ListProfiles.class,
            BenchmarkCommand.ProfileRun.class,
            BenchmarkCommand.Run.class,
            BenchmarkCommand.Scenario.class,
            AgarCommand.class
        })
public final class BenchmarkCommand implements Runnable {
    /** Exit status of a run whose verification failed. */
    public static final int VERIFICATION_FAILED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every run takes. */
    static final class LoadOptions {
        @Option(
                names = "--connections",
                paramLabel = "N",
                description = "Connections, one sender thread each (default: ${DEFAULT-VALUE}).")
        int connections = 4;

        @Option(
                names = "--inflight",
                paramLabel = "K",
                description = "Requests in flight per connection: pipelining (default: ${DEFAULT-VALUE}).")
        int inflight = 1;

        @Option(
                names = "--duration-ms",
                paramLabel = "MS",
                description = "Measured window (default: ${DEFAULT-VALUE}).")
        long durationMs = 10_000;

        @Option(
                names = "--warmup-ms",
                paramLabel = "MS",
                description = "Unmeasured warmup before it (default: ${DEFAULT-VALUE}).")
        long warmupMs = 2_000;

        @Option(
                names = "--rate",
                paramLabel = "R",
                description =
                        "Open loop at R calls/s over all connections; latency from the intended send time (default: closed loop).")
        double rate;

        @Option(
                names = "--ack",
                paramLabel = "durable|fast",
                description =
                        "Acknowledge after the fsync (durable) or the in-memory commit (fast). Default: the profile's, else durable.")
        String ack;

        @Option(
                names = "--output",
                paramLabel = "FILE.json",
                description = "Write the JSON report (and the HTML chart next to it, FILE.html).")
        Path output;

        @Option(names = "--html", paramLabel = "FILE.html", description = "Where to write the HTML chart.")
        Path html;

        @Option(names = "--no-html", description = "No HTML chart next to --output.")
        boolean noHtml;

        @Option(
                names = "--sample-ms",
                paramLabel = "MS",
                description = "Timeline interval and progress line period (default: ${DEFAULT-VALUE}).")
        long sampleMs = 1_000;

        @Option(
                names = "--timeout-ms",
                paramLabel = "MS",
                description = "Deadline of each request (default: ${DEFAULT-VALUE}).")
        long timeoutMs = 30_000;

        @Option(
                names = "--token",
                paramLabel = "TOKEN",
                description = "The node's admin token (default: the registry's, if any).")
        String token;

        @Option(names = "--reset-before", description = "Call the module's reset reducer first.")
        boolean resetBefore;

        @Option(names = "--quiet", description = "No progress lines.")
        boolean quiet;

        @Option(
                names = "--cpu-of-pid",
                paramLabel = "PID",
                description = "Also report the CPU time (ms per second of the measured window) a process on this"
                        + " machine used, e.g. the node's, beside the client's own.")
        long cpuOfPid;

        @Option(
                names = "--tls",
                description = "Connect with TLS even where the node serves plaintext (a loopback node started"
                        + " --insecure-loopback, e.g. an example): to measure what TLS costs.")
        boolean tls;

        void applyTo(RunSpec s) {
            s.connections = connections;
            s.inflight = inflight;
            s.durationMs = durationMs;
            s.warmupMs = warmupMs;
            s.rate = rate;
            s.ack = ack;
            s.output = output;
            s.html = html;
            s.noHtml = noHtml;
            s.sampleMs = sampleMs;
            s.timeoutMs = timeoutMs;
            s.token = token;
            s.resetBefore = resetBefore;
            s.quiet = quiet;
            s.tls = tls;
            s.cpuOfPid = cpuOfPid;
        }
    }

    /** Runs specs one after the other; prints a table when there are several. */
    static int execute(CommandLine.Model.CommandSpec spec, List<RunSpec> specs) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String command = Cli.command() + " "
                + String.join(
                        " ",
                        spec.root().commandLine().getParseResult().originalArgs().stream()
                                .map(BenchmarkCommand::quote)
                                .toList());
        for (RunSpec s : specs) {
            if (s.command == null) s.command = command;
            try {
                s.validate();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
            }
        }
        var results = new LinkedHashMap<String, LoadResult>();
        boolean verified = true;
        for (RunSpec s : specs) {
            LoadResult r = new NetworkRun(out, err).run(s);
            String key = s.displayName();
            for (int i = 2; results.containsKey(key); i++) key = s.displayName() + " #" + i;
            results.put(key, r);
            verified &= r.verified();
        }
        if (results.size() > 1) {
            out.println(Reports.table(results));
            // the runs' charts overlaid, beside the first run's own report
            var first = specs.stream()
                    .map(NetworkRun::htmlPath)
                    .filter(p -> p != null)
                    .findFirst();
            if (first.isPresent()) {
                var compare = first.get().resolveSibling("comparison.html");
                Reports.writeHtml(results, compare);
                out.println("wrote " + compare);
            }
        }
        if (!verified) err.println("error: a verification failed (see above)");
        return verified ? 0 : VERIFICATION_FAILED;
    }

    static String quote(String a) {
        if (!a.isEmpty() && a.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./:=,@+".indexOf(c) >= 0))
            return a;
        return "'" + a.replace("'", "'\\''") + "'";
    }

    @Command(
            name = "list-profiles",
            mixinStandardHelpOptions = true,
            description = "List the built-in profiles (benchmark-workload module).")
    static final class ListProfiles implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            for (Profiles.Profile p : Profiles.ALL)
                out.printf("%-22s %s (ack %s)%n", p.name(), p.description(), p.ack());
            out.println();
            out.println("run one: " + Cli.command("benchmark profile <name> <node>")
                    + " [--connections N --inflight K --duration-ms MS --output F.json]");
            return 0;
        }
    }

    @Command(
            name = "profile",
            mixinStandardHelpOptions = true,
            description = {
                "Run a built-in profile against the benchmark-workload module of <node> (a registered node, or host:port).",
                "Transfer profiles first create the accounts that are missing."
            })
    static final class ProfileRun implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<profile>", description = "A profile (list-profiles).")
        String profile;

        @Parameters(index = "1", paramLabel = "<node>")
        String node;

        @Mixin
        LoadOptions load;

        @Option(names = "--accounts", paramLabel = "N", description = "Transfer: accounts (default: ${DEFAULT-VALUE}).")
        int accounts = 100_000;

        @Option(
                names = "--initial-balance",
                paramLabel = "X",
                description = "Transfer: balance of a new account (default: ${DEFAULT-VALUE}).")
        long initialBalance = 1_000_000;

        @Option(
                names = "--max-amount",
                paramLabel = "A",
                description = "Transfer: amounts uniform in 1..A (default: ${DEFAULT-VALUE}).")
        long maxAmount = 100;

        @Option(
                names = "--zipf-alpha",
                paramLabel = "A",
                description = "transfer-skewed: Zipf exponent (default: ${DEFAULT-VALUE}).")
        double zipfAlpha = 1.5;

        @Option(
                names = "--payload-bytes",
                paramLabel = "B",
                description = "Insert/emit payload (default: ${DEFAULT-VALUE}).")
        int payloadBytes = 64;

        @Option(
                names = "--seed",
                paramLabel = "S",
                description = "Transfer argument generator seed (default: ${DEFAULT-VALUE}).")
        long seed = 42;

        @Option(
                names = "--reducer",
                paramLabel = "R",
                description = "custom profile: the reducer (or replace a profile's call).")
        String reducer;

        @Option(
                names = "--args-json",
                paramLabel = "JSON",
                description = "Its argument template, e.g. '[\"$client\", \"$seq\", 64, true]'.")
        String argsJson;

        @Override
        public Integer call() throws Exception {
            var s = new RunSpec();
            s.profile = profile;
            s.node = node;
            load.applyTo(s);
            s.reducer = reducer;
            if (argsJson != null) s.argsJson = argsJson;
            var w = s.workload;
            w.accounts = accounts;
            w.initialBalance = initialBalance;
            w.maxAmount = maxAmount;
            w.zipfAlpha = zipfAlpha;
            w.payloadBytes = payloadBytes;
            w.seed = seed;
            return execute(spec, List.of(s));
        }
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = {
                "Call <reducer> of <module> on <node> (a registered node, or host:port) under load.",
                "--args-json is a JSON array of its arguments with placeholders: $seq (per connection, from 1), $worker (connection "
                        + "index), $op (call number over all connections), $client (<run id>-<worker>), $now_ms, $max_seq, $max_client, "
                        + "$total_sent; values are converted to the declared parameter types.",
                "On benchmark-workload, a workload call with track_progress = true is checked against total_committed, and "
                        + "transfer against total_balance."
            })
    static final class Run implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<node>")
        String node;

        @Parameters(index = "1", paramLabel = "<module>")
        String module;

        @Parameters(index = "2", paramLabel = "<reducer>")
        String reducer;

        @Mixin
        LoadOptions load;

        @Option(names = "--args-json", paramLabel = "JSON", description = "Argument template (default: []).")
        String argsJson = "[]";

        @Option(names = "--name", description = "Name of the run in the reports.")
        String name;

        @Option(
                names = "--verify-committed",
                negatable = true,
                description =
                        "Check that total_committed grew by the acknowledged calls (default: from the arguments).")
        Boolean verifyCommitted;

        @Option(
                names = "--verify-balance",
                negatable = true,
                description = "Check that total_balance did not change (default: for transfer).")
        Boolean verifyBalance;

        @Option(
                names = "--verify-query",
                paramLabel = "Q",
                description = "Run query Q after the run and report its answer.")
        String verifyQuery;

        @Option(names = "--verify-args-json", paramLabel = "JSON", description = "Its arguments (default: []).")
        String verifyArgsJson = "[]";

        @Option(names = "--verify-expect-json", paramLabel = "JSON", description = "The answer it must give.")
        String verifyExpectJson;

        @Option(
                names = "--throughput-query",
                paramLabel = "Q",
                description = "A counter query whose rate over the measured window is reported.")
        String throughputQuery;

        @Override
        public Integer call() throws Exception {
            var s = new RunSpec();
            s.node = node;
            s.module = module;
            s.reducer = reducer;
            s.name = name;
            load.applyTo(s);
            s.argsJson = argsJson;
            s.verifyCommitted = verifyCommitted;
            s.verifyBalance = verifyBalance;
            s.verifyQuery = verifyQuery;
            s.verifyArgsJson = verifyArgsJson;
            s.verifyExpectJson = verifyExpectJson;
            s.throughputQuery = throughputQuery;
            return execute(spec, List.of(s));
        }
    }

    @Command(
            name = "scenario",
            mixinStandardHelpOptions = true,
            description = {
                "Run the scenarios of a TOML file in order: [[scenario]] tables with keys name, node, profile, module_name, "
                        + "reducer_name, args_json, duration_ms, warmup_ms, connections, inflight, rate, ack, output, html, reset_before, "
                        + "verify = {mode, query_name, args_json, expect_json}, verify_committed, verify_balance, throughput_query_name, "
                        + "accounts, zipf_alpha, ... (scripts/bench/README.md)."
            })
    static final class Scenario implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<file.toml>")
        Path file;

        @Option(
                names = "--node",
                paramLabel = "NODE",
                description = "Run every scenario against NODE instead of the node it names.")
        String node;

        @Option(
                names = "--token",
                paramLabel = "TOKEN",
                description = "The node's admin token (default: the registry's, if any).")
        String token;

        @Option(
                names = "--output-dir",
                paramLabel = "DIR",
                description = "Reports of scenarios without 'output' go to DIR/<name>.json and .html.")
        Path outputDir;

        @Option(names = "--quiet", description = "No progress lines.")
        boolean quiet;

        @Override
        public Integer call() throws Exception {
            List<RunSpec> specs;
            var err = spec.commandLine().getErr();
            try {
                specs = ScenarioFile.read(file, w -> err.println("warning: " + w));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            for (RunSpec s : specs) {
                if (node != null) s.node = node;
                if (token != null) s.token = token;
                if (quiet) s.quiet = true;
                if (outputDir != null && s.output == null)
                    s.output = outputDir.resolve(s.displayName().replaceAll("[^A-Za-z0-9._-]+", "_") + ".json");
            }
            return execute(spec, specs);
        }
    }
}
