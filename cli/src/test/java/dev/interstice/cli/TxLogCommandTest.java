package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.cli.CliEndToEndTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.network.TokenStore;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code interstice log}: a real node's committed transactions over loopback, filtered, as JSON, and when stopped. */
@Timeout(120)
class TxLogCommandTest {
    @TempDir
    Path home;

    Node node;
    NodeServer server;
    final AdminToken token = AdminToken.random();
    long bankTx;

    @BeforeEach
    void start() throws Exception {
        System.setProperty("interstice.home", home.toString());
        node = Node.open(NodeConfig.at(home.resolve("data")).withLogSink((m, msg) -> {}));
        node.load("hello.wasm", ExampleCommand.exampleWasm("hello"));
        node.load(CliEndToEndTest.bank().build());
        node.call("hello", "hello", List.of(str("ann")));
        bankTx = node.call("bank", "record", List.of()).txId();
        server = serve(node, "logged", "n");
    }

    /** Serves {@code served} on loopback as {@code name}, registered with the CLI as {@code as}. */
    private NodeServer serve(Node served, String name, String as) throws java.io.IOException {
        NodeServer s = NodeServer.start(
                served,
                NetworkConfig.defaults()
                        .withNodeName(name)
                        .withAdminToken(token)
                        .withTokens(TokenStore.open(home.resolve(name + "-tokens"))));
        run("node", "add", as, s.address(), "--token", token.value()).ok();
        return s;
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (node != null) node.close();
        System.clearProperty("interstice.home");
    }

