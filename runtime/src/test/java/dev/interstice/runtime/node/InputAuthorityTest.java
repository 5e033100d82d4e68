package dev.interstice.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.InputEvents;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.testing.Displays;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A frame's input reaches the Input holder's `input` handler in order, as one transaction, whole or not at all. */
class InputAuthorityTest {
    static final String LOG_INPUT = "(call $log_hex (local.get $ptr) (local.get $len))";
    TestNode t;

    @AfterEach
    void close() {
        if (t != null) t.close();
    }

    static TestNode inputNode() {
        return new TestNode(NodeConfig.inMemory()
                .withAuthorities(AuthorityConfig.headless()
                        .withOffered(EnumSet.of(Authority.INPUT, Authority.MODULE, Authority.NETWORK))));
    }

    static ModuleFixture game(String handlerBody) {
        return ModuleFixture.module("game")
                .authority(Authority.INPUT)
                .subscribe("on_input", new SubscriptionEvent.Core(SubscriptionEvent.Simple.INPUT))
                // as upstream's SDK modules declare it: the event type is the node's, not in the module's schema
                .reducer("on_input", List.of(), List.of(), handlerBody);
    }

    /** The events the handler received, decoded from the (CallContext, Vec(args)) it logged. */
    private List<IntersticeValue> received() {
        return t.hexLogsOf("game").stream()
                .map(b -> {
                    var r = new PostcardReader(b);
                    r.readString(); // caller node id
                    r.readString(); // caller module
                    var args = (IntersticeValue.Vec) Abi.readValue(r);
                    return args.items().getFirst();
                })
                .toList();
    }

    @Test
    void aFramesEventsReachTheHolderInOrderInOneTransaction() {
        t = inputNode();
        t.node.publish("game.wasm", game(LOG_INPUT).build(), false);
        long before = t.node.lastTxId();
        var frame = List.of(
                InputEvents.key(0, "KeyW", 17, true),
                InputEvents.mouseMotion(1, 3.5, -2),
                InputEvents.key(0, "KeyW", 17, false));
        assertThat(t.node.authorities().input().deliver(frame)).isTrue();
        assertThat(received()).isEqualTo(frame);
        assertThat(t.node.lastTxId()).isEqualTo(before + 1);
    }

    @Test
    void aFailingHandlerDropsItsFrameAndTheNextFrameIsDelivered() {
        t = inputNode();
        // logs, then traps on the second event of a frame: nothing of that frame is applied
        t.node.publish(
                "game.wasm",
                game(LOG_INPUT + "\n(global.set $seen (i32.add (global.get $seen) (i32.const 1)))"
                                + "\n(if (i32.eq (global.get $seen) (i32.const 2)) (then unreachable))")
                        .func("(global $seen (mut i32) (i32.const 0))")
                        .build(),
                false);
        long before = t.node.lastTxId();
        t.node.authorities().input().deliver(List.of(InputEvents.added(1), InputEvents.added(2)));
        assertThat(t.node.lastTxId()).as("the trapping frame committed nothing").isEqualTo(before);
        t.node.authorities().input().deliver(List.of(InputEvents.removed(1)));
        assertThat(t.node.lastTxId()).isEqualTo(before + 1);
    }

    @Test
    void windowEventsReachOnlyAModuleWhoseSchemaDeclaresThem() {
        var frame = List.of(
                InputEvents.windowResized(640, 480),
                InputEvents.key(0, "KeyA", 38, true),
                InputEvents.windowFocused(true),
                InputEvents.closeRequested());
        t = inputNode();
        t.node.publish("game.wasm", game(LOG_INPUT).build(), false);
        t.node.authorities().input().deliver(frame);
        assertThat(received())
                .as("upstream's decoder would trap on them: a module built without them never sees them")
                .containsExactly(InputEvents.key(0, "KeyA", 38, true));
        t.close();

        t = inputNode();
        var opted = game(LOG_INPUT);
        Displays.inputTypesWithWindowEvents().forEach(opted::type);
        t.node.publish("game.wasm", opted.build(), false);
        t.node.authorities().input().deliver(frame);
        assertThat(received()).isEqualTo(frame);
    }

    @Test
    void withoutAHolderInputIsDropped() {
        t = inputNode();
        assertThat(t.node.authorities().input().deliver(List.of(InputEvents.added(1))))
                .isFalse();
    }
}
