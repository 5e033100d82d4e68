package dev.interstice.cli.bench;

import static dev.interstice.abi.value.IntersticeValue.bool;
import static dev.interstice.abi.value.IntersticeValue.i64;
import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark-workload module (AssemblyScript, from the interstice-example-modules jar) on a real node. */
class BenchmarkWorkloadModuleTest {
    private static final String M = BenchmarkWorkload.MODULE;

    private static Node open(Path dir) {
        return Node.open(NodeConfig.at(dir).withLogSink((m, msg) -> {}));
    }

    private static long q(Node node, String query, IntersticeValue... args) {
        return Probe.asLong(node.query(M, query, List.of(args)), query);
    }

    private static Map<String, IntersticeValue> stats(Node node, String client) {
        var s = (IntersticeValue.Struct) node.query(M, "stats", List.of(str(client)));
        return s.fields().stream().collect(Collectors.toMap(IntersticeValue.Field::name, IntersticeValue.Field::value));
    }

    @Test
    void schemaHasTheUpstreamNamesAndShapes(@TempDir Path dir) {
        try (Node node = open(dir)) {
            var schema = node.load("benchmark-workload.wasm", BenchmarkWorkload.wasm());
            assertThat(schema.name()).isEqualTo("benchmark-workload");
            assertThat(schema.visibility()).isEqualTo(Visibility.PUBLIC);
            var full = List.of(
                    new FieldDef("client_id", IntersticeType.STRING),
                    new FieldDef("seq", IntersticeType.U64),
                    new FieldDef("payload_bytes", IntersticeType.U64),
                    new FieldDef("track_progress", IntersticeType.BOOL));
            var delete = List.of(full.get(0), full.get(1), full.get(3));
            for (String mode : List.of("ephemeral", "stateful", "logged")) {
                for (String op : List.of("insert", "update", "mix"))
                    assertThat(schema.reducer("tx_" + op + "_" + mode)
                                    .orElseThrow()
                                    .arguments())
                            .isEqualTo(full);
                assertThat(schema.reducer("tx_delete_" + mode).orElseThrow().arguments())
                        .isEqualTo(delete);
                assertThat(schema.table("bench" + mode).orElseThrow().persistence())
                        .isEqualTo(Persistence.valueOf(mode.toUpperCase()));
            }
            assertThat(schema.reducer("emit_event").orElseThrow().arguments()).isEqualTo(full);
            assertThat(schema.reducer("noop").orElseThrow().arguments()).isEmpty();
            assertThat(schema.reducer("start_tick").orElseThrow().arguments())
                    .containsExactly(new FieldDef("tick_ms", IntersticeType.U64));
            assertThat(schema.reducer("seed_accounts").orElseThrow().arguments())
                    .containsExactly(
                            new FieldDef("count", IntersticeType.U32),
                            new FieldDef("initial_balance", IntersticeType.I64));
            assertThat(schema.reducer("transfer").orElseThrow().arguments())
                    .containsExactly(
                            new FieldDef("from", IntersticeType.U32),
                            new FieldDef("to", IntersticeType.U32),
                            new FieldDef("amount", IntersticeType.I64));
            var accounts = schema.table("accounts").orElseThrow();
            assertThat(accounts.persistence()).isEqualTo(Persistence.LOGGED);
            assertThat(accounts.primaryKey()).isEqualTo(new FieldDef("id", IntersticeType.U32));
            assertThat(accounts.fields()).containsExactly(new FieldDef("balance", IntersticeType.I64));
            assertThat(schema.query("total_committed").orElseThrow().returnType())
                    .isEqualTo(IntersticeType.U64);
            assertThat(schema.query("total_balance").orElseThrow().returnType()).isEqualTo(IntersticeType.I64);
            assertThat(schema.query("stats").orElseThrow().arguments())
                    .containsExactly(new FieldDef("client_id", IntersticeType.STRING));
            assertThat(schema.subscriptions()).hasSize(1 + BenchmarkWorkload.FANOUT); // load + the fan-out subscribers
        }
    }

