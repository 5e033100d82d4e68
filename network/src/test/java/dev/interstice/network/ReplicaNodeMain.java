package dev.interstice.network;

import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A replicating node in its own process for {@link ReplicaTest}, so that the test can kill it (SIGKILL): arguments
 * {@code dataDir bankAddress}; loads module "copy" (replicating bank-node.bank.ledger) unless the node has it, serves
 * as "app-node", prints "READY", then every guest log line as "LOG module message"; exits when its input closes.
 */
public final class ReplicaNodeMain {
    private ReplicaNodeMain() {}

    public static void main(String[] args) throws Exception {
        Node node = Node.openDeferred(NodeConfig.at(Path.of(args[0])).withLogSink((m, msg) -> {
            System.out.println("LOG " + m + " " + msg);
            System.out.flush();
        }));
        if (node.schema("copy").isEmpty()) node.load(ReplicaFixtures.copy(args[1], false));
        NodeServer.start(node, NetNode.fast().withNodeName("app-node"));
        System.out.println("READY");
        System.out.flush();
        while (System.in.read() >= 0) {
            /* until the test closes our input (or kills us) */
        }
        Runtime.getRuntime().halt(0);
    }

    /** A running child and the lines it printed. */
    record Child(Process process, LinkedBlockingQueue<String> lines) {
        /** Waits (at most 60 s) for a line equal to {@code line}. */
        void await(String line) throws InterruptedException {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (String l; ; ) {
                l = lines.poll(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null) throw new AssertionError("the replicating node never printed " + line);
                if (l.equals(line)) return;
            }
        }
    }

    static Child launch(Path dir, String bankAddress) throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx128m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ReplicaNodeMain.class.getName(),
                        dir.toString(),
                        bankAddress)
                .redirectErrorStream(true)
                .start();
        var lines = new LinkedBlockingQueue<String>();
        Thread.startVirtualThread(() -> {
            try (var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) lines.add(line);
            } catch (java.io.IOException ended) {
                // the process is gone
            }
        });
        return new Child(p, lines);
    }
}
