package dev.interstice.runtime.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real node process under concurrent load, SIGKILLed at random points and restarted, many times. Durable mode: no
 * acknowledged transaction is ever missing. Both modes: the logged and the stateful table hold the same rows (one
 * transaction wrote both), each client's rows are a gap-free prefix of what it sent, and every restart succeeds.
 */
class NodeCrashTest {
    static final int ROUNDS = 6;
    static final int CLIENTS = 4;

    @ParameterizedTest
    @EnumSource(Ack.class)
    void killedNodeRecoversAConsistentPrefix(Ack ack, @TempDir Path dir) throws Exception {
        Set<Long> acknowledged = new HashSet<>();
        for (int round = 0; round < ROUNDS; round++) {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            var pb = new ProcessBuilder(
                            java,
                            "-Xmx512m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            CrashNodeMain.class.getName(),
                            dir.toString(),
                            ack.name(),
                            String.valueOf(round * CLIENTS + 1),
                            String.valueOf(CLIENTS))
                    .redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            var acks = new HashSet<Long>();
            var ready = new java.util.concurrent.CountDownLatch(1);
            var reader = Thread.ofPlatform().start(() -> {
                try (var in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("ACK "))
                            synchronized (acks) {
                                acks.add(Long.parseLong(line.substring(4)));
                            }
                        else if (line.equals("READY")) ready.countDown();
                    }
                } catch (java.io.IOException ignored) {
                    // the process was killed
                }
                ready.countDown();
            });
            assertThat(ready.await(60, TimeUnit.SECONDS))
                    .as("node process started")
                    .isTrue();
            Thread.sleep(200 + ThreadLocalRandom.current().nextInt(1000)); // then kill at a random point under load
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            reader.join(5000);
            synchronized (acks) {
                acknowledged.addAll(acks);
            }

            try (Node node = Node.open(NodeConfig.at(dir).withLogSink((m, s) -> {}))) {
                Set<Long> logged = ids(node, "logged");
                Set<Long> stateful = ids(node, "stateful");
                assertThat(stateful)
                        .as("round %d: one transaction wrote both tables", round)
                        .isEqualTo(logged);
                if (ack == Ack.DURABLE)
                    assertThat(logged)
                            .as("round %d: acknowledged transactions survive", round)
                            .containsAll(acknowledged);
                var perClient = new TreeMap<Long, TreeSet<Long>>();
                for (long id : logged)
                    perClient
                            .computeIfAbsent(id / 1_000_000_000L, k -> new TreeSet<>())
                            .add(id % 1_000_000_000L);
                perClient.forEach((client, seqs) -> assertThat(seqs.last())
                        .as("client %d has no gaps", client)
                        .isEqualTo(seqs.size() - 1));
                if (round == ROUNDS - 1)
                    assertThat(logged).as("the workload made progress").hasSizeGreaterThan(100);
            }
        }
    }

    static Set<Long> ids(Node node, String table) {
        var out = new HashSet<Long>();
        for (Row r : node.rows("crash", table)) out.add(((IntersticeValue.U64) r.primaryKey()).value());
        return out;
    }
}
