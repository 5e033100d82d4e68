package dev.interstice.runtime.node;

import static dev.interstice.runtime.node.LifecycleTest.await;
import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.AuthorityCodec;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.host.ModuleCall;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.IntersticeException;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Module authority: its holder's requests run after commit only, their outcome comes back, routing. */
class ModuleAuthorityTest {
    TestNode t;

    @AfterEach
    void close() {
        if (t != null) t.close();
    }

    static final byte[] APP = RestartTest.store().build(); // module "store", tables logged/stateful/ephemeral

    private static byte[] call(ModuleCall c) {
        return AuthorityCodec.encodeHostCall(c);
    }

    /** Module "manager" holds Module; its reducers make one request each and log the answer as hex. */
    static ModuleFixture manager() {
        var result = List.of(
                new FieldDef("op", IntersticeType.STRING),
                new FieldDef("module", IntersticeType.STRING),
                new FieldDef("error", new IntersticeType.Option(IntersticeType.STRING)));
        return ModuleFixture.module("manager")
                .authority(Authority.MODULE)
                .blob("load", call(new ModuleCall.Load(Selection.CURRENT, APP)))
                .blob(
                        "load_bad",
                        call(new ModuleCall.Load(Selection.CURRENT, "not wasm".getBytes(StandardCharsets.UTF_8))))
                .blob("unload", call(new ModuleCall.Unload(Selection.CURRENT, "store")))
                .blob("remove", call(new ModuleCall.Remove(Selection.CURRENT, "store")))
                .reducer("load_app", List.of(), List.of(), hostCallAndLog("load"))
                .reducer("load_bad", List.of(), List.of(), hostCallAndLog("load_bad"))
                .reducer("load_then_trap", List.of(), List.of(), hostCallAndLog("load") + "\nunreachable")
                .reducer("unload_app", List.of(), List.of(), hostCallAndLog("unload"))
                .reducer("remove_app", List.of(), List.of(), hostCallAndLog("remove"))
                // logs its arguments as the node encodes them: (CallContext, Vec(op, module, error))
                .reducer("module_result", result, List.of(), "(call $log_hex (local.get $ptr) (local.get $len))");
    }

