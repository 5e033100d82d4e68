package dev.interstice.network;

import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.AuthorityCodec;
import dev.interstice.abi.host.ModuleCall;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.testing.ModuleFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Module authority requests over the network: from the CLI (routing to the holder) and from another node's module. */
@Timeout(60)
class ModuleRequestTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final byte[] BANK = Fixtures.bank().build();

    NetNode target;
    NetNode asker;

    @BeforeEach
    void start() {
        target = new NetNode("target-node");
        asker = new NetNode("asker-node");
    }

    @AfterEach
    void stop() {
        asker.close();
        target.close();
    }

    /** Module "asker" (Module authority) asks node "target" to load "bank" or remove it; logs module_result's input. */
    static byte[] askerModule(String targetAddress) {
        var f = ModuleFixture.module("asker")
                .authority(Authority.MODULE)
                .blob("load", AuthorityCodec.encodeHostCall(new ModuleCall.Load(Selection.other("target"), BANK)))
                .blob("remove", AuthorityCodec.encodeHostCall(new ModuleCall.Remove(Selection.other("target"), "bank")))
                .reducer("load_there", List.of(), List.of(), hostCallAndLog("load"))
                .reducer("remove_there", List.of(), List.of(), hostCallAndLog("remove"))
                .reducer(
                        "module_result",
                        List.of(
                                new FieldDef("op", IntersticeType.STRING),
                                new FieldDef("module", IntersticeType.STRING),
                                new FieldDef("error", new IntersticeType.Option(IntersticeType.STRING))),
                        List.of(),
                        "(call $log_hex (local.get $ptr) (local.get $len))");
        return Fixtures.withNodeDependency(f, "target", targetAddress);
    }

    /** Module "gatekeeper" holds Module and logs the first 300 bytes of the requests handed to it. */
    static byte[] gatekeeper() {
        var event = List.of(new FieldDef("event", IntersticeType.STRING)); // handlers' argument types are not checked
        return ModuleFixture.module("gatekeeper")
                .authority(Authority.MODULE)
                .reducer("on_load", event, List.of(), "(call $log_hex (local.get $ptr) (i32.const 300))")
                .reducer("on_remove", event, List.of(), "(call $log_hex (local.get $ptr) (local.get $len))")
                .subscribe("on_load", new SubscriptionEvent.Core(SubscriptionEvent.Simple.MODULE_LOAD))
                .subscribe("on_remove", new SubscriptionEvent.Core(SubscriptionEvent.Simple.MODULE_REMOVE))
                .build();
    }

    /** The (op, module, error) calls of asker's module_result so far. */
    static List<List<IntersticeValue>> results(NetNode n) {
        var out = new ArrayList<List<IntersticeValue>>();
        for (byte[] b : n.t.hexLogsOf("asker")) {
            if (b.length < 8) continue; // the answers to the host calls
            out.add(Fixtures.loggedArgs(b));
        }
        return out;
    }

    static String text(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void aPeersRequestIsRefusedWhereNoModuleHoldsTheModuleAuthority() {
        asker.t.node.publish("asker.wasm", askerModule(target.address()), false);
        asker.t.node.call("asker", "load_there", List.of());
        NetNode.await("the outcome", () -> !results(asker).isEmpty());
        var r = results(asker).getFirst();
        assertThat(r.get(0)).isEqualTo(IntersticeValue.str("load"));
        assertThat(r.get(2)).isInstanceOf(IntersticeValue.Option.class);
        assertThat(((IntersticeValue.Option) r.get(2)).value().toString())
                .contains("no module here holds the Module authority");
        assertThat(target.t.node.schema("bank")).isEmpty();
    }

    @Test
    void aPeersRequestIsHandedToTheHolderThereWithTheRequestersNodeId() {
        target.t.node.publish("gatekeeper.wasm", gatekeeper(), false);
        asker.t.node.publish("asker.wasm", askerModule(target.address()), false);
        asker.t.node.call("asker", "load_there", List.of());
        NetNode.await("the outcome", () -> !results(asker).isEmpty());
        assertThat(results(asker).getFirst())
                .containsExactly(IntersticeValue.str("load"), IntersticeValue.str("bank"), IntersticeValue.none());
        assertThat(target.t.node.schema("bank")).isEmpty(); // the gatekeeper decides, and does nothing
        String event = text(target.t.hexLogsOf("gatekeeper").getFirst());
        assertThat(event).contains("LoadRequest").contains(asker.t.node.id()).contains("bank");

        asker.t.node.call("asker", "remove_there", List.of());
        NetNode.await("the remove outcome", () -> results(asker).size() == 2);
        assertThat(results(asker).get(1))
                .containsExactly(IntersticeValue.str("remove"), IntersticeValue.str("bank"), IntersticeValue.none());
        assertThat(text(target.t.hexLogsOf("gatekeeper").getLast())).contains("RemoveRequest");
    }

    @Test
    void theAdminsPublishAndRemoveGoToTheHolderWhileThereIsOne() {
        try (var admin = target.admin()) {
            assertThat(admin.submit("gatekeeper.wasm", gatekeeper(), false, WAIT))
                    .isInstanceOf(Message.Published.class);
            Message.Reply r = admin.submit("bank.wasm", BANK, false, WAIT);
            assertThat(r).isEqualTo(new Message.Handed(((Message.Handed) r).id(), "bank", "gatekeeper"));
            assertThat(target.t.node.schema("bank")).isEmpty();
            assertThat(text(target.t.hexLogsOf("gatekeeper").getFirst())).contains(target.t.node.id());
            // the holder itself: upgraded and removed by the admin directly
            assertThat(admin.submit("gatekeeper.wasm", gatekeeper(), false, WAIT))
                    .isInstanceOf(Message.Published.class);
            assertThat(admin.remove("gatekeeper")).isEmpty();
            assertThat(admin.submit("bank.wasm", BANK, false, WAIT)).isInstanceOf(Message.Published.class);
            assertThat(target.t.node.schema("bank")).isPresent();
        }
    }

    @Test
    void unloadKeepsTheRowsForTheNextPublish() {
        try (var admin = target.admin()) {
            admin.publish("bank.wasm", BANK, false, WAIT);
            admin.call("bank", "record", List.of(), true);
            admin.unload("bank");
            assertThat(target.t.node.schema("bank")).isEmpty();
            assertThatThrownBy(() -> admin.unload("bank"))
                    .isInstanceOf(NetworkException.class)
                    .hasMessageContaining("no module 'bank' is loaded");
            admin.publish("bank.wasm", BANK, false, WAIT);
            assertThat(target.t.node.rows("bank", "ledger")).hasSize(1);
        }
        try (var client = target.client()) {
            assertThatThrownBy(() -> client.unload("bank"))
                    .isInstanceOf(NetworkException.class)
                    .hasMessageContaining("needs the admin credential");
        }
    }
}
