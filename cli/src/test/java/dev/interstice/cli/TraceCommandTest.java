package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.cli.CliEndToEndTest.run;
import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static dev.interstice.runtime.testing.ModuleFixture.insertOrTrap;
import static dev.interstice.runtime.testing.TestNode.hostCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.ModuleFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code interstice log --trace}: one call on node "origin-node" calls a module locally, whose insert triggers a
 * subscriber, schedules a reducer and calls a reducer on node "bank-node"; the trace shows the whole tree, across both
 * real nodes on loopback, from any of its transactions.
 */
@Timeout(120)
class TraceCommandTest {
    @TempDir
    Path home;

    Node origin;
    Node bank;
    NodeServer originServer;
    NodeServer bankServer;
    final AdminToken originToken = AdminToken.random();
    final AdminToken bankToken = AdminToken.random();

    static final TypeDef THING = new TypeDef.Struct(
            "thing", List.of(new FieldDef("id", IntersticeType.U64), new FieldDef("amount", IntersticeType.U64)));
    static final byte[] ENTRY = Abi.encodeRow(new Row(u64(0), List.of(u64(10))));

    static ModuleFixture table(ModuleFixture f, String name, Visibility v) {
        return f.table(ModuleFixture.simpleTable(
                        name,
                        true,
                        Persistence.LOGGED,
                        v,
                        List.of(new FieldDef("amount", IntersticeType.U64)),
                        List.of()))
                .blob("entry", ENTRY);
    }

    /** "helper": {@code bump} inserts a row into its public table {@code things}. */
    static byte[] helper() {
        return table(ModuleFixture.module("helper"), "things", Visibility.PUBLIC)
                .reducer("bump", List.of(), List.of("things"), insertOrTrap("things", "entry"))
                .build();
    }

