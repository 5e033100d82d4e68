package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The echo-server and echo-client examples (Network authority), each on a node of its own, over loopback. */
class EchoExampleTest {

    @Test
    void theClientStoresWhatTheServerEchoes(@TempDir Path dir) throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var logs = new CopyOnWriteArrayList<String>();
        try (Node server = Node.open(
                        NodeConfig.at(dir.resolve("server")).withLogSink((m, msg) -> logs.add(m + ": " + msg)));
                Node client = Node.open(
                        NodeConfig.at(dir.resolve("client")).withLogSink((m, msg) -> logs.add(m + ": " + msg)))) {
            server.load("echo-server.wasm", ExampleCommand.exampleWasm("echo-server"));
            client.load("echo-client.wasm", ExampleCommand.exampleWasm("echo-client"));
            server.call("echo-server", "listen", List.of(IntersticeValue.u32(port)));
            assertThat(logs).contains("echo-server: listening on 127.0.0.1:" + port + " (listener 1)");

            client.call("echo-client", "send", List.of(IntersticeValue.u32(port), IntersticeValue.str("hello, echo")));
            await(() -> !client.rows("echo-client", "echoes").isEmpty(), "the echo");
            var echoes = (IntersticeValue.Vec) client.query("echo-client", "echoes", List.of());
            assertThat(echoes.items()).hasSize(1);
            assertThat(client.rows("echo-client", "echoes").getFirst().toString())
                    .contains("hello, echo");
            assertThat(logs)
                    .anySatisfy(l -> assertThat(l).startsWith("echo-server: accepted connection 2 from 127.0.0.1:"));
            assertThat(logs).contains("echo-client: echoed on connection 1: hello, echo");
            await(
                    () -> server.rows("echo-server", "connections").toString().contains("11"),
                    "the echoed bytes counted");
        }
        // the sockets' events reached each module as logged transactions: both logs replay byte for byte
        ReplayTest.assertReplaysClean(dir.resolve("server"));
        ReplayTest.assertReplaysClean(dir.resolve("client"));
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(10);
        }
    }
}
