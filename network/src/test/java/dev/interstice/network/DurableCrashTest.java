package dev.interstice.network;

import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node process is killed (SIGKILL) while several network clients each wait for one durable call at a time; after
 * a restart every call that was acknowledged as durable is there. Three rounds on the same data directory.
 */
@Timeout(180)
class DurableCrashTest {
    static final int ROUNDS = 3;
    static final int CLIENTS = 4;

    @Test
    void everyDurablyAcknowledgedCallSurvivesAKill(@TempDir Path dir) throws Exception {
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        for (int round = 0; round < ROUNDS; round++) {
            Process node = launch(dir);
            String address = awaitReady(node);
            int before = acknowledged.size();
            int target = before + 50 + ThreadLocalRandom.current().nextInt(200); // then kill, at a random point
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                long client = round * CLIENTS + c + 1L;
                clients.add(Thread.ofPlatform().start(() -> callUntilKilled(address, client, acknowledged)));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acknowledged.size() < target && System.nanoTime() < until) Thread.onSpinWait();
            node.destroyForcibly();
            assertThat(node.waitFor(10, TimeUnit.SECONDS)).isTrue();
            for (Thread t : clients) t.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(acknowledged).as("round %d made progress", round).hasSizeGreaterThan(before);

            try (Node reopened = Node.open(NodeConfig.at(dir).withLogSink((m, s) -> {}))) {
                Set<Long> logged = ids(reopened, "logged");
                assertThat(logged)
                        .as("round %d: every durably acknowledged call survived the kill", round)
                        .containsAll(acknowledged);
                assertThat(ids(reopened, "stateful"))
                        .as("one transaction wrote both tables")
                        .isEqualTo(logged);
            }
        }
    }

    /** One call in flight at a time, durable, until the connection dies with the node. */
    private static void callUntilKilled(String address, long client, Set<Long> acknowledged) {
        try (NodeClient c = NodeClient.connect(address, NodeClient.Options.client())) {
            for (long seq = 0; ; seq++) {
                long id = client * 1_000_000_000L + seq;
                Message.Called r = c.call("crash", "put", List.of(u64(id)), true);
                if (r.acknowledged() == Acknowledged.DURABLE) acknowledged.add(id);
                else throw new AssertionError("a durable call was acknowledged " + r.acknowledged());
            }
        } catch (RuntimeException killed) {
            // the node is gone
        }
    }

    private static Process launch(Path dir) throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        DurableCrashNodeMain.class.getName(),
                        dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static String awaitReady(Process p) throws java.io.IOException {
        var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) if (line.startsWith("READY ")) return line.substring(6);
        throw new AssertionError("the node process exited before it was ready");
    }

    private static Set<Long> ids(Node node, String table) {
        var out = new HashSet<Long>();
        for (Row r : node.rows("crash", table)) out.add(((IntersticeValue.U64) r.primaryKey()).value());
        return out;
    }
}
