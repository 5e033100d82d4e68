package dev.interstice.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The File holder's file:/file_recursive: subscriptions: events in order, only matching paths, for the holder only. */
class FileWatchTest {
    @TempDir
    Path root;

    TestNode t;

    @BeforeEach
    void open() {
        t = new TestNode(
                NodeConfig.inMemory().withAuthorities(AuthorityConfig.headless().withFileRoot(root)));
    }

    @AfterEach
    void close() {
        t.close();
    }

    /** A holder whose handler {@code changed} logs its input, subscribed to each event. */
    static byte[] watcher(SubscriptionEvent.File... events) {
        var m = ModuleFixture.module("watcher")
                .authority(Authority.FILE)
                .reducer("changed", List.of(), List.of(), "(call $log_hex (local.get $ptr) (local.get $len))");
        for (var e : events) m.subscribe("changed", e);
        return m.build();
    }

    /** The events the handler received so far, as "Variant path". */
    List<String> events() {
        return t.hexLogsOf("watcher").stream()
                .map(b -> (IntersticeValue.Enum)
                        Abi.readCallInput(new PostcardReader(b)).args().getFirst())
                .map(e -> e.variant() + " "
                        + ((IntersticeValue.Str) ((IntersticeValue.Struct) e.value())
                                        .fields()
                                        .getFirst()
                                        .value())
                                .value())
                .toList();
    }

    List<String> awaitEvent(String wanted) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (events().contains(wanted)) return events();
            Thread.sleep(20);
        }
        throw new AssertionError("no event '" + wanted + "' within 20 s; got " + events());
    }

    @Test
    void recursiveSubscriptionsDeliverEventsInOrderIncludingNewDirectories() throws Exception {
        Files.createDirectories(root.resolve("notes"));
        t.node.publish("w.wasm", watcher(new SubscriptionEvent.File("notes", true)), false);
        Files.writeString(root.resolve("notes/a.txt"), "a");
        Files.delete(root.resolve("notes/a.txt"));
        Files.createDirectories(root.resolve("notes/sub"));
        Files.writeString(root.resolve("other.txt"), "not watched");
        awaitEvent("Created notes/sub");
        Files.writeString(root.resolve("notes/sub/b.txt"), "b");
        var events = awaitEvent("Created notes/sub/b.txt");
        assertThat(events)
                .containsSubsequence(
                        "Created notes/a.txt", "Deleted notes/a.txt", "Created notes/sub", "Created notes/sub/b.txt")
                .allMatch(e -> e.split(" ", 2)[1].startsWith("notes/"));
    }

    @Test
    void aDirectoryMadeAfterTheHolderLoadedIsWatchedWithWhatWasWrittenInItAtOnce() throws Exception {
        t.node.publish("w.wasm", watcher(new SubscriptionEvent.File("notes", true)), false);
        Files.createDirectories(root.resolve("notes/deep/er"));
        Files.writeString(root.resolve("notes/deep/er/x.txt"), "x");
        awaitEvent("Created notes/deep/er/x.txt");
        Files.writeString(root.resolve("notes/deep/er/x.txt"), "changed");
        assertThat(awaitEvent("Modified notes/deep/er/x.txt")).startsWith("Created notes");
    }

    @Test
    void aPlainSubscriptionSeesThePathAndItsDirectEntriesOnly() throws Exception {
        Files.createDirectories(root.resolve("top/deeper"));
        t.node.publish("w.wasm", watcher(new SubscriptionEvent.File("top", false)), false);
        Files.writeString(root.resolve("top/deeper/hidden.txt"), "not reported");
        Files.writeString(root.resolve("top/seen.txt"), "reported");
        var events = awaitEvent("Created top/seen.txt");
        assertThat(events).noneMatch(e -> e.contains("hidden"));
    }

    @Test
    void aReplacedHolderStopsTheOldWatches() throws Exception {
        Files.createDirectories(root.resolve("a"));
        Files.createDirectories(root.resolve("b"));
        t.node.publish("w.wasm", watcher(new SubscriptionEvent.File("a", true)), false);
        Files.writeString(root.resolve("a/1"), "1");
        awaitEvent("Created a/1");
        t.node.publish("w.wasm", watcher(new SubscriptionEvent.File("b", true)), false);
        int before = events().size();
        Files.writeString(root.resolve("a/2"), "2");
        Files.writeString(root.resolve("b/1"), "1");
        var events = awaitEvent("Created b/1");
        assertThat(events.subList(before, events.size())).noneMatch(e -> e.contains("a/"));
    }

    @Test
    void fileSubscriptionsNeedTheFileAuthorityAndAPathInsideTheRoot() throws IOException {
        byte[] noAuthority = ModuleFixture.module("watcher")
                .reducer("changed", List.of(), List.of(), "")
                .subscribe("changed", new SubscriptionEvent.File("notes", true))
                .build();
        assertThatThrownBy(() -> t.node.publish("w.wasm", noAuthority, false))
                .isInstanceOf(ModuleException.class)
                .hasMessage("module 'watcher' subscribes 'changed' to file events of 'notes' but does not hold the File"
                        + " authority (declare it in the module's authorities)");
        assertThatThrownBy(() -> t.node.publish("w.wasm", watcher(new SubscriptionEvent.File("../etc", true)), false))
                .isInstanceOf(ModuleException.class)
                .hasMessageContaining("module 'watcher' subscribes 'changed' to file events: path '../etc' is outside"
                        + " the file root");
        assertThat(t.node.modules()).isEmpty();
    }
}
