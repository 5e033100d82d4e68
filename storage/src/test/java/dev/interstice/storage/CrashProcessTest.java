package dev.interstice.storage;

import static dev.interstice.storage.CrashChild.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real child JVM (SIGKILL) while it appends durably from several threads and compacts, many times, and
 * checks after each kill that recovery succeeds, that every acknowledged transaction survived and that every table
 * (logged and stateful) reflects the same prefix of the committed history.
 */
@Timeout(300)
class CrashProcessTest {
    @TempDir
    Path dir;

    @Test
    void sigkillAtRandomPointsLosesNothingAcknowledged() throws Exception {
        killRepeatedly(Integer.getInteger("crash.iterations", 14), "6");
    }

    /** Callers that each wait for their own record (the latency path: they write and fsync, overlapping). */
    @Test
    void sigkillWhileCallersWaitOneAtATimeLosesNothingAcknowledged() throws Exception {
        killRepeatedly(Integer.getInteger("crash.iterations", 14) / 2, "4", "await");
    }

    private void killRepeatedly(int iterations, String... childArgs) throws Exception {
        Random rnd = new Random(Long.getLong("crash.seed", System.nanoTime()));
        long totalAcked = 0;
        List<String> report = new ArrayList<>();
        for (int it = 0; it < iterations; it++) {
            Set<Long> acked = ConcurrentHashMap.newKeySet();
            AtomicLong start = new AtomicLong(-1);
            CountDownLatch started = new CountDownLatch(1);
            Path stderr = dir.resolveSibling(dir.getFileName() + "-child-" + it + ".err");
            ProcessBuilder pb = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-Xshare:auto",
                    "-cp",
                    System.getProperty("java.class.path"),
                    CrashChild.class.getName(),
                    dir.toString());
            pb.command().addAll(List.of(childArgs));
            pb.redirectError(stderr.toFile());
            Process p = pb.start();
            Thread reader = Thread.ofPlatform().start(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("ACK ")) acked.add(Long.parseLong(line.substring(4)));
                        else if (line.startsWith("START ")) {
                            start.set(Long.parseLong(line.substring(6)));
                            started.countDown();
                        }
                    }
                } catch (Exception e) {
                    // the pipe breaks when the child dies
                }
            });
            assertThat(started.await(30, TimeUnit.SECONDS))
                    .as("child %d started (stderr: %s)", it, stderr)
                    .isTrue();
            Thread.sleep(150 + rnd.nextInt(1100));
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            reader.join(5000);

            // Recover in this JVM and check the invariants.
            try (Storage s = Storage.open(config(dir), TABLES)) {
                long n = counter(s.recovered().rows(LOGGED));
                assertThat(n)
                        .as("iteration %d: recovered counter must not go back", it)
                        .isGreaterThanOrEqualTo(start.get());
                assertPrefix(s.recovered(), n);
                long maxAck = acked.stream().mapToLong(Long::longValue).max().orElse(start.get());
                assertThat(maxAck)
                        .as("iteration %d: every acknowledged tx is recovered", it)
                        .isLessThanOrEqualTo(n);
                for (long a : acked) assertThat(a).isGreaterThan(start.get());
                if (n > 2000)
                    assertThat(Fixtures.rowFiles(dir, STATEFUL))
                            .as("stateful row files materialised")
                            .isNotEmpty();
                totalAcked += acked.size();
                report.add("kill " + it + ": start " + start.get() + ", acked " + acked.size() + " (max " + maxAck
                        + "), recovered " + n + ", warnings "
                        + s.recovered().warnings().size() + ", row files "
                        + Fixtures.rowFiles(dir, STATEFUL).size() + "+"
                        + Fixtures.rowFiles(dir, CLEARED).size());
            }
        }
        report.forEach(System.out::println);
        assertThat(totalAcked).isGreaterThan(iterations * 10L);
    }

    static long counter(Map<ByteKey, byte[]> rows) {
        byte[] v = rows.get(new ByteKey(b("counter")));
        return v == null ? 0 : Long.parseLong(new String(v, StandardCharsets.UTF_8));
    }

    /** The recovered state must be exactly the state after transactions 1..n. */
    static void assertPrefix(RecoveredState r, long n) {
        assertThat(counter(r.rows(STATEFUL)))
                .as("stateful counter equals logged counter")
                .isEqualTo(n);
        Map<ByteKey, byte[]> history = r.rows(HISTORY);
        assertThat(history).hasSize((int) n);
        for (long i = 1; i <= n; i++) assertThat(history).containsKey(new ByteKey(b("h" + i)));

        TreeMap<String, String> expectedStateful = new TreeMap<>();
        TreeMap<String, String> expectedCleared = new TreeMap<>();
        if (n > 0) expectedStateful.put("counter", Long.toString(n));
        for (long i = Math.max(1, n - 19); i <= n; i++) expectedStateful.put("m" + (i % 20), Long.toString(i));
        for (long i = Math.max(1, n - n % 37); i <= n; i++) expectedCleared.put("c" + i, Long.toString(i));
        assertThat(Fixtures.strings(r.rows(STATEFUL))).isEqualTo(expectedStateful);
        assertThat(Fixtures.strings(r.rows(CLEARED))).isEqualTo(expectedCleared);
    }
}