    @Test
    void insertUpdateDeleteMixCountCommits(@TempDir Path dir) {
        try (Node node = open(dir)) {
            node.load(BenchmarkWorkload.wasm());
            for (String mode : List.of("ephemeral", "stateful", "logged")) {
                String c = "c-" + mode;
                node.call(M, "tx_insert_" + mode, List.of(str(c), u64(1), u64(10), bool(true)));
                node.call(M, "tx_insert_" + mode, List.of(str(c), u64(2), u64(10), bool(true)));
                node.call(
                        M, "tx_insert_" + mode, List.of(str(c), u64(2), u64(20), bool(true))); // same key: overwritten
                node.call(M, "tx_update_" + mode, List.of(str(c), u64(1), u64(5), bool(true)));
                node.call(
                        M,
                        "tx_update_" + mode,
                        List.of(str(c), u64(3), u64(5), bool(false))); // missing: inserted, not counted
                node.call(M, "tx_delete_" + mode, List.of(str(c), u64(2), bool(true)));
                node.call(M, "tx_delete_" + mode, List.of(str(c), u64(99), bool(true))); // missing: still a commit
                node.call(M, "tx_mix_" + mode, List.of(str(c), u64(14), u64(8), bool(true))); // 4: insert
                node.call(
                        M,
                        "tx_mix_" + mode,
                        List.of(str(c), u64(11), u64(8), bool(true))); // 1: update (absent: insert)
                node.call(
                        M,
                        "tx_mix_" + mode,
                        List.of(str(c), u64(100_003), u64(8), bool(true))); // 3: update of key 3 (keys wrap at 100,000)
                node.call(M, "tx_mix_" + mode, List.of(str(c), u64(20), u64(8), bool(true))); // 0: delete (absent)
                var rows = node.rows(M, "bench" + mode);
                assertThat(rows)
                        .extracting(r -> ((IntersticeValue.Str) r.primaryKey()).value())
                        .containsExactly(c + ":1", c + ":11", c + ":14", c + ":3");
                var s = stats(node, c);
                assertThat(s.get("committed")).isEqualTo(u64(10));
                assertThat(s.get("last_seq")).isEqualTo(u64(100_003));
            }
            var s = stats(node, "nobody");
            assertThat(s.get("ephemeral_rows")).isEqualTo(u64(4));
            assertThat(s.get("stateful_rows")).isEqualTo(u64(4));
            assertThat(s.get("logged_rows")).isEqualTo(u64(4));
            assertThat(s.get("progress_rows")).isEqualTo(u64(3));
            assertThat(q(node, "total_committed")).isEqualTo(30);
            // payloads have the requested size
            var row = node.rows(M, "benchlogged").getFirst();
            assertThat(row.entries()).contains(str("x".repeat(5)));

            node.call(M, "reset", List.of());
            assertThat(q(node, "total_committed")).isZero();
            assertThat(node.rows(M, "benchlogged")).isEmpty();
        }
    }

    @Test
    void emitEventRunsEveryFanoutSubscriber(@TempDir Path dir) {
        try (Node node = open(dir)) {
            node.load(BenchmarkWorkload.wasm());
            long tx0 = node.lastTxId();
            for (int i = 1; i <= 10; i++) node.call(M, "emit_event", List.of(str("c"), u64(i), u64(24), bool(true)));
            assertThat(node.lastTxId() - tx0).isEqualTo(10L * (1 + BenchmarkWorkload.FANOUT));
            assertThat(q(node, "fanout_seen")).isEqualTo(10L * BenchmarkWorkload.FANOUT);
            assertThat(q(node, "total_committed")).isEqualTo(10);
            assertThat(node.rows(M, "benchevent")).isEmpty(); // the last subscriber consumed each event
            assertThat(stats(node, "c").get("fanout_subscribers")).isEqualTo(u64(BenchmarkWorkload.FANOUT));
        }
    }

