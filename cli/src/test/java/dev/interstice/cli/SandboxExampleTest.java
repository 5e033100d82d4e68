package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AssemblyScript sandbox example (child modules with a File grant), built by the Maven build through npm, on a
 * real node: the worker it spawns works in its own directory only, loses its grant when revoked, stops with it.
 */
class SandboxExampleTest {
    final List<String> logs = new CopyOnWriteArrayList<>();

    static IntersticeValue bytes(byte[] b) {
        var items = new ArrayList<IntersticeValue>(b.length);
        for (byte x : b) items.add(IntersticeValue.u8(x & 0xff));
        return IntersticeValue.vec(items);
    }

    @Test
    void theSandboxSpawnsAWorkerConfinedToItsDirectoryAndRevokesIt(@TempDir Path dir) throws Exception {
        try (Node node = Node.open(NodeConfig.at(dir).withLogSink((m, msg) -> logs.add(m + ": " + msg)))) {
            node.load("sandbox.wasm", ExampleCommand.exampleWasm("sandbox"));
            byte[] worker = ExampleCommand.exampleWasm("sandbox_worker");
            node.call("sandbox", "spawn_worker", List.of(bytes(worker), str("a")));
            NotesExampleTest.await(
                    "the worker is spawned", () -> node.schema("sandbox_worker").isPresent());

            node.call("sandbox_worker", "write", List.of(str("hello.txt"), str("hi")));
            assertThat(dir.resolve("files/workers/a/hello.txt")).hasContent("hi");
            assertThatThrownBy(() -> node.call("sandbox_worker", "write", List.of(str("../b/x.txt"), str("no"))))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("outside the file root");
            node.call("sandbox", "workers", List.of());
            assertThat(logs).contains("sandbox: sandbox_worker: File in workers/a");

            node.call("sandbox", "revoke", List.of(str("sandbox_worker")));
            assertThatThrownBy(() -> node.call("sandbox_worker", "read", List.of(str("hello.txt"))))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("File grant from 'sandbox' was revoked");

            node.unload("sandbox");
            assertThat(node.schema("sandbox_worker")).isEmpty(); // it stops with its parent
        }
        ReplayTest.assertReplaysClean(dir); // spawns, grants and revocations replay byte for byte
    }
}
