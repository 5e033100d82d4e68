package dev.interstice.runtime.node;

import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.window.WindowSettings;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.testing.ModuleFixture;
import java.util.EnumSet;
import java.util.List;

/**
 * Run by {@link NoDisplayTest} in a process without DISPLAY: opens a node that wants a window, prints its start-up
 * line, then what publishing an Input module answers.
 */
public final class NoDisplayNodeMain {
    private NoDisplayNodeMain() {}

    public static void main(String[] args) {
        try (var node = Node.open(NodeConfig.inMemory()
                .withAuthorities(AuthorityConfig.headless()
                        .withOffered(EnumSet.of(Authority.MODULE, Authority.GPU, Authority.INPUT))
                        .withWindow(WindowSettings.window().withTitle("no-display"))))) {
            System.out.println("SUMMARY " + node.authorities().summary());
            System.out.println("WINDOW " + node.authorities().window().isPresent());
            try {
                node.publish(
                        "game.wasm",
                        ModuleFixture.module("game")
                                .authority(Authority.INPUT)
                                .subscribe("on_input", new SubscriptionEvent.Core(SubscriptionEvent.Simple.INPUT))
                                .reducer("on_input", List.of(), List.of(), "")
                                .build(),
                        false);
                System.out.println("PUBLISHED");
            } catch (ModuleException e) {
                System.out.println("REFUSED " + e.getMessage());
            }
        }
    }
}
