package dev.interstice.network;

import dev.interstice.runtime.engine.EngineConfig;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.time.Duration;
import java.util.List;

/**
 * A node in its own (small-heap) process for {@link MemoryFloodTest}: module "bank" plus a reducer "spin" that loops
 * forever (stopped by a 300 ms deadline). Options {@code name=value}: bufferWaitMs, frameBodyTimeoutMs. Prints "PORT n"
 * once it serves; exits when its standard input closes.
 */
public final class FloodNodeMain {
    private FloodNodeMain() {}

    public static void main(String[] args) throws Exception {
        var node = Node.open(NodeConfig.inMemory()
                .withEngine(
                        EngineConfig.defaults().withMaxMemoryBytes(16 << 20).withCallDeadline(Duration.ofMillis(300)))
                .withLogSink((m, s) -> {}));
        node.load(Fixtures.bank()
                .reducer("spin", List.of(), List.of(), "(loop $forever (br $forever))")
                .build());
        var config = NetworkConfig.defaults().withInsecureLoopback(true); // the flood speaks plaintext
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "bufferWaitMs" -> config = config.withBufferWait(Duration.ofMillis(Long.parseLong(kv[1])));
                case "frameBodyTimeoutMs" ->
                    config = config.withFrameBodyTimeout(Duration.ofMillis(Long.parseLong(kv[1])));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        var server = NodeServer.start(node, config);
        System.out.println("PORT " + server.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            /* until the test closes our input */
        }
        Runtime.getRuntime().halt(0);
    }
}
