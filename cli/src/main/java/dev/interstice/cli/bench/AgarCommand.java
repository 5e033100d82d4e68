package dev.interstice.cli.bench;

import dev.interstice.cli.bench.agar.AgarReport;
import dev.interstice.cli.bench.agar.AgarScenario;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code interstice benchmark agar}: the agar game under N bots, all in this process (see {@link AgarScenario}). */
@Command(
        name = "agar",
        mixinStandardHelpOptions = true,
        description = {
            "The agar game under load, all in this process on loopback: the agar-server example on a node, --clients nodes "
                    + "replicating its players and food (each runs the agar-bot module, so each also plays one cell), and "
                    + "--bots bots, each its own connection with its own node id (so its own player), that join, steer "
                    + "like a person (away from a bigger cell close by, else to the nearest food, every --reaction-ms) and "
                    + "join again when eaten. The bots read the world from the first client's replica, once per half "
                    + "reaction, shared by all.",
            "Measures (HdrHistogram p50/p99/max, counts): server ticks per second (target 125, the 8 ms schedule) and the "
                    + "tick's duration; replication lag from a tick's commit on the server to the replica's commit on each "
                    + "client; the bots' calls per second and latency; the bots' own cost (world reads, steering thread CPU)."
        })
final class AgarCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bots", paramLabel = "N", description = "Bots (default: ${DEFAULT-VALUE}).")
    int bots = 100;

    @Option(
            names = "--clients",
            paramLabel = "K",
            description = "Client nodes replicating (default: ${DEFAULT-VALUE}).")
    int clients = 1;

    @Option(names = "--duration-ms", paramLabel = "MS", description = "Measured window (default: ${DEFAULT-VALUE}).")
    long durationMs = 20_000;

    @Option(
            names = "--warmup-ms",
            paramLabel = "MS",
            description = "Unmeasured warm-up after every bot connected (default: ${DEFAULT-VALUE}).")
    long warmupMs = 3_000;

    @Option(
            names = "--reaction-ms",
            paramLabel = "MS",
            description = "How often each bot looks and steers (default: ${DEFAULT-VALUE}).")
    long reactionMs = 100;

    @Option(
            names = "--window",
            description = "Also run the real agar-client in a window (needs a display) and time its frames.")
    boolean window;

    @Option(names = "--output", paramLabel = "FILE.json", description = "Write the JSON report.")
    Path output;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        String command = "interstice "
                + String.join(
                        " ",
                        spec.root().commandLine().getParseResult().originalArgs().stream()
                                .map(BenchmarkCommand::quote)
                                .toList());
        AgarScenario.Config config;
        try {
            config = new AgarScenario.Config(bots, clients, durationMs, warmupMs, reactionMs, window, command);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        // every bot's connection is logged at INFO: a thousand lines would bury the report
        var nodeLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.interstice");
        var level = nodeLog.getLevel();
        nodeLog.setLevel(ch.qos.logback.classic.Level.WARN);
        AgarReport report;
        try {
            report = AgarScenario.run(config, spec.commandLine().getErr());
        } finally {
            nodeLog.setLevel(level);
        }
        out.print(report.summary());
        if (output != null) {
            report.write(output);
            out.println("report: " + output);
        }
        out.flush();
        return 0;
    }
}
