package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.bool;
import static dev.interstice.abi.value.IntersticeValue.i64;
import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.cli.CliEndToEndTest.run;
import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.ExecutionStats;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optimistic parallel execution (executors > 1, docs/parallel-execution.md): calls that can be validated commit as they
 * ran, the others fall back to the serial path, and a random workload with frequent conflicts leaves a log that a
 * serial node replays byte for byte ({@code replay --verify}).
 */
@Timeout(300)
class ParallelExecutionTest {
    static final String BW = "benchmark-workload";

    @TempDir
    Path home;

    Path data;

    @BeforeEach
    void setUp() {
        System.setProperty("interstice.home", home.toString());
        data = home.resolve("data");
    }

    @AfterEach
    void tearDown() {
        System.clearProperty("interstice.home");
    }

    /** A module whose reducers make a nested local call (a transfer) and scan their own table. */
    static ModuleFixture relay() {
        var transfer = new HostCall.CallReducer(
                Selection.CURRENT,
                Selection.other(BW),
                "transfer",
                new IntersticeValue.Vec(List.of(u32(0), u32(1), i64(1))));
        return ModuleFixture.module("relay")
                .table(ModuleFixture.simpleTable(
                        "notes", false, Persistence.LOGGED, Visibility.PUBLIC, List.of(), List.of()))
                .blob("pay", TestNode.hostCall(transfer))
                .blob("scan", TestNode.hostCall(new HostCall.TableScan(Selection.CURRENT, "notes")))
                .reducer("pay", List.of(), List.of(), hostCallAndLog("pay"))
                .reducer("scan", List.of(), List.of("notes"), hostCallAndLog("scan"));
    }

    Node open(int executors) throws Exception {
        Node node = Node.open(NodeConfig.at(data)
                .withLogSink((m, msg) -> {})
                .withAck(Ack.FAST)
                .withExecutors(executors));
        node.load("benchmark-workload.wasm", ExampleCommand.exampleWasm("benchmark-workload"));
        node.load(relay().build());
        return node;
    }

    @Test
    void eachKindOfCallTakesItsPath() throws Exception {
        try (Node node = open(2)) {
            node.call(BW, "seed_accounts", List.of(u32(4), i64(100)));
            ExecutionStats s0 = node.executionStats();
            node.call(BW, "transfer", List.of(u32(0), u32(1), i64(5)));
            assertThat(delta(node, s0)).isEqualTo(new ExecutionStats(1, 0, 0, 0));

            // each of these does something a read set cannot validate: it runs again, serially
            var fallbacks = List.<Runnable>of(
                    () -> node.call(BW, "tx_update_stateful", List.of(str("c"), u64(1), u64(4), bool(false))), // time
                    () -> node.call(BW, "emit_event", List.of(str("c"), u64(1), u64(4), bool(false))), // auto_inc
                    () -> node.call("relay", "pay", List.of()), // nested local call
                    () -> node.call("relay", "scan", List.of()), // scan
                    () -> node.call(BW, "reset", List.of()), // clear
                    () -> node.call(BW, "start_tick", List.of(u64(3_600_000)))); // schedule (and time)
            for (Runnable call : fallbacks) {
                ExecutionStats before = node.executionStats();
                call.run();
                assertThat(delta(node, before)).isEqualTo(new ExecutionStats(0, 0, 1, 0));
            }
            // a reducer that just fell back runs serially for a while; others still speculate
            ExecutionStats before = node.executionStats();
            node.call("relay", "scan", List.of());
            node.call(BW, "transfer", List.of(u32(1), u32(2), i64(5)));
            assertThat(delta(node, before)).isEqualTo(new ExecutionStats(1, 0, 0, 1));

            // a failing call fails as it does serially (its speculation is not the answer)
            before = node.executionStats();
            assertThat(org.junit.jupiter.api.Assertions.assertThrows(
                            CallException.class, () -> node.call(BW, "transfer", List.of(u32(1), u32(2)))))
                    .hasMessageContaining("transfer");
            assertThat(delta(node, before)).isEqualTo(new ExecutionStats(0, 0, 0, 1)); // refused before running
            assertThat(node.query(BW, "total_balance", List.of())).isEqualTo(i64(400));
        }
        assertThat(run("replay", "--data-dir", data.toString(), "--verify").ok().out())
                .contains("replay matches the log up to tx ");
    }

    @Test
    void randomWorkloadWithConflictsReplaysByteForByteOnASerialNode() throws Exception {
        int accounts = 6;
        int threads = 4;
        ExecutionStats stats;
        IntersticeValue total;
        try (Node node = open(3)) {
            node.call(BW, "seed_accounts", List.of(u32(accounts), i64(1000)));
            node.call(BW, "start_tick", List.of(u64(3))); // a schedule that fires while the callers run
            // rounds until conflicts were seen (a handful of rounds at most on any machine; bounded anyway)
            for (int round = 0; round < 20; round++) {
                runRound(node, threads, round, accounts);
                if (node.executionStats().reexecuted() > 0 && round >= 1) break;
            }
            node.call(BW, "stop_tick", List.of());
            stats = node.executionStats();
            total = node.query(BW, "total_balance", List.of());
        }
        assertThat(stats.committed()).isPositive();
        assertThat(stats.reexecuted()).isPositive();
        assertThat(stats.fallbacks()).isPositive();
        var replay = run("replay", "--data-dir", data.toString(), "--verify");
        assertThat(replay.out() + replay.err()).contains("replay matches the log up to tx ");
        assertThat(total).isEqualTo(i64(accounts * 1000L)); // transfers move money, never make or lose it
    }

    private static void runRound(Node node, int threads, int round, int accounts) throws Exception {
        try (var pool = Executors.newFixedThreadPool(threads)) {
            var futures = new ArrayList<Future<?>>();
            for (int t = 0; t < threads; t++) {
                var rnd = new Random(1000L * round + t);
                String client = "c" + t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 150; i++) call(node, rnd, client, accounts);
                    return null;
                }));
            }
            for (var f : futures) f.get();
        }
    }

    /** One call of the mix: mostly transfers among few accounts (conflicts), then each kind of fallback. */
    private static void call(Node node, Random rnd, String client, int accounts) {
        int kind = rnd.nextInt(100);
        long seq = rnd.nextInt(8);
        if (kind < 70)
            node.call(
                    BW,
                    "transfer",
                    List.of(u32(rnd.nextInt(accounts)), u32(rnd.nextInt(accounts)), i64(1 + rnd.nextInt(300))));
        else if (kind < 78) node.call(BW, "tx_delete_logged", List.of(str(client), u64(seq), bool(false)));
        else if (kind < 85) node.call(BW, "tx_mix_logged", List.of(str(client), u64(seq), u64(8), bool(true)));
        else if (kind < 90) node.call(BW, "emit_event", List.of(str(client), u64(seq), u64(4), bool(false)));
        else if (kind < 95) node.call("relay", "pay", List.of());
        else node.call("relay", "scan", List.of());
    }

    private static ExecutionStats delta(Node node, ExecutionStats before) {
        ExecutionStats now = node.executionStats();
        return new ExecutionStats(
                now.committed() - before.committed(),
                now.reexecuted() - before.reexecuted(),
                now.fallbacks() - before.fallbacks(),
                now.serial() - before.serial());
    }
}
