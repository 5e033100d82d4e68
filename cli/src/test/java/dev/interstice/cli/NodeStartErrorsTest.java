package dev.interstice.cli;

import static dev.interstice.runtime.testing.ModuleFixture.insertOrTrap;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.ModuleFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code node start} says what went wrong with a node's data directory, and only suggests what fits. */
@Timeout(60)
class NodeStartErrorsTest {
    @TempDir
    Path home;

    Path dir;

    @BeforeEach
    void create() throws IOException {
        System.setProperty("interstice.home", home.toString());
        dir = createLocalNode("n1");
    }

    /** {@code interstice node create <name> <a free port>} in the current CLI home; returns the node's data directory. */
    static Path createLocalNode(String name) throws IOException {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliEndToEndTest.run("node", "create", name, String.valueOf(port)).ok();
        var reg = NodeRegistry.load();
        return reg.dataDir(reg.require(name));
    }

    @AfterEach
    void clear() {
        NodeCommand.RUNNING.forEach(Runnable::run);
        System.clearProperty("interstice.home");
    }

    /** Writes a few transactions into the node's log. */
    void writeSomeTransactions() {
        var ledger = ModuleFixture.simpleTable(
                "ledger",
                true,
                Persistence.LOGGED,
                Visibility.PUBLIC,
                List.of(new FieldDef("amount", IntersticeType.U64)),
                List.of());
        var bank = ModuleFixture.module("bank")
                .table(ledger)
                .blob("entry", Abi.encodeRow(new Row(IntersticeValue.u64(0), List.of(IntersticeValue.u64(10)))))
                .reducer("record", List.of(), List.of("ledger"), insertOrTrap("ledger", "entry"));
        try (Node n = Node.open(NodeConfig.at(dir))) {
            n.load(bank.build());
            for (int i = 0; i < 30; i++) n.call("bank", "record", List.of());
        }
    }

    @Test
    void aDamagedLogNamesTheSalvageFlagAndDoesNotAskWhetherTheNodeRuns() throws IOException {
        writeSomeTransactions();
        Path segment;
        try (Stream<Path> s = Files.list(dir.resolve("storage/wal"))) {
            segment = s.filter(p -> p.toString().endsWith(".log"))
                    .sorted()
                    .toList()
                    .getLast();
        }
        byte[] data = Files.readAllBytes(segment);
        data[data.length / 3] ^= 0x5A; // a record in the middle: corruption, not a torn tail
        Files.write(segment, data);

        String err = CliEndToEndTest.run("node", "start", "n1").fails(1).err();
        assertThat(err)
                .contains("corrupt storage file")
                .contains(segment.toString())
                .contains("run: interstice node start n1 --salvage")
                .doesNotContain("already running");
    }

    @Test
    void aDiskErrorIsReportedAsItIs() throws IOException {
        Path storage = dir.resolve("storage");
        try (Stream<Path> s = Files.walk(storage)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        Files.writeString(storage, "not a directory");
        String err = CliEndToEndTest.run("node", "start", "n1").fails(1).err();
        assertThat(err)
                .contains("cannot open node 'n1'")
                .contains("cannot open storage")
                .doesNotContain("already running")
                .doesNotContain("--salvage");
    }

    @Test
    void aNodeThatIsAlreadyOpenIsReportedAsPossiblyRunning() {
        try (Node running = Node.open(NodeConfig.at(dir))) {
            String err = CliEndToEndTest.run("node", "start", "n1").fails(1).err();
            assertThat(err)
                    .contains("already open")
                    .contains("(is it already running?)")
                    .doesNotContain("--salvage");
        }
    }
}
