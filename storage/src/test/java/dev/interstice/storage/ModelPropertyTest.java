package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.schema.Persistence;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/** Random operation sequences against an in-memory model; random bit flips in a log. */
class ModelPropertyTest {
    static final TableId[] TABLES = {new TableId("m", "t0"), new TableId("m", "t1"), new TableId("other", "t2")};

    enum Kind {
        PUT,
        DELETE,
        CLEAR
    }

    record Ch(int table, Kind kind, int key, int value) {}

    sealed interface Op permits Tx, Snapshot, Reopen, Drop, Declare {}

    record Tx(List<Ch> changes) implements Op {}

    record Snapshot() implements Op {}

    record Reopen() implements Op {}

    record Drop(int table) implements Op {}

    record Declare(int table, boolean stateful) implements Op {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Ch> ch = Combinators.combine(
                        Arbitraries.integers().between(0, 2),
                                Arbitraries.integers().between(0, 19),
                        Arbitraries.integers().between(0, 9),
                                Arbitraries.integers().between(0, 999))
                .as((t, k, key, v) -> new Ch(t, k < 13 ? Kind.PUT : k < 19 ? Kind.DELETE : Kind.CLEAR, key, v));
        Arbitrary<Op> tx = ch.list().ofMinSize(1).ofMaxSize(6).map(Tx::new);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(30, tx),
                Tuple.of(3, Arbitraries.just(new Snapshot())),
                Tuple.of(3, Arbitraries.just(new Reopen())),
                Tuple.of(1, Arbitraries.integers().between(0, 2).map(Drop::new)),
                Tuple.of(
                        2,
                        Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.of(true, false))
                                .as(Declare::new)));
        return op.list().ofMinSize(10).ofMaxSize(120).withSizeDistribution(net.jqwik.api.RandomDistribution.uniform());
    }

    static String value(int v) {
        return "v" + v + "-".repeat(v % 300);
    }

    @Property(tries = 60)
    void storageMatchesModel(@ForAll("ops") List<Op> ops) {
        net.jqwik.api.statistics.Statistics.label("operations").collect(ops.size() / 40 * 40);
        Path dir = tempDir("model");
        StorageConfig cfg = new StorageConfig(dir, 4096, Duration.ofMillis(2), false);
        Map<TableId, TreeMap<String, String>> model = new HashMap<>();
        Map<TableId, Persistence> modes = new HashMap<>();
        model.put(TABLES[0], new TreeMap<>());
        modes.put(TABLES[0], Persistence.LOGGED);
        model.put(TABLES[1], new TreeMap<>());
        modes.put(TABLES[1], Persistence.STATEFUL);
        Storage s = Storage.open(cfg, Map.copyOf(modes));
        try {
            long txId = 0;
            for (Op op : ops) {
                switch (op) {
                    case Tx t -> {
                        List<Change> changes = new ArrayList<>();
                        for (Ch c : t.changes()) {
                            TableId id = TABLES[c.table()];
                            TreeMap<String, String> rows = model.get(id);
                            if (rows == null) continue; // undeclared table: the runtime would not send it
                            switch (c.kind()) {
                                case PUT -> {
                                    changes.add(put(id, "k" + c.key(), value(c.value())));
                                    rows.put("k" + c.key(), value(c.value()));
                                }
                                case DELETE -> {
                                    changes.add(del(id, "k" + c.key()));
                                    rows.remove("k" + c.key());
                                }
                                case CLEAR -> {
                                    changes.add(new Change.Clear(id));
                                    rows.clear();
                                }
                            }
                        }
                        if (!changes.isEmpty()) s.append(new TxRecord(++txId, 0, changes));
                    }
                    case Snapshot x -> s.snapshotNow();
                    case Reopen x -> {
                        s.close();
                        s = Storage.open(cfg, Map.of());
                        check(s, model);
                    }
                    case Drop d -> {
                        s.dropTable(TABLES[d.table()]);
                        model.remove(TABLES[d.table()]);
                        modes.remove(TABLES[d.table()]);
                    }
                    case Declare d -> {
                        Persistence m = d.stateful() ? Persistence.STATEFUL : Persistence.LOGGED;
                        s.declareTable(TABLES[d.table()], m);
                        model.computeIfAbsent(TABLES[d.table()], k -> new TreeMap<>());
                        modes.put(TABLES[d.table()], m);
                    }
                }
            }
            s.close();
            s = Storage.open(cfg, Map.of());
            check(s, model);
            s.snapshotNow();
            s.close();
            s = Storage.open(cfg, Map.of());
            check(s, model);
            // stateful tables are exactly their row files after a snapshot
            for (Map.Entry<TableId, Persistence> e : modes.entrySet()) {
                int files = rowFiles(dir, e.getKey()).size();
                if (e.getValue() == Persistence.STATEFUL)
                    assertThat(files).isEqualTo(model.get(e.getKey()).size());
                else assertThat(files).isZero();
            }
        } finally {
            s.close();
            deleteTree(dir);
        }
    }

    private static void check(Storage s, Map<TableId, TreeMap<String, String>> model) {
        assertThat(s.recovered().warnings()).isEmpty();
        assertThat(s.recovered().tables().keySet()).isEqualTo(model.keySet());
        for (Map.Entry<TableId, TreeMap<String, String>> e : model.entrySet())
            assertThat(rows(s, e.getKey())).as("table %s", e.getKey()).isEqualTo(e.getValue());
    }

    // ------------------------------------------------------------------------------------------------ bit flips

    private static Path flipSource;
    private static byte[] flipLog;
    private static List<Integer> flipFrames;
    private static final int FLIP_TXS = 25;

    private static synchronized void prepareFlipSource() {
        if (flipSource != null) return;
        flipSource = tempDir("flip-src");
        try (Storage s = Storage.open(exactLayout(cfg(flipSource)), BOTH)) {
            for (int i = 1; i <= FLIP_TXS; i++) {
                long lsn = s.append(tx(i, put(LOG, "k" + i, "v" + i), put(STATE, "counter", "" + i)));
                s.whenDurable(lsn).join(); // acknowledged one by one, like committing sessions
            }
        }
        flipLog = readAll(lastSegment(flipSource));
        flipFrames = TornTailTest.boundaries(flipLog);
    }

    @AfterContainer
    static void cleanup() {
        if (flipSource != null) deleteTree(flipSource);
    }

    @Property(tries = 60)
    void anyBitFlipIsDetected(@ForAll @IntRange(min = 0, max = 1 << 30) int where, @ForAll @IntRange(max = 7) int bit) {
        prepareFlipSource();
        int pos = where % flipLog.length;
        int f = 0;
        while (flipFrames.get(f + 1) <= pos) f++;
        int frame = f;
        int frameStart = flipFrames.get(frame);
        boolean lastFrame = frame == flipFrames.size() - 2;
        int txs = Math.max(0, frame - 2); // frames 0 and 1 declare the tables
        Path dir = tempDir("flip");
        try {
            copyTree(flipSource, dir);
            Path seg = lastSegment(dir);
            write(seg, flip(flipLog, pos, bit));
            if (lastFrame) {
                try (Storage s = Storage.open(cfg(dir), BOTH)) {
                    assertPrefix(s, txs);
                    assertThat(s.recovered().warnings()).hasSize(1);
                }
            } else {
                assertThatThrownBy(() -> Storage.open(cfg(dir), BOTH))
                        .isInstanceOfSatisfying(StorageCorruptionException.class, e -> {
                            assertThat(e.file()).isEqualTo(seg);
                            assertThat(e.offset()).isEqualTo(frameStart);
                        });
                try (Storage s = Storage.open(cfg(dir).withSalvage(true), BOTH)) {
                    assertPrefix(s, txs);
                    assertThat(s.recovered().truncations())
                            .singleElement()
                            .satisfies(t -> assertThat(t.firstLostLsn()).isEqualTo(frame + 1));
                }
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static void assertPrefix(Storage s, int txs) {
        TreeMap<String, String> log = new TreeMap<>();
        for (int i = 1; i <= txs; i++) log.put("k" + i, "v" + i);
        assertThat(rows(s, LOG)).isEqualTo(log);
        assertThat(rows(s, STATE)).isEqualTo(txs == 0 ? Map.of() : Map.of("counter", "" + txs));
    }
}
