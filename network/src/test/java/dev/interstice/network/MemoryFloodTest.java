package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.network.wire.Frames;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many connections announce large frames and send all but their last byte, against a node in a 96 MiB process: the
 * node stays whole (no OutOfMemoryError), keeps serving a well-behaved client and keeps stopping a runaway reducer.
 */
@Timeout(120)
class MemoryFloodTest {
    static final int FLOODERS = 64;
    static final int FRAME = 4 << 20;

    @Test
    void unfinishedLargeFramesDoNotExhaustTheNode() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx96m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        FloodNodeMain.class.getName(),
                        "bufferWaitMs=1000",
                        "frameBodyTimeoutMs=3000")
                .redirectErrorStream(true)
                .start();
        try {
            // the node's output (its port, then its log) is read to the end, so that a full pipe never blocks it
            var started = new CompletableFuture<Integer>();
            Thread.startVirtualThread(() -> {
                try (var out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                    for (String line; (line = out.readLine()) != null; )
                        if (line.startsWith("PORT "))
                            started.complete(Integer.parseInt(line.substring(5).trim()));
                } catch (java.io.IOException ended) {
                    // the process is gone
                }
                started.completeExceptionally(new AssertionError("the node process ended without serving"));
            });
            int port = started.get(60, TimeUnit.SECONDS);
            String address = "127.0.0.1:" + port;

            byte[] body = new byte[FRAME - 1];
            var flooders = new ArrayList<CompletableFuture<List<Message>>>();
            for (int i = 0; i < FLOODERS; i++) flooders.add(flood(port, body));

            var opts = NodeClient.Options.client().withRequestTimeout(Duration.ofSeconds(10));
            try (var client = NodeClient.connect(address, opts)) {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                int calls = 0;
                // calls complete while the flood is on, and the runaway reducer is stopped at its deadline
                while (!flooders.stream().allMatch(CompletableFuture::isDone) && System.nanoTime() < until) {
                    client.call("bank", "record", List.of(), false);
                    if (++calls % 10 == 0) assertSpinStopped(client);
                }
                assertSpinStopped(client);
                client.call("bank", "record", List.of(), false);
            }
            List<String> closings = new ArrayList<>();
            for (var f : flooders)
                for (Message m : f.get(30, TimeUnit.SECONDS))
                    if (m instanceof Message.Closing c) closings.add(c.reason());
            assertThat(closings)
                    .as("refused flooders are told why")
                    .anySatisfy(r -> assertThat(r).contains("short of buffer memory"));
            assertThat(closings)
                    .as("admitted flooders are cut off at the body timeout")
                    .anySatisfy(r -> assertThat(r).contains("did not arrive within"));
            assertThat(p.isAlive()).isTrue();
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void assertSpinStopped(NodeClient client) {
        assertThatThrownBy(() -> client.call("bank", "spin", List.of(), false))
                .isInstanceOfSatisfying(
                        NetworkException.class, e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.DEADLINE));
    }

    /** Shakes hands, announces a frame of FRAME bytes, sends all but its last byte, then reads until closed. */
    private static CompletableFuture<List<Message>> flood(int port, byte[] body) {
        var done = new CompletableFuture<List<Message>>();
        Thread.startVirtualThread(() -> {
            var seen = new ArrayList<Message>();
            try (var s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(60_000);
                var o = new DataOutputStream(s.getOutputStream());
                Frames.write(
                        o,
                        MessageCodec.encode(new Message.Hello(
                                MessageCodec.MAJOR, MessageCodec.MINOR, Message.Role.CLIENT, "", "", new byte[32])));
                o.writeInt(FRAME);
                o.flush();
                var reader = Thread.startVirtualThread(() -> {
                    try {
                        byte[] b;
                        while ((b = Frames.read(s.getInputStream(), 1 << 20)) != null)
                            synchronized (seen) {
                                seen.add(MessageCodec.decode(b));
                            }
                    } catch (Exception closed) {
                        // the node closed the connection
                    }
                });
                try {
                    o.write(body);
                    o.flush();
                } catch (java.io.IOException closed) {
                    // refused while sending
                }
                reader.join();
            } catch (Exception e) {
                // connection refused or reset
            }
            synchronized (seen) {
                done.complete(List.copyOf(seen));
            }
        });
        return done;
    }
}
