package dev.interstice.cli;

import dev.interstice.abi.schema.Authority;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.window.WindowSettings;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

/**
 * Nodes for the example modules that draw: a real window (Xvfb in CI, {@code Displays.require()} skips without one),
 * a real GPU pipeline, and a data directory so that the node's log can be replayed after the test.
 */
final class WindowNodes {
    private WindowNodes() {}

    /** A node offering Module, Gpu and Input, with a window titled {@code module}; that module's log lines go to logs. */
    static Node open(Path dataDir, String module, int width, int height, List<String> logs) {
        return Node.open(NodeConfig.at(dataDir)
                .withLogSink((m, line) -> {
                    if (m.equals(module)) logs.add(line);
                })
                .withAuthorities(AuthorityConfig.headless()
                        .withOffered(EnumSet.of(Authority.MODULE, Authority.GPU, Authority.INPUT))
                        .withWindow(WindowSettings.window().withTitle(module).withSize(width, height))));
    }
}
