package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.bool;
import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.cli.CliEndToEndTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.node.NodeLog;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code rows --as-of-tx/--as-of-time} and {@code rewind} on a real node over loopback, and on a stopped node. */
@Timeout(120)
class TimeTravelTest {
    static final String M = "benchmark-workload";

    @TempDir
    Path home;

    Node node;
    NodeServer server;
    final AdminToken token = AdminToken.random();

    @BeforeEach
    void start() throws Exception {
        System.setProperty("interstice.home", home.toString());
        node = Node.open(NodeConfig.at(home.resolve("data")).withLogSink((m, msg) -> {}));
        node.load("benchmark-workload.wasm", ExampleCommand.exampleWasm(M));
        server = NodeServer.start(
                node, NetworkConfig.defaults().withNodeName("tt").withAdminToken(token));
        run("node", "add", "n", server.address(), "--token", token.value()).ok();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (node != null) node.close();
        System.clearProperty("interstice.home");
    }

    long insert(long seq, long payload) {
        return node.call(M, "tx_insert_logged", List.of(str("c"), u64(seq), u64(payload), bool(false)))
                .txId();
    }

    long delete(long seq) {
        return node.call(M, "tx_delete_logged", List.of(str("c"), u64(seq), bool(false)))
                .txId();
    }

    @Test
    void rowsAsOfShowThePastAndRewindMakesItCurrentAsANewTransaction() throws Exception {
        insert(1, 3);
        long two = insert(2, 3);
        var atTwo = node.encodedRows(M, "benchlogged");
        insert(100_001, 5); // key c:1, another payload
        delete(2);
        insert(3, 1);

        String past =
                run("rows", "n", M, "benchlogged", "--as-of-tx", "" + two).ok().out();
        assertThat(past)
                .contains("c:1", "c:2", "xxx")
                .doesNotContain("c:3", "xxxxx")
                .contains("(2 rows as of tx " + two + ")");
        assertThat(run("rows", "n", M, "benchlogged", "--as-of-tx", "1").ok().out())
                .contains("(0 rows as of tx 1)");
        assertThat(run("rows", "n", M, "benchlogged", "--as-of-time", "2000-01-01T00:00:00Z")
                        .ok()
                        .out())
                .contains("(0 rows as of tx 0)");
        assertThat(run(
                                "rows",
                                "n",
                                M,
                                "benchlogged",
                                "--as-of-time",
                                java.time.Instant.now().plusSeconds(60).toString())
                        .ok()
                        .out())
                .contains("c:1", "c:3", "(2 rows as of tx ");
        assertThat(run("rows", "n", M, "benchlogged", "--as-of-tx", "1", "--limit", "2")
                        .fails(2)
                        .err())
                .contains("print the whole table");

        String rewound = run("rewind", "n", M, "--to-tx", "" + two).ok().out();
        assertThat(rewound).contains("rewound module '" + M + "'", "to tx " + two, " as tx ");
        assertThat(node.encodedRows(M, "benchlogged")).containsExactlyElementsOf(atTwo);
        String log = run("log", "n", "--module", M).ok().out();
        assertThat(log).contains("[rewind]").contains("put    " + M + ".benchlogged");
        assertThat(run("rewind", "n", M, "--to-tx", "" + two).ok().out()).contains("nothing had changed since");

        node.publish("benchmark-workload.wasm", ExampleCommand.exampleWasm(M), false); // a new version since
        assertThat(run("rewind", "n", M, "--to-tx", "" + two).fails(1).err())
                .contains("cannot be rewound to tx " + two, "it was published at tx");
    }

    /** {@code branch list|discard}: a module's branches on the running node, seen and discarded by its admin. */
    @Test
    void branchesAreListedAndDiscarded() throws Exception {
        node.load("tictactoe.wasm", ExampleCommand.exampleWasm("tictactoe"));
        long played =
                node.call("tictactoe", "play", List.of(IntersticeValue.u8(4))).txId();
        node.call("tictactoe", "try_line", List.of(str("a"), new IntersticeValue.Vec(List.of(IntersticeValue.u8(0)))));
        node.call(
                "tictactoe",
                "try_line",
                List.of(str("b"), new IntersticeValue.Vec(List.of(IntersticeValue.u8(0), IntersticeValue.u8(8)))));

        String listed = run("branch", "list", "n", "tictactoe").ok().out();
        assertThat(listed)
                .contains("a  forked from tx ")
                .contains(", 1 call\n")
                .contains("b  forked from tx ")
                .contains(", 2 calls\n");
        assertThat(node.branches("tictactoe").getFirst().fromTx()).isGreaterThanOrEqualTo(played);

        assertThat(run("branch", "discard", "n", "tictactoe", "a").ok().out())
                .contains("discarded branch 'a' of module 'tictactoe'")
                .doesNotContain("a  forked")
                .contains("b  forked from tx ");
        assertThat(node.branches("tictactoe")).extracting(b -> b.name()).containsExactly("b");
        assertThat(run("branch", "discard", "n", "tictactoe", "a").fails(1).err())
                .contains("'a'");
        assertThat(run("branch", "list", "n", M).ok().out()).contains("module '" + M + "' keeps no branches");
    }

    @Test
    void aStoppedNodesDataDirectoryIsReadDirectly() throws Exception {
        insert(1, 2);
        long one = insert(2, 2);
        delete(1);
        var atOne = node.rowsAsOf(M, "benchlogged", false, one, null);
        node.snapshot(); // the state from the snapshot on
        insert(4, 2);
        server.close();
        server = null;
        node.close();
        node = null;
        Path data = home.resolve("data");
        var stopped = NodeLog.rowsAsOf(data, M, "benchlogged", one);
        assertThat(stopped.txId()).isEqualTo(one);
        assertThat(stopped.rows()).containsExactlyElementsOf(atOne.rows());
        assertThat(stopped.rows().stream()
                        .map(r -> ((IntersticeValue.Str) Abi.decodeRow(r).primaryKey()).value()))
                .containsExactly("c:1", "c:2");
        assertThat(NodeLog.rowsAsOf(data, M, "benchlogged", Long.MAX_VALUE).rows())
                .hasSize(2); // c:2, c:4
    }
}
