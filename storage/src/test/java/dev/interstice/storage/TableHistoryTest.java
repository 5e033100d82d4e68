package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Tables as of a past transaction: from the empty start, from kept snapshots, and where the history ends. */
@Timeout(60)
class TableHistoryTest {
    @TempDir
    Path dir;

    private final List<TreeMap<String, String>> states = new ArrayList<>(); // index: tx id

    /** Random puts, deletes and clears of LOG (and puts of STATE), compacted now and then; the state after each tx. */
    private void workload(StorageConfig c, int txs, long seed) {
        Random rnd = new Random(seed);
        TreeMap<String, String> state = new TreeMap<>();
        if (states.isEmpty()) states.add(new TreeMap<>());
        try (Storage s = Storage.open(c, BOTH)) {
            int end = states.size() + txs;
            for (int i = states.size(); i < end; i = states.size()) {
                List<Change> changes = new ArrayList<>();
                int op = rnd.nextInt(100);
                String k = "k" + rnd.nextInt(40);
                if (op < 70) {
                    changes.add(put(LOG, k, "v" + i));
                    state.put(k, "v" + i);
                } else if (op < 97) {
                    changes.add(del(LOG, k));
                    state.remove(k);
                } else {
                    changes.add(new Change.Clear(LOG));
                    state.clear();
                }
                changes.add(put(STATE, "s", "x" + i));
                long lsn = s.append(new TxRecord(i, 1000L * i, changes));
                states.add(new TreeMap<>(state));
                if (i % 20 == 0) s.whenDurable(lsn).join();
                if (i % 150 == 0) s.snapshotNow();
            }
            s.snapshotNow();
        }
    }

    private TreeMap<String, String> asOf(TableId t, long tx) throws IOException {
        return strings(
                TableHistory.asOf(dir, Set.of(t), tx, Long.MAX_VALUE).tables().getOrDefault(t, new TreeMap<>()));
    }

    @Test
    void everyPastStateReadsAsItWasAcrossCompactions() throws IOException {
        workload(cfg(dir).withSegmentBytes(4096).withAutoCompaction(false), 900, 7);
        assertThat(snapshotsKept()).isNotEmpty(); // replaced snapshots are kept for this
        for (int tx = 0; tx < states.size(); tx += 7)
            assertThat(asOf(LOG, tx)).as("tx %d", tx).isEqualTo(states.get(tx));
        assertThat(asOf(LOG, 900)).isEqualTo(states.get(900));
        assertThat(TableHistory.asOf(dir, Set.of(LOG), 5000, Long.MAX_VALUE).txId())
                .isEqualTo(900); // the latest
        assertThat(asOf(STATE, 321)).isEqualTo(Map.of("s", "x321")); // stateful: read from the start of the log
        assertThat(TableHistory.txAt(dir, 123_456, Long.MAX_VALUE)).isEqualTo(123);
        assertThat(TableHistory.txAt(dir, 999, Long.MAX_VALUE)).isZero();
    }

    @Test
    void aPrunedHistoryNamesTheOldestStateItKeeps() throws IOException {
        long bound = 40_000;
        workload(
                cfg(dir).withSegmentBytes(4096)
                        .withAutoCompaction(false)
                        .withLogRetention(new LogRetention(Duration.ofHours(1), bound)),
                1500,
                11);
        long keptBytes = 0;
        try (Stream<Path> st = Files.list(dir.resolve("history"))) {
            for (Path p : st.toList()) keptBytes += Files.size(p);
        }
        assertThat(keptBytes).isLessThanOrEqualTo(bound);
        var e = (TableHistory.NotKept) org.assertj.core.api.Assertions.catchThrowable(() -> asOf(LOG, 3));
        assertThat(e).hasMessageContaining("does not reach back to tx 3").hasMessageContaining("as of tx");
        long earliest = e.earliestTx();
        assertThat(earliest).isBetween(4L, 1500L);
        for (long tx = earliest; tx <= 1500; tx += 13)
            assertThat(asOf(LOG, tx)).as("tx %d", tx).isEqualTo(states.get((int) tx));
        assertThatThrownBy(() -> asOf(STATE, 1400)) // its rows are only in row files: the log must reach its start
                .isInstanceOf(TableHistory.NotKept.class);
        assertThatThrownBy(() -> TableHistory.txAt(dir, 1, Long.MAX_VALUE)).isInstanceOf(TableHistory.NotKept.class);
    }

    private List<Path> snapshotsKept() throws IOException {
        try (Stream<Path> st = Files.list(dir.resolve("history"))) {
            return st.filter(p -> p.toString().endsWith(".snap")).toList();
        }
    }
}
