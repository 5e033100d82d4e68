package dev.interstice.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The training runs behind the JDK's ahead-of-time class caches (JEP 483/515): the launcher runs this once per install
 * (or build) with {@code -XX:AOTCacheOutput}, so later commands start with the classes they need already loaded and
 * linked. There are two caches because a cache loads every class it holds when the JVM starts: a client command
 * started with the node's cache would load some 4,400 classes to use 2,800.
 *
 * <ul>
 *   <li>{@code node}: the hello example in process and the everyday commands against it (for {@code example},
 *       {@code node start} and {@code benchmark});
 *   <li>{@code client}: the everyday commands only, against the hello example run by a child JVM.
 * </ul>
 *
 * Both use a throw-away CLI home and a free port.
 */
final class AotTraining {
    private static final String[][] COMMANDS = {
        {"--help"},
        {"node", "list"},
        {"node", "ping", "hello-example"},
        {"call_reducer", "hello-example", "hello", "hello", "Training"},
        {"call_query", "hello-example", "hello", "get_greetings"},
        {"rows", "hello-example", "hello", "greetings"},
        {"node", "ping", "no-such-node"},
        // the same node reached with TLS, as every `node start` node is (no BouncyCastle: a client presents no key)
        {"node", "ping", "hello-tls"},
        {"call_query", "hello-tls", "hello", "get_greetings"},
        // and as a local node, reached through its local socket (what every `node start` node's commands use)
        {"node", "ping", "hello-local"},
        {"call_reducer", "hello-local", "hello", "hello", "Training"},
        {"call_query", "hello-local", "hello", "get_greetings"},
        {"rows", "hello-local", "hello", "greetings"}
    };

    private AotTraining() {}

    public static void main(String[] args) throws Exception {
        boolean client = args.length > 0 && args[0].equals("client");
        Path home = Files.createTempDirectory("interstice-aot-training");
        System.setProperty("interstice.home", home.toString());
        System.setProperty("interstice.example.port", "0");
        var quiet = new PrintWriter(Writer.nullWriter());
        try {
            if (client) trainClient(home, quiet);
            else trainNode(home, quiet);
        } finally {
            Paths.deleteTree(home);
        }
    }

    private static void trainNode(Path home, PrintWriter quiet) throws Exception {
        Thread example = Thread.ofPlatform()
                .name("aot-training-example")
                .start(() -> Main.run(quiet, quiet, "example", "hello"));
        try {
            awaitExample(home, example::isAlive);
            registerTls(home);
            registerLocal(home);
            runCommands(quiet, true);
        } finally {
            ExampleCommand.RUNNING.forEach(Runnable::run);
            example.join(10_000);
        }
    }

    private static void trainClient(Path home, PrintWriter quiet) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process example = new ProcessBuilder(List.of(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "--sun-misc-unsafe-memory-access=allow",
                        "-Dinterstice.home=" + home,
                        "-Dinterstice.example.port=0",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "example",
                        "hello",
                        "--headless"))
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("example.log").toFile())
                .start();
        try {
            awaitExample(home, example::isAlive);
            registerTls(home);
            registerLocal(home);
            runCommands(quiet, false);
        } finally {
            example.destroy();
            if (!example.waitFor(10, TimeUnit.SECONDS)) example.destroyForcibly();
        }
    }

    /** Waits until the example answers a ping: it registers itself just before it listens. */
    private static void awaitExample(Path home, BooleanSupplier alive) throws InterruptedException {
        var quiet = new PrintWriter(Writer.nullWriter());
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (NodeRegistry.load(home).find("hello-example").isEmpty()
                || Main.run(quiet, quiet, "node", "ping", "hello-example") != 0) {
            if (!alive.getAsBoolean() || System.nanoTime() > deadline)
                throw new IllegalStateException("the hello example did not start");
            Thread.sleep(20);
        }
    }

    /** The example again as {@code hello-tls}, an entry that says the node refuses plaintext: reached with TLS. */
    private static void registerTls(Path home) {
        var registry = NodeRegistry.load(home);
        var example = registry.require("hello-example");
        registry.add(example.withName("hello-tls").withKey(example.fingerprint(), false));
        registry.save();
    }

    /**
     * The example again as {@code hello-local}, a local node whose data directory is the example's (which has a local
     * socket, as a started node's has): reached through that socket.
     */
    private static void registerLocal(Path home) throws java.io.IOException {
        Files.createDirectories(home.resolve("nodes")); // the data directory is nodes/../examples/hello
        var registry = NodeRegistry.load(home);
        var e = registry.require("hello-example");
        registry.add(new NodeRegistry.Entry(
                "hello-local",
                e.address(),
                e.nodeId(),
                true,
                e.adminToken(),
                null,
                null,
                e.fingerprint(),
                false,
                home.resolve("nodes")
                        .relativize(home.resolve("examples").resolve("hello"))
                        .toString(),
                null));
        registry.save();
    }

    /**
     * {@code --help} builds every command's model: trained into the node's cache only, for a client cache that holds
     * what the everyday commands load and no more.
     */
    private static void runCommands(PrintWriter quiet, boolean help) {
        for (String[] command : COMMANDS) if (help || !command[0].equals("--help")) Main.run(quiet, quiet, command);
    }
}
