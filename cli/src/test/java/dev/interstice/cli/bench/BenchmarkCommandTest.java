package dev.interstice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interstice.cli.Main;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code interstice benchmark} end to end through Main.run: a node serving benchmark-workload on an ephemeral loopback
 * port in this JVM, the command as a user types it, short runs.
 */
@Timeout(180)
class BenchmarkCommandTest {
    record Result(int exit, String out, String err) {}

    static Result run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    static Result ok(String... args) {
        Result r = run(args);
        assertThat(r.exit())
                .as("exit code; stderr: " + r.err() + "; stdout: " + r.out())
                .isZero();
        return r;
    }

    @TempDir
    Path home;

    @TempDir
    Path data;

    @TempDir
    Path reports;

    Node node;
    NodeServer server;
    final AdminToken token = AdminToken.random();

    @BeforeEach
    void start() throws Exception {
        System.setProperty("interstice.home", home.toString());
        node = Node.open(NodeConfig.at(data).withLogSink((m, msg) -> {}));
        node.load(BenchmarkWorkload.MODULE + ".wasm", BenchmarkWorkload.wasm());
        server = NodeServer.start(
                node, NetworkConfig.defaults().withNodeName("bench-test").withAdminToken(token));
    }

    @AfterEach
    void stop() {
        server.close();
        node.close();
        System.clearProperty("interstice.home");
    }

    private static JsonNode json(Path f) throws Exception {
        return new ObjectMapper().readTree(f.toFile());
    }

    @Test
    void profileOnARegisteredNodeWritesJsonAndChart() throws Exception {
        ok("node", "add", "bench", server.address(), "--token", token.value());
        Path out = reports.resolve("insert.json");
        Result r = ok(
                "benchmark",
                "profile",
                "insert-logged-durable",
                "bench",
                "--connections",
                "2",
                "--inflight",
                "8",
                "--duration-ms",
                "700",
                "--warmup-ms",
                "300",
                "--sample-ms",
                "100",
                "--output",
                out.toString(),
                "--cpu-of-pid", // the node runs in this JVM
                String.valueOf(ProcessHandle.current().pid()));
        assertThat(r.out())
                .contains(
                        "== insert-logged-durable: benchmark-workload.tx_insert_logged",
                        "tx/s acknowledged",
                        "2 connections x 8 in flight, closed loop",
                        "ack durable",
                        "PASS total_committed",
                        "wrote " + out);
        assertThat(r.err()).as("progress lines").contains("measure]", "/s  errors 0");
        JsonNode j = json(out);
        assertThat(j.get("name").asText()).isEqualTo("insert-logged-durable");
        assertThat(j.get("reducer_name").asText()).isEqualTo("tx_insert_logged");
        assertThat(j.get("throughput_tps").asDouble()).isPositive();
        assertThat(j.get("errors").asLong()).isZero();
        assertThat(j.at("/verification/passed").asBoolean()).isTrue();
        assertThat(j.at("/rates/cpu_ms_of_process/per_second").asDouble())
                .as("the node's CPU over the measured window")
                .isPositive();
        assertThat(j.at("/notes/command").asText())
                .startsWith("interstice benchmark profile insert-logged-durable bench");
        assertThat(j.get("latency_percentiles").size()).isPositive();
        Path html = reports.resolve("insert.html");
        assertThat(html).exists();
        assertThat(Files.readString(html))
                .contains("class=\"interstice-run\"", "Acknowledged transactions per second", "Latency distribution");
        assertThat(node.query(BenchmarkWorkload.MODULE, "total_committed", java.util.List.of())
                        .toString())
                .as("the node committed what was acknowledged")
                .contains(Long.toString(j.at("/totals/acknowledged").asLong()));
    }

    @Test
    void runWithATemplateOpenLoopAndFastAcknowledgement() throws Exception {
        Path out = reports.resolve("run.json");
        Result r = ok(
                "benchmark",
                "run",
                server.address(),
                "benchmark-workload",
                "tx_insert_ephemeral",
                "--token",
                token.value(),
                "--args-json",
                "[\"$client\", \"$seq\", 16, true]",
                "--rate",
                "2000",
                "--inflight",
                "4",
                "--ack",
                "fast",
                "--duration-ms",
                "600",
                "--warmup-ms",
                "200",
                "--output",
                out.toString(),
                "--no-html",
                "--quiet",
                "--verify-query",
                "stats",
                "--verify-args-json",
                "[\"$max_client\"]");
        assertThat(r.out())
                .contains(
                        "open loop at 2,000 calls/s",
                        "ack fast",
                        "PASS total_committed",
                        "from the intended send time");
        JsonNode run = json(out);
        assertThat(r.out())
                .as("the verify query's arguments are evaluated after the run: $max_client sent $max_seq calls")
                .contains("PASS query stats: answered {")
                .contains(
                        "last_seq: " + run.get("max_seq").asLong(),
                        "committed: " + run.get("max_seq").asLong());
        assertThat(r.err()).doesNotContain("measure]");
        assertThat(reports.resolve("run.html")).doesNotExist();
        JsonNode j = json(out);
        // 2,000 calls/s over 0.8 s is at most 1,600 sends; a loaded CI machine may complete fewer, never more
        assertThat(j.at("/totals/acknowledged").asLong()).isBetween(1L, 1_700L);
        assertThat(j.at("/verification/checks/0/name").asText()).isEqualTo("total_committed");
    }

