package dev.interstice.runtime.node;

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
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything a node keeps on disk is its owner's only: directories 700, files 600, whatever the umask. */
class PrivateDataTest {
    static ModuleFixture vault() {
        var logged = ModuleFixture.simpleTable(
                "ledger",
                false,
                Persistence.LOGGED,
                Visibility.PUBLIC,
                List.of(new FieldDef("n", IntersticeType.U64)),
                List.of());
        var stateful = ModuleFixture.simpleTable(
                "balances",
                false,
                Persistence.STATEFUL,
                Visibility.PUBLIC,
                List.of(new FieldDef("n", IntersticeType.U64)),
                List.of());
        return ModuleFixture.module("vault")
                .table(logged)
                .table(stateful)
                .blob("row", Abi.encodeRow(new Row(u64(1), List.of(u64(100)))))
                .blob("later", hostCall(new HostCall.Schedule("tick", 3_600_000)))
                .reducer(
                        "write",
                        List.of(),
                        List.of("ledger", "balances"),
                        insertOrTrap("ledger", "row") + insertOrTrap("balances", "row"))
                .reducer("plan", List.of(), List.of(), hostCallAndLog("later"))
                .reducer("tick", List.of(), List.of(), "");
    }

    /** Every directory and regular file under {@code root} with its mode ("rwx------"). */
    static Map<String, String> modes(Path root) throws IOException {
        var out = new TreeMap<String, String>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList())
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    out.put(
                            root.relativize(p).toString() + (Files.isDirectory(p) ? "/" : ""),
                            PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
        }
        return out;
    }

    static void assertPrivate(Map<String, String> modes) {
        assertThat(modes)
                .allSatisfy((path, mode) ->
                        assertThat(mode).as(path).isEqualTo(path.endsWith("/") ? "rwx------" : "rw-------"));
    }

    /** A node that wrote its log, a snapshot, stateful row files, its module's code and a pending schedule. */
    static void writeEverything(Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.load(vault().build());
            t.node.call("vault", "write", List.of());
            t.node.call("vault", "plan", List.of());
            t.node.snapshot();
            assertThat(t.node.pendingSchedules()).isEqualTo(1);
        }
    }

    @Test
    void aNodeCreatesItsDataPrivate(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("node");
        writeEverything(dir);
        var modes = modes(dir);
        assertThat(modes.keySet())
                .contains(
                        "/",
                        "node.properties",
                        "modules/",
                        "modules/vault.wasm",
                        "storage/",
                        "storage/LOCK",
                        "storage/wal/",
                        "storage/rows/",
                        "storage/rows/vault/balances/");
        assertThat(modes.keySet()).anyMatch(p -> p.matches("storage/snapshot-\\d+\\.snap"));
        assertThat(modes.keySet()).anyMatch(p -> p.matches("storage/wal/\\d+\\.log"));
        assertThat(modes.keySet()).anyMatch(p -> p.matches("storage/rows/vault/balances/[0-9a-f]+\\.row"));
        assertPrivate(modes);
    }

    @Test
    void openingADataDirectoryWrittenWithAWideUmaskMakesItPrivate(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("node");
        writeEverything(dir);
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList())
                Files.setPosixFilePermissions(
                        p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-rw-rw-"));
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.rows("vault", "balances")).hasSize(1);
            assertPrivate(modes(dir));
        }
    }
}
