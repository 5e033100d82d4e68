package dev.interstice.runtime.crash;

import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.MigrationModules;
import java.nio.file.Path;
import java.util.List;

/**
 * A node process to be killed during a migration: {@code MigrationCrashMain <dataDir> <thousands of rows>} publishes
 * {@link MigrationModules#v1} with that many rows, prints "MIGRATING", publishes v2 (every row rewritten), prints
 * "MIGRATED <ms the publish took>" and waits.
 */
public final class MigrationCrashMain {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int thousands = Integer.parseInt(args[1]);
        Node node = Node.open(NodeConfig.at(dir).withLogSink((m, s) -> {}));
        node.publish("inv.wasm", MigrationModules.v1().build(), false);
        for (int i = 0; i < thousands; i++) node.call("inv", "fill", List.of());
        byte[] v2 = MigrationModules.v2().build();
        System.out.println("MIGRATING");
        System.out.flush();
        long t0 = System.nanoTime();
        node.publish("inv2.wasm", v2, Node.PublishOptions.DEFAULT);
        System.out.println("MIGRATED " + (System.nanoTime() - t0) / 1_000_000);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