    @Test
    void tickReschedulesItselfUntilStopped(@TempDir Path dir) throws Exception {
        try (Node node = open(dir)) {
            node.load(BenchmarkWorkload.wasm());
            node.call(M, "start_tick", List.of(u64(0)));
            node.call(M, "start_tick", List.of(u64(0))); // already running: no second chain
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (q(node, "tick_count") < 200 && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(q(node, "tick_count")).isGreaterThanOrEqualTo(200);
            assertThat(node.pendingSchedules()).isLessThanOrEqualTo(1);
            assertThat(stats(node, "").get("tick_enabled")).isEqualTo(bool(true));
            node.call(M, "stop_tick", List.of());
            Thread.sleep(200);
            long stopped = q(node, "tick_count");
            Thread.sleep(300);
            assertThat(q(node, "tick_count")).isEqualTo(stopped);
            assertThat(node.pendingSchedules()).isZero();
            node.call(M, "start_tick", List.of(u64(0))); // restart after stop: one chain again
            deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (q(node, "tick_count") < stopped + 100 && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(q(node, "tick_count")).isGreaterThanOrEqualTo(stopped + 100);
            node.call(M, "stop_tick", List.of());
        }
    }

    @Test
    void transfersMoveMoneyAndNeverChangeTheTotal(@TempDir Path dir) throws Exception {
        try (Node node = open(dir)) {
            node.load(BenchmarkWorkload.wasm());
            var connector = new InProcessConnector(node, Ack.DURABLE, "test");
            try (var control = connector.connect(-1, 1)) {
                long t = System.nanoTime();
                int calls = BenchmarkWorkload.seedAccounts(control, 100_000, 1_000);
                long ms = (System.nanoTime() - t) / 1_000_000;
                assertThat(calls).isEqualTo(4);
                assertThat(ms).as("seeding 100,000 accounts").isLessThan(30_000);
                assertThat(BenchmarkWorkload.seedAccounts(control, 100_000, 5)).isZero(); // idempotent
                node.call(M, "seed_accounts", List.of(u32(100_000), i64(5)));
                assertThat(q(node, "account_count")).isEqualTo(100_000);
                assertThat(q(node, "total_balance")).isEqualTo(100_000_000L);
            }
            node.call(M, "transfer", List.of(u32(1), u32(2), i64(300)));
            assertThat(balance(node, 1)).isEqualTo(700);
            assertThat(balance(node, 2)).isEqualTo(1_300);
            long tx = node.lastTxId();
            node.call(M, "transfer", List.of(u32(1), u32(2), i64(701))); // insufficient funds
            node.call(M, "transfer", List.of(u32(3), u32(3), i64(1))); // same account
            node.call(M, "transfer", List.of(u32(3), u32(100_000), i64(1))); // unknown account
            node.call(M, "transfer", List.of(u32(3), u32(4), i64(-5))); // negative amount
            node.call(M, "transfer", List.of(u32(3), u32(4), i64(0)));
            assertThat(node.lastTxId() - tx).isEqualTo(5); // refused transfers still commit (empty transactions)
            assertThat(balance(node, 1)).isEqualTo(700);
            assertThat(balance(node, 3)).isEqualTo(1_000);
            assertThat(balance(node, 4)).isEqualTo(1_000);
            node.call(M, "transfer", List.of(u32(1), u32(0), i64(700))); // exactly the balance
            assertThat(balance(node, 1)).isZero();
            assertThat(q(node, "total_balance")).isEqualTo(100_000_000L);
        }
        try (Node node = open(dir)) { // logged: survives a restart
            assertThat(balance(node, 0)).isEqualTo(1_700);
            assertThat(balance(node, 2)).isEqualTo(1_300);
            assertThat(q(node, "account_count")).isEqualTo(100_000);
            assertThat(q(node, "total_balance")).isEqualTo(100_000_000L);
            assertThat(q(node, "total_committed")).isZero();
        }
    }

    @Test
    void seedingInSeveralSmallCallsAndGrowing(@TempDir Path dir) throws Exception {
        try (Node node = Node.open(NodeConfig.inMemory().withLogSink((m, msg) -> {}))) {
            node.load(BenchmarkWorkload.wasm());
            node.call(M, "seed_accounts", List.of(u32(10), i64(7)));
            assertThat(q(node, "account_count")).isEqualTo(10);
            node.call(M, "seed_accounts", List.of(u32(30_000), i64(7)));
            assertThat(q(node, "account_count")).isEqualTo(25_010);
            node.call(M, "seed_accounts", List.of(u32(30_000), i64(7)));
            assertThat(q(node, "account_count")).isEqualTo(30_000);
            assertThat(q(node, "total_balance")).isEqualTo(210_000);
            assertThat(node.rows(M, "accounts")).hasSize(30_000);
        }
    }

    private static long balance(Node node, int id) {
        return node.rows(M, "accounts").stream()
                .filter(r -> r.primaryKey().equals(u32(id)))
                .findFirst()
                .map(r -> ((IntersticeValue.I64) r.entries().getFirst()).value())
                .orElseThrow();
    }
}
