package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.bool;
import static dev.interstice.abi.value.IntersticeValue.i64;
import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.abi.value.IntersticeValue.u8;
import static dev.interstice.cli.CliEndToEndTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.storage.LogRetention;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code interstice replay --verify}: the example and benchmark workloads replay byte for byte after a load run, and a
 * module that leaks the wall clock into a row is caught at the transaction it did it in.
 */
@Timeout(180)
class ReplayTest {
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

    @Test
    void exampleAndBenchmarkWorkloadsReplayCleanAfterALoadRun() throws Exception {
        var rnd = new Random(19);
        try (Node node = Node.open(NodeConfig.at(data).withLogSink((m, msg) -> {}))) {
            node.load("hello.wasm", ExampleCommand.exampleWasm("hello"));
            node.load("benchmark-workload.wasm", ExampleCommand.exampleWasm("benchmark-workload"));
            node.load(CliEndToEndTest.bank().build());
            String bw = "benchmark-workload";
            node.call(bw, "seed_accounts", List.of(u32(20), i64(1000)));
            for (int i = 0; i < 300; i++) {
                long seq = rnd.nextInt(30) + 100_000L * rnd.nextInt(3);
                switch (i % 6) {
                    case 0 -> node.call("hello", "hello", List.of(str("n" + i)));
                    case 1 ->
                        node.call(bw, "tx_mix_logged", List.of(str("c"), u64(seq), u64(rnd.nextInt(8)), bool(true)));
                    case 2 -> node.call(bw, "tx_mix_stateful", List.of(str("d"), u64(seq), u64(3), bool(true)));
                    case 3 ->
                        node.call(
                                bw,
                                "transfer",
                                List.of(u32(rnd.nextInt(20)), u32(rnd.nextInt(20)), i64(rnd.nextInt(50))));
                    case 4 -> node.call("bank", "record", List.of());
                    default -> node.call(bw, "tx_delete_logged", List.of(str("c"), u64(seq), bool(false)));
                }
                if (i == 150) node.snapshot(); // part of the log now read from the kept history
            }
            node.publish("hello.wasm", ExampleCommand.exampleWasm("hello"), false); // a version change mid-log
            node.call("hello", "hello", List.of(str("after")));
        }
        var r = run("replay", "--data-dir", data.toString(), "--verify").ok();
        assertThat(r.out()).contains("replay matches the log up to tx ").contains(" re-executed, ");
        assertThat(run("replay", "--data-dir", data.toString(), "--to-tx", "40", "--verify")
                        .ok()
                        .out())
                .contains("replay matches the log up to tx 4"); // 40 or the last one before it
    }

    /**
     * A node whose log was compacted and not kept (retention none): the replay starts from its snapshot (tables,
     * STATEFUL row files, auto_inc counters, code) and verifies the records after it.
     */
    @Test
    void aCompactedLogReplaysFromItsSnapshot() throws Exception {
        long snapTx = -1;
        try (Node node = Node.open(
                NodeConfig.at(data).withLogRetention(LogRetention.NONE).withLogSink((m, msg) -> {}))) {
            node.load("hello.wasm", ExampleCommand.exampleWasm("hello"));
            node.load("benchmark-workload.wasm", ExampleCommand.exampleWasm("benchmark-workload"));
            node.load(CliEndToEndTest.bank().build());
            String bw = "benchmark-workload";
            node.call(bw, "seed_accounts", List.of(u32(10), i64(1000)));
            for (int i = 0; i < 40; i++) {
                node.call("hello", "hello", List.of(str("n" + i)));
                node.call(bw, "tx_mix_stateful", List.of(str("d"), u64(i % 7), u64(3), bool(true)));
                node.call("bank", "record", List.of());
                if (i == 20) {
                    node.snapshot();
                    snapTx = node.lastTxId();
                }
                node.call(bw, "transfer", List.of(u32(i % 10), u32((i + 3) % 10), i64(5)));
            }
        }
        var r = run("replay", "--data-dir", data.toString(), "--verify").ok();
        assertThat(r.out()).contains("replay matches the log up to tx ").contains(" re-executed, ");
        var m = java.util.regex.Pattern.compile("starting from the snapshot as of tx (\\d+) ")
                .matcher(r.out());
        assertThat(m.find()).isTrue();
        long from = Long.parseLong(m.group(1)); // the last logged transaction at the snapshot
        assertThat(from).isBetween(snapTx - 3, snapTx);
        assertThat(run("replay", "--data-dir", data.toString(), "--to-tx", "" + from, "--verify")
                        .fails(1)
                        .err())
                .contains("is replayed from its snapshot as of tx " + from)
                .contains("give a later --to-tx");
    }

