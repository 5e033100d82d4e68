package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.schema.Persistence;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A transaction touching logged and stateful tables is all or nothing across crashes. */
class AtomicityTest {
    @TempDir
    Path tmp;

    /** tx i: counter=i in both tables, h<i> in LOG, m<i%5> in STATE; every 7th clears STATE first. */
    static TxRecord workload(long i) {
        List<Change> c = new java.util.ArrayList<>();
        if (i % 7 == 0) c.add(new Change.Clear(STATE));
        c.add(put(LOG, "counter", "" + i));
        c.add(put(STATE, "counter", "" + i));
        c.add(put(LOG, "h" + i, "x".repeat(30)));
        c.add(put(STATE, "m" + (i % 5), "" + i));
        if (i % 3 == 0) c.add(del(LOG, "h" + (i - 1)));
        return new TxRecord(i, 0, c);
    }

    /** The state after transactions 1..n of {@link #workload}. */
    static Map<TableId, TreeMap<String, String>> expected(long n) {
        TreeMap<String, String> log = new TreeMap<>();
        TreeMap<String, String> st = new TreeMap<>();
        for (long i = 1; i <= n; i++) {
            if (i % 7 == 0) st.clear();
            log.put("counter", "" + i);
            st.put("counter", "" + i);
            log.put("h" + i, "x".repeat(30));
            st.put("m" + (i % 5), "" + i);
            if (i % 3 == 0) log.remove("h" + (i - 1));
        }
        return Map.of(LOG, log, STATE, st);
    }

    static void assertConsistentPrefix(Storage s) {
        String c = rows(s, LOG).get("counter");
        long n = c == null ? 0 : Long.parseLong(c);
        assertThat(rows(s, LOG)).isEqualTo(expected(n).get(LOG));
        assertThat(rows(s, STATE)).isEqualTo(expected(n).get(STATE));
    }

    @Test
    void crashAtEveryOffsetOfTheLogAfterASnapshot() {
        Path src = tmp.resolve("src");
        try (Storage s = Storage.open(exactLayout(cfg(src)), BOTH)) {
            for (long i = 1; i <= 20; i++) s.whenDurable(s.append(workload(i))).join();
            s.snapshotNow(); // row files now reflect tx 20
            for (long i = 21; i <= 30; i++) s.whenDurable(s.append(workload(i))).join();
        }
        Path seg = lastSegment(src);
        byte[] full = readAll(seg);
        List<Integer> b = TornTailTest.boundaries(full);
        Path dir = tmp.resolve("crash");
        for (int cut = 0; cut <= full.length; cut += 3) {
            deleteTree(dir);
            copyTree(src, dir);
            write(dir.resolve("wal").resolve(seg.getFileName()), Arrays.copyOf(full, cut));
            int complete = 0;
            while (complete + 1 < b.size() && b.get(complete + 1) <= cut) complete++;
            try (Storage s = Storage.open(cfg(dir).withAutoCompaction(false), BOTH)) {
                assertConsistentPrefix(s);
                assertThat(rows(s, LOG).get("counter")).isEqualTo("" + (20 + complete));
            }
        }
    }

    /** Crash images taken at each step of a compaction recover to the full state. */
    @ParameterizedTest
    @ValueSource(strings = {"rows-written", "snapshot-written", "snapshot-installed"})
    void crashDuringCompaction(String point) throws Exception {
        Path dir = tmp.resolve("live");
        Path image = tmp.resolve("image");
        TableId other = new TableId("mod", "recreated");
        DiskErrorTest.Faults f = new DiskErrorTest.Faults();
        Map<String, String> otherExpected = new HashMap<>();
        try (Storage s = Storage.open(cfg(dir), BOTH, f)) {
            s.declareTable(other, Persistence.STATEFUL);
            for (long i = 1; i <= 40; i++) s.append(workload(i));
            s.append(tx(41, put(other, "gone", "1")));
            s.snapshotNow();
            for (long i = 42; i <= 90; i++) s.append(workload(i - 1)); // idempotent re-run of 41..89 (counter = i-1)
            s.dropTable(other);
            s.declareTable(other, Persistence.STATEFUL);
            s.append(tx(91, put(other, "new", "2")));
            otherExpected.put("new", "2");
            s.whenDurable(s.append(workload(89))).join();
            f.failCompactionAt = point;
            assertThatThrownBy(s::snapshotNow).isInstanceOf(StorageException.class);
            copyTree(dir, image); // what a crash right here leaves on disk
            f.failCompactionAt = null;
        }
        for (Path p : List.of(image, dir)) {
            try (Storage s = Storage.open(cfg(p).withAutoCompaction(false), BOTH)) {
                assertThat(rows(s, LOG)).isEqualTo(expected(89).get(LOG));
                assertThat(rows(s, STATE)).isEqualTo(expected(89).get(STATE));
                assertThat(rows(s, other)).isEqualTo(otherExpected);
                s.snapshotNow(); // and a complete compaction from this state is right too
            }
            try (Storage s = Storage.open(cfg(p), BOTH)) {
                assertThat(rows(s, STATE)).isEqualTo(expected(89).get(STATE));
                assertThat(rows(s, other)).isEqualTo(otherExpected);
            }
            assertThat(rowFiles(p, STATE)).hasSize(expected(89).get(STATE).size());
        }
    }
}
