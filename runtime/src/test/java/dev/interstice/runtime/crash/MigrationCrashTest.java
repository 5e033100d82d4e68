package dev.interstice.runtime.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node process SIGKILLed at several points of a migration that rewrites every row of a table, then restarted:
 * the node is on the old version with every row in the old form, or on the new version with every row in the new
 * form, never between; once the publish returned, always the new. The kill points are fractions of the time an
 * unkilled run's publish took (from before compiling to after the record is durable and the code files are switched).
 */
class MigrationCrashTest {
    /** Rows of the table, in thousands: 10 in CI; {@code -Dinterstice.migrationCrash.thousands=1000} for 1M rows. */
    static final int THOUSANDS = Integer.getInteger("interstice.migrationCrash.thousands", 10);

    static final double[] KILL_AT = {0.4, 0.7, 0.9, 1.0};

    @Test
    void aKilledMigrationLeavesTheOldVersionWithOldRowsOrTheNewWithNewRows(@TempDir Path dir) throws Exception {
        long took = run(dir.resolve("calibration"), -1);
        assertThat(took).as("an unkilled migration completes").isPositive();
        check(dir.resolve("calibration"), true);
        for (int i = 0; i < KILL_AT.length; i++) {
            Path d = dir.resolve("kill" + i);
            boolean returned = run(d, (long) (took * KILL_AT[i])) >= 0;
            check(d, returned);
        }
    }

    /** Runs the child, kills it {@code killAfterMs} after it started migrating (never if < 0); the publish's ms or -1. */
    private static long run(Path dir, long killAfterMs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        THOUSANDS > 100 ? "-Xmx3g" : "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        MigrationCrashMain.class.getName(),
                        dir.toString(),
                        String.valueOf(THOUSANDS))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        var migrating = new CountDownLatch(1);
        var migrated = new CountDownLatch(1);
        var took = new AtomicLong(-1);
        var reader = Thread.ofPlatform().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.equals("MIGRATING")) migrating.countDown();
                    else if (line.startsWith("MIGRATED ")) {
                        took.set(Long.parseLong(line.substring(9)));
                        migrated.countDown();
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process was killed
            }
            migrating.countDown();
            migrated.countDown();
        });
        long patience = 60L * Math.max(1, THOUSANDS / 50); // seconds: 1M rows take minutes to write on a busy machine
        assertThat(migrating.await(patience, TimeUnit.SECONDS))
                .as("rows written")
                .isTrue();
        if (killAfterMs < 0)
            assertThat(migrated.await(patience, TimeUnit.SECONDS)).isTrue();
        else Thread.sleep(killAfterMs); // a kill point, not a timing assertion
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        reader.join(5000);
        return took.get();
    }

    private static void check(Path dir, boolean returned) {
        try (Node node = Node.open(NodeConfig.at(dir).withLogSink((m, s) -> {}))) {
            var fields = node.schema("inv")
                    .orElseThrow()
                    .table("items")
                    .orElseThrow()
                    .fields();
            boolean v2 = fields.size() == 3;
            if (returned)
                assertThat(v2)
                        .as("the publish returned: the new version is durable")
                        .isTrue();
            List<Row> rows = node.rows("inv", "items");
            assertThat(rows).hasSize(THOUSANDS * 1000);
            for (Row r : rows) {
                assertThat(r.entries()).hasSize(fields.size());
                assertThat(r.entries().get(1)).isInstanceOf(v2 ? IntersticeValue.U64.class : IntersticeValue.U32.class);
                if (v2) assertThat(r.entries().get(2)).isEqualTo(IntersticeValue.none());
            }
            assertThat(fields.get(1).type()).isEqualTo(v2 ? IntersticeType.U64 : IntersticeType.U32);
            node.call("inv", "add", List.of()); // the version it is on works with the rows it has
            assertThat(node.rows("inv", "items")).hasSize(THOUSANDS * 1000 + 1);
        }
    }
}
