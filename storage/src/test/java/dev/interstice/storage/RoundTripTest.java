package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.schema.Persistence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundTripTest {
    @TempDir
    Path dir;

    @Test
    void freshStorageIsEmpty() {
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            assertThat(s.recovered().lastLsn()).isZero();
            assertThat(s.recovered().tables()).containsOnlyKeys(LOG, STATE);
            assertThat(s.recovered().warnings()).isEmpty();
            assertThat(rows(s, LOG)).isEmpty();
        }
    }

    @Test
    void ephemeralTablesAreNeverStored() {
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            assertThatThrownBy(() -> s.declareTable(new TableId("m", "scratch"), Persistence.EPHEMERAL))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ephemeral");
        }
    }

    @Test
    void putsDeletesAndClearsSurviveReopen() {
        long lsn;
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            s.append(tx(1, put(LOG, "a", "1"), put(STATE, "a", "1"), put(LOG, "b", "2"), put(STATE, "b", "2")));
            s.append(tx(2, del(LOG, "a"), del(STATE, "b"), put(LOG, "c", "3")));
            s.append(tx(3, new Change.Clear(STATE), put(STATE, "z", "26")));
            lsn = s.append(tx(4, put(LOG, "b", "22")));
            s.whenDurable(lsn).join();
            assertThat(s.durableLsn()).isGreaterThanOrEqualTo(lsn);
        }
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            assertThat(rows(s, LOG)).isEqualTo(Map.of("b", "22", "c", "3"));
            assertThat(rows(s, STATE)).isEqualTo(Map.of("z", "26"));
            assertThat(s.recovered().lastLsn()).isEqualTo(lsn);
            assertThat(s.recovered().lastTxId()).isEqualTo(4);
            assertThat(s.recovered().warnings()).isEmpty();
            // appending continues with the next LSN
            assertThat(s.append(tx(5, put(LOG, "d", "4")))).isEqualTo(lsn + 1);
        }
        try (Storage s = Storage.open(cfg(dir), Map.of())) {
            assertThat(rows(s, LOG)).containsEntry("d", "4");
            assertThat(s.recovered().tables()).containsOnlyKeys(LOG, STATE); // known from disk without declaring
        }
    }

    @Test
    void roundTripThroughSnapshotsAndRowFiles() {
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            for (int i = 0; i < 100; i++)
                s.append(tx(i, put(LOG, "k" + i, "v" + i), put(STATE, "k" + (i % 10), "v" + i)));
            s.snapshotNow();
            s.append(tx(100, del(LOG, "k0"), del(STATE, "k0")));
            s.snapshotNow();
            s.append(tx(101, put(LOG, "after", "snap"), put(STATE, "after", "snap")));
            assertThat(s.stats().snapshotsTaken()).isEqualTo(2);
        }
        assertThat(rowFiles(dir, STATE)).hasSize(9);
        assertThat(names(rowFiles(dir, STATE)))
                .contains(java.util.HexFormat.of().formatHex(b("k9")) + ".row");
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            assertThat(rows(s, LOG)).hasSize(100).containsEntry("after", "snap").doesNotContainKey("k0");
            assertThat(rows(s, STATE)).hasSize(10).containsEntry("k9", "v99").containsEntry("after", "snap");
            assertThat(s.recovered().lastTxId()).isEqualTo(101);
        }
    }

    @Test
    void dropTableRemovesDataAndRowFiles() {
        TableId other = new TableId("gone", "t");
        try (Storage s = Storage.open(cfg(dir), Map.of(LOG, Persistence.LOGGED, other, Persistence.STATEFUL))) {
            s.append(tx(1, put(LOG, "a", "1"), put(other, "x", "1")));
            s.snapshotNow();
            assertThat(rowFiles(dir, other)).hasSize(1);
            s.dropTable(other);
            s.dropTable(other); // idempotent
            assertThatThrownBy(() -> s.append(tx(2, put(other, "y", "2"))))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        try (Storage s = Storage.open(cfg(dir), Map.of(LOG, Persistence.LOGGED))) {
            assertThat(s.recovered().tables()).containsOnlyKeys(LOG);
            s.snapshotNow(); // files of the dropped stateful table go away once a snapshot covers the drop
        }
        assertThat(Files.exists(RowFiles.tableDir(dir.resolve("rows"), other))).isFalse();
        // re-creating the table starts empty
        try (Storage s = Storage.open(cfg(dir), Map.of(other, Persistence.STATEFUL))) {
            assertThat(rows(s, other)).isEmpty();
            s.append(tx(3, put(other, "new", "1")));
        }
        try (Storage s = Storage.open(cfg(dir), Map.of())) {
            assertThat(rows(s, other)).isEqualTo(Map.of("new", "1"));
        }
    }

    @Test
    void dropAndRecreateInOneLogStretchThenSnapshot() {
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            s.append(tx(1, put(STATE, "old", "1"), put(LOG, "old", "1")));
            s.snapshotNow();
            s.dropTable(STATE);
            s.dropTable(LOG);
            s.declareTable(STATE, Persistence.STATEFUL);
            s.declareTable(LOG, Persistence.LOGGED);
            s.append(tx(2, put(STATE, "new", "2"), put(LOG, "new", "2")));
            s.snapshotNow();
        }
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            assertThat(rows(s, STATE)).isEqualTo(Map.of("new", "2"));
            assertThat(rows(s, LOG)).isEqualTo(Map.of("new", "2"));
        }
        assertThat(rowFiles(dir, STATE)).hasSize(1);
    }

    @Test
    void modeSwitchKeepsRows() {
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            s.append(tx(1, put(LOG, "a", "1"), put(STATE, "b", "2")));
            s.snapshotNow();
        }
        // swap the modes: rows move between the snapshot and row files
        Map<TableId, Persistence> swapped = Map.of(LOG, Persistence.STATEFUL, STATE, Persistence.LOGGED);
        try (Storage s = Storage.open(cfg(dir), swapped)) {
            assertThat(rows(s, LOG)).isEqualTo(Map.of("a", "1"));
            s.append(tx(2, put(LOG, "a2", "x"), put(STATE, "b2", "y")));
            s.snapshotNow();
        }
        assertThat(rowFiles(dir, LOG)).hasSize(2);
        assertThat(rowFiles(dir, STATE)).isEmpty();
        try (Storage s = Storage.open(cfg(dir), swapped)) {
            assertThat(rows(s, LOG)).isEqualTo(Map.of("a", "1", "a2", "x"));
            assertThat(rows(s, STATE)).isEqualTo(Map.of("b", "2", "b2", "y"));
        }
    }

    @Test
    void declareIsIdempotentAndLateTablesWork() {
        TableId late = new TableId("late", "t");
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            long before = s.stats().appendedRecords();
            s.declareTable(LOG, Persistence.LOGGED);
            assertThat(s.stats().appendedRecords()).isEqualTo(before);
            s.declareTable(late, Persistence.STATEFUL);
            s.append(tx(1, put(late, "k", "v")));
        }
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            assertThat(rows(s, late)).isEqualTo(Map.of("k", "v"));
        }
    }

    @Test
    void oddNamesLongKeysAndEmptyValues() {
        TableId odd = new TableId("../we ird/", "t%a.b");
        TableId empty = new TableId("", "");
        byte[] longKey = new byte[500];
        for (int i = 0; i < longKey.length; i++) longKey[i] = (byte) i;
        try (Storage s = Storage.open(cfg(dir), Map.of(odd, Persistence.STATEFUL, empty, Persistence.STATEFUL))) {
            s.append(new TxRecord(
                    1,
                    0,
                    java.util.List.of(
                            new Change.Put(odd, longKey, new byte[0]),
                            new Change.Put(odd, new byte[0], b("empty key")),
                            new Change.Put(empty, b("k"), b("v")))));
            s.snapshotNow();
        }
        assertThat(rowFiles(dir, odd)).hasSize(2);
        assertThat(RowFiles.tableDir(dir.resolve("rows"), odd).normalize()).startsWith(dir.resolve("rows"));
        try (Storage s = Storage.open(cfg(dir), Map.of())) {
            assertThat(s.recovered().rows(odd)).hasSize(2);
            assertThat(s.recovered().rows(odd).get(new ByteKey(longKey))).isEmpty();
            assertThat(s.recovered().rows(odd).get(new ByteKey(new byte[0]))).isEqualTo(b("empty key"));
            assertThat(rows(s, empty)).isEqualTo(Map.of("k", "v"));
        }
    }

    @Test
    void secondOpenOfTheSameDirectoryIsRefused() {
        Storage s = Storage.open(cfg(dir), BOTH);
        try {
            assertThatThrownBy(() -> Storage.open(cfg(dir), BOTH))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("already open");
        } finally {
            s.close();
        }
    }

    @Test
    void appendAfterCloseFails() {
        Storage s = Storage.open(cfg(dir), BOTH);
        s.close();
        assertThatThrownBy(() -> s.append(tx(1, put(LOG, "a", "1"))))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void atomicFilesWrite() throws Exception {
        Path f = dir.resolve("meta.json");
        AtomicFiles.write(f, b("one"));
        AtomicFiles.write(f, b("two"));
        assertThat(Files.readString(f)).isEqualTo("two");
        assertThat(Files.list(dir)).containsExactly(f);
    }
}