    /** The answers the manager logged (Ok = 00, Err = 01 + message) and the module_result calls it got, as hex. */
    private List<String> managerHex() {
        return t.hexLogsOf("manager").stream().map(HexFormat.of()::formatHex).toList();
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The module_result calls seen so far: the lines holding the operation as an encoded string argument. */
    private List<String> results(String op) {
        String arg = String.format("%02x", op.length()) + hex(op);
        return managerHex().stream().filter(h -> h.contains(arg)).toList();
    }

    private static String errorOf(byte[] answer) {
        var r = new PostcardReader(answer);
        assertThat(r.readU8()).isEqualTo(1);
        return r.readString();
    }

    @Test
    void aLoadHappensAfterTheHoldersTransactionCommitsAndItsOutcomeIsDelivered() throws Exception {
        t = new TestNode();
        t.node.publish("manager.wasm", manager().build(), false);
        t.node.call("manager", "load_app", List.of());
        assertThat(t.hexLogsOf("manager").getFirst()).containsExactly(0); // Ok: accepted
        await(() -> t.node.schema("store").isPresent());
        await(() -> !results("load").isEmpty());
        String r = results("load").getFirst();
        assertThat(r).contains(hex("store")).endsWith("00"); // error: None
    }

    @Test
    void aTransactionMakesAtMostEightModuleRequests() {
        t = new TestNode();
        t.node.publish("store.wasm", APP, false);
        String nine = String.join("\n", java.util.Collections.nCopies(9, hostCallAndLog("unload")));
        t.node.publish(
                "greedy.wasm",
                ModuleFixture.module("greedy")
                        .authority(Authority.MODULE)
                        .blob("unload", call(new ModuleCall.Unload(Selection.CURRENT, "store")))
                        .reducer("unload_many", List.of(), List.of(), nine)
                        .build(),
                false);
        t.node.call("greedy", "unload_many", List.of());
        var answers =
                t.hexLogsOf("greedy").stream().map(HexFormat.of()::formatHex).toList();
        assertThat(answers).hasSize(9);
        assertThat(answers.subList(0, 8)).containsOnly("00"); // accepted
        assertThat(answers.get(8))
                .isEqualTo("01" + String.format("%02x", 57)
                        + hex("refused: a transaction may make at most 8 module requests"));
    }

    @Test
    void aTrappingReducerThatRequestedALoadLoadsNothing() throws Exception {
        t = new TestNode();
        t.node.publish("manager.wasm", manager().build(), false);
        assertThatThrownBy(() -> t.node.call("manager", "load_then_trap", List.of()))
                .isInstanceOf(CallException.class);
        // effects run in commit order: once a later request's outcome arrived, the trapped one would have too
        t.node.call("manager", "unload_app", List.of()); // refused at once: nothing loaded
        assertThat(errorOf(t.hexLogsOf("manager").getLast()))
                .isEqualTo("no module 'store' is loaded on this node to unload");
        t.node.call("manager", "load_bad", List.of());
        await(() -> !results("load").isEmpty());
        assertThat(t.node.schema("store")).isEmpty();
        assertThat(results("load")).hasSize(1);
    }

    @Test
    void aFailedRequestReachesTheHolderWithItsReason() throws Exception {
        t = new TestNode();
        t.node.publish("manager.wasm", manager().build(), false);
        t.node.call("manager", "load_bad", List.of());
        await(() -> !results("load").isEmpty());
        String r = results("load").getFirst();
        assertThat(r).doesNotEndWith("00"); // Some(reason)
        assertThat(new String(HexFormat.of().parseHex(r), StandardCharsets.UTF_8))
                .contains("malformed wasm");
    }

    @Test
    void unloadKeepsTheDataForTheNextLoadAndRemoveDeletesIt() throws Exception {
        t = new TestNode();
        t.node.publish("manager.wasm", manager().build(), false);
        t.node.call("manager", "load_app", List.of());
        await(() -> t.node.schema("store").isPresent());
        t.node.call("store", "add_all", List.of());
        t.node.call("manager", "unload_app", List.of());
        await(() -> t.node.schema("store").isEmpty());
        assertThat(t.node.unloadedModules()).containsExactly("store");
        t.node.call("manager", "load_app", List.of());
        await(() -> t.node.schema("store").isPresent());
        assertThat(t.node.rows("store", "logged")).hasSize(1);

        t.node.call("manager", "remove_app", List.of());
        await(() -> t.node.schema("store").isEmpty());
        await(() -> results("remove").size() == 1);
        assertThat(t.node.unloadedModules()).isEmpty();
        t.node.call("manager", "load_app", List.of());
        await(() -> t.node.schema("store").isPresent());
        assertThat(t.node.rows("store", "logged")).isEmpty();
    }

    @Test
    void moduleResultIsNotCallableByClients() {
        t = new TestNode();
        t.node.publish("manager.wasm", manager().build(), false);
        assertThatThrownBy(() -> t.node.call(
                        "manager",
                        "module_result",
                        List.of(IntersticeValue.str("load"), IntersticeValue.str("x"), IntersticeValue.none())))
                .isInstanceOf(CallException.class)
                .extracting(e -> ((CallException) e).kind())
                .isEqualTo(IntersticeException.Kind.REFUSED);
    }

    @Test
    void anUnloadedModuleKeepsItsRowsAcrossARestart(@TempDir Path dir) {
        try (var n = new TestNode(NodeConfig.at(dir))) {
            n.node.publish("store.wasm", APP, false);
            n.node.call("store", "add_all", List.of());
            n.node.call("store", "add_all", List.of());
            n.node.unload("store");
            assertThat(n.node.schema("store")).isEmpty();
            n.node.snapshot();
        }
        try (var n = new TestNode(NodeConfig.at(dir))) {
            assertThat(n.node.schema("store")).isEmpty();
            assertThat(n.node.unloadedModules()).containsExactly("store");
            n.node.publish("store.wasm", APP, false);
            assertThat(n.node.rows("store", "logged")).hasSize(2);
            assertThat(n.node.rows("store", "stateful")).hasSize(2);
            n.node.call("store", "add_all", List.of()); // auto_inc resumes after the kept rows
            assertThat(RestartTest.ids(n, "logged")).containsExactly(0L, 1L, 2L);
        }
        try (var n = new TestNode(NodeConfig.at(dir))) {
            assertThat(RestartTest.ids(n, "logged")).containsExactly(0L, 1L, 2L);
            n.node.unload("store");
            n.node.remove("store");
        }
        try (var n = new TestNode(NodeConfig.at(dir))) {
            assertThat(n.node.unloadedModules()).isEmpty();
            n.node.publish("store.wasm", APP, false);
            assertThat(n.node.rows("store", "logged")).isEmpty();
        }
    }

    /** A holder that logs the requests handed to it (their encoded event) instead of acting on them. */
    static ModuleFixture gatekeeper() {
        var event = List.of(new FieldDef("event", IntersticeType.STRING)); // the type is not checked for handlers
        return ModuleFixture.module("gatekeeper")
                .authority(Authority.MODULE)
                .reducer("on_load", event, List.of(), "(call $log_hex (local.get $ptr) (i32.const 200))")
                .reducer("on_remove", event, List.of(), "(call $log_hex (local.get $ptr) (local.get $len))")
                .subscribe("on_load", new SubscriptionEvent.Core(SubscriptionEvent.Simple.MODULE_LOAD))
                .subscribe("on_remove", new SubscriptionEvent.Core(SubscriptionEvent.Simple.MODULE_REMOVE));
    }

    @Test
    void requestsFromOutsideGoToTheHolderWhileThereIsOne() {
        t = new TestNode();
        assertThat(t.node.handLoadToHolder("cli", "store.wasm", APP, true)).isEmpty(); // no holder: admin path
        assertThatThrownBy(() -> t.node.handLoadToHolder("peer-1", "store.wasm", APP, false))
                .isInstanceOf(CallException.class)
                .hasMessageContaining("no module here holds the Module authority");

        t.node.publish("gatekeeper.wasm", gatekeeper().build(), false);
        assertThat(t.node.handLoadToHolder("peer-1", "store.wasm", APP, false))
                .contains(new Node.Handover("store", "gatekeeper"));
        assertThat(t.node.schema("store")).isEmpty(); // the holder decides; this one does nothing
        String event = HexFormat.of().formatHex(t.hexLogsOf("gatekeeper").getFirst());
        assertThat(event).contains(hex("peer-1")).contains(hex("store"));

        assertThat(t.node.handRemoveToHolder("peer-1", "other", false))
                .contains(new Node.Handover("other", "gatekeeper"));
        assertThat(HexFormat.of().formatHex(t.hexLogsOf("gatekeeper").getLast()))
                .contains(hex("other"));

        // the admin can always upgrade or remove the holder itself
        assertThat(t.node.handLoadToHolder(
                        "cli", "gatekeeper.wasm", gatekeeper().build(), true))
                .isEmpty();
        assertThat(t.node.handRemoveToHolder("cli", "gatekeeper", true)).isEmpty();
    }

    @Test
    void aHolderWithoutHandlersRefusesRequestsSayingSo() {
        t = new TestNode();
        t.node.publish("manager.wasm", manager().build(), false);
        assertThatThrownBy(() -> t.node.handLoadToHolder("cli", "store.wasm", APP, true))
                .isInstanceOf(CallException.class)
                .hasMessageContaining("holds the Module authority")
                .hasMessageContaining("handles no module_load requests");
    }
}
