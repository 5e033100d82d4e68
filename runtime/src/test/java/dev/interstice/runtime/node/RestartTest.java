package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static dev.interstice.runtime.testing.ModuleFixture.insertOrTrap;
import static dev.interstice.runtime.testing.TestNode.hostCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a node recovers from its data directory. */
class RestartTest {
    static TableSchema table(String name, Persistence p) {
        return ModuleFixture.simpleTable(
                name,
                true,
                p,
                Visibility.PUBLIC,
                List.of(new FieldDef("name", IntersticeType.STRING), new FieldDef("qty", IntersticeType.U32)),
                List.of());
    }

    static ModuleFixture store() {
        var all = List.of("logged", "stateful", "ephemeral");
        return ModuleFixture.module("store")
                .table(table("logged", Persistence.LOGGED))
                .table(table("stateful", Persistence.STATEFUL))
                .table(table("ephemeral", Persistence.EPHEMERAL))
                .blob("row", Abi.encodeRow(new Row(u64(0), List.of(str("r"), u32(1)))))
                .blob("pk0", Abi.encodeIndexKey(new dev.interstice.abi.value.IndexKey(u64(0))))
                // due after the restart below even on a loaded machine (a reopen compiles the module again)
                .blob("soon", hostCall(new HostCall.Schedule("add_all", 2000)))
                .reducer(
                        "add_all",
                        List.of(),
                        all,
                        insertOrTrap("logged", "row")
                                + insertOrTrap("stateful", "row")
                                + insertOrTrap("ephemeral", "row"))
                .reducer(
                        "delete_first",
                        List.of(),
                        all,
                        "(drop (call $delete_row (i32.const ${t:logged}) (i32.const ${t:logged.len}) (i32.const ${pk0}) (i32.const ${pk0.len})))")
                .reducer("add_later", List.of(), List.of(), hostCallAndLog("soon"));
    }

    static List<Long> ids(TestNode t, String table) {
        return t.node.rows("store", table).stream()
                .map(r -> ((dev.interstice.abi.value.IntersticeValue.U64) r.primaryKey()).value())
                .toList();
    }

    @Test
    void loggedAndStatefulTablesSurviveAndEphemeralStartsEmpty(@TempDir Path dir) {
        String id;
        try (var t = new TestNode(NodeConfig.at(dir))) {
            id = t.node.id();
            t.node.load(store().build());
            t.node.call("store", "add_all", List.of());
            t.node.call("store", "add_all", List.of());
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.id()).isEqualTo(id);
            assertThat(ids(t, "logged")).containsExactly(0L, 1L);
            assertThat(ids(t, "stateful")).containsExactly(0L, 1L);
            assertThat(ids(t, "ephemeral")).isEmpty();
            t.node.call("store", "add_all", List.of());
            assertThat(ids(t, "logged")).containsExactly(0L, 1L, 2L);
        }
    }

    @Test
    void autoIncrementIsNeverReusedAfterDeletesAndRestart(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.load(store().build());
            t.node.call("store", "add_all", List.of());
            t.node.call("store", "delete_first", List.of());
            assertThat(ids(t, "logged")).isEmpty();
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.call("store", "add_all", List.of());
            assertThat(ids(t, "logged")).containsExactly(1L);
        }
    }

    @Test
    void pendingSchedulesSurviveARestartAndRunOnce(@TempDir Path dir) throws InterruptedException {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.load(store().build());
            t.node.call("store", "add_later", List.of());
            assertThat(t.node.pendingSchedules()).isEqualTo(1);
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.pendingSchedules()).isEqualTo(1);
            LifecycleTest.await(() -> ids(t, "logged").size() == 1);
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            Thread.sleep(400);
            assertThat(t.node.pendingSchedules()).isZero();
            assertThat(ids(t, "logged")).containsExactly(0L);
        }
    }

    @Test
    void removingAModuleDropsItsData(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.load(store().build());
            t.node.call("store", "add_all", List.of());
            t.node.remove("store");
            t.node.load(store().build());
            assertThat(ids(t, "logged")).isEmpty();
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(ids(t, "logged")).isEmpty();
            assertThat(ids(t, "stateful")).isEmpty();
        }
    }

    @Test
    void storageStatsArePresentOnlyWithADataDirectory(@TempDir Path dir) {
        try (var t = new TestNode()) {
            assertThat(t.node.storageStats()).isEmpty();
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.load(store().build());
            t.node.call("store", "add_all", List.of());
            assertThat(t.node.storageStats().orElseThrow().appendedRecords()).isPositive();
        }
    }
}
