package dev.interstice.cli.bench.agar;

import dev.interstice.cli.bench.LoadDriver;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The agar load scenario, all in this process on loopback: the agar-server example module on a served node (durable
 * data directory under /tmp, as {@code interstice example agar-server}), K client nodes each running the agar-bot
 * module (it replicates the server's players and food, and plays one cell itself), and N bots ({@link AgarBots}) as N
 * connections. Every node and connection is closed, and the data directories deleted, at the end.
 */
public final class AgarScenario {
    static final String SERVER_NODE = "agar-server-example";
    static final String SERVER_MODULE = "agar-server";
    static final String CLIENT_MODULE = "agar-bot";
    static final String PLAYERS = "__replica__agar_server_example__agar_server__player";
    static final String FOOD = "__replica__agar_server_example__agar_server__food";
    /** NodeClient's shared thread that checks every connection's request deadlines (one task per connection). */
    static final String CLIENT_SWEEPER = "interstice-client-timeouts";
    /** The server's 8 ms schedule. */
    static final double TARGET_TICKS = 125;

    /**
     * {@code reactionMs}: how often each bot looks and steers; {@code window}: also run the real agar-client in a
     * window and time its frames ({@link ClientFrames}).
     */
    public record Config(
            int bots, int clients, long durationMs, long warmupMs, long reactionMs, boolean window, String command) {
        public Config {
            if (bots < 0 || clients < 1 || durationMs < 1 || warmupMs < 0 || reactionMs < AgarBots.SLOTS)
                throw new IllegalArgumentException("need bots >= 0, clients >= 1, duration-ms >= 1, warmup-ms >= 0,"
                        + " reaction-ms >= " + AgarBots.SLOTS);
        }
    }

    private AgarScenario() {}

    public static AgarReport run(Config c, PrintWriter progress) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("interstice-agar-bench");
        Deque<AutoCloseable> open = new ArrayDeque<>();
        NodeServer served = null;
        try {
            var ticks = new TickStats(SERVER_MODULE, "tick");
            var probes = new LagProbes(SERVER_MODULE, "player", "tick", PLAYERS, c.clients());
            Node server = Node.open(NodeConfig.at(dir.resolve("server")).withLogSink((m, s) -> {}));
            open.push(server);
            // before the server's table streams: the commit time is taken before a change can leave
            server.addCommitListener(probes.serverCommits());
            server.addCallObserver(probes.serverTicks());
            server.addCallObserver(ticks);
            server.load(SERVER_MODULE + ".wasm", wasm(SERVER_MODULE));
            int connections = c.bots() + c.clients() + 64;
            served = NodeServer.start(
                    server,
                    NetworkConfig.defaults()
                            .withNodeName(SERVER_NODE)
                            .withMaxConnections(connections)
                            .withMaxConnectionsPerAddress(connections));
            open.push(served);
            var clients = new ArrayList<Node>();
            for (int k = 0; k < c.clients(); k++) {
                Node client =
                        Node.open(NodeConfig.at(dir.resolve("client-" + k)).withLogSink((m, s) -> {}));
                open.push(client);
                client.addCommitListener(probes.clientCommits(k));
                open.push(NodeServer.start(
                        client,
                        NetworkConfig.defaults()
                                .withNodeName("agar-client-" + k)
                                .withNodeAddress(SERVER_NODE, served.address())
                                .withRemoteCallTtl(Duration.ofMinutes(1))));
                client.load(CLIENT_MODULE + ".wasm", wasm(CLIENT_MODULE));
                clients.add(client);
            }
            for (Node client : clients) await("a client's replica of the food", () -> rows(client, FOOD) > 0);
            Node viewer = clients.getFirst();
            ClientFrames frames = null;
            if (c.window()) {
                frames = ClientFrames.open(dir.resolve("window"), served.address());
                open.push(frames);
            }
            progress.printf(
                    "agar: server %s, %d client node(s) replicating; connecting %d bots%n",
                    served.address(), c.clients(), c.bots());
            progress.flush();
            AgarBots bots = AgarBots.connect(
                    served.address(),
                    SERVER_MODULE,
                    c.bots(),
                    () -> AgarWorld.of(viewer.rows(CLIENT_MODULE, PLAYERS), viewer.rows(CLIENT_MODULE, FOOD)),
                    c.reactionMs());
            open.push(bots);
            bots.start();
            return measure(c, server, bots, ticks, probes, frames, progress);
        } finally {
            while (!open.isEmpty()) {
                try {
                    AutoCloseable next = open.pop();
                    next.close();
                    NodeServer server = served;
                    if (next instanceof AgarBots && server != null)
                        awaitQuiet(() -> server.connections() <= 2 * c.clients());
                } catch (Exception e) {
                    progress.println("agar: closing: " + e.getMessage());
                }
            }
            deleteRecursively(dir);
        }
    }

    private static AgarReport measure(
            Config c,
            Node server,
            AgarBots bots,
            TickStats ticks,
            LagProbes probes,
            ClientFrames frames,
            PrintWriter progress)
            throws InterruptedException {
        Thread.sleep(c.warmupMs());
        long from = System.nanoTime();
        long to = from + TimeUnit.MILLISECONDS.toNanos(c.durationMs());
        probes.measure(from, to);
        bots.measure(from, to);
        ticks.measuring(true);
        if (frames != null) frames.measuring(true);
        long steeringCpu = threadCpuNanos(AgarBots.THREAD);
        long sweepCpu = threadCpuNanos(CLIENT_SWEEPER);
        long processCpu = processCpuNanos();
        for (long left; (left = to - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.SECONDS.toNanos(5)));
            progress.printf("agar: %.0f s measured, %d ticks%n", (System.nanoTime() - from) / 1e9, ticks.ticks());
            progress.flush();
        }
        ticks.measuring(false);
        if (frames != null) frames.measuring(false);
        double measuredNanos = System.nanoTime() - from;
        steeringCpu = threadCpuNanos(AgarBots.THREAD) - steeringCpu;
        sweepCpu = threadCpuNanos(CLIENT_SWEEPER) - sweepCpu;
        processCpu = processCpuNanos() - processCpu;
        Thread.sleep(500); // the window's last calls are answered and its last ticks replicated
        int players = server.rows(SERVER_MODULE, "player").size();
        double seconds = measuredNanos / 1e9;
        var lagPerClient = new ArrayList<Measure>();
        for (int k = 0; k < c.clients(); k++) lagPerClient.add(probes.lag(k));
        return new AgarReport(
                new AgarReport.Setup(
                        c.command(), c.bots(), c.clients(), c.warmupMs(), measuredNanos / 1e6, c.reactionMs()),
                new AgarReport.Server(
                        ticks.ticks() / seconds,
                        TARGET_TICKS,
                        ticks.ticks(),
                        ticks.duration(),
                        ticks.run(),
                        ticks.interval(),
                        ticks.gap(),
                        players,
                        processCpu / measuredNanos),
                new AgarReport.Replication(probes.taken(), probes.lagAll(), lagPerClient),
                new AgarReport.Bots(
                        bots.calls() / seconds,
                        bots.size() * 1000.0 / c.reactionMs(),
                        bots.calls(),
                        bots.errors(),
                        bots.skipped(),
                        bots.joins(),
                        bots.latency(),
                        bots.worldRead(),
                        steeringCpu / measuredNanos,
                        sweepCpu / measuredNanos,
                        bots.errorSamples()),
                frames == null ? null : new AgarReport.Frames(frames.period(), frames.render(), frames.renderer()),
                LoadDriver.environment());
    }

    /** CPU time of the live platform threads named {@code name} (virtual threads have none of their own). */
    private static long threadCpuNanos(String name) {
        var mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet())
            if (t.getName().equals(name)) sum += Math.max(0, mx.getThreadCpuTime(t.threadId()));
        return sum;
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
    }

    /** Lets the server run the bots' disconnect hooks before it closes (else each would fail, logged). */
    private static void awaitQuiet(BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean() && System.nanoTime() < until) Thread.sleep(10);
        Thread.sleep(200);
    }

    static int rows(Node node, String table) {
        try {
            return node.rows(CLIENT_MODULE, table).size();
        } catch (RuntimeException notYet) {
            return 0; // the replica's schema is not there yet
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > until) throw new IllegalStateException("agar: not within 30 s: " + what);
            Thread.sleep(10);
        }
    }

    /** The example modules the CLI carries (modules/<name>/build/<name>.wasm, copied in by the build). */
    static byte[] wasm(String name) throws IOException {
        try (InputStream in = AgarScenario.class.getResourceAsStream("/modules/" + name + ".wasm")) {
            if (in == null) throw new IOException("the " + name + " example module is not built into this CLI");
            return in.readAllBytes();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