    @Test
    void scenarioFileRunsEachScenarioAndPrintsATable() throws Exception {
        Path file = reports.resolve("s.toml");
        Files.writeString(file, """
                [[scenario]]
                name = "transfers"
                node = "somewhere-else"
                profile = "transfer-skewed"
                accounts = 1000
                connections = 2
                inflight = 4
                duration_ms = 500
                warmup_ms = 100

                [[scenario]]
                name = "noops"
                node = "somewhere-else"
                module_name = "benchmark-workload"
                reducer_name = "noop"
                duration_ms = 400
                warmup_ms = 0
                verify = { mode = "query", query_name = "account_count", expect_json = 1000 }
                """);
        Result r = ok(
                "benchmark",
                "scenario",
                file.toString(),
                "--node",
                server.address(),
                "--token",
                token.value(),
                "--quiet",
                "--output-dir",
                reports.toString());
        assertThat(r.out())
                .contains(
                        "== transfers: benchmark-workload.transfer zipf(alpha=1.5) over 1000 accounts",
                        "PASS total_balance",
                        "== noops: benchmark-workload.noop",
                        "PASS query account_count: answered the expected 1000",
                        "run ",
                        "verified");
        assertThat(r.err()).contains("seeded 1,000 accounts");
        assertThat(reports.resolve("transfers.json")).exists();
        assertThat(reports.resolve("noops.html")).exists();
        // both runs overlaid in one page beside the first one's report
        assertThat(r.out()).contains("wrote " + reports.resolve("comparison.html"));
        assertThat(Files.readString(reports.resolve("comparison.html")))
                .contains("transfers vs noops", "\"name\":\"transfers\"", "\"name\":\"noops\"");
    }

    @Test
    void aFailedCheckExitsWithThree() {
        Result r = run(
                "benchmark",
                "run",
                server.address(),
                "benchmark-workload",
                "noop",
                "--token",
                token.value(),
                "--duration-ms",
                "200",
                "--warmup-ms",
                "0",
                "--quiet",
                "--verify-query",
                "total_committed",
                "--verify-expect-json",
                "12345");
        assertThat(r.exit()).as(r.err()).isEqualTo(BenchmarkCommand.VERIFICATION_FAILED);
        assertThat(r.out()).contains("FAIL query total_committed: answered", "expected 12345");
        assertThat(r.err()).contains("a verification failed");
    }

    @Test
    void aProfileChecksTheModuleBeforeSendingAnything() {
        node.remove(BenchmarkWorkload.MODULE);
        node.load(dev.interstice.runtime.testing.ModuleFixture.module(BenchmarkWorkload.MODULE)
                .visibility(dev.interstice.abi.schema.Visibility.PUBLIC)
                .reducer("other", java.util.List.of(), java.util.List.of(), "")
                .build());
        Result r = run(
                "benchmark",
                "profile",
                "noop",
                server.address(),
                "--token",
                token.value(),
                "--duration-ms",
                "300",
                "--warmup-ms",
                "0");
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err())
                .contains(
                        "profile 'noop' cannot run against module 'benchmark-workload': it has no reducer 'noop'",
                        "nothing was sent",
                        "its reducers: [other]");
        Result scheduler = run(
                "benchmark",
                "profile",
                "scheduler",
                server.address(),
                "--token",
                token.value(),
                "--duration-ms",
                "300");
        assertThat(scheduler.err())
                .contains("no reducer 'tx_insert_ephemeral', no reducer 'start_tick', no reducer 'stop_tick', "
                        + "no query 'total_committed', no query 'tick_count'");
    }

    @Test
    void listsProfilesAndExplainsMistakes() throws Exception {
        assertThat(ok("benchmark", "list-profiles").out())
                .contains("noop", "insert-logged-fast", "(ack fast)", "transfer-skewed", "scheduler");
        assertThat(ok("benchmark", "--help").out()).contains("list-profiles", "profile", "run", "scenario");

        Result unknown = run("benchmark", "profile", "noop", "nobody", "--duration-ms", "100");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown node 'nobody'", "interstice example benchmark");

        Result badProfile = run("benchmark", "profile", "nope", server.address());
        assertThat(badProfile.exit()).isEqualTo(2);
        assertThat(badProfile.err()).contains("unknown profile 'nope'");

        Path bad = reports.resolve("bad.toml");
        Files.writeString(bad, "[[scenario]]\nnode = \"x\"\nduraton_ms = 5\n");
        Result badFile = run("benchmark", "scenario", bad.toString());
        assertThat(badFile.exit()).isEqualTo(2);
        assertThat(badFile.err()).contains("unknown key 'duraton_ms'");

        Result badTemplate = run(
                "benchmark",
                "run",
                server.address(),
                "benchmark-workload",
                "transfer",
                "--token",
                token.value(),
                "--args-json",
                "[1, 2]",
                "--duration-ms",
                "100");
        assertThat(badTemplate.exit()).isEqualTo(1);
        assertThat(badTemplate.err()).contains("argument template has 2 values but the reducer takes 3");
    }
}
