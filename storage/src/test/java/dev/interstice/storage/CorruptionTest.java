package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage before the tail: refuse to start (naming file and offset), or salvage on request. */
class CorruptionTest {
    @TempDir
    Path tmp;

    /** Writes txs 1..n to LOG (key k<i>) and STATE (counter), each acknowledged before the next. */
    private Path writeLog(String name, int n, StorageConfig base) {
        Path dir = tmp.resolve(name);
        StorageConfig cfg = new StorageConfig(dir, base.segmentBytes(), base.fastFlushInterval(), false);
        try (Storage s = Storage.open(exactLayout(cfg), BOTH)) {
            for (int i = 1; i <= n; i++) {
                long lsn = s.append(
                        tx(i, put(LOG, "k" + i, "value-" + i + "-".repeat(40)), put(STATE, "counter", "" + i)));
                s.whenDurable(lsn).join();
            }
        }
        return dir;
    }

    private static TreeMap<String, String> expectedLog(int n) {
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 1; i <= n; i++) m.put("k" + i, "value-" + i + "-".repeat(40));
        return m;
    }

    @Test
    void bitFlipInTheMiddleOfTheLogFailsStartupNamingFileAndOffset() {
        Path dir = writeLog("mid", 20, cfg(tmp));
        Path seg = lastSegment(dir);
        byte[] data = readAll(seg);
        List<Integer> b = TornTailTest.boundaries(data);
        int victim = b.get(2 + 9); // 2 declarations, then tx 10 (LSN 12)
        write(seg, flip(data, victim + WalFormat.HEADER + 5, 4));

        assertThatThrownBy(() -> Storage.open(cfg(dir), BOTH))
                .isInstanceOfSatisfying(StorageCorruptionException.class, e -> {
                    assertThat(e.file()).isEqualTo(seg);
                    assertThat(e.offset()).isEqualTo(victim);
                    assertThat(e.getMessage())
                            .contains(seg.toString())
                            .contains("offset " + victim)
                            .contains("CRC mismatch")
                            .contains("valid record(s) up to LSN 22");
                });
        // nothing was modified by the failed open
        assertThat(readAll(seg)).hasSize(data.length);

        try (Storage s = Storage.open(cfg(dir).withSalvage(true), BOTH)) {
            RecoveredState r = s.recovered();
            assertThat(rows(s, LOG)).isEqualTo(expectedLog(9));
            assertThat(rows(s, STATE)).isEqualTo(Map.of("counter", "9"));
            assertThat(r.lastLsn()).isEqualTo(11);
            assertThat(r.truncations()).singleElement().satisfies(t -> {
                assertThat(t.salvaged()).isTrue();
                assertThat(t.file()).isEqualTo(seg);
                assertThat(t.offset()).isEqualTo(victim);
                assertThat(t.firstLostLsn()).isEqualTo(12);
                assertThat(t.lastLostLsn()).isEqualTo(22);
                assertThat(t.bytesDropped()).isEqualTo(data.length - victim);
            });
            assertThat(r.warnings())
                    .singleElement()
                    .asString()
                    .contains("log records 12..22 are lost")
                    .contains((data.length - victim) + " bytes");
            s.append(tx(100, put(LOG, "post", "salvage")));
        }
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            assertThat(s.recovered().warnings()).isEmpty();
            assertThat(rows(s, LOG)).containsEntry("post", "salvage").hasSize(10);
        }
    }

    @Test
    void bitFlipInASealedSegmentFailsAndSalvageDropsLaterSegments() {
        StorageConfig small = cfg(tmp).withSegmentBytes(4096);
        Path dir = writeLog("sealed", 200, small);
        List<Path> segs = segments(dir);
        assertThat(segs.size()).isGreaterThan(3);
        Path victimSeg = segs.get(1);
        byte[] data = readAll(victimSeg);
        List<Integer> b = TornTailTest.boundaries(data);
        int victim = b.get(b.size() - 2); // the LAST record of a sealed segment is not a "tail"
        write(victimSeg, flip(data, victim + 30, 0));
        long firstLsnOfVictim =
                Long.parseLong(victimSeg.getFileName().toString().substring(0, 20));
        long lostFrom = firstLsnOfVictim + b.size() - 2;

        assertThatThrownBy(() -> Storage.open(new StorageConfig(dir, 4096, small.fastFlushInterval(), false), BOTH)
                        .close())
                .isInstanceOfSatisfying(StorageCorruptionException.class, e -> {
                    assertThat(e.file()).isEqualTo(victimSeg);
                    assertThat(e.offset()).isEqualTo(victim);
                    assertThat(e.getMessage()).contains("sealed segment");
                });

        StorageConfig salvage = new StorageConfig(dir, 4096, small.fastFlushInterval(), true);
        try (Storage s = Storage.open(salvage.withAutoCompaction(false), BOTH)) {
            RecoveredState r = s.recovered();
            int txs = (int) (lostFrom - 1 - 2);
            assertThat(rows(s, LOG)).isEqualTo(expectedLog(txs));
            assertThat(rows(s, STATE)).isEqualTo(Map.of("counter", "" + txs));
            assertThat(r.truncations()).singleElement().satisfies(t -> {
                assertThat(t.firstLostLsn()).isEqualTo(lostFrom);
                assertThat(t.lastLostLsn()).isEqualTo(202);
                assertThat(t.salvaged()).isTrue();
            });
        }
        assertThat(segments(dir)).hasSize(2);
    }

    @Test
    void damagedLastRecordIsATornTailNotCorruption() {
        Path dir = writeLog("last", 5, cfg(tmp));
        Path seg = lastSegment(dir);
        byte[] data = readAll(seg);
        List<Integer> b = TornTailTest.boundaries(data);
        write(seg, flip(data, b.get(b.size() - 2) + WalFormat.HEADER + 2, 7));
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            assertThat(rows(s, LOG)).isEqualTo(expectedLog(4));
            assertThat(s.recovered().warnings()).singleElement().asString().contains("torn log tail");
        }
    }

    @Test
    void missingSegmentIsCorruption() {
        StorageConfig small = cfg(tmp).withSegmentBytes(4096);
        Path dir = writeLog("gap", 300, small);
        List<Path> segs = segments(dir);
        assertThat(segs.size()).isGreaterThan(3);
        write(segs.get(1), new byte[0]);
        try {
            Files.delete(segs.get(1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThatThrownBy(() -> Storage.open(new StorageConfig(dir, 4096, small.fastFlushInterval(), false), BOTH))
                .isInstanceOfSatisfying(StorageCorruptionException.class, e -> {
                    assertThat(e.file()).isEqualTo(segs.get(2));
                    assertThat(e.getMessage()).contains("previous one ends at LSN");
                });
        try (Storage s = Storage.open(new StorageConfig(dir, 4096, small.fastFlushInterval(), true), BOTH)) {
            assertThat(s.recovered().truncations())
                    .singleElement()
                    .satisfies(t -> assertThat(t.salvaged()).isTrue());
            long firstLost = s.recovered().truncations().getFirst().firstLostLsn();
            assertThat(rows(s, LOG)).isEqualTo(expectedLog((int) firstLost - 3));
        }
    }

    @Test
    void damagedSnapshotIsCorruption() throws Exception {
        Path dir = writeLog("snap", 50, cfg(tmp));
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            s.snapshotNow();
        }
        Path snap;
        try (var st = Files.list(dir)) {
            snap = st.filter(p -> p.getFileName().toString().endsWith(".snap"))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] data = readAll(snap);
        write(snap, flip(data, data.length / 2, 3));
        assertThatThrownBy(() -> Storage.open(cfg(dir), BOTH))
                .isInstanceOfSatisfying(
                        StorageCorruptionException.class,
                        e -> assertThat(e.file()).isEqualTo(snap));
    }

    @Test
    void damagedRowFileIsCorruptionAndSalvageDropsIt() {
        Path dir = writeLog("row", 10, cfg(tmp));
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            s.snapshotNow();
        }
        Path row = rowFiles(dir, STATE).getFirst();
        byte[] data = readAll(row);
        write(row, flip(data, 9, 1));
        assertThatThrownBy(() -> Storage.open(cfg(dir), BOTH))
                .isInstanceOfSatisfying(
                        StorageCorruptionException.class,
                        e -> assertThat(e.file()).isEqualTo(row));
        try (Storage s = Storage.open(cfg(dir).withSalvage(true), BOTH)) {
            assertThat(rows(s, STATE)).isEmpty();
            assertThat(s.recovered().warnings()).singleElement().asString().contains(row.toString());
        }
    }
}
