package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.schema.Persistence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery streams each table's rows (snapshot or row files, then the log after it) without building a map. */
class RecoveredRowsTest {
    static final TableId OTHER = new TableId("mod", "other");
    static final Map<TableId, Persistence> TABLES =
            Map.of(LOG, Persistence.LOGGED, STATE, Persistence.STATEFUL, OTHER, Persistence.LOGGED);

    @TempDir
    Path dir;

    /** Every row {@link RecoveredState#forEachRow} hands over, failing on a key handed over twice. */
    static TreeMap<String, String> streamed(RecoveredState r, TableId t) {
        TreeMap<String, String> out = new TreeMap<>();
        r.forEachRow(t, (buf, ko, kl, ro, rl) -> {
            String key = s(SnapshotFile.copy(buf, ko, kl));
            assertThat(out.put(key, s(SnapshotFile.copy(buf, ro, rl))))
                    .as("row %s handed over twice", key)
                    .isNull();
        });
        return out;
    }

    @Test
    void snapshotThenLogTailGivesExactlyTheRowsOfBefore() {
        TreeMap<String, String> logged = new TreeMap<>();
        TreeMap<String, String> stateful = new TreeMap<>();
        TreeMap<String, String> other = new TreeMap<>();
        long tx = 0;
        try (Storage s = Storage.open(cfg(dir), TABLES)) {
            List<Change> seed = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String k = "k" + i;
                seed.add(put(LOG, k, "v" + i));
                seed.add(put(STATE, k, "v" + i));
                logged.put(k, "v" + i);
                stateful.put(k, "v" + i);
                if (i < 20) {
                    seed.add(put(OTHER, k, "o" + i));
                    other.put(k, "o" + i);
                }
            }
            s.append(new TxRecord(++tx, 0, seed));
            s.snapshotNow(); // the rows are now the snapshot's (LOGGED) and the row files (STATEFUL)
            // after the snapshot: updates (same and other length), deletes, new rows, a delete then a put again,
            // a put then a delete, and a cleared table refilled
            for (int i = 0; i < 500; i += 7) {
                s.append(tx(++tx, put(LOG, "k" + i, "updated" + i), put(STATE, "k" + i, "u" + i)));
                logged.put("k" + i, "updated" + i);
                stateful.put("k" + i, "u" + i);
            }
            for (int i = 1; i < 500; i += 5) {
                s.append(tx(++tx, del(LOG, "k" + i), del(STATE, "k" + i)));
                logged.remove("k" + i);
                stateful.remove("k" + i);
            }
            s.append(tx(++tx, put(LOG, "new", "n"), del(LOG, "k3"), put(LOG, "k3", "back"), put(LOG, "gone", "g")));
            s.append(tx(++tx, del(LOG, "gone"), del(LOG, "never-there")));
            logged.put("new", "n");
            logged.put("k3", "back");
            s.append(tx(++tx, new Change.Clear(OTHER), put(OTHER, "after", "clear")));
            other.clear();
            other.put("after", "clear");
            s.whenDurable(s.stats().lastLsn()).join();
        }
        try (Storage s = Storage.open(cfg(dir), TABLES)) {
            RecoveredState r = s.recovered();
            assertThat(streamed(r, LOG)).isEqualTo(logged);
            assertThat(streamed(r, STATE)).isEqualTo(stateful);
            assertThat(streamed(r, OTHER)).isEqualTo(other);
            assertThat(strings(r.rows(LOG))).isEqualTo(logged);
            assertThat(r.sizeHint(LOG)).isGreaterThanOrEqualTo(logged.size());
            assertThat(r.lastTxId()).isEqualTo(tx);
        }
    }

    @Test
    void releasedRowsAreGoneAndReadingThemAgainFails() {
        try (Storage s = Storage.open(cfg(dir), TABLES)) {
            s.append(tx(1, put(LOG, "a", "1"), put(OTHER, "b", "2")));
            s.snapshotNow();
        }
        try (Storage s = Storage.open(cfg(dir), TABLES)) {
            RecoveredState r = s.recovered();
            r.release(LOG);
            assertThatThrownBy(() -> r.rows(LOG))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("released");
            assertThatThrownBy(() -> r.forEachRow(LOG, (buf, ko, kl, ro, rl) -> {}))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(r.tables()).containsOnlyKeys(STATE, OTHER);
            assertThat(strings(r.rows(OTHER))).isEqualTo(Map.of("b", "2"));
        }
    }

    /** More rows than are copied at open: they are read from the snapshot file when streamed. */
    static final int LARGE = RecoveredRows.COPIED_ROWS + 100;

    /** A snapshot of {@link #LARGE} rows of the LOGGED table (across many blocks) and nothing after it. */
    private TreeMap<String, String> snapshotOnly() {
        TreeMap<String, String> logged = new TreeMap<>();
        try (Storage s = Storage.open(cfg(dir), TABLES)) {
            List<Change> seed = new ArrayList<>();
            for (int i = 0; i < LARGE; i++) {
                seed.add(put(LOG, "k" + i, "v".repeat(100) + i));
                logged.put("k" + i, "v".repeat(100) + i);
            }
            s.append(new TxRecord(1, 0, seed));
            s.snapshotNow();
        }
        return logged;
    }

    @Test
    void aSnapshotsRowsAreReadFromItsFileEvenAfterACompactionReplacedIt() {
        TreeMap<String, String> logged = snapshotOnly();
        try (Storage s = Storage.open(cfg(dir), TABLES)) {
            Path opened = SnapshotFile.list(dir).getLast().path();
            s.append(tx(2, put(LOG, "k0", "changed")));
            s.snapshotNow(); // a new snapshot; the one recovery read is deleted
            assertThat(opened).doesNotExist();
            // the rows recovered at open: the old snapshot's, read from the file kept open
            assertThat(streamed(s.recovered(), LOG)).isEqualTo(logged);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aSnapshotDamagedAfterOpenIsReportedWhenItsRowsAreRead() throws Exception {
        snapshotOnly();
        try (Storage s = Storage.open(cfg(dir), TABLES)) {
            Path snap = SnapshotFile.list(dir).getLast().path();
            try (var ch = java.nio.channels.FileChannel.open(snap, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xFF, 0, (byte) 0xFF}), ch.size() / 2);
            }
            assertThatThrownBy(() -> s.recovered().forEachRow(LOG, (buf, ko, kl, ro, rl) -> {}))
                    .isInstanceOf(StorageCorruptionException.class)
                    .hasMessageContaining("CRC");
        }
    }

    @Test
    void rowsNotReadBeforeTheStorageClosedCannotBeRead() {
        snapshotOnly();
        RecoveredState r;
        try (Storage s = Storage.open(cfg(dir), TABLES)) {
            r = s.recovered();
            assertThat(r.sizeHint(LOG)).isEqualTo(LARGE);
        }
        assertThatThrownBy(() -> r.forEachRow(LOG, (buf, ko, kl, ro, rl) -> {}))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void theLogsChangesApplyOverALargeTableReadFromTheSnapshot() {
        TreeMap<String, String> logged = snapshotOnly();
        try (Storage s = Storage.open(cfg(dir), TABLES)) {
            s.append(tx(2, put(LOG, "k1", "updated"), del(LOG, "k2"), put(LOG, "new", "n"), del(LOG, "k3")));
            s.append(tx(3, put(LOG, "k3", "back")));
            s.whenDurable(s.stats().lastLsn()).join();
        }
        logged.put("k1", "updated");
        logged.remove("k2");
        logged.put("new", "n");
        logged.put("k3", "back");
        try (Storage s = Storage.open(cfg(dir), TABLES)) {
            assertThat(streamed(s.recovered(), LOG)).isEqualTo(logged);
            assertThat(strings(s.recovered().rows(LOG))).isEqualTo(logged);
        }
    }

    @Test
    void rowsCopiedOntoTheHeapNoLongerHoldTheSnapshotFile() throws Exception {
        TreeMap<String, String> logged = snapshotOnly();
        try (Storage s = Storage.open(cfg(dir), TABLES)) {
            Path opened = SnapshotFile.list(dir).getLast().path();
            assertThat(openFiles()).contains(opened.toString());
            s.recovered().copyUnreleased();
            assertThat(openFiles()).doesNotContain(opened.toString());
            s.append(tx(2, put(LOG, "k0", "changed")));
            s.snapshotNow();
            assertThat(streamed(s.recovered(), LOG)).isEqualTo(logged);
        }
    }

    @Test
    void releasingTheLastTableReadFromTheSnapshotClosesIt() throws Exception {
        snapshotOnly();
        try (Storage s = Storage.open(cfg(dir), TABLES)) {
            Path opened = SnapshotFile.list(dir).getLast().path();
            assertThat(streamed(s.recovered(), LOG)).hasSize(LARGE);
            assertThat(openFiles()).contains(opened.toString());
            s.recovered().release(LOG);
            assertThat(openFiles()).doesNotContain(opened.toString());
        }
    }

    /** The files this process has open (Linux: /proc/self/fd). */
    private static List<String> openFiles() throws java.io.IOException {
        List<String> out = new ArrayList<>();
        try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    out.add(java.nio.file.Files.readSymbolicLink(fd).toString());
                } catch (java.io.IOException e) {
                    // closed meanwhile (the listing's own descriptor)
                }
            }
        }
        return out;
    }
}