    /**
     * Unloads and removes are logged at their place in the order of transactions: a module called after the snapshot
     * the replay starts from and unloaded since is loaded at that start and unloaded where the log says; a module
     * removed and published again starts afresh there too.
     */
    @Test
    void modulesUnloadedOrRemovedAfterTheSnapshotReplayUpToTheirUnload() throws Exception {
        try (Node node = Node.open(
                NodeConfig.at(data).withLogRetention(LogRetention.NONE).withLogSink((m, msg) -> {}))) {
            node.load("hello.wasm", ExampleCommand.exampleWasm("hello"));
            node.load(CliEndToEndTest.bank().build());
            node.call("hello", "hello", List.of(str("before")));
            node.snapshot();
            for (int i = 0; i < 5; i++) {
                node.call("hello", "hello", List.of(str("n" + i)));
                node.call("bank", "record", List.of());
            }
            node.unload("hello"); // drops hello's pending schedule: a transaction of its own, no origin
            Thread.sleep(3); // ...whose time must differ from the next one's, or a replay taking the wrong one passes
            node.call("bank", "record", List.of());
            node.remove("bank");
            node.load(CliEndToEndTest.bank().build());
            node.call("bank", "record", List.of());
            assertThat(node.readLog(
                            0,
                            1000,
                            rec -> rec.origin() != null
                                    && rec.origin().reducer().isEmpty()
                                    && List.of("unload", "remove")
                                            .contains(rec.origin().trigger())))
                    .extracting(e -> e.record().origin().module() + " "
                            + e.record().origin().trigger())
                    .containsExactly("hello unload", "bank remove");
        }
        var r = run("replay", "--data-dir", data.toString(), "--verify").ok();
        assertThat(r.out())
                .contains("replay matches the log up to tx ")
                .contains("starting from the snapshot as of tx ");
    }

