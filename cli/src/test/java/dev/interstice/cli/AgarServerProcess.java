package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * A durable agar-server node in its own process (for {@link AgarServerRestartTest}, which kills it). Arguments: the
 * data directory and, optionally, a loopback port to serve on as node {@code agar-server-example}. The first start
 * loads the game and lets alice join and steer; a restart finds them in its tables. Prints READY and the food count,
 * then runs until killed.
 */
public final class AgarServerProcess {
    private AgarServerProcess() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Node node = Node.open(NodeConfig.at(dir));
        node.start();
        if (node.modules().stream().noneMatch(s -> s.name().equals("agar-server"))) {
            node.load("agar-server.wasm", ExampleCommand.exampleWasm("agar-server"));
            node.call("agar-server", "join", List.of(str("alice")), AgarServerTest.ALICE);
            AgarServerTest.place(node, "alice-node", 0, 0, 18); // far from the walls: she keeps moving after a restart
            node.call(
                    "agar-server",
                    "set_direction",
                    List.of(IntersticeValue.f32(1), IntersticeValue.f32(0)),
                    AgarServerTest.ALICE);
            Thread.sleep(300); // a few dozen ticks
            if (AgarServerTest.pos(node, "alice-node")[0] <= 0) throw new IllegalStateException("alice did not move");
        }
        if (args.length > 1)
            NodeServer.start(
                    node,
                    NetworkConfig.defaults()
                            .withNodeName("agar-server-example")
                            .withPort(Integer.parseInt(args[1]))
                            .withAdminToken(AdminToken.loadOrCreate(dir)));
        System.out.println("READY " + node.rows("agar-server", "food").size());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
