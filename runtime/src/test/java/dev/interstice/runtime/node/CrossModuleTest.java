package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static dev.interstice.runtime.testing.ModuleFixture.insertOrTrap;
import static dev.interstice.runtime.testing.TestNode.hostCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Nested local calls share the caller's transaction; subscribers run after commit; visibility is enforced. */
class CrossModuleTest {
    static final TableSchema LEDGER = ModuleFixture.simpleTable(
            "ledger",
            true,
            Persistence.LOGGED,
            Visibility.PUBLIC,
            List.of(new FieldDef("amount", IntersticeType.U64)),
            List.of());
    static final TableSchema VAULT = ModuleFixture.simpleTable(
            "vault",
            true,
            Persistence.LOGGED,
            Visibility.PRIVATE,
            List.of(new FieldDef("amount", IntersticeType.U64)),
            List.of());
    static final Row ENTRY = new Row(u64(0), List.of(u64(10)));

    TestNode t;

    @BeforeEach
    void open() {
        t = new TestNode();
        t.node.load(bank().build());
        t.node.load(TransactionTest.shop().build());
        t.node.load(buyer().build());
    }

    @AfterEach
    void close() {
        t.close();
    }

    static ModuleFixture bank() {
        return ModuleFixture.module("bank")
                .table(LEDGER)
                .table(VAULT)
                .blob("entry", Abi.encodeRow(ENTRY))
                .reducer(
                        "record",
                        List.of(),
                        List.of("ledger", "vault"),
                        insertOrTrap("ledger", "entry") + insertOrTrap("vault", "entry"))
                .reducer("boom", List.of(), List.of("ledger"), insertOrTrap("ledger", "entry") + "unreachable")
                .subscribe(
                        "on_item",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.INSERT, Selection.CURRENT, "shop", "items"))
                .reducer(
                        "on_item",
                        List.of(new FieldDef("row", new IntersticeType.Named("items"))),
                        List.of(),
                        "(call $log_hex (local.get $ptr) (local.get $len))")
                .subscribe(
                        "on_item_update",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.UPDATE, Selection.CURRENT, "shop", "items"))
                .reducer(
                        "on_item_update",
                        List.of(
                                new FieldDef("old", new IntersticeType.Named("items")),
                                new FieldDef("new", new IntersticeType.Named("items"))),
                        List.of(),
                        "(call $log_hex (local.get $ptr) (local.get $len))")
                .subscribe(
                        "on_item_delete",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.DELETE, Selection.CURRENT, "shop", "items"))
                .reducer(
                        "on_item_delete",
                        List.of(new FieldDef("row", new IntersticeType.Named("items"))),
                        List.of(),
                        "(call $log_hex (local.get $ptr) (local.get $len))")
                .type(new dev.interstice.abi.schema.TypeDef.Struct(
                        "items",
                        List.of(
                                new FieldDef("id", IntersticeType.U64),
                                new FieldDef("name", IntersticeType.STRING),
                                new FieldDef("qty", IntersticeType.U32))));
    }

    static ModuleFixture buyer() {
        return ModuleFixture.module("buyer")
                .blob(
                        "callRecord",
                        hostCall(new HostCall.CallReducer(
                                Selection.CURRENT, Selection.other("bank"), "record", IntersticeValue.vec())))
                .blob(
                        "callBoom",
                        hostCall(new HostCall.CallReducer(
                                Selection.CURRENT, Selection.other("bank"), "boom", IntersticeValue.vec())))
                .blob(
                        "callSelf",
                        hostCall(new HostCall.CallReducer(
                                Selection.CURRENT, Selection.CURRENT, "buy", IntersticeValue.vec())))
                .blob(
                        "callMissing",
                        hostCall(new HostCall.CallReducer(
                                Selection.CURRENT, Selection.other("bank"), "nope", IntersticeValue.vec())))
                .blob(
                        "callRemote",
                        hostCall(new HostCall.CallReducer(
                                Selection.other("far-node"), Selection.other("bank"), "record", IntersticeValue.vec())))
                .blob("scanLedger", hostCall(new HostCall.TableScan(Selection.other("bank"), "ledger")))
                .blob("scanVault", hostCall(new HostCall.TableScan(Selection.other("bank"), "vault")))
                .reducer(
                        "buy",
                        List.of(),
                        List.of("bank.ledger", "bank.vault"),
                        hostCallAndLog("callRecord") + hostCallAndLog("scanLedger") + hostCallAndLog("scanVault"))
                .reducer("buy_then_trap", List.of(), List.of(), hostCallAndLog("callRecord") + "unreachable")
                .reducer("buy_boom", List.of(), List.of(), hostCallAndLog("callBoom"))
                .reducer("self_call", List.of(), List.of(), hostCallAndLog("callSelf"))
                .reducer("call_missing", List.of(), List.of(), hostCallAndLog("callMissing"))
                .reducer("call_remote", List.of(), List.of(), hostCallAndLog("callRemote"));
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void nestedCallJoinsTheCallersTransactionAndSeesItsWrites() {
        t.node.call("buyer", "buy", List.of());
        assertThat(t.node.rows("bank", "ledger")).containsExactly(ENTRY);
        List<byte[]> h = t.hexLogsOf("buyer");
        assertThat(h.get(0)).containsExactly(0); // CallReducerResponse::Ok
        assertThat(TransactionTest.rowsResponse(h.get(1))).containsExactly(ENTRY); // uncommitted nested write visible
        assertThat(h.get(2)[0]).as("private table of another module").isEqualTo((byte) 1);
        assertThat(text(h.get(2))).contains("no table 'vault' in module 'bank'");
    }

    @Test
    void callerTrapRollsBackTheNestedCallsWrites() {
        assertThatThrownBy(() -> t.node.call("buyer", "buy_then_trap", List.of()))
                .isInstanceOf(CallException.class);
        assertThat(t.node.rows("bank", "ledger")).isEmpty();
        assertThat(t.node.rows("bank", "vault")).isEmpty();
    }

    @Test
    void calleeTrapAbortsTheWholeTransaction() {
        assertThatThrownBy(() -> t.node.call("buyer", "buy_boom", List.of()))
                .isInstanceOf(CallException.class)
                .hasMessageContaining("bank");
        assertThat(t.node.rows("bank", "ledger")).isEmpty();
    }

    @Test
    void reentrantUnknownAndRemoteCallsAnswerErrors() {
        t.node.call("buyer", "self_call", List.of());
        t.node.call("buyer", "call_missing", List.of());
        t.node.call("buyer", "call_remote", List.of());
        List<byte[]> h = t.hexLogsOf("buyer");
        assertThat(text(h.get(0))).contains("re-entrant");
        assertThat(text(h.get(1))).contains("no reducer 'nope'");
        assertThat(text(h.get(2))).contains("far-node");
        assertThat(h).allSatisfy(b -> assertThat(b[0]).isEqualTo((byte) 1));
    }

    @Test
    void subscribersRunAfterCommitOncePerRowInOrder() {
        t.node.call("shop", "add_and_read", List.of()); // inserts apple then pear in one transaction
        List<byte[]> h = t.hexLogsOf("bank");
        assertThat(h).hasSize(2);
        var first = Abi.readCallInput(new PostcardReader(h.get(0)));
        var second = Abi.readCallInput(new PostcardReader(h.get(1)));
        assertThat(first.context())
                .as("a table event is started by the runtime")
                .isEqualTo(new dev.interstice.abi.host.CallContext(t.node.id(), ""));
        assertThat(first.args()).containsExactly(IntersticeValue.vec(u64(0), str("apple"), u32(3)));
        assertThat(second.args()).containsExactly(IntersticeValue.vec(u64(1), str("pear"), u32(3)));
    }

    @Test
    void updateAndDeleteEventsCarryOldAndNewRows() {
        t.node.call("shop", "add_apple", List.of());
        t.node.call("shop", "rename_0_to_pear", List.of());
        t.node.call("shop", "delete_0", List.of());
        List<byte[]> h = t.hexLogsOf("bank");
        assertThat(h).hasSize(3);
        var update = Abi.readCallInput(new PostcardReader(h.get(1)));
        assertThat(update.args())
                .containsExactly(
                        IntersticeValue.vec(u64(0), str("apple"), u32(3)),
                        IntersticeValue.vec(u64(0), str("pear"), u32(9)));
        var delete = Abi.readCallInput(new PostcardReader(h.get(2)));
        assertThat(delete.args()).containsExactly(IntersticeValue.vec(u64(0), str("pear"), u32(9)));
    }

    @Test
    void noEventsFromRolledBackTransactions() {
        assertThatThrownBy(() -> t.node.call("shop", "add_then_trap", List.of()))
                .isInstanceOf(CallException.class);
        assertThat(t.hexLogsOf("bank")).isEmpty();
    }

    @Test
    void subscriptionHandlersCannotBeCalledDirectly() {
        assertThatThrownBy(() -> t.node.call("bank", "on_item", List.of(IntersticeValue.vec(u64(0), str("x"), u32(1)))))
                .isInstanceOf(CallException.class)
                .hasMessageContaining("handles a subscription");
    }

    @Test
    void subscribingToAnotherModulesPrivateTableIsRefused() {
        var spy = ModuleFixture.module("spy")
                .subscribe(
                        "peek",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.INSERT, Selection.CURRENT, "bank", "vault"))
                .reducer("peek", List.of(new FieldDef("row", IntersticeType.U64)), List.of(), "");
        assertThatThrownBy(() -> t.node.load(spy.build()))
                .isInstanceOf(ModuleException.class)
                .hasMessageContaining("not a public table");
        assertThat(t.node.schema("spy")).isEmpty();
    }
}
