package dev.interstice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadDriverTest {
    private static final PrintStream SILENT = new PrintStream(new ByteArrayOutputStream());

    /** A fake node: each call takes {@code serviceMs} on the calling thread; every {@code failEvery}-th call fails. */
    private static final class FakeConnector implements Connector {
        final long serviceMicros;
        final int failEvery;
        final AtomicLong committed = new AtomicLong();
        final AtomicLong calls = new AtomicLong();

        FakeConnector(long serviceMicros, int failEvery) {
            this.serviceMicros = serviceMicros;
            this.failEvery = failEvery;
        }

        @Override
        public CallTarget connect(int index, int inflight) {
            return new CallTarget() {
                @Override
                public CompletableFuture<Void> call(String module, String reducer, List<IntersticeValue> args) {
                    if (serviceMicros > 0) {
                        long until = System.nanoTime() + serviceMicros * 1000;
                        while (System.nanoTime() < until) Thread.onSpinWait();
                    }
                    if (failEvery > 0 && calls.incrementAndGet() % failEvery == 0)
                        return CompletableFuture.failedFuture(new IllegalStateException("boom"));
                    committed.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public CompletableFuture<IntersticeValue> query(
                        String module, String query, List<IntersticeValue> args) {
                    return CompletableFuture.completedFuture(IntersticeValue.u64(committed.get()));
                }
            };
        }

        @Override
        public Optional<ModuleSchema> schema(String module) {
            return Optional.empty();
        }

        @Override
        public String ackMode() {
            return "fake";
        }

        @Override
        public String describe() {
            return "fake";
        }
    }

    @Test
    void closedLoopOnARealNodeCountsOnlyAcknowledgedCommitsAndVerifies(@TempDir Path dir) throws Exception {
        try (Node node = Node.open(NodeConfig.at(dir).withLogSink((m, msg) -> {}))) {
            var schema = node.load(BenchmarkWorkload.wasm());
            var connector = new InProcessConnector(node, Ack.DURABLE, "test node");
            String template = BenchmarkWorkload.workloadArgs(16);
            var cfg = new LoadConfig()
                    .name("t")
                    .module(BenchmarkWorkload.MODULE)
                    .reducer("tx_insert_logged")
                    .args(
                            ArgTemplate.parse(
                                    template,
                                    schema.reducer("tx_insert_logged")
                                            .orElseThrow()
                                            .arguments(),
                                    schema.typeDefinitions()),
                            template)
                    .connections(2)
                    .inflight(3)
                    .durationMs(1_500)
                    .warmupMs(300)
                    .sampleMs(250)
                    .progress(true)
                    .verify(BenchmarkWorkload.committedMatchesAcks())
                    .verify(Verification.deltaEqualsAcks("tx", c -> node.lastTxId(), 1));
            var out = new ByteArrayOutputStream();
            LoadResult r = new LoadDriver(new PrintStream(out)).run(connector, cfg);
            assertThat(r.verified()).as(r.checks().toString()).isTrue();
            assertThat(r.acknowledged()).isPositive();
            assertThat(r.errors()).isZero();
            assertThat(r.totals().acknowledged()).isEqualTo(r.totals().sent()).isGreaterThanOrEqualTo(r.acknowledged());
            assertThat(r.measuredMs()).isCloseTo(1_500, within(500.0));
            assertThat(r.timeline())
                    .extracting(LoadResult.Interval::phase)
                    .contains(LoadResult.Phase.WARMUP, LoadResult.Phase.MEASURE)
                    .endsWith(LoadResult.Phase.DRAIN);
            assertThat(r.timeline().stream()
                            .filter(i -> i.phase() == LoadResult.Phase.MEASURE)
                            .mapToLong(LoadResult.Interval::acknowledged)
                            .sum())
                    .isEqualTo(r.acknowledged());
            assertThat(r.latencyUs(50)).isPositive();
            assertThat(r.maxSeq()).isPositive();
            assertThat(out.toString()).contains("measure");
            // rows really are there: one per (client, seq)
            assertThat(node.rows(BenchmarkWorkload.MODULE, "benchlogged"))
                    .hasSize((int) r.totals().acknowledged());

            var json = new ObjectMapper().readTree(Reports.jsonString(r));
            for (String f : List.of(
                    "name",
                    "module_name",
                    "reducer_name",
                    "connections",
                    "duration_ms",
                    "warmup_ms",
                    "throughput_tps",
                    "latency_us_p50",
                    "latency_us_p95",
                    "latency_us_p99",
                    "latency_us_max",
                    "errors",
                    "acknowledged",
                    "verification",
                    "timeline")) assertThat(json.has(f)).as(f).isTrue();
            assertThat(json.get("verification").get("passed").asBoolean()).isTrue();
            assertThat(json.get("acknowledged").asLong()).isEqualTo(r.acknowledged());
            Path html = dir.resolve("out/r.html");
            Reports.writeHtml(r, html);
            assertThat(Files.readString(html)).contains("class=\"interstice-run\"", "tx_insert_logged", "PASS");
            var runs = new java.util.LinkedHashMap<String, LoadResult>();
            runs.put("first </script> run", r);
            runs.put("second", r);
            String both = Reports.html(runs);
            assertThat(both)
                    .contains("\"name\":\"first <\\/script> run\"", "\"name\":\"second\"")
                    .contains("first &lt;/script&gt; run vs second");
            assertThat(Reports.summary(r)).contains("tx/s acknowledged", "PASS total_committed");
        }
    }

    @Test
    void errorsAreCountedApartAndVerificationNoticesAMismatch() throws Exception {
        var fake = new FakeConnector(0, 3);
        var cfg = new LoadConfig()
                .name("errors")
                .connections(2)
                .durationMs(300)
                .warmupMs(0)
                .progress(false)
                .verify(Verification.deltaEqualsAcks("committed", Probe.query("m", "q", List.of()), 1))
                .verify(Verification.deltaEqualsAcks("wrong", Probe.query("m", "q", List.of()), 2));
        LoadResult r = new LoadDriver(SILENT).run(fake, cfg);
        var t = r.totals();
        assertThat(t.acknowledged() + t.errors()).isEqualTo(t.sent());
        assertThat((double) t.errors() / t.sent()).isCloseTo(1 / 3.0, within(0.01));
        assertThat(r.errorSamples()).containsOnlyKeys("IllegalStateException: boom");
        assertThat(r.checks()).extracting(Verification.Check::passed).containsExactly(true, false);
        assertThat(r.verified()).isFalse();
    }

    /**
     * The HTML report of two runs in the system's headless Chromium (console/web/test/report.e2e.mjs): three uPlot
     * charts with both runs, a value on hover, zoom by dragging, nothing fetched. Skipped without Chromium or npm.
     */
    @Test
    void aReportOfTwoRunsDrawsOverlaidChartsInABrowser(@TempDir Path dir) throws Exception {
        Path web = Path.of("../console/web");
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(chromium), "no Chromium at " + chromium);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isDirectory(web.resolve("node_modules/playwright-core")), "console/web/node_modules is missing");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Reports.class.getResource("/console/report/report.js") != null,
                "the report's chart bundle was not built");
        var runs = new java.util.LinkedHashMap<String, LoadResult>();
        for (long micros : new long[] {50, 400}) {
            var cfg = new LoadConfig()
                    .name(micros + " µs")
                    .connections(2)
                    .durationMs(1_000)
                    .warmupMs(200)
                    .sampleMs(100)
                    .progress(false);
            runs.put(cfg.name(), new LoadDriver(SILENT).run(new FakeConnector(micros, 0), cfg));
        }
        Path html = dir.resolve("comparison.html");
        Reports.writeHtml(runs, html);
        Path shot = Path.of("target/bench-report.png").toAbsolutePath();
        Process p = new ProcessBuilder("node", "test/report.e2e.mjs", html.toString(), "2", shot.toString())
                .directory(web.toFile())
                .redirectErrorStream(true)
                .start();
        boolean ended = p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ended).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void openLoopSendsAtTheRequestedRate() throws Exception {
        var fake = new FakeConnector(0, 0);
        var cfg = new LoadConfig()
                .name("rate")
                .connections(4)
                .rate(2_000)
                .durationMs(1_000)
                .warmupMs(200)
                .progress(false);
        LoadResult r = new LoadDriver(SILENT).run(fake, cfg);
        assertThat(r.throughputTps()).isCloseTo(2_000, within(400.0)); // wide: CI machines are busy
        assertThat(r.totals().sent()).isCloseTo(2_400, within(400L));
    }

    @Test
    void openLoopLatencyIncludesTheWaitOfCallsThatCouldNotBeSentOnTime() throws Exception {
        // capacity 1 / 5 ms = 200/s; asked 400/s: calls fall further and further behind their intended send time
        var slow = new FakeConnector(5_000, 0);
        var open = new LoadConfig()
                .name("co")
                .connections(1)
                .rate(400)
                .durationMs(1_000)
                .warmupMs(0)
                .progress(false);
        LoadResult r = new LoadDriver(SILENT).run(slow, open);
        // capped by the service time, far below the 400/s asked for (wide lower bound: a busy machine sleeps longer)
        assertThat(r.throughputTps()).isBetween(20.0, 220.0);
        assertThat(r.latencyUs(99)).as("p99 from the intended time").isGreaterThan(300_000);
        // the same service time in closed loop: latency is the service time
        var closed = new LoadConfig()
                .name("closed")
                .connections(1)
                .durationMs(500)
                .warmupMs(0)
                .progress(false);
        LoadResult c = new LoadDriver(SILENT).run(new FakeConnector(5_000, 0), closed);
        assertThat(c.latencyUs(50)).isBetween(4_900L, 200_000L);
        assertThat(c.latencyUs(99)).isLessThan(r.latencyUs(99) / 3);
    }

    @Test
    void ratesAreReadAtTheEdgesOfTheMeasuredWindow() throws Exception {
        var fake = new FakeConnector(0, 0);
        var cfg = new LoadConfig()
                .name("rates")
                .connections(1)
                .rate(1_000)
                .durationMs(1_000)
                .warmupMs(300)
                .progress(false)
                .measureRate("committed", Probe.query("m", "q", List.of()));
        LoadResult r = new LoadDriver(SILENT).run(fake, cfg);
        assertThat(r.rates().get("committed").perSecond()).isCloseTo(1_000, within(250.0));
        assertThat(r.rates().get("committed").start()).isCloseTo(300, within(150L));
    }
}
