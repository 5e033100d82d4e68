package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.schema.NodeDependency;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The caller example cooperating with the hello example: two nodes served in-process on ephemeral loopback ports, as
 * {@code interstice example hello} and {@code interstice example caller} serve them. The caller's binding names the
 * hello node "hello-example" at 127.0.0.1:8080; the tests reach it at its ephemeral port through
 * {@link NetworkConfig#withNodeAddress} (the example command's {@code --node-address}).
 */
class CallerExampleTest {
    static final String CALLER_GREETING = "Hello, Client !!";

    /**
     * A node as the example command runs it: data directory, admin token, the example's module loaded before the node
     * listens, or after for caller, which needs the network while loading.
     */
    record Served(Node node, NodeServer server, List<String> logs) implements AutoCloseable {
        static Served start(Path dir, String name, NetworkConfig config, String example) throws IOException {
            var logs = new CopyOnWriteArrayList<String>();
            Node node = Node.open(NodeConfig.at(dir).withLogSink((m, msg) -> logs.add(m + ": " + msg)));
            boolean networkFirst = ExampleCommand.NETWORK_ON_LOAD.contains(example);
            NodeServer server;
            try {
                if (!networkFirst) node.load(example + ".wasm", ExampleCommand.exampleWasm(example));
                server = NodeServer.start(node, config.withNodeName(name).withAdminToken(AdminToken.loadOrCreate(dir)));
            } catch (IOException | RuntimeException e) {
                node.close();
                throw e;
            }
            var served = new Served(node, server, logs);
            if (networkFirst) {
                try {
                    node.load(example + ".wasm", ExampleCommand.exampleWasm(example));
                } catch (IOException | RuntimeException e) {
                    served.close();
                    throw e;
                }
            }
            return served;
        }

        @Override
        public void close() {
            server.close();
            node.close();
        }
    }

    static List<String> greetings(Node hello) {
        return hello.rows("hello", "greetings").stream()
                .map(r -> ((IntersticeValue.Str) r.entries().getFirst()).value())
                .toList();
    }

    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Test
    @Timeout(30)
    void callerCallsHelloRemotelyAndReceivesTheGreetingItCaused(@TempDir Path dir) throws Exception {
        try (var hello = Served.start(dir.resolve("hello"), "hello-example", NetworkConfig.defaults(), "hello")) {
            hello.node().call("hello", "hello", List.of(str("Interstice"))); // as `interstice example hello` does
            var callerConfig = NetworkConfig.defaults()
                    .withRemoteCallTtl(ExampleCommand.REMOTE_CALL_TTL)
                    .withNodeAddress("hello-example", hello.server().address());
            try (var caller = Served.start(dir.resolve("caller"), "caller-example", callerConfig, "caller")) {
                // the binding written by `interstice bindings add node hello-example` against the hello example
                assertThat(caller.node().schema("caller").orElseThrow().nodeDependencies())
                        .containsExactly(new NodeDependency("hello-example", "127.0.0.1:8080"));

                // the remote call made on load lands in hello's table...
                await(
                        "the caller's greeting in hello's table",
                        () -> greetings(hello.node()).contains(CALLER_GREETING));
                assertThat(greetings(hello.node())).containsExactly("Hello, Interstice!", CALLER_GREETING);
                assertThat(hello.logs()).contains("hello: Saying hello to Client !");
                // both sides' connect hooks ran (on their own thread, in no fixed order with the call)
                await(
                        "hello's connect hook",
                        () -> hello.logs()
                                .contains("hello: Node connected: "
                                        + caller.node().id()));
                await(
                        "the caller's connect hook",
                        () -> caller.logs()
                                .contains("caller: Node connected: "
                                        + hello.node().id()));
                // ...and its insert comes back to the caller's subscriber (hello-example.hello.greetings.insert)
                // a replicated table event is started by the runtime: the handler sees its own node's id (docs/abi.md)
                String received = "caller: Caller received new greeting: \"" + CALLER_GREETING + "\" (id 1, from node "
                        + caller.node().id() + ")";
                String lastRow = "caller: Remote greeting row: \"" + CALLER_GREETING + "\"";
                await(
                        "the insert event at the caller",
                        () -> caller.logs().contains(lastRow)); // the handler's last line
                assertThat(caller.logs())
                        .containsSubsequence(
                                "caller: Calling remote hello...",
                                "caller: hello remote called !",
                                received,
                                "caller: Remote greeting row: \"Hello, Interstice!\"",
                                lastRow)
                        .noneMatch(l -> l.contains("Failed") || l.contains("Could not"));

                // a greeting made by someone else reaches the caller too
                hello.node().call("hello", "hello", List.of(str("Ada")));
                await(
                        "Ada's greeting at the caller",
                        () -> caller.logs().stream()
                                .anyMatch(l -> l.startsWith("caller: Caller received new greeting: \"Hello, Ada!\"")));
                assertThat(caller.logs().stream().filter(l -> l.startsWith("caller: Caller received new greeting:")))
                        .hasSize(2);

                // hello going away is a disconnect, not a crash
                hello.server().close();
                await(
                        "the caller's disconnect hook",
                        () -> caller.logs()
                                .contains("caller: Node disconnected: "
                                        + hello.node().id()));
            }
        }
        // remote calls and the remote table events they caused replay byte for byte on both nodes
        ReplayTest.assertReplaysClean(dir.resolve("hello"));
        ReplayTest.assertReplaysClean(dir.resolve("caller"));
    }

    @TempDir
    Path home;

    @AfterEach
    void stopExamples() {
        ExampleCommand.RUNNING.forEach(Runnable::run);
        System.clearProperty("interstice.example.port");
        System.clearProperty("interstice.home");
    }

    @Test
    @Timeout(30)
    void exampleCallerSaysHelloIsNotRunningAndWaitsForIt() throws Exception {
        System.setProperty("interstice.home", home.toString());
        System.setProperty("interstice.example.port", "0");
        int helloPort;
        try (var s = new ServerSocket(0)) {
            helloPort = s.getLocalPort(); // free, nothing listens there yet
        }
        String helloAddress = "127.0.0.1:" + helloPort;
        var out = new StringWriter();
        var err = new StringWriter();
        var example = Thread.startVirtualThread(() -> Main.run(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                "example",
                "caller",
                "--node-address",
                "hello-example=" + helloAddress));
        await("the message that hello is not running", () -> out.toString().contains("does not answer"));
        assertThat(out.toString())
                .contains("example 'caller': node 'caller-example'")
                .contains("node dependencies: hello-example at " + helloAddress)
                .contains("node 'hello-example' does not answer at " + helloAddress
                        + " (is it running? start it with: interstice example hello); retrying until it answers");

        try (var hello = Served.start(
                home.resolve("hello"), "hello-example", NetworkConfig.defaults().withPort(helloPort), "hello")) {
            await(
                    "the caller to connect",
                    () -> out.toString().contains("connected to node 'hello-example' at " + helloAddress));
            // the call the caller made on load waited for hello and went through
            await(
                    "the caller's greeting in hello's table",
                    () -> greetings(hello.node()).contains(CALLER_GREETING));
            assertThat(hello.logs()).contains("hello: Saying hello to Client !");
            hello.server().close();
            await(
                    "the lost connection to be reported",
                    () -> out.toString().contains("lost node 'hello-example' at " + helloAddress));
        }
        assertThat(example.isAlive())
                .as("the caller example keeps running without hello")
                .isTrue();
        ExampleCommand.RUNNING.forEach(Runnable::run);
        example.join(Duration.ofSeconds(10));
        assertThat(example.isAlive()).isFalse();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void badNodeAddressIsAUsageError() {
        System.setProperty("interstice.home", home.toString());
        var err = new StringWriter();
        int code = Main.run(
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true),
                "example",
                "caller",
                "--node-address",
                "hello-example=nowhere");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString())
                .contains("--node-address hello-example=nowhere")
                .contains("host:port");
    }
}
