package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.interstice.network.NetworkException;
import dev.interstice.network.NodeClient;
import dev.interstice.runtime.testing.ModuleFixture;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code node start --metrics}: the endpoint's text is read by the Prometheus project's own text-format parser
 * ({@code prometheus_client.parser} of Debian's python3-prometheus-client, run by cli/src/test/python/
 * prometheus_parse.py; skipped where it is missing, .ci/run installs it) and its counters move with calls; {@code top}
 * shows them.
 */
@Timeout(180)
class NodeMetricsTest {
    static final String PYTHON = "/usr/bin/python3";
    static final Path PARSER = Path.of("src/test/python/prometheus_parse.py").toAbsolutePath();

    @TempDir
    Path home;

    Thread starter;
    final StringWriter console = new StringWriter();
    final StringWriter errors = new StringWriter();
    String metrics;

    @BeforeAll
    static void parserPresent() throws Exception {
        boolean present = false;
        if (Files.isExecutable(Path.of(PYTHON))) {
            Process p = new ProcessBuilder(PYTHON, "-c", "import prometheus_client.parser")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        }
        assumeTrue(present, "needs the Prometheus parser: apt-get install python3-prometheus-client");
    }

    static byte[] counter() {
        return ModuleFixture.module("counter")
                .reducer("bump", List.of(), List.of(), "")
                .reducer("boom", List.of(), List.of(), "unreachable")
                .build();
    }

