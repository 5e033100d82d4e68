package dev.interstice.benchmarks.load;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.benchmarks.TempDirs;
import dev.interstice.cli.bench.BenchmarkWorkload;
import dev.interstice.cli.bench.CallTarget;
import dev.interstice.cli.bench.InProcessConnector;
import dev.interstice.cli.bench.LoadConfig;
import dev.interstice.cli.bench.LoadDriver;
import dev.interstice.cli.bench.LoadResult;
import dev.interstice.cli.bench.Profiles;
import dev.interstice.cli.bench.Profiles.Profile;
import dev.interstice.cli.bench.Reports;
import dev.interstice.cli.bench.Verification;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

/**
 * Load profiles against the benchmark-workload module on a node in this process, in a fresh temporary data directory.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.interstice.benchmarks.load.InProcessBench PROFILE [options]
 * </pre>
 * Run with {@code --help} for the profiles and options. Exit status: 0, 1 on a usage or setup error, 2 if a
 * verification failed.
 */
public final class InProcessBench {

    /** Parsed command line. */
    static final class Options {
        String profile;
        int connections = 4;
        int inflight = 1;
        long durationMs = 10_000;
        long warmupMs = 2_000;
        long sampleMs = 1_000;
        double rate;
        Ack ack; // null: the profile's
        int executors = 1;
        final Profiles.Workload workload = new Profiles.Workload();
        Path output;
        Path html;
        Path outputDir;
        Path dataDir;
        boolean keepData;
        boolean quiet;
    }

    public static void main(String[] argv) throws Exception {
        quietLogging();
        Options o;
        try {
            o = parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("run with --help for usage");
            System.exit(1);
            return;
        }
        if (o == null) return;
        List<String> profiles = o.profile.equals("all")
                ? Profiles.ALL.stream()
                        .map(Profile::name)
                        .filter(n -> !n.equals("custom"))
                        .toList()
                : List.of(o.profile);
        var results = new LinkedHashMap<String, LoadResult>();
        boolean failed = false;
        for (String p : profiles) {
            LoadResult r;
            try {
                r = run(p, o, System.err);
            } catch (IllegalArgumentException | IllegalStateException e) {
                System.err.println("error: " + p + ": " + e.getMessage());
                System.exit(1);
                return;
            }
            results.put(p, r);
            System.out.println(Reports.summary(r));
            Path json = o.output;
            Path html = o.html;
            if (o.outputDir != null) {
                json = o.outputDir.resolve(p + ".json");
                html = o.outputDir.resolve(p + ".html");
            }
            if (json != null) {
                Reports.writeJson(r, json);
                System.out.println("wrote " + json);
            }
            if (html != null) {
                Reports.writeHtml(r, html);
                System.out.println("wrote " + html);
            }
            failed |= !r.verified();
        }
        if (results.size() > 1) System.out.println(Reports.table(results));
        if (failed) System.exit(2);
    }

    /** Runs one profile on a fresh node. */
    static LoadResult run(String profileName, Options o, PrintStream progress) throws Exception {
        Profile profile = Profiles.require(profileName);
        Ack ack = o.ack != null ? o.ack : Ack.valueOf(profile.ack().toUpperCase(Locale.ROOT));
        boolean tempDir = o.dataDir == null;
        Path dir = tempDir ? Files.createTempDirectory("interstice-bench-") : o.dataDir.resolve(profileName);
        Files.createDirectories(dir);
        try (Node node = Node.open(
                NodeConfig.at(dir).withAck(ack).withLogSink((m, msg) -> {}).withExecutors(o.executors))) {
            node.load(BenchmarkWorkload.MODULE + ".wasm", BenchmarkWorkload.wasm());
            var connector = new InProcessConnector(node, ack, "in-process node (data dir " + dir + ")");
            var cfg = new LoadConfig()
                    .connections(o.connections)
                    .inflight(o.inflight)
                    .durationMs(o.durationMs)
                    .warmupMs(o.warmupMs)
                    .rate(o.rate)
                    .sampleMs(o.sampleMs)
                    .progress(!o.quiet);
            ModuleSchema schema = node.schema(BenchmarkWorkload.MODULE).orElseThrow();
            try (CallTarget control = connector.connect(-1, 1)) {
                var prepared = Profiles.prepare(profile, o.workload, schema, control, cfg, progress::println);
                // in process the node's transaction counter is visible too: every acknowledged call committed its
                // transactions
                if (profile.transactionsPerCall() > 0
                        && (o.workload.reducer == null || profile.name().equals("custom")))
                    cfg.verify(Verification.deltaEqualsAcks(
                            "transactions (in process: node.lastTxId)",
                            c -> node.lastTxId(),
                            profile.transactionsPerCall()));
                cfg.note("data_dir", dir.toString());
                cfg.note("executors", Integer.toString(o.executors));
                LoadResult r;
                var cpu = new CpuPerTransaction(node::lastTxId, o.warmupMs, o.durationMs);
                try {
                    r = new LoadDriver(progress).run(connector, cfg);
                    cfg.note("cpu_per_tx", cpu.result());
                } finally {
                    prepared.finish(control);
                }
                node.storageStats().ifPresent(storage -> cfg.note("storage_stats", storage.toString()));
                if (o.executors > 1)
                    cfg.note("execution_stats", node.executionStats().toString());
                if (Boolean.getBoolean("interstice.stageTimes")) cfg.note("stage_times", node.executionStageTimes());
                return r;
            }
        } finally {
            if (tempDir && !o.keepData) TempDirs.delete(dir);
            else progress.println("data kept in " + dir);
        }
    }

