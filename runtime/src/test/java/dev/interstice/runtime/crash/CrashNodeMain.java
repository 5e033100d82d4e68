package dev.interstice.runtime.crash;

import static dev.interstice.abi.value.IntersticeValue.u64;

import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A node process under load, to be killed: {@code CrashNodeMain <dataDir> <ack> <firstClient> <clients>}. Each client
 * thread calls {@code put(client * 1e9 + seq)} for seq = 0, 1, ... and prints "ACK <id>" once the call is acknowledged.
 */
public final class CrashNodeMain {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Ack ack = Ack.valueOf(args[1]);
        int first = Integer.parseInt(args[2]);
        int clients = Integer.parseInt(args[3]);
        var out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        Node node = Node.open(NodeConfig.at(dir).withAck(ack).withLogSink((m, s) -> {}));
        if (node.schema("crash").isEmpty()) node.load(CrashWorkload.module());
        System.out.println("READY");
        System.out.flush();
        for (int c = first; c < first + clients; c++) {
            long client = c;
            Thread.ofPlatform().start(() -> {
                for (long seq = 0; ; seq++) {
                    long id = client * 1_000_000_000L + seq;
                    node.call("crash", "put", List.of(u64(id)));
                    synchronized (out) {
                        out.println("ACK " + id);
                        out.flush();
                    }
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
