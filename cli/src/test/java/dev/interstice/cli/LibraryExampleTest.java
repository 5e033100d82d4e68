package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AssemblyScript library example (the content store, docs/store.md), built through npm, on a real node. */
class LibraryExampleTest {
    final List<String> logs = new CopyOnWriteArrayList<>();

    Node open(Path dir) {
        return Node.open(NodeConfig.at(dir).withLogSink((m, msg) -> logs.add(m + ": " + msg)));
    }

    static String read(Node node, String title) {
        return ((IntersticeValue.Str) node.query("library", "read", List.of(str(title)))).value();
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static long blobFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("storage/content"))) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void documentsAreContentUnderLabelsThatFollowTheTransaction(@TempDir Path dir) throws Exception {
        try (Node node = open(dir)) {
            node.load("library.wasm", ExampleCommand.exampleWasm("library"));
            node.call("library", "save", List.of(str("todo"), str("buy milk")));
            node.call("library", "save", List.of(str("todo"), str("buy bread")));
            node.call("library", "save", List.of(str("copy"), str("buy milk"))); // the same content: stored once
            assertThat(read(node, "todo")).isEqualTo("buy bread");
            assertThat(node.query("library", "size", List.of())).isEqualTo(IntersticeValue.u64(17));
            assertThat(blobFiles(dir)).isEqualTo(3); // two texts and the module's code

            assertThatThrownBy(() -> node.call("library", "save_and_fail", List.of(str("todo"), str("sell cow"))))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("changed my mind about todo");
            assertThat(read(node, "todo")).isEqualTo("buy bread"); // the label's change was undone

            node.call("library", "restore", List.of(str("todo"), str(sha256("buy milk"))));
            assertThat(read(node, "todo")).isEqualTo("buy milk");
            assertThatThrownBy(() -> node.call("library", "restore", List.of(str("todo"), str(sha256("never")))))
                    .hasMessageContaining("store '1' holds no content " + sha256("never"));
        }
        try (Node node = open(dir)) { // labels and content are back after a restart; the failed save's blob is gone
            assertThat(read(node, "todo")).isEqualTo("buy milk");
            assertThat(blobFiles(dir)).isEqualTo(3);
            node.call("library", "forget", List.of(str("todo")));
            node.call("library", "forget", List.of(str("copy")));
            assertThat(read(node, "todo")).isEmpty();
            assertThat(node.collectContent(Duration.ZERO)).isEqualTo(2);
            assertThat(blobFiles(dir)).isEqualTo(1); // the module's code stays while the module is on the node
            assertThat(node.query("library", "size", List.of())).isEqualTo(IntersticeValue.u64(0));
        }
        ReplayTest.assertReplaysClean(dir);
    }
}
