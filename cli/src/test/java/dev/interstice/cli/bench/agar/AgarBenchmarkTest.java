package dev.interstice.cli.bench.agar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interstice.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code interstice benchmark agar}, tiny: it runs, stops by itself, and its report holds every measure. */
class AgarBenchmarkTest {

    @Test
    @Timeout(90)
    void aTinyAgarRunReportsTicksLagAndBotCalls(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("agar.json");
        var out = new StringWriter();
        var err = new StringWriter();
        int exit = Main.run(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                "benchmark",
                "agar",
                "--bots",
                "5",
                "--clients",
                "1",
                "--duration-ms",
                "2000",
                "--warmup-ms",
                "1000",
                "--output",
                report.toString());
        assertThat(exit).as("stderr: " + err + "; stdout: " + out).isZero();
        assertThat(out.toString()).contains("ticks/s", "replica lag", "bot calls", "bot latency");

        JsonNode r = new ObjectMapper().readTree(report.toFile());
        assertThat(r.at("/setup/bots").asInt()).isEqualTo(5);
        assertThat(r.at("/server/ticks").asLong()).isPositive();
        assertThat(r.at("/server/ticksPerSecond").asDouble()).isPositive();
        for (String m : new String[] {"/server/tick", "/replication/lag", "/bots/latency"}) {
            assertThat(r.at(m + "/count").asLong()).as(m).isPositive();
            assertThat(r.at(m + "/p50").asDouble()).as(m).isPositive();
            assertThat(r.at(m + "/p99").asDouble())
                    .as(m)
                    .isGreaterThanOrEqualTo(r.at(m + "/p50").asDouble());
            assertThat(r.at(m + "/max").asDouble())
                    .as(m)
                    .isGreaterThanOrEqualTo(r.at(m + "/p99").asDouble());
        }
        assertThat(r.at("/replication/lagPerClient")).hasSize(1);
        assertThat(r.at("/bots/calls").asLong()).isPositive();
        assertThat(r.at("/bots/errors").asLong()).isZero();
        // all 5 bots and the client node's own cell played
        assertThat(r.at("/server/playersAtEnd").asInt()).isBetween(1, 6);
    }

    @Test
    @Timeout(120)
    void withWindowItTimesTheRealClientsFrames(@TempDir Path dir) throws Exception {
        dev.interstice.runtime.testing.Displays.require();
        Path report = dir.resolve("agar.json");
        var out = new StringWriter();
        var err = new StringWriter();
        int exit = Main.run(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                "benchmark",
                "agar",
                "--bots",
                "3",
                "--duration-ms",
                "2000",
                "--warmup-ms",
                "1000",
                "--window",
                "--output",
                report.toString());
        assertThat(exit).as("stderr: " + err + "; stdout: " + out).isZero();
        assertThat(out.toString()).contains("client frame", "client render");
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        for (String m : new String[] {"/clientFrames/period", "/clientFrames/render"}) {
            assertThat(r.at(m + "/count").asLong()).as(m).isPositive();
            assertThat(r.at(m + "/p50").asDouble()).as(m).isPositive();
        }
    }
}
