package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AssemblyScript notes example (the File authority), built by the Maven build through npm, on a real node. */
class NotesExampleTest {
    final List<String> logs = new CopyOnWriteArrayList<>();

    Node open(Path dir) {
        return Node.open(NodeConfig.at(dir).withLogSink((m, msg) -> logs.add(m + ": " + msg)));
    }

    static List<String> titles(Node node) {
        var v = (IntersticeValue.Vec) node.query("notes", "titles", List.of());
        return v.items().stream().map(i -> ((IntersticeValue.Str) i).value()).toList();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 20 s: " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void notesAreFilesUnderTheRootAndTheTableFollowsTheDirectory(@TempDir Path dir) throws Exception {
        Path notes = dir.resolve("files/notes");
        try (Node node = open(dir)) {
            node.load("notes.wasm", ExampleCommand.exampleWasm("notes"));
            assertThat(notes).isDirectory();

            node.call("notes", "save", List.of(str("todo"), str("buy milk")));
            assertThat(notes.resolve("todo.txt")).hasContent("buy milk");
            assertThat(titles(node)).containsExactly("todo");
            node.call("notes", "append", List.of(str("todo"), str("and bread")));
            node.call("notes", "read", List.of(str("todo")));
            assertThat(logs).contains("notes: todo: buy milkand bread\n");

            Files.writeString(notes.resolve("by-hand.txt"), "written on the host");
            await("the watch reports the hand-written note", () -> titles(node).contains("by-hand"));
            assertThat(logs).contains("notes: file Created: notes/by-hand.txt");
            // what a reducer reads from the files is logged with its transaction: the replay, which has no such file,
            // reads the 19 bytes the host wrote from the log (docs/operability.md, replay)
            node.call("notes", "append", List.of(str("by-hand"), str("!")));
            assertThat(node.rows("notes", "note"))
                    .anySatisfy(
                            r -> assertThat(r.toString()).contains("by-hand").contains("21"));

            node.call("notes", "remove", List.of(str("todo")));
            assertThat(notes.resolve("todo.txt")).doesNotExist();
            assertThat(titles(node)).containsExactly("by-hand");

            assertThatThrownBy(() -> node.call("notes", "save", List.of(str("../escape"), str("x"))))
                    .isInstanceOf(CallException.class)
                    .hasMessage(
                            "reducer notes.save failed: aborted: \"a note title is a plain name, not '../escape'\"");
            assertThatThrownBy(() -> node.call("notes", "save", List.of(str(""), str("x"))))
                    .hasMessage("reducer notes.save failed: aborted: \"a note needs a title\"");
            node.call("notes", "read", List.of(str("missing")));
            assertThat(logs).contains("notes: cannot read 'notes/missing.txt': it does not exist");
        }
        try (Node node = open(dir)) { // watches come back with the module after a restart
            Files.delete(notes.resolve("by-hand.txt"));
            await(
                    "the watch reports the deletion after a restart",
                    () -> titles(node).isEmpty());
        }
        ReplayTest.assertReplaysClean(dir);
    }
}