    /**
     * The determinism check CI runs after an example's test: the stopped node's log in {@code dataDir} replays byte for
     * byte ({@code interstice replay --verify}, docs/operability.md).
     */
    static void assertReplaysClean(Path dataDir) throws java.io.IOException {
        Path scratch = java.nio.file.Files.createTempDirectory("interstice-replay-check");
        try {
            var r = dev.interstice.runtime.node.Replay.verify(dataDir, Long.MAX_VALUE, scratch);
            assertThat(r.divergence()).as("the replay of " + dataDir).isNull();
            assertThat(r.compared()).isPositive();
        } finally {
            try (var walk = java.nio.file.Files.walk(scratch)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList())
                    java.nio.file.Files.deleteIfExists(p);
            }
        }
    }

    /** A schedule's run and a rewind are re-executed and compared, not applied as logged. */
    @Test
    void aSchedulesRunAndARewindAreReExecuted() throws Exception {
        var clock = new AtomicLong(1_700_000_000_000L);
        try (Node node = Node.open(NodeConfig.at(data).withClock(clock::get).withLogSink((m, msg) -> {}))) {
            node.load("hello.wasm", ExampleCommand.exampleWasm("hello")); // its load hook schedules a reducer in 1 s
            node.load(CliEndToEndTest.bank().build());
            long first = node.call("bank", "record", List.of()).txId();
            node.call("bank", "record", List.of());
            java.util.function.Predicate<dev.interstice.storage.TxRecord> ran =
                    r -> r.origin() != null && r.origin().trigger().equals("schedule");
            clock.addAndGet(2000); // the schedule is due
            for (int i = 0; i < 500 && node.readLog(1, 100, ran).isEmpty(); i++) Thread.sleep(20);
            assertThat(node.readLog(1, 100, ran))
                    .as(() -> node.readLog(1, 100, r -> true).stream()
                            .map(e -> e.record().txId() + " " + e.record().origin())
                            .toList()
                            .toString())
                    .hasSize(1);
            node.rewind("bank", first);
            node.call("bank", "record", List.of());
        }
        assertThat(run("replay", "--data-dir", data.toString(), "--verify").ok().out())
                .contains("replay matches the log up to tx ")
                .contains(", 0 applied as logged");
    }

    /** A module that reads its past, previews and merges branches and rewinds replays byte for byte. */
    @Test
    void timeTravelReplaysClean() throws Exception {
        try (Node node = Node.open(NodeConfig.at(data).withLogSink((m, msg) -> {}))) {
            node.load("tictactoe.wasm", ExampleCommand.exampleWasm("tictactoe"));
            node.call("tictactoe", "play", List.of(u8(4)));
            node.call("tictactoe", "preview", List.of(u8(0)));
            node.call("tictactoe", "try_line", List.of(str("l"), new IntersticeValue.Vec(List.of(u8(0), u8(8)))));
            node.call("tictactoe", "merge_line", List.of(str("l")));
            for (int i = 0; i < 500 && node.rows("tictactoe", "move").size() < 3; i++) Thread.sleep(20);
            assertThat(node.rows("tictactoe", "move")).hasSize(3);
            node.call("tictactoe", "rewind", List.of(u32(1)));
            node.call("tictactoe", "play", List.of(u8(2)));
        }
        assertThat(run("replay", "--data-dir", data.toString(), "--verify").ok().out())
                .contains("replay matches the log up to tx ");
    }

    /**
     * A module reading the host's clock outside a transaction (in its start function, where {@code interstice_time}
     * is the node's wall clock, not the transaction's time) and writing it into a row.
     */
    static byte[] clockLeak() {
        byte[] zero = Abi.encodeRow(new Row(u64(0), List.of()));
        byte[] one = Abi.encodeRow(new Row(u64(1), List.of()));
        int at = 0;
        while (zero[at] == one[at]) at++; // the key's varint: a one-byte 0 or 1
        byte[] pre = java.util.Arrays.copyOfRange(zero, 0, at);
        byte[] suf = java.util.Arrays.copyOfRange(zero, at + 1, zero.length);
        return ModuleFixture.module("clock")
                .table(ModuleFixture.simpleTable(
                        "seen", false, Persistence.LOGGED, Visibility.PUBLIC, List.of(), List.of()))
                .blob("pre", pre)
                .blob("suf", suf)
                .func("""
                          (global $born (mut i64) (i64.const 0))
                          (func $init_born (global.set $born (call $time)))
                          (start $init_born)
                          (func $leb (param $p i32) (param $v i64) (result i32)
                            (loop $l
                              (if (i64.lt_u (local.get $v) (i64.const 128))
                                (then
                                  (i32.store8 (local.get $p) (i32.wrap_i64 (local.get $v)))
                                  (return (i32.add (local.get $p) (i32.const 1)))))
                              (i32.store8 (local.get $p) (i32.or (i32.wrap_i64 (i64.and (local.get $v) (i64.const 127))) (i32.const 128)))
                              (local.set $p (i32.add (local.get $p) (i32.const 1)))
                              (local.set $v (i64.shr_u (local.get $v) (i64.const 7)))
                              (br $l))
                            unreachable)
                        """)
                .reducer("stamp", List.of(), List.of("seen"), """
                        (local $p i32) (local $e i32)
                        (local.set $p (call $alloc (i32.const 64)))
                        (memory.copy (local.get $p) (i32.const ${pre}) (i32.const ${pre.len}))
                        (local.set $e (call $leb (i32.add (local.get $p) (i32.const ${pre.len})) (global.get $born)))
                        (memory.copy (local.get $e) (i32.const ${suf}) (i32.const ${suf.len}))
                        (local.set $e (i32.add (local.get $e) (i32.const ${suf.len})))
                        (drop (call $insert_row (i32.const ${t:seen}) (i32.const ${t:seen.len}) (local.get $p) (i32.sub (local.get $e) (local.get $p)) (i32.const ${resp}) (i32.const 4096)))
                        (if (i32.ne (i32.load8_u (i32.const ${resp})) (i32.const 0)) (then unreachable))
                        """)
                .build();
    }

    @Test
    void aModuleLeakingTheWallClockIsNamedAtItsTransaction() throws Exception {
        long stamp = runClockLeak(false);
        assertThat(caughtAt(stamp)).contains("expected put ").contains(", got ");
    }

    /** The wall-clock leak is caught too when the replay starts from a snapshot (the log before it not kept). */
    @Test
    void aWallClockLeakIsCaughtAfterASnapshot() throws Exception {
        long stamp = runClockLeak(true);
        assertThat(caughtAt(stamp)).contains("starting from the snapshot as of tx ");
        assertThat(run("replay", "--data-dir", data.toString(), "--to-tx", "" + (stamp - 1), "--verify")
                        .ok()
                        .out())
                .contains("starting from the snapshot as of tx ");
    }

    /**
     * Runs the clock leak's {@code stamp} between bank records on a node whose every clock reading is another time;
     * with {@code snapshot}, after a snapshot whose log is not kept. Returns the stamp's transaction.
     */
    private long runClockLeak(boolean snapshot) {
        var clock = new AtomicLong(1_700_000_000_000L);
        var config = NodeConfig.at(data).withClock(() -> clock.addAndGet(1000)).withLogSink((m, msg) -> {});
        try (Node node = Node.open(snapshot ? config.withLogRetention(LogRetention.NONE) : config)) {
            node.load(CliEndToEndTest.bank().build());
            node.call("bank", "record", List.of());
            node.load(clockLeak());
            node.call("bank", "record", List.of());
            if (snapshot) {
                node.snapshot();
                node.call("bank", "record", List.of());
            }
            long stamp = node.call("clock", "stamp", List.of()).txId();
            node.call("bank", "record", List.of());
            return stamp;
        }
    }

    /** The replay names the stamp's transaction and table, and matches up to the one before; its output. */
    private String caughtAt(long stamp) {
        String out = run("replay", "--data-dir", data.toString(), "--verify")
                .fails(1)
                .out();
        assertThat(out)
                .contains("replay DIVERGES at tx " + stamp + " (clock.stamp)")
                .contains("table clock.seen");
        assertThat(run("replay", "--data-dir", data.toString(), "--to-tx", "" + (stamp - 1), "--verify")
                        .ok()
                        .out())
                .contains("replay matches");
        return out;
    }
}
