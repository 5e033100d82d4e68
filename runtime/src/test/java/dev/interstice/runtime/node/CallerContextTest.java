package dev.interstice.runtime.node;

import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static dev.interstice.runtime.testing.ModuleFixture.insertOrTrap;
import static dev.interstice.runtime.testing.TestNode.hostCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a reducer sees as its caller (docs/abi.md §5, upstream's RawReducerContext): calls the runtime starts itself
 * (init, load, table events, schedules, connect/disconnect) carry this node's id and no caller module; a local call from
 * another module carries that module's name.
 */
class CallerContextTest {
    static final String LOG_INPUT = "(call $log_hex (local.get $ptr) (local.get $len))";

    final TestNode t = new TestNode();

    @AfterEach
    void close() {
        t.close();
    }

    static ModuleFixture watcher() {
        return ModuleFixture.module("watcher")
                .table(TransactionTest.ITEMS)
                .blob("apple", Abi.encodeRow(TransactionTest.APPLE))
                .blob("soon", hostCall(new HostCall.Schedule("scheduled", 0)))
                .subscribe("on_init", new SubscriptionEvent.Core(SubscriptionEvent.Simple.INIT))
                .subscribe("on_load", new SubscriptionEvent.Core(SubscriptionEvent.Simple.LOAD))
                .subscribe("on_connect", new SubscriptionEvent.Core(SubscriptionEvent.Simple.CONNECT))
                .subscribe(
                        "on_item",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.INSERT, Selection.CURRENT, "watcher", "items"))
                .reducer("on_init", List.of(), List.of(), LOG_INPUT)
                .reducer("on_load", List.of(), List.of(), LOG_INPUT)
                .reducer("on_connect", List.of(new FieldDef("node", IntersticeType.STRING)), List.of(), LOG_INPUT)
                .reducer(
                        "on_item",
                        List.of(new FieldDef("row", new IntersticeType.Named("items"))),
                        List.of(),
                        LOG_INPUT)
                .reducer("add", List.of(), List.of("items"), insertOrTrap("items", "apple"))
                .reducer("later", List.of(), List.of(), hostCallAndLog("soon"))
                .reducer("scheduled", List.of(), List.of(), LOG_INPUT)
                .reducer("called", List.of(), List.of(), LOG_INPUT);
    }

    private CallContext lastCaller() {
        var logs = t.hexLogsOf("watcher");
        return Abi.readCallInput(new PostcardReader(logs.getLast())).context();
    }

    @Test
    void callsTheRuntimeStartsCarryTheNodeIdAndNoModule() throws Exception {
        t.node.load(watcher().build());
        var runtime = new CallContext(t.node.id(), "");
        var logs = t.hexLogsOf("watcher");
        assertThat(logs).hasSize(2);
        for (byte[] hook : logs)
            assertThat(Abi.readCallInput(new PostcardReader(hook)).context())
                    .as("init and load")
                    .isEqualTo(runtime);

        t.node.call("watcher", "add", List.of());
        assertThat(lastCaller()).as("table event").isEqualTo(runtime);

        t.node.call("watcher", "later", List.of());
        LifecycleTest.await(() -> t.hexLogsOf("watcher").size() == 5);
        assertThat(lastCaller()).as("schedule").isEqualTo(runtime);

        t.node.peerConnected("peer-node-id", true);
        assertThat(lastCaller()).as("connect hook").isEqualTo(runtime);
        assertThat(Abi.readCallInput(new PostcardReader(t.hexLogsOf("watcher").getLast()))
                        .args())
                .as("the peer is the argument")
                .containsExactly(dev.interstice.abi.value.IntersticeValue.str("peer-node-id"));
    }
}
