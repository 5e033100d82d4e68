package dev.interstice.network;

import dev.interstice.runtime.crash.CrashWorkload;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Path;

/**
 * A durable node serving the crash workload in its own process, for {@link DurableCrashTest} to kill: argument
 * {@code dataDir}; loads module "crash" unless the node has it, prints "READY host:port", serves until killed.
 */
public final class DurableCrashNodeMain {
    private DurableCrashNodeMain() {}

    public static void main(String[] args) throws Exception {
        Node node = Node.open(NodeConfig.at(Path.of(args[0])).withLogSink((m, msg) -> {}));
        if (node.schema("crash").isEmpty()) node.load(CrashWorkload.module());
        NodeServer server = NodeServer.start(node, NetNode.fast().withNodeName("crash-node"));
        System.out.println("READY " + server.address());
        System.out.flush();
        while (System.in.read() >= 0) {
            /* until the test kills us (or closes our input) */
        }
        Runtime.getRuntime().halt(0);
    }
}
