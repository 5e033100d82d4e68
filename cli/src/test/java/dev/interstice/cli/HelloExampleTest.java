package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AssemblyScript hello example, built by the Maven build through npm, on a real node. */
class HelloExampleTest {

    @Test
    void helloBehavesAsTheSeedDescribes(@TempDir Path dir) throws Exception {
        var logs = new CopyOnWriteArrayList<String>();
        try (Node node = Node.open(NodeConfig.at(dir).withLogSink((m, msg) -> logs.add(m + ": " + msg)))) {
            var schema = node.load("hello.wasm", ExampleCommand.exampleWasm("hello"));
            assertThat(schema.name()).isEqualTo("hello");
            var table = schema.table("greetings").orElseThrow();
            assertThat(table.primaryKeyAutoInc()).isTrue();
            assertThat(table.indexes()).singleElement().satisfies(ix -> {
                assertThat(ix.field()).isEqualTo("greeting");
                assertThat(ix.unique()).isTrue();
            });
            assertThat(schema.subscriptions())
                    .extracting(s -> s.event())
                    .contains(
                            new SubscriptionEvent.Core(SubscriptionEvent.Simple.CONNECT),
                            new SubscriptionEvent.Core(SubscriptionEvent.Simple.DISCONNECT));

            node.call("hello", "hello", List.of(str("JVM")));
            node.call("hello", "hello", List.of(str("JVM"))); // unique greeting: refused, logged, call still commits
            assertThat(node.rows("hello", "greetings")).hasSize(1);
            var greetings = (IntersticeValue.Vec) node.query("hello", "get_greetings", List.of());
            assertThat(greetings.items()).hasSize(1);
            assertThat(logs)
                    .contains("hello: Hello world !", "hello: Saying hello to JVM")
                    .anySatisfy(l -> assertThat(l)
                            .startsWith("hello: Inserted greeting: Greetings { id: 0, greeting: \"Hello, JVM!\""))
                    .anySatisfy(l -> assertThat(l).startsWith("hello: Failed to insert greeting"));
            node.peerConnected("peer-1", true);
            assertThat(logs).contains("hello: Node connected: peer-1");
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!logs.contains("hello: Scheduled reducer called") && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(logs).contains("hello: Scheduled reducer called");
        }
    }

    @Test
    void hundredThousandCallsLeaveGuestMemoryFlat(@TempDir Path dir) throws Exception {
        try (Node node = Node.open(NodeConfig.inMemory().withLogSink((m, msg) -> {}))) {
            node.load("hello.wasm", ExampleCommand.exampleWasm("hello"));
            for (int i = 0; i < 2_000; i++) node.call("hello", "hello", List.of(str("warm" + i)));
            long before = node.guestMemoryBytes("hello");
            for (int i = 0; i < 100_000; i++) node.call("hello", "hello", List.of(str("name" + i)));
            assertThat(node.rows("hello", "greetings")).hasSize(102_000);
            assertThat(node.guestMemoryBytes("hello")).isEqualTo(before);
        }
    }
}
