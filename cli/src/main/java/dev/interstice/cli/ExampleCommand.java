package dev.interstice.cli;

import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code interstice example <name>}: a fresh node running an example module on the example's fixed port, registered
 * as {@code <name>-example}, until Ctrl+C.
 */
@Command(name = "example", mixinStandardHelpOptions = true,
        description = "Run an example node (recreated from scratch each time) on its fixed port until Ctrl+C: hello (8080), caller (8081), benchmark (8085).")
final class ExampleCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger("interstice");
    /** Example name to port (upstream's fixed ports). */
    static final Map<String, Integer> PORTS = new LinkedHashMap<>();

    static {
        PORTS.put("hello", 8080);
        PORTS.put("caller", 8081);
        PORTS.put("benchmark", 8085);
    }

    static final List<String> EXAMPLES = List.copyOf(PORTS.keySet());

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<name>", description = "The example to run: ${COMPLETION-CANDIDATES}", completionCandidates = Names.class)
    String name;

    static final class Names extends java.util.ArrayList<String> {
        Names() { super(EXAMPLES); }
    }

    /** Running examples, so tests can stop them (Ctrl+C does in a terminal). */
    static final List<Runnable> RUNNING = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!PORTS.containsKey(name))
            throw CliException.usage("unknown example '" + name + "'. Available: " + String.join(", ", EXAMPLES));
        byte[] wasm = exampleWasm(name);
        int port = Integer.getInteger("interstice.example.port", PORTS.get(name)); // tests override the fixed port
        String nodeName = name + "-example";
        Path dir = Paths.home().resolve("examples").resolve(name);
        deleteRecursively(dir);
        var stop = new CountDownLatch(1);
        Node node = Node.open(NodeConfig.at(dir));
        NodeServer server;
        AdminToken token = AdminToken.loadOrCreate(dir);
        try {
            server = NodeServer.start(node, NetworkConfig.defaults().withNodeName(nodeName).withPort(port).withAdminToken(token));
        } catch (BindException e) {
            node.close();
            throw new CliException("port " + port + " of the '" + name + "' example is already in use (is the example already running? stop it with Ctrl+C first)");
        }
        var reg = NodeRegistry.load();
        reg.find(nodeName).ifPresent(reg::remove);
        reg.add(new NodeRegistry.Entry(nodeName, server.address(), node.id(), false, token.value(), null));
        reg.save();
        Runnable shutdown = () -> {
            server.close();
            node.close();
            stop.countDown();
        };
        Thread hook = new Thread(() -> {
            log.info("stopping node {}", node.id());
            shutdown.run();
        }, "interstice-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        RUNNING.add(shutdown);
        try {
            var schema = node.load(name + ".wasm", wasm);
            var out = spec.commandLine().getOut();
            out.println("example '" + name + "': node '" + nodeName + "' (" + node.id() + ") listening on " + server.address()
                    + " with module " + schema.name() + " " + schema.version());
            out.println("reducers: " + schema.reducers().stream().map(r -> r.name()).toList() + ", queries: "
                    + schema.queries().stream().map(q -> q.name()).toList());
            out.println("try: interstice call_reducer " + nodeName + " " + schema.name() + " <reducer> [args...]   (Ctrl+C stops the node)");
            out.flush();
            if (name.equals("hello")) {
                node.call("hello", "hello", List.of(dev.interstice.abi.value.IntersticeValue.str("Interstice")));
                log.info("called hello(\"Interstice\"); greetings now: {}", node.query("hello", "get_greetings", List.of()));
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

    static byte[] exampleWasm(String name) throws IOException {
        for (String resource : List.of("/modules/" + name + ".wasm", "/modules/" + name + "-workload.wasm")) {
            try (InputStream in = ExampleCommand.class.getResourceAsStream(resource)) {
                if (in != null) return in.readAllBytes();
            }
        }
        var available = EXAMPLES.stream().filter(e -> ExampleCommand.class.getResource("/modules/" + e + ".wasm") != null).toList();
        throw new CliException("the '" + name + "' example module is not built into this CLI (no modules/" + name + ".wasm on the class path; "
                + (name.equals("hello") ? "run ./mvnw install or use the ./interstice launcher"
                : "this example module does not exist in this repository yet") + "). Available here: "
                + (available.isEmpty() ? "none" : String.join(", ", available)));
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