    static Options parse(String[] argv) {
        var o = new Options();
        var rest = new ArrayList<String>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("-h") || a.equals("--help")) {
                usage(System.out);
                return null;
            }
            if (!a.startsWith("--")) {
                rest.add(a);
                continue;
            }
            String key = a;
            String val;
            int eq = a.indexOf('=');
            if (eq > 0) {
                key = a.substring(0, eq);
                val = a.substring(eq + 1);
            } else if (a.equals("--keep-data") || a.equals("--quiet")) {
                val = "true";
            } else {
                if (i + 1 >= argv.length) throw new IllegalArgumentException(a + " needs a value");
                val = argv[++i];
            }
            try {
                switch (key) {
                    case "--connections" -> o.connections = Integer.parseInt(val);
                    case "--inflight" -> o.inflight = Integer.parseInt(val);
                    case "--duration-ms" -> o.durationMs = Long.parseLong(val);
                    case "--warmup-ms" -> o.warmupMs = Long.parseLong(val);
                    case "--sample-ms" -> o.sampleMs = Long.parseLong(val);
                    case "--rate" -> o.rate = Double.parseDouble(val);
                    case "--ack" -> o.ack = Ack.valueOf(val.toUpperCase(Locale.ROOT));
                    case "--executors" -> o.executors = Integer.parseInt(val);
                    case "--payload-bytes" -> o.workload.payloadBytes = Integer.parseInt(val);
                    case "--accounts" -> o.workload.accounts = Integer.parseInt(val);
                    case "--initial-balance" -> o.workload.initialBalance = Long.parseLong(val);
                    case "--max-amount" -> o.workload.maxAmount = Long.parseLong(val);
                    case "--zipf-alpha" -> o.workload.zipfAlpha = Double.parseDouble(val);
                    case "--seed" -> o.workload.seed = Long.parseLong(val);
                    case "--reducer" -> o.workload.reducer = val;
                    case "--args-json" -> o.workload.argsJson = val;
                    case "--output" -> o.output = Path.of(val);
                    case "--html" -> o.html = Path.of(val);
                    case "--output-dir" -> o.outputDir = Path.of(val);
                    case "--data-dir" -> o.dataDir = Path.of(val);
                    case "--keep-data" -> o.keepData = Boolean.parseBoolean(val);
                    case "--quiet" -> o.quiet = Boolean.parseBoolean(val);
                    default -> throw new IllegalArgumentException("unknown option " + key);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": not a number: " + val);
            }
        }
        if (rest.isEmpty()) {
            usage(System.out);
            return null;
        }
        if (rest.size() > 1) throw new IllegalArgumentException("one profile at a time (or 'all'), got " + rest);
        o.profile = rest.getFirst();
        if (o.profile.equals("list")) {
            for (Profile p : Profiles.ALL)
                System.out.printf("%-22s %s (default ack %s)%n", p.name(), p.description(), p.ack());
            return null;
        }
        if (!o.profile.equals("all") && Profiles.find(o.profile).isEmpty())
            throw new IllegalArgumentException("unknown profile '" + o.profile + "'");
        if (o.profile.equals("all") && (o.output != null || o.html != null))
            throw new IllegalArgumentException("with 'all' use --output-dir (one JSON and HTML file per profile)");
        if (o.connections < 1 || o.inflight < 1)
            throw new IllegalArgumentException("--connections and --inflight must be >= 1");
        if (o.executors < 1) throw new IllegalArgumentException("--executors must be >= 1");
        if (o.workload.accounts < 2) throw new IllegalArgumentException("--accounts must be >= 2");
        return o;
    }

    static void usage(PrintStream out) {
        out.println("""
                usage: java -cp benchmarks/target/benchmarks.jar dev.interstice.benchmarks.load.InProcessBench PROFILE [options]

                Runs a load profile against the benchmark-workload module on a node in this process (fresh temporary
                data directory, deleted afterwards). Only acknowledged commits count; errors are counted apart; the
                node's state is verified after the run (exit status 2 if a check fails).

                PROFILE: list | all | one of""");
        for (Profile p : Profiles.ALL) out.printf("  %-22s %s%n", p.name(), p.description());
        out.println("""

                options:
                  --connections N       connections (sender threads) (4)
                  --inflight K          calls in flight per connection; in process K > 1 means K threads per connection (1)
                  --duration-ms MS      measured window (10000)        --warmup-ms MS   warmup before it (2000)
                  --rate R              open loop at R calls/s in total, latency from the intended send time (0: closed loop)
                  --ack durable|fast    acknowledgement mode (default: the profile's)
                  --executors N         reducer calls executing at once (1: serial; more: optimistic, docs/parallel-execution.md)
                  --payload-bytes B     payload of insert/emit rows (64)
                  --accounts N          transfer: accounts (100000)    --initial-balance X (1000000)   --max-amount A (100)
                  --zipf-alpha A        transfer-skewed: Zipf exponent (1.5)       --seed S  argument generator seed (42)
                  --reducer R --args-json JSON   custom profile (or override a profile's call)
                  --output F.json --html F.html  reports (one profile);  --output-dir D  (with 'all': D/PROFILE.json|html)
                  --sample-ms MS        timeline interval (1000)       --quiet  no progress lines
                  --data-dir D          run in D/PROFILE instead of a temporary directory (kept)   --keep-data
                """);
    }

    private static void quietLogging() {
        // No logback.xml in this jar: without this, logback prints every DEBUG line of the runtime.
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx)
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.WARN);
    }
}
