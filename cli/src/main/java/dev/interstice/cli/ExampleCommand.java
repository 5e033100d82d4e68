package dev.interstice.cli;

import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code interstice example <name>}: a fresh node running an example module, until Ctrl+C. */
@Command(name = "example", mixinStandardHelpOptions = true,
        description = "Run an example node (recreated from scratch each time) until Ctrl+C. Examples: hello.")
final class ExampleCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger("interstice");
    static final List<String> EXAMPLES = List.of("hello");

    @Parameters(index = "0", paramLabel = "<name>", description = "The example to run: ${COMPLETION-CANDIDATES}", completionCandidates = Names.class)
    String name;

    static final class Names extends java.util.ArrayList<String> {
        Names() { super(EXAMPLES); }
    }

    @Override
    public Integer call() throws Exception {
        if (!EXAMPLES.contains(name)) {
            System.err.println("error: unknown example '" + name + "'. Available: " + String.join(", ", EXAMPLES));
            return 2;
        }
        byte[] wasm = exampleWasm(name);
        Path dir = Paths.home().resolve("examples").resolve(name);
        deleteRecursively(dir);
        var stop = new CountDownLatch(1);
        try (Node node = Node.open(NodeConfig.at(dir))) {
            log.info("node {} started for example '{}' (data in {})", node.id(), name, dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("stopping node {}", node.id());
                node.close();
                stop.countDown();
            }));
            var schema = node.load(name + ".wasm", wasm);
            log.info("module {} {} is running: reducers {}, queries {}. Press Ctrl+C to stop.", schema.name(), schema.version(),
                    schema.reducers().stream().map(r -> r.name()).toList(), schema.queries().stream().map(q -> q.name()).toList());
            if (name.equals("hello")) {
                node.call("hello", "hello", List.of(dev.interstice.abi.value.IntersticeValue.str("Interstice")));
                log.info("called hello(\"Interstice\"); greetings now: {}", node.query("hello", "get_greetings", List.of()));
            }
            stop.await();
        }
        return 0;
    }

    static byte[] exampleWasm(String name) throws IOException {
        try (InputStream in = ExampleCommand.class.getResourceAsStream("/modules/" + name + ".wasm")) {
            if (in == null) throw new IOException("example module " + name + ".wasm is not built; run ./mvnw install or use the ./interstice launcher");
            return in.readAllBytes();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
