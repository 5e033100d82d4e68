package dev.interstice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioFileTest {
    private final List<String> warnings = new ArrayList<>();

    private List<RunSpec> parse(String toml) {
        return ScenarioFile.parse(toml, "test.toml", warnings::add);
    }

    @Test
    void upstreamStyleScenariosWithEveryKey() {
        var specs = parse("""
                [[scenario]]
                name = "insert-logged"
                node = "bench-node"
                module_name = "benchmark-workload"
                reducer_name = "tx_insert_logged"
                duration_ms = 15000
                warmup_ms = 5000
                connections = 8
                inflight = 16
                ack = "fast"
                args_json = ["$client", "$seq", 64, true]
                output = "results/insert.json"
                reset_before = true
                throughput_mode = "query_delta"
                throughput_query_name = "total_committed"
                verify = { mode = "query", query_name = "stats", args_json = ["$max_client"] }

                [[scenarios]]
                node = "other:9000"
                profile = "transfer-skewed"
                accounts = 5000
                zipf_alpha = 1.1
                rate = 2500.5
                verify_balance = false
                """);
        assertThat(specs).hasSize(2);
        RunSpec a = specs.get(0);
        assertThat(a.name).isEqualTo("insert-logged");
        assertThat(a.node).isEqualTo("bench-node");
        assertThat(a.module).isEqualTo("benchmark-workload");
        assertThat(a.reducer).isEqualTo("tx_insert_logged");
        assertThat(a.durationMs).isEqualTo(15_000);
        assertThat(a.warmupMs).isEqualTo(5_000);
        assertThat(a.connections).isEqualTo(8);
        assertThat(a.inflight).isEqualTo(16);
        assertThat(a.ack).isEqualTo("fast");
        assertThat(a.argsJson).isEqualTo("[\"$client\",\"$seq\",64,true]");
        assertThat(a.output).isEqualTo(Path.of("results/insert.json"));
        assertThat(a.resetBefore).isTrue();
        assertThat(a.throughputQuery).isEqualTo("total_committed");
        assertThat(a.verifyQuery).isEqualTo("stats");
        assertThat(a.verifyArgsJson).isEqualTo("[\"$max_client\"]");
        assertThat(a.verifyExpectJson).isNull();
        assertThat(a.validate()).isSameAs(a);
        assertThat(warnings).singleElement().asString().contains("total_committed");

        RunSpec b = specs.get(1);
        assertThat(b.profile).isEqualTo("transfer-skewed");
        assertThat(b.module).isEqualTo(BenchmarkWorkload.MODULE);
        assertThat(b.reducer).isNull();
        assertThat(b.displayName()).isEqualTo("transfer-skewed");
        assertThat(b.workload.accounts).isEqualTo(5000);
        assertThat(b.workload.zipfAlpha).isEqualTo(1.1);
        assertThat(b.rate).isEqualTo(2500.5);
        assertThat(b.verifyBalance).isFalse();
        assertThat(b.verifyCommitted).isNull();
        assertThat(b.connections).as("command defaults").isEqualTo(4);
        assertThat(b.inflight).isEqualTo(1);
        b.validate();
    }

    @Test
    void argsJsonMayBeAJsonStringAndExpectedValuesAreKeptAsJson() {
        var s = parse("""
                [[scenario]]
                node = "n"
                module_name = "m"
                reducer_name = "r"
                args_json = '[{"x": "$worker"}, null]'
                verify = { query_name = "count", expect_json = 42 }
                """).getFirst();
        assertThat(s.argsJson).isEqualTo("[{\"x\":\"$worker\"},null]");
        assertThat(s.verifyQuery).isEqualTo("count");
        assertThat(s.verifyExpectJson).isEqualTo("42");
        assertThat(s.displayName()).isEqualTo("n:m:r");
        // a plain string is one string argument, as upstream reads it
        assertThat(parse(
                                "[[scenario]]\nnode = \"n\"\nmodule_name = \"m\"\nreducer_name = \"r\"\nargs_json = \"hello\"\n")
                        .getFirst()
                        .argsJson)
                .isEqualTo("\"hello\"");
    }

    @Test
    void mistakesAreReportedWithTheirPlace() {
        assertThatThrownBy(() -> parse(
                        "[[scenario]]\nnode = \"n\"\nmodule_name = \"m\"\nreducer_name = \"r\"\nconections = 4\n"))
                .hasMessageContaining("test.toml scenario 1: unknown key 'conections'")
                .hasMessageContaining("connections");
        assertThatThrownBy(() -> parse("[[scenario]]\nname = \"x\"\nconnections = \"four\"\n"))
                .hasMessageContaining("('x'): connections must be an integer");
        assertThatThrownBy(() -> parse("title = \"no scenarios\"\n"))
                .hasMessageContaining("unknown top-level key 'title'");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("defines no [[scenario]]");
        assertThatThrownBy(() -> parse("[[scenario]\n")).hasMessageContaining("not valid TOML");
        assertThatThrownBy(() -> parse("[[scenario]]\nnode = \"n\"\nprofile = \"noop\"\ntransport = \"reconnect\"\n"))
                .hasMessageContaining("transport 'reconnect' is not supported");
        assertThatThrownBy(() -> parse("[[scenario]]\nverify = { mode = \"query\" }\n"))
                .hasMessageContaining("needs query_name");
        assertThatThrownBy(() -> parse("[[scenario]]\nverify = { query = \"q\" }\n"))
                .hasMessageContaining("unknown key 'verify.query'");
        assertThatThrownBy(() -> parse("[[scenario]]\nthroughput_mode = \"query_delta\"\n"))
                .hasMessageContaining("needs throughput_query_name");

        var missing = parse("[[scenario]]\nname = \"x\"\nmodule_name = \"m\"\n").getFirst();
        assertThatThrownBy(missing::validate).hasMessageContaining("scenario 'x': no node given");
        missing.node = "n";
        assertThatThrownBy(missing::validate).hasMessageContaining("needs module_name and reducer_name");
        var badAck = parse("[[scenario]]\nnode = \"n\"\nprofile = \"noop\"\nack = \"sometimes\"\n")
                .getFirst();
        assertThatThrownBy(badAck::validate).hasMessageContaining("ack must be durable or fast");
        var badProfile =
                parse("[[scenario]]\nnode = \"n\"\nprofile = \"nope\"\n").getFirst();
        assertThatThrownBy(badProfile::validate)
                .hasMessageContaining("unknown profile 'nope'")
                .hasMessageContaining("transfer-uniform");
    }

    @Test
    void ignoredUpstreamKeysAreSaidSo() {
        parse("[[scenario]]\nnode = \"n\"\nprofile = \"noop\"\nlatency_sample_stride = 64\n");
        assertThat(warnings).singleElement().asString().contains("latency_sample_stride is ignored");
    }
}
