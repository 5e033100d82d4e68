package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.cli.CallerExampleTest.CALLER_GREETING;
import static dev.interstice.cli.CallerExampleTest.await;
import static dev.interstice.cli.CallerExampleTest.greetings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Replicated tables with real modules: our caller example against hello, and upstream's prebuilt examples. */
class ReplicaExampleTest {
    static final String REPLICA = "__replica__hello_example__hello__greetings";

    /** A node opened as {@code interstice node start} opens it: load hooks only once the network is up. */
    record Started(Node node, NodeServer server, List<String> logs) implements AutoCloseable {
        static Started open(Path dir, String name, NetworkConfig config) throws IOException {
            var logs = new CopyOnWriteArrayList<String>();
            Node node = Node.openDeferred(NodeConfig.at(dir).withLogSink((m, msg) -> logs.add(m + ": " + msg)));
            try {
                var server =
                        NodeServer.start(node, config.withNodeName(name).withAdminToken(AdminToken.loadOrCreate(dir)));
                return new Started(node, server, logs);
            } catch (IOException | RuntimeException e) {
                node.close();
                throw e;
            }
        }

        @Override
        public void close() {
            server.close();
            node.close();
        }
    }

    static List<String> replica(Node caller) {
        try {
            return caller.rows("caller", REPLICA).stream()
                    .map(r -> ((IntersticeValue.Str) r.entries().getFirst()).value())
                    .toList();
        } catch (RuntimeException notYet) {
            return List.of();
        }
    }

    @Test
    @Timeout(60)
    void callerScansItsReplicaOfHellosGreetingsAndKeepsItAcrossARestart(@TempDir Path dir) throws Exception {
        try (var hello = CallerExampleTest.Served.start(
                dir.resolve("hello"), "hello-example", NetworkConfig.defaults(), "hello")) {
            hello.node().call("hello", "hello", List.of(str("Interstice")));
            var callerConfig = NetworkConfig.defaults()
                    .withRemoteCallTtl(ExampleCommand.REMOTE_CALL_TTL)
                    .withNodeAddress("hello-example", hello.server().address());
            try (var caller =
                    CallerExampleTest.Served.start(dir.resolve("caller"), "caller-example", callerConfig, "caller")) {
                String lastRow = "caller: Remote greeting row: \"" + CALLER_GREETING + "\"";
                await(
                        "the insert handler's scan of the replica",
                        () -> caller.logs().contains(lastRow));
                assertThat(replica(caller.node())).isEqualTo(greetings(hello.node()));
                assertThat(caller.logs())
                        .containsSubsequence(
                                "caller: Greetings replica synced: 1 rows",
                                "caller: Remote greeting row: \"Hello, Interstice!\"",
                                lastRow)
                        .noneMatch(l -> l.contains("Failed") || l.contains("trap"));
            }
            hello.node().call("hello", "hello", List.of(str("Ada"))); // while the caller is down

            try (Node stopped = Node.openDeferred(NodeConfig.at(dir.resolve("caller")))) {
                assertThat(replica(stopped))
                        .as("the replica persisted, readable before the network is up")
                        .containsExactly("Hello, Interstice!", CALLER_GREETING);
            }
            try (var caller = Started.open(dir.resolve("caller"), "caller-example", callerConfig)) {
                // the load hook's call on restart is delivered (hello refuses the duplicate greeting: its index is
                // unique), and the greeting missed while down comes in as an insert
                await(
                        "the restart's call in hello",
                        () -> hello.logs().stream()
                                        .filter("hello: Saying hello to Client !"::equals)
                                        .count()
                                == 2);
                await("the replica caught up", () -> replica(caller.node()).equals(greetings(hello.node())));
                await(
                        "the missed insert at the caller",
                        () -> caller.logs().stream()
                                .anyMatch(l -> l.startsWith("caller: Caller received new greeting: \"Hello, Ada!\"")));
                assertThat(caller.logs().stream().filter(l -> l.startsWith("caller: Caller received new greeting:")))
                        .as("only the missed greeting, no duplicate of those replicated before")
                        .hasSize(1);
                assertThat(caller.logs().stream().filter(l -> l.startsWith("caller: Greetings replica synced:")))
                        .as("sync runs once per run")
                        .hasSize(1);
                assertThat(caller.logs())
                        .contains("caller: Calling remote hello...", "caller: hello remote called !")
                        .noneMatch(l -> l.contains("Failed") || l.contains("trap"));
            }
        }
        ReplayTest.assertReplaysClean(dir.resolve("hello"));
        ReplayTest.assertReplaysClean(dir.resolve("caller")); // its replica rows and subscribers included
    }

    static final Path MIRROR = Path.of("/work/.mirror/Naloween+interstice/repo");

    /** Upstream's prebuilt example module, read from the local mirror into {@code dir}; null when there is none. */
    static byte[] upstream(Path dir, String name) throws Exception {
        if (!Files.isDirectory(MIRROR)) return null;
        Path out = dir.resolve(name + ".wasm");
        Process p = new ProcessBuilder(
                        "git",
                        "-C",
                        MIRROR.toString(),
                        "show",
                        "HEAD:crates/interstice-cli/module_examples/" + name + ".wasm")
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
        return Files.readAllBytes(out);
    }

    @Test
    @Timeout(60)
    void upstreamsCallerScansItsReplicaOfUpstreamsHello(@TempDir Path dir) throws Exception {
        byte[] helloWasm = upstream(dir, "hello_example");
        byte[] callerWasm = upstream(dir, "caller_example");
        assumeThat(helloWasm != null && callerWasm != null)
                .as("upstream's prebuilt examples in " + MIRROR)
                .isTrue();
        try (var hello = Started.open(dir.resolve("hello"), "hello-example", NetworkConfig.defaults())) {
            String module = hello.node().load("hello_example.wasm", helloWasm).name();
            var config = NetworkConfig.defaults()
                    .withNodeAddress("hello-example", hello.server().address());
            try (var caller = Started.open(dir.resolve("caller"), "caller-example", config)) {
                caller.node().load("caller_example.wasm", callerWasm);
                await(
                        "the caller's scan of its replica",
                        () -> caller.logs().stream().anyMatch(l -> l.contains("Remote greeting row")));
                assertThat(caller.logs()).anyMatch(l -> l.contains("Caller received new greeting"));
                assertThat(hello.node().rows(module, "greetings")).isNotEmpty();
                assertThat(hello.logs()).noneMatch(l -> l.toLowerCase().contains("trap"));
                assertThat(caller.logs()).noneMatch(l -> l.toLowerCase().contains("trap") || l.contains("Failed"));
            }
        }
    }
}
