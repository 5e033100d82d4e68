package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Runs modules built by the upstream Rust SDK (ABI 6). Their binaries are not ours to commit: point
 * INTERSTICE_UPSTREAM_WASM_DIR at a directory holding upstream's hello_example.wasm and caller_example.wasm.
 */
@EnabledIfEnvironmentVariable(named = "INTERSTICE_UPSTREAM_WASM_DIR", matches = ".+")
class UpstreamModuleTest {
    static byte[] wasm(String name) throws Exception {
        return Files.readAllBytes(Path.of(System.getenv("INTERSTICE_UPSTREAM_WASM_DIR"), name));
    }

    @Test
    void upstreamHelloRunsUnmodified() throws Exception {
        try (var t = new TestNode()) {
            var schema = t.node.load("hello_example.wasm", wasm("hello_example.wasm"));
            t.node.call(schema.name(), "hello", List.of(str("JVM")));
            assertThat(t.node.rows(schema.name(), "greetings")).hasSize(1);
            var greetings = (IntersticeValue.Vec) t.node.query(schema.name(), "get_greetings", List.of());
            assertThat(greetings.items()).hasSize(1);
            assertThat(t.logsOf(schema.name())).contains("Hello world !", "Saying hello to JVM");
            LifecycleTest.await(() -> t.logsOf(schema.name()).contains("Scheduled reducer called"));
        }
    }

    @Test
    void upstreamCallerLoadsAndItsRemoteCallFailsCleanlyWithoutANetwork() throws Exception {
        try (var t = new TestNode()) {
            var schema = t.node.load("caller_example.wasm", wasm("caller_example.wasm"));
            assertThat(t.logsOf(schema.name())).anySatisfy(l -> assertThat(l).contains("not reachable"));
        }
    }
}