    @BeforeEach
    void start() throws Exception {
        System.setProperty("interstice.home", home.toString());
        int port;
        int metricsPort;
        try (var s = new ServerSocket(0);
                var m = new ServerSocket(0)) {
            port = s.getLocalPort();
            metricsPort = m.getLocalPort();
        }
        CliEndToEndTest.run("node", "create", "local", Integer.toString(port)).ok();
        starter = Thread.startVirtualThread(() -> Main.run(
                new PrintWriter(console, true),
                new PrintWriter(errors, true),
                "node",
                "start",
                "local",
                "--headless",
                "--metrics",
                Integer.toString(metricsPort)));
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!console.toString().contains("metrics: ") && starter.isAlive() && System.nanoTime() < until)
            Thread.sleep(20);
        assertThat(console.toString())
                .as("stderr: " + errors)
                .contains("metrics: http://127.0.0.1:" + metricsPort + "/metrics");
        metrics = "127.0.0.1:" + metricsPort;
        Path wasm = home.resolve("counter.wasm");
        Files.write(wasm, counter());
        CliEndToEndTest.run("publish", "local", wasm.toString()).ok();
    }

    @AfterEach
    void stop() throws InterruptedException {
        NodeCommand.RUNNING.forEach(Runnable::run);
        if (starter != null) starter.join(Duration.ofSeconds(10));
        System.clearProperty("interstice.home");
    }

    String scrape() throws IOException, InterruptedException {
        var r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://" + metrics + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        return r.body();
    }

    /** The families as the Prometheus parser reads them: [{name, type, help, samples: [{name, labels, value}]}]. */
    static JsonNode parse(String text) throws Exception {
        Process p = new ProcessBuilder(PYTHON, PARSER.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (var in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("the parser accepts the text").isZero();
        return JsonMapper.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build()
                .readTree(out);
    }

    static JsonNode family(JsonNode families, String name) {
        for (JsonNode f : families) if (f.path("name").asText().equals(name)) return f;
        throw new AssertionError("no metric family " + name + " in " + families);
    }

    /** The value of the family's sample named {@code sample} whose labels include {@code labels}. */
    static double value(JsonNode families, String family, String sample, Map<String, String> labels) {
        for (JsonNode s : family(families, family).path("samples")) {
            if (!s.path("name").asText().equals(sample)) continue;
            boolean all = true;
            for (var l : labels.entrySet())
                all &= l.getValue().equals(s.path("labels").path(l.getKey()).asText(null));
            if (all) return s.path("value").asDouble();
        }
        throw new AssertionError("no " + sample + labels + " in " + family(families, family));
    }

    @Test
    void theEndpointParsesAsPrometheusTextAndItsCountersMoveWithCalls() throws Exception {
        JsonNode before = parse(scrape());
        assertThat(family(before, "interstice_connections").path("type").asText())
                .isEqualTo("gauge");
        assertThat(family(before, "interstice_storage_log_bytes").path("type").asText())
                .isEqualTo("gauge");
        assertThat(value(before, "interstice_errors", "interstice_errors_total", Map.of("kind", "trap")))
                .isZero();

        for (int i = 0; i < 3; i++)
            CliEndToEndTest.run("call_reducer", "local", "counter", "bump").ok();
        CliEndToEndTest.run("call_reducer", "local", "counter", "boom").fails(1);
        // the CLI checks reducer names against the schema; a raw client reaches the node with an unknown one
        try (var c = NodeClient.connect(NodeRegistry.load().require("local").address(), NodeClient.Options.client())) {
            assertThatThrownBy(() -> c.call("counter", "nope", List.of(), true)).isInstanceOf(NetworkException.class);
        }

        Files.write(home.resolve("bank.wasm"), CliEndToEndTest.bank().build());
        CliEndToEndTest.run("publish", "local", home.resolve("bank.wasm").toString())
                .ok();
        CliEndToEndTest.run("call_reducer", "local", "bank", "record").ok(); // a logged row: fsynced

        JsonNode after = parse(scrape());
        var bump = Map.of("module", "counter", "reducer", "bump");
        assertThat(family(after, "interstice_transactions").path("type").asText())
                .isEqualTo("counter");
        assertThat(value(after, "interstice_transactions", "interstice_transactions_total", bump))
                .isEqualTo(3.0);
        String latency = "interstice_reducer_duration_seconds";
        assertThat(family(after, latency).path("type").asText()).isEqualTo("histogram");
        assertThat(value(after, latency, latency + "_count", bump)).isEqualTo(3.0);
        assertThat(value(after, latency, latency + "_bucket", Map.of("reducer", "bump", "le", "+Inf")))
                .isEqualTo(3.0);
        assertThat(value(after, latency, latency + "_count", Map.of("reducer", "boom")))
                .as("failed runs are timed too")
                .isEqualTo(1.0);
        assertThat(value(after, "interstice_errors", "interstice_errors_total", Map.of("kind", "trap")))
                .isEqualTo(1.0);
        assertThat(value(after, "interstice_errors", "interstice_errors_total", Map.of("kind", "not_found")))
                .isEqualTo(1.0);
        assertThat(family(after, "interstice_storage_fsync_seconds")
                        .path("type")
                        .asText())
                .isEqualTo("histogram");
        assertThat(value(
                        after,
                        "interstice_storage_group_commit_records",
                        "interstice_storage_group_commit_records_count",
                        Map.of()))
                .as("the logged row was fsynced")
                .isPositive();
        assertThat(value(
                        after,
                        "interstice_module_memory_bytes",
                        "interstice_module_memory_bytes",
                        Map.of("module", "bank")))
                .as("bank's idle instance (counter's was discarded when boom trapped)")
                .isPositive();
        assertThat(value(after, "interstice_connections", "interstice_connections", Map.of()))
                .isGreaterThanOrEqualTo(0);
    }

    @Test
    void topShowsTransactionsErrorsAndConnections() {
        for (int i = 0; i < 2; i++)
            CliEndToEndTest.run("call_reducer", "local", "counter", "bump").ok();
        CliEndToEndTest.run("call_reducer", "local", "counter", "boom").fails(1);
        String screen = CliEndToEndTest.run("top", "local", "--iterations", "2", "--interval", "100")
                .ok()
                .out();
        assertThat(screen)
                .contains("interstice top: node 'local' (metrics at " + metrics + ")")
                .as("first screen: totals and p99 since start; second: the last interval, which had no calls")
                .containsPattern("counter\\.bump\\s+-\\s+2\\s+<= [0-9.]+ ms")
                .containsPattern("counter\\.bump\\s+0\\.0\\s+2\\s+-")
                .contains("errors: trap 1")
                .contains("connections ");
        assertThat(CliEndToEndTest.run("top", "local", "--metrics", "127.0.0.1:1", "--iterations", "1")
                        .fails(1)
                        .err())
                .contains("cannot read metrics from 127.0.0.1:1");
    }
}