    @Test
    void listsReducersArgumentsAndChangesWithFieldNamesAndFilters() throws Exception {
        String all = run("log", "n").ok().out();
        assertThat(all)
                .contains("hello.hello {\"name\":\"ann\"}  caller this node")
                .contains("put    hello.greetings {\"id\":0,\"greeting\":\"Hello, ann!\",\"custom\":{\"val\":0}}")
                .contains("put    __interstice.sequences 0x")
                .contains("bank.record {}")
                .contains("put    bank.ledger {\"id\":0,\"amount\":10,\"note\":\"ten\"}")
                .contains("hello  [publish]");
        assertThat(all.indexOf("hello.hello")).isLessThan(all.indexOf("bank.record")); // oldest first

        String bank = run("log", "n", "--module", "bank").ok().out();
        assertThat(bank).contains("bank.record").doesNotContain("hello.");
        assertThat(run("log", "n", "--table", "greetings").ok().out())
                .contains("hello.hello")
                .doesNotContain("bank.record");
        assertThat(run("log", "n", "--from-tx", "" + bankTx).ok().out())
                .startsWith("tx " + bankTx + " ")
                .doesNotContain("hello.hello");
        assertThat(run("log", "n", "--limit", "1").ok().out().lines().filter(l -> l.startsWith("tx ")))
                .hasSize(1);

        var lines = run("log", "n", "--json", "--table", "bank.ledger")
                .ok()
                .out()
                .lines()
                .toList();
        assertThat(lines).hasSize(1);
        JsonNode tx = new ObjectMapper().readTree(lines.getFirst());
        assertThat(tx.get("tx").asLong()).isEqualTo(bankTx);
        assertThat(tx.get("module").asText() + "." + tx.get("reducer").asText()).isEqualTo("bank.record");
        assertThat(tx.at("/caller/module").asText()).isEmpty();
        assertThat(tx.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(tx.at("/changes/0/op").asText()).isEqualTo("put");
        assertThat(tx.at("/changes/0/table").asText()).isEqualTo("bank.ledger");
        assertThat(tx.at("/changes/0/row/note").asText()).isEqualTo("ten");
    }

    @Test
    void aTokenReadsOnlyTheModulesItMayReadTheRowsOf() {
        String callOnly = tokenFor("call:bank");
        run("node", "add", "caller", server.address(), "--token", callOnly).ok();
        assertThat(run("log", "caller", "--module", "bank").fails(1).err())
                .contains("does not allow 'rows' on module 'bank'");

        String rows = tokenFor("rows:bank");
        run("node", "add", "reader", server.address(), "--token", rows).ok();
        assertThat(run("log", "reader", "--module", "bank").ok().out())
                .contains("put    bank.ledger")
                .doesNotContain("hello.greetings");
        assertThat(run("log", "reader").fails(1).err())
                .contains("reading the whole transaction log (not one module's) needs the admin credential");
        assertThat(run("log", "reader", "--module", "hello").fails(1).err())
                .contains("does not allow 'rows' on module 'hello'");
    }

    private String tokenFor(String grants) {
        return run("token", "create", "n", "--allow", grants)
                .ok()
                .out()
                .lines()
                .filter(l -> l.startsWith("tk_") && l.contains("."))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void readsAStoppedNodesDataDirectoryAndRefusesARunningOnes() {
        Path data = home.resolve("data");
        String running = run("log", "n").ok().out();
        assertThat(run("log", "--data-dir", data.toString()).fails(1).err())
                .contains("a running node holds " + data)
                .contains("log <node>");
        server.close();
        server = null;
        node.close();
        node = null;
        String stopped = run("log", "--data-dir", data.toString()).ok().out();
        // hello's scheduled reducer may have committed one more transaction in between (a slow machine)
        assertThat(stopped).startsWith(running);
        assertThat(run("log", "--data-dir", data.toString(), "--table", "ledger", "--json")
                        .ok()
                        .out()
                        .lines()
                        .toList())
                .hasSize(1);
        assertThat(run("log", "--data-dir", home.resolve("nothing").toString())
                        .fails(1)
                        .err())
                .contains("is not a node's data directory");
        var both = new ArrayList<>(List.of("log", "n", "--data-dir", data.toString()));
        assertThat(run(both.toArray(String[]::new)).fails(2).err()).contains("not both");
    }

    @Test
    void logRetentionOptionParses() {
        assertThat(NodeCommand.retention("24h,1GiB")).isEqualTo(dev.interstice.storage.LogRetention.DEFAULT);
        assertThat(NodeCommand.retention("0")).isEqualTo(dev.interstice.storage.LogRetention.NONE);
        assertThat(NodeCommand.retention("30m, 512MiB"))
                .isEqualTo(new dev.interstice.storage.LogRetention(java.time.Duration.ofMinutes(30), 512L << 20));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NodeCommand.retention("a day"))
                .hasMessageContaining("is not 0 or AGE,SIZE");
    }

    @Test
    void followPrintsTransactionsAsTheyCommit() throws Exception {
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        Thread follower = Thread.ofPlatform()
                .start(() -> Main.run(
                        new java.io.PrintWriter(out, true),
                        new java.io.PrintWriter(err, true),
                        "log",
                        "n",
                        "--follow",
                        "--table",
                        "ledger"));
        try {
            awaitOutput(out, "bank.record {}", err);
            long next = node.call("bank", "record_odd", List.of()).txId();
            awaitOutput(out, "tx " + next + " ", err);
            assertThat(out.toString()).contains("bank.record_odd {}").doesNotContain("hello.hello");
        } finally {
            follower.interrupt();
            follower.join(10_000);
        }
        assertThat(follower.isAlive()).isFalse();
    }

    /** What the world answered a transaction's File calls, as its record keeps them: from a live node and a stopped one. */
    @Test
    void showsWhatTheWorldAnsweredATransactionsCallsLiveAndStopped() throws Exception {
        Path data = home.resolve("notes-data");
        Node notes = Node.open(NodeConfig.at(data).withLogSink((m, msg) -> {}));
        NodeServer served = null;
        long tx;
        String live;
        try {
            notes.load("notes.wasm", ExampleCommand.exampleWasm("notes"));
            tx = notes.call("notes", "save", List.of(str("todo"), str("buy milk")))
                    .txId();
            served = serve(notes, "notes", "files");
            live = run("log", "files", "--from-tx", "" + tx, "--limit", "1")
                    .ok()
                    .out();
            assertThat(live)
                    .contains("notes.save")
                    .contains("\n  answer file WriteFile: ok\n")
                    .contains("\n  answer file Metadata: ok: file, 8 bytes\n");
            JsonNode j = new ObjectMapper()
                    .readTree(run("log", "files", "--from-tx", "" + tx, "--limit", "1", "--json")
                            .ok()
                            .out());
            var inputs = new ArrayList<String>();
            j.get("inputs")
                    .forEach(i -> inputs.add(
                            i.get("call").asText() + " -> " + i.get("answer").asText()));
            assertThat(inputs).contains("file WriteFile -> ok", "file Metadata -> ok: file, 8 bytes");
        } finally {
            if (served != null) served.close();
            notes.close();
        }
        assertThat(run("log", "--data-dir", data.toString(), "--from-tx", "" + tx, "--limit", "1")
                        .ok()
                        .out())
                .isEqualTo(live);
    }

    private static void awaitOutput(java.io.StringWriter out, String text, java.io.StringWriter err)
            throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!out.toString().contains(text)) {
            if (System.nanoTime() > deadline)
                throw new AssertionError("no '" + text + "' in: " + out + "; stderr: " + err);
            Thread.sleep(20);
        }
    }
}
