package dev.interstice.cli;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeDependency;
import dev.interstice.console.ValueJson;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code interstice example <name>}: a fresh node running an example module on the example's fixed port, registered
 * as {@code <name>-example}, until Ctrl+C.
 */
@Command(
        name = "example",
        mixinStandardHelpOptions = true,
        description =
                "Run an example node (recreated from scratch each time) on its own port (or --port) until Ctrl+C: hello (8080), caller (8081), graphics (8082, a window: needs a display), audio (8083, a 440 Hz tone: give --audio-out <file.wav> without a sound device), agar-client (8084, the agar game in a window: --server <host:port>), benchmark (8085), agar-server (8086, the agar game's server), notes (8088), echo-server (8089, echoing on 127.0.0.1:7070), echo-client (8090), agar-bot (8091, a player of agar-server that steers itself).")
final class ExampleCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger("interstice");
    /** Example name to port (upstream's fixed ports). */
    static final Map<String, Integer> PORTS = new LinkedHashMap<>();

    static {
        PORTS.put("hello", 8080);
        PORTS.put("caller", 8081);
        PORTS.put("graphics", 8082);
        PORTS.put("audio", 8083);
        PORTS.put("agar-client", 8084);
        PORTS.put("benchmark", 8085);
        PORTS.put("agar-server", 8086);
        PORTS.put("notes", 8088);
        PORTS.put("echo-server", 8089);
        PORTS.put("echo-client", 8090);
        PORTS.put("agar-bot", 8091);
        PORTS.put("tictactoe", 8092);
    }

    /** The port echo-server listens on when its example starts (its module's own TCP listener). */
    static final int ECHO_PORT = 7070;

    static final List<String> EXAMPLES = List.copyOf(PORTS.keySet());
    /** How long a call an example's module makes to another node waits for that node to answer (e.g. caller's hello). */
    static final Duration REMOTE_CALL_TTL = Duration.ofMinutes(10);
    /** Examples whose module reaches other nodes while it loads (caller calls hello): their node is on the network first. */
    static final Set<String> NETWORK_ON_LOAD = Set.of("caller", "agar-bot", "agar-client");
    /** What to try with an example, when it is not calling one of its reducers (caller's reducers are all event handlers). */
    private static final Map<String, String> TRY = Map.of(
            "caller",
            "try: interstice call_reducer hello-example hello hello <name>, and see the caller log the new greeting",
            "notes",
            "try: interstice call_reducer notes-example notes save todo \"buy milk\", then: interstice rows"
                    + " notes-example notes note",
            "echo-server",
            "try: interstice example echo-client (another terminal), then: interstice call_reducer echo-client-example"
                    + " echo-client send " + ECHO_PORT + " hello",
            "agar-server",
            "try: interstice example agar-bot (another terminal), or interstice call_reducer agar-server-example"
                    + " agar-server join <name>; then: interstice rows agar-server-example agar-server player",
            "agar-client",
            "type your name in the window and press Enter (with interstice example agar-server running); steer with"
                    + " the mouse or WASD/arrows; try: interstice example agar-bot (another terminal) for company",
            "agar-bot",
            "try (with interstice example agar-server running): interstice rows agar-server-example agar-server"
                    + " player (the bot's cell moves)",
            "graphics",
            "try: resize the window (the turning triangle keeps its shape), and: interstice rows graphics-example"
                    + " graphics renderer (the frame count)",
            "echo-client",
            "try (with interstice example echo-server running): interstice call_reducer echo-client-example"
                    + " echo-client send " + ECHO_PORT + " hello",
            "audio",
            "playing a 440 Hz tone; try: interstice call_reducer audio-example audio stop",
            "tictactoe",
            "try: interstice call_reducer tictactoe-example tictactoe play 4, then preview 0 (worked out in a branch),"
                    + " rewind 0; and: interstice rows tictactoe-example tictactoe preview");
    /** The node the agar examples play on (their binding's node name); {@code --server} says where it is. */
    static final String AGAR_SERVER = "agar-server-example";
    /** How long a node the example depends on may take to answer before the example says it does not. */
    private static final Duration DEPENDENCY_GRACE = Duration.ofMillis(1500);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "<name>",
            description = "The example to run: ${COMPLETION-CANDIDATES}",
            completionCandidates = Names.class)
    String name;

    @Option(
            names = "--node-address",
            paramLabel = "<node>=<host:port>",
            description = "Reach a node the example's module depends on at another address than its binding's, "
                    + "e.g. --node-address hello-example=127.0.0.1:9080 for caller (repeatable).")
    Map<String, String> nodeAddresses = new LinkedHashMap<>();

    @Option(
            names = "--server",
            paramLabel = "<host:port>",
            description = "agar-client, agar-bot: the agar-server example's address (default: the binding's "
                    + "127.0.0.1:8086); the same as --node-address " + AGAR_SERVER + "=<host:port>.")
    String agarServer;

    @Option(
            names = "--port",
            paramLabel = "<port>",
            description =
                    "Listen on this port instead of the example's own (0: any free port; the address is printed).")
    Integer requestedPort;

    @Option(
            names = "--insecure-loopback",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Serve plaintext to clients on this machine (loopback to loopback; on by default for examples:"
                            + " no TLS handshake per CLI command). Everything else is TLS 1.3.")
    boolean insecureLoopback = true;

    @CommandLine.Mixin
    AuthorityOptions network = new AuthorityOptions();

    @CommandLine.Mixin
    ConsoleOptions console = new ConsoleOptions();

    static final class Names extends java.util.ArrayList<String> {
        Names() {
            super(EXAMPLES);
        }
    }

    /** Running examples, so tests can stop them (Ctrl+C does in a terminal). */
    static final List<Runnable> RUNNING = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!PORTS.containsKey(name))
            throw CliException.usage("unknown example '" + name + "'. Available: " + String.join(", ", EXAMPLES));
        console.validate();
        byte[] wasm = exampleWasm(name);
        int port = port();
        String nodeName = name + "-example";
        NetworkConfig config = networkConfig(nodeName, port);
        Path dir = dataDir();
        Paths.deleteTree(dir);
        var stop = new CountDownLatch(1);
        var authorities = network.authorities(nodeName);
        Node node = Node.open(NodeConfig.at(dir).withAuthorities(authorities));
        NodeServer server;
        AdminToken token = AdminToken.loadOrCreate(dir);
        // Other nodes must not find the example's node without its module (a call arriving then would be refused and
        // lost, e.g. caller's hello when caller waits for hello): load first, unless loading needs the network.
        ModuleSchema loaded = null;
        if (!NETWORK_ON_LOAD.contains(name)) {
            try {
                loaded = node.load(name + ".wasm", wasm);
            } catch (RuntimeException e) {
                node.close();
                throw e;
            }
        }
        try {
            server = NodeServer.start(
                    node, config.withAdminToken(token).withTokens(dev.interstice.network.TokenStore.open(dir)));
        } catch (BindException e) {
            node.close();
            throw new CliException("port " + port + " of the '" + name + "' example is in use by "
                    + PortOwner.describe(port, NodeRegistry.load()) + "; stop that, or run the example on another"
                    + " port: " + Cli.command("example " + name + " --port <port>") + " (0: any free port)");
        }
        var reg = NodeRegistry.load();
        reg.find(nodeName).ifPresent(reg::remove);
        reg.add(new NodeRegistry.Entry(nodeName, server.address(), node.id(), false, token.value(), null)
                .withKey(node.identity().fingerprint(), insecureLoopback));
        reg.save();
        dev.interstice.console.Console web;
        try {
            web = console.start(node, server, token, dir, spec.commandLine().getOut());
        } catch (CliException e) {
            server.close();
            node.close();
            throw e;
        }
        Runnable shutdown = () -> {
            if (web != null) web.close();
            server.close();
            node.close();
            stop.countDown();
        };
        Thread hook = new Thread(
                () -> {
                    log.info("stopping node {}", node.id());
                    shutdown.run();
                },
                "interstice-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        RUNNING.add(shutdown);
        try {
            var schema = loaded != null ? loaded : node.load(name + ".wasm", wasm);
            var out = spec.commandLine().getOut();
            out.println("example '" + name + "': node '" + nodeName + "' (" + node.id() + ") listening on "
                    + server.address() + " with module " + schema.name() + " " + schema.version());
            out.println(node.authorities().summary());
            out.println(
                    "reducers: " + schema.reducers().stream().map(r -> r.name()).toList() + ", queries: "
                            + schema.queries().stream().map(q -> q.name()).toList());
            // the hints name the command as the user runs it (e.g. ./interstice)
            out.println(TRY.getOrDefault(
                                    name,
                                    "try: interstice call_reducer " + nodeName + " " + schema.name()
                                            + " <reducer> [args...]")
                            .replace("interstice ", Cli.command() + " ")
                    + "   (Ctrl+C stops the node)");
            if (!schema.nodeDependencies().isEmpty())
                out.println("node dependencies: "
                        + String.join(
                                ", ",
                                schema.nodeDependencies().stream()
                                        .map(d -> d.name() + " at "
                                                + server.config().nodeAddress(d.name(), d.address()))
                                        .toList()));
            out.flush();
            for (String n : nodeAddresses.keySet())
                if (schema.nodeDependencies().stream().noneMatch(d -> d.name().equals(n)))
                    out.println("note: module " + schema.name() + " has no node dependency '" + n + "'; --node-address "
                            + n + " has no effect (its node dependencies: "
                            + (schema.nodeDependencies().isEmpty()
                                    ? "none"
                                    : String.join(
                                            ", ",
                                            schema.nodeDependencies().stream()
                                                    .map(NodeDependency::name)
                                                    .toList()))
                            + ")");
            watchDependencies(schema, server, out, stop);
            if (name.equals("echo-server"))
                node.call("echo-server", "listen", List.of(dev.interstice.abi.value.IntersticeValue.u32(ECHO_PORT)));
            if (name.equals("hello")) {
                node.call("hello", "hello", List.of(dev.interstice.abi.value.IntersticeValue.str("Interstice")));
                log.info(
                        "called hello(\"Interstice\"); greetings now: {}",
                        ValueJson.render(node.query("hello", "get_greetings", List.of())));
            }
            stop.await();
        } catch (RuntimeException e) {
            shutdown.run();
            throw e;
        } finally {
            RUNNING.remove(shutdown);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
        return 0;
    }

    /** The port to listen on: --port, else the example's own (tests override it with interstice.example.port). */
    private int port() {
        if (requestedPort != null && (requestedPort < 0 || requestedPort > 65535))
            throw CliException.usage("--port " + requestedPort + " is out of range 0-65535 (0: any free port)");
        return requestedPort != null ? requestedPort : Integer.getInteger("interstice.example.port", PORTS.get(name));
    }

    private Path dataDir() {
        return Paths.home().resolve("examples").resolve(name);
    }

    /**
     * The example node's network settings, with --server and --node-address applied, and a local socket as a started
     * node has (the CLI's start-up cache is trained on it: AotTraining).
     */
    private NetworkConfig networkConfig(String nodeName, int port) {
        if (agarServer != null) {
            if (!name.startsWith("agar-") || name.equals("agar-server"))
                throw CliException.usage("--server is for agar-client and agar-bot (the agar-server's address)");
            nodeAddresses.put(AGAR_SERVER, agarServer);
        }
        NetworkConfig config = NetworkConfig.defaults()
                .withNodeName(nodeName)
                .withPort(port)
                .withRemoteCallTtl(REMOTE_CALL_TTL)
                .withInsecureLoopback(insecureLoopback)
                .withLocalSocket(dataDir().resolve(Cli.LOCAL_SOCKET));
        for (var e : nodeAddresses.entrySet()) {
            try {
                config = config.withNodeAddress(e.getKey(), e.getValue());
            } catch (IllegalArgumentException bad) {
                throw CliException.usage("--node-address " + e.getKey() + "=" + e.getValue() + ": " + bad.getMessage());
            }
        }
        return config;
    }

    static byte[] exampleWasm(String name) throws IOException {
        for (String resource : List.of("/modules/" + name + ".wasm", "/modules/" + name + "-workload.wasm")) {
            try (InputStream in = ExampleCommand.class.getResourceAsStream(resource)) {
                if (in != null) return in.readAllBytes();
            }
        }
        var available = EXAMPLES.stream()
                .filter(e -> ExampleCommand.class.getResource("/modules/" + e + ".wasm") != null)
                .toList();
        throw new CliException("the '" + name + "' example module is not built into this CLI (no modules/" + name
                + ".wasm on the class path; "
                + (name.equals("hello") || name.equals("caller")
                        ? "run ./mvnw install or use the ./interstice launcher"
                        : "this example module does not exist in this repository yet")
                + "). Available here: "
                + (available.isEmpty() ? "none" : String.join(", ", available)));
    }

    /**
     * For each node the module depends on (its {@code src/bindings/node_*.toml}), tells whether it answers and when
     * that changes, until {@code stop}: the network keeps reconnecting meanwhile, so the example waits for a node
     * started later (e.g. caller started before hello) instead of failing.
     */
    static void watchDependencies(ModuleSchema schema, NodeServer server, PrintWriter out, CountDownLatch stop) {
        List<NodeDependency> deps = schema.nodeDependencies();
        if (deps.isEmpty()) return;
        Thread.ofVirtual().name("interstice-example-dependencies").start(() -> {
            var reported = new HashMap<String, Boolean>(); // node name -> connected, as last printed
            long since = System.nanoTime();
            try {
                do {
                    for (NodeDependency d : deps) {
                        String address = server.config().nodeAddress(d.name(), d.address());
                        if (!server.peers().stats().containsKey(address)) continue; // nothing uses it (yet)
                        boolean up = server.peers().isConnected(address);
                        Boolean was = reported.get(d.name());
                        if (was == null ? !up && System.nanoTime() - since < DEPENDENCY_GRACE.toNanos() : was == up)
                            continue;
                        reported.put(d.name(), up);
                        if (up) out.println("connected to node '" + d.name() + "' at " + address);
                        else
                            out.println((was == null
                                            ? "node '" + d.name() + "' does not answer at " + address
                                            : "lost node '" + d.name() + "' at " + address)
                                    + " (is it running?" + startHint(d.name())
                                    + "); retrying until it answers, calls to it wait up to "
                                    + REMOTE_CALL_TTL.toMinutes() + " min");
                        out.flush();
                    }
                } while (!stop.await(200, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                // stopping
            } catch (RuntimeException e) {
                log.debug("watching the example's node dependencies stopped: {}", e.toString());
            }
        });
    }

    /**
     * " start it with: interstice example hello" (the command as the user runs it) for the node of an example
     * ({@code hello-example}), else "".
     */
    private static String startHint(String nodeName) {
        String example =
                nodeName.endsWith("-example") ? nodeName.substring(0, nodeName.length() - "-example".length()) : "";
        return PORTS.containsKey(example) ? " start it with: " + Cli.command("example " + example) : "";
    }
}