    /** "watcher": {@code on_thing} runs for every insert into helper.things and notes it in {@code seen}. */
    static byte[] watcher() {
        return table(ModuleFixture.module("watcher"), "seen", Visibility.PRIVATE)
                .type(THING)
                .subscribe(
                        "on_thing",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.INSERT, Selection.CURRENT, "helper", "things"))
                .reducer(
                        "on_thing",
                        List.of(new FieldDef("row", new IntersticeType.Named("thing"))),
                        List.of("seen"),
                        insertOrTrap("seen", "entry"))
                .build();
    }

    /**
     * "starter": {@code start} calls helper.bump, schedules {@code later} and calls bank.record on node "bank-node";
     * {@code later} notes its run in {@code done}.
     */
    static byte[] starter(String bankAddress) {
        return table(ModuleFixture.module("starter"), "done", Visibility.PRIVATE)
                .blob(
                        "bump",
                        hostCall(new HostCall.CallReducer(
                                Selection.CURRENT, Selection.other("helper"), "bump", IntersticeValue.vec())))
                .blob("later", hostCall(new HostCall.Schedule("later", 0)))
                .blob(
                        "pay",
                        hostCall(new HostCall.CallReducer(
                                Selection.other("bank-node"),
                                Selection.other("bank"),
                                "record",
                                IntersticeValue.vec())))
                .reducer(
                        "start",
                        List.of(),
                        List.of(),
                        hostCallAndLog("bump") + hostCallAndLog("later") + hostCallAndLog("pay"))
                .reducer("later", List.of(), List.of("done"), insertOrTrap("done", "entry"))
                .nodeDependency("bank-node", bankAddress)
                .build();
    }

    @BeforeEach
    void start() throws Exception {
        System.setProperty("interstice.home", home.toString());
        bank = Node.open(NodeConfig.at(home.resolve("bank")).withLogSink((m, msg) -> {}));
        bank.load(CliEndToEndTest.bank().build());
        bankServer = NodeServer.start(
                bank, NetworkConfig.defaults().withNodeName("bank-node").withAdminToken(bankToken));
        origin = Node.open(NodeConfig.at(home.resolve("origin")).withLogSink((m, msg) -> {}));
        origin.load(helper());
        origin.load(watcher());
        origin.load(starter(bankServer.address()));
        originServer = NodeServer.start(
                origin, NetworkConfig.defaults().withNodeName("origin-node").withAdminToken(originToken));
        run("node", "add", "o", originServer.address(), "--token", originToken.value())
                .ok();
        run("node", "add", "b", bankServer.address(), "--token", bankToken.value())
                .ok();
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {originServer, bankServer, origin, bank})
            try {
                if (c != null) c.close();
            } catch (Exception ignored) {
                // closing what a failed test left
            }
        System.clearProperty("interstice.home");
    }

    @Test
    void showsTheTreeOfOneCallAcrossModulesAndNodes() throws Exception {
        long tx = origin.call("starter", "start", List.of()).txId();
        await("the scheduled run", () -> origin.rows("starter", "done").size() == 1);
        await("the subscriber", () -> origin.rows("watcher", "seen").size() == 1);
        await("the remote call", () -> bank.rows("bank", "ledger").size() == 1);
        awaitLogged(tx);

        String tree = run("log", "o", "--trace", "" + tx).ok().out();
        assertThat(tree)
                .startsWith("trace of tx " + tx + " on node 'origin-node'")
                .contains("tx " + tx + " on 'origin-node'  starter.start\n")
                .contains("  . calls helper.bump\n")
                .contains("  . schedules starter.later\n")
                .contains("  . calls bank.record on node 'bank-node' (" + bankServer.address() + ")\n")
                .contains("    tx ") // children one level down
                .containsPattern("\n    tx \\d+ on 'origin-node'  watcher.on_thing  \\[helper.things.insert]\n")
                .containsPattern("\n    tx \\d+ on 'origin-node'  starter.later  \\[schedule]\n")
                .containsPattern("\n    tx \\d+ on 'bank-node'  bank.record  \\[call from node 'origin-node']\n")
                .doesNotContain("missing");
        // a nested call's own calls are indented under it
        assertThat(tree.indexOf("calls helper.bump")).isLessThan(tree.indexOf("schedules starter.later"));

        // asked from the other node, from a child: the same tree, from its origin
        long bankTx = bankTx();
        String fromBank = run("log", "b", "--trace", "" + bankTx).ok().out();
        assertThat(fromBank).isEqualTo(tree);

        JsonNode j = new ObjectMapper()
                .readTree(run("log", "o", "--trace", "" + tx, "--json").ok().out());
        assertThat(j.at("/trace/tx").asLong()).isEqualTo(tx);
        assertThat(j.at("/root/reducer").asText()).isEqualTo("start");
        assertThat(j.at("/root/calls").findValuesAsText("kind")).containsExactly("local", "schedule", "remote");
        assertThat(j.at("/root/calls/2/node").asText()).isEqualTo("bank-node");
        var children = new ArrayList<String>();
        for (JsonNode c : j.at("/root/children"))
            children.add(c.get("node").asText() + ":" + c.get("module").asText() + "."
                    + c.get("reducer").asText());
        assertThat(children)
                .containsExactlyInAnyOrder(
                        "origin-node:watcher.on_thing", "origin-node:starter.later", "bank-node:bank.record");
        JsonNode remote = null;
        for (JsonNode c : j.at("/root/children")) if (c.get("node").asText().equals("bank-node")) remote = c;
        assertThat(remote.at("/parent/tx").asLong()).isEqualTo(tx);
        assertThat(remote.at("/parent/node").asText()).isEqualTo(origin.id());
        assertThat(j.get("unreachable")).isEmpty();

        // the plain log shows a record's trace too
        assertThat(run("log", "o", "--from-tx", "" + tx, "--limit", "1").ok().out())
                .contains("  calls helper.bump\n")
                .contains("  calls bank.record on node 'bank-node'");
    }

    /**
     * "far-watcher" (on bank-node): {@code on_thing} runs for every insert into origin-node's helper.things, streamed
     * from there, and notes it in {@code seen}.
     */
    static byte[] farWatcher(String originAddress) {
        return table(ModuleFixture.module("far_watcher"), "seen", Visibility.PRIVATE)
                .type(THING)
                .subscribe(
                        "on_thing",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.INSERT,
                                Selection.other("origin-node"),
                                "helper",
                                "things"))
                .reducer(
                        "on_thing",
                        List.of(new FieldDef("row", new IntersticeType.Named("thing"))),
                        List.of("seen"),
                        insertOrTrap("seen", "entry"))
                .nodeDependency("origin-node", originAddress)
                .build();
    }

    /** A subscriber on another node, run for a streamed table event, hangs under the transaction that made it. */
    @Test
    void aRemoteSubscribersRunHangsUnderTheTransactionThatMadeTheChange() throws Exception {
        bank.load(farWatcher(originServer.address()));
        await(
                "the subscription",
                () -> bankServer.peers().stats().values().stream()
                                .mapToInt(m -> (Integer) m.get("synced"))
                                .sum()
                        == 1);
        long tx = origin.call("starter", "start", List.of()).txId();
        await("the remote subscriber", () -> bank.rows("far_watcher", "seen").size() == 1);
        awaitLogged(tx);
        java.util.function.Predicate<dev.interstice.storage.TxRecord> farRun =
                r -> r.origin() != null && r.origin().reducer().equals("on_thing");
        await(
                "the remote subscriber's record",
                () -> !bank.readLog(1, 100, farRun).isEmpty());
        var far = bank.readLog(1, 100, farRun);
        var parent = far.getFirst().record().trace().parent();
        assertThat(parent.node()).isEqualTo(origin.id());
        assertThat(parent.traceNode()).isEqualTo(origin.id());
        assertThat(parent.traceTx()).isEqualTo(tx);
        assertThat(parent.tx()).isEqualTo(tx); // helper.bump ran inside start's transaction

        String tree = run("log", "o", "--trace", "" + tx).ok().out();
        assertThat(tree)
                .containsPattern("\n    tx \\d+ on 'bank-node'  far_watcher.on_thing  \\[")
                .containsPattern("\n    tx \\d+ on 'bank-node'  bank.record  \\[call from node 'origin-node']\n")
                .doesNotContain("missing");
        long farTx = far.getFirst().record().txId();
        assertThat(run("log", "b", "--trace", "" + farTx).ok().out()).isEqualTo(tree);
    }

    @Test
    void saysPlainlyWhenANodeOfTheTraceCannotBeReached() {
        long tx = origin.call("starter", "start", List.of()).txId();
        await("the remote call", () -> bank.rows("bank", "ledger").size() == 1);
        awaitLogged(tx);
        bankServer.close();
        bankServer = null;
        String tree = run("log", "o", "--trace", "" + tx).ok().out();
        assertThat(tree)
                .contains("tx " + tx + " on 'origin-node'  starter.start")
                .contains("node 'b' (")
                .contains("its part of the trace is missing: not reachable");
    }

    /** The log is read from disk: waits for the records written after the rows changed (start, subscriber, schedule). */
    private void awaitLogged(long tx) {
        await("the origin's records", () -> origin.readLog(tx, 100, r -> true).size() == 3);
        await(
                "the bank's record",
                () -> !bank.readLog(
                                1,
                                100,
                                r -> r.origin() != null && r.origin().reducer().equals("record"))
                        .isEmpty());
    }

    private long bankTx() {
        return bank.readLog(
                        1, 100, r -> r.origin() != null && r.origin().reducer().equals("record"))
                .getFirst()
                .record()
                .txId();
    }

    static void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
