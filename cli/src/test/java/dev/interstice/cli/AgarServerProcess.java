package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * A durable agar-server node in its own process (for {@link AgarServerRestartTest}, which kills it): loads the game,
 * lets alice join and steer, prints READY and runs until killed.
 */
public final class AgarServerProcess {
    private AgarServerProcess() {}

    public static void main(String[] args) throws Exception {
        Node node = Node.open(NodeConfig.at(Path.of(args[0])));
        node.start();
        node.load("agar-server.wasm", ExampleCommand.exampleWasm("agar-server"));
        node.call("agar-server", "join", List.of(str("alice")), AgarServerTest.ALICE);
        AgarServerTest.place(node, "alice-node", 0, 0, 18); // far from the walls: she keeps moving after the restart
        node.call(
                "agar-server",
                "set_direction",
                List.of(IntersticeValue.f32(1), IntersticeValue.f32(0)),
                AgarServerTest.ALICE);
        Thread.sleep(300); // a few dozen ticks
        if (AgarServerTest.pos(node, "alice-node")[0] <= 0) throw new IllegalStateException("alice did not move");
        System.out.println("READY " + node.rows("agar-server", "food").size());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
