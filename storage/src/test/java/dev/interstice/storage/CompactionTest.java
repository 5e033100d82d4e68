package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.schema.Persistence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class CompactionTest {
    @TempDir
    Path dir;

    @Test
    void snapshotDeletesCoveredSegmentsAndRecoveryEqualsPreSnapshotState() {
        StorageConfig small = cfg(dir).withSegmentBytes(8192);
        TreeMap<String, String> log = new TreeMap<>();
        TreeMap<String, String> st = new TreeMap<>();
        try (Storage s = Storage.open(small.withAutoCompaction(false), BOTH)) {
            for (int i = 0; i < 2000; i++) {
                long lsn = s.append(tx(i, put(LOG, "k" + (i % 300), "v" + i), put(STATE, "s" + (i % 40), "v" + i)));
                if (i % 20 == 0) s.whenDurable(lsn).join(); // segments roll between write batches
                log.put("k" + (i % 300), "v" + i);
                st.put("s" + (i % 40), "v" + i);
                if (i % 10 == 0) {
                    s.append(tx(i, del(LOG, "k" + (i % 300 + 1)), del(STATE, "s" + (i % 40 + 1))));
                    log.remove("k" + (i % 300 + 1));
                    st.remove("s" + (i % 40 + 1));
                }
            }
            assertThat(segments(dir).size()).isGreaterThan(10);
            s.snapshotNow();
            assertThat(segments(dir)).hasSize(1); // only the new, empty active segment
            assertThat(s.stats().snapshotsTaken()).isEqualTo(1);
            assertThat(s.stats().lastSnapshotLsn()).isEqualTo(s.stats().lastLsn());
        }
        assertThat(rowFiles(dir, STATE)).hasSize(st.size());
        try (Storage s = Storage.open(small, BOTH)) {
            assertThat(rows(s, LOG)).isEqualTo(log);
            assertThat(rows(s, STATE)).isEqualTo(st);
            assertThat(s.recovered().lastTxId()).isEqualTo(1999);
        }
    }

    @Test
    void backgroundCompactionKeepsDiskUseBounded() throws Exception {
        // without log retention: the kept history is bounded by its own setting (TxLogTest)
        StorageConfig small = cfg(dir).withSegmentBytes(16 << 10).withLogRetention(LogRetention.NONE);
        long maxBytes = 0;
        TreeMap<String, String> expected = new TreeMap<>();
        try (Storage s = Storage.open(small, BOTH)) {
            long lsn = 0;
            for (int i = 0; i < 80_000; i++) {
                lsn = s.append(tx(i, put(LOG, "k" + (i % 200), "value-" + i), put(STATE, "s" + (i % 20), "v" + i)));
                expected.put("k" + (i % 200), "value-" + i);
                if (i % 100 == 99) s.whenDurable(lsn).get(10, TimeUnit.SECONDS);
                if (i % 1000 == 999) maxBytes = Math.max(maxBytes, dirBytes(dir));
            }
            s.whenDurable(lsn).get(10, TimeUnit.SECONDS);
            assertThat(s.stats().appendedBytes()).isGreaterThan(5_000_000);
            assertThat(s.stats().snapshotsTaken()).isGreaterThanOrEqualTo(2);
            s.snapshotNow();
            assertThat(dirBytes(dir)).as("bytes on disk after a snapshot").isLessThan(50_000);
        }
        // > 5 MB of log were written; live data is ~200 small rows + 20 row files. The log grows while a compaction
        // runs (appends never wait for it), so the bound is loose, but far below what was written.
        assertThat(maxBytes).as("max bytes on disk").isLessThan(2_000_000);
        try (Storage s = Storage.open(small, BOTH)) {
            assertThat(rows(s, LOG)).isEqualTo(expected);
            assertThat(rows(s, STATE)).hasSize(20).containsEntry("s19", "v79999");
        }
    }

    @Test
    void appendsContinueDuringASnapshotOfALargeTable() throws Exception {
        int rowsCount = 200_000;
        TableId big = new TableId("big", "t");
        try (Storage s = Storage.open(StorageConfig.defaults(dir), Map.of(big, Persistence.LOGGED))) {
            List<Change> batch = new ArrayList<>();
            byte[] row = new byte[64];
            for (int i = 0; i < rowsCount; i++) {
                batch.add(new Change.Put(big, String.format("key-%08d", i).getBytes(), row));
                if (batch.size() == 1000) {
                    s.append(new TxRecord(i, 0, batch));
                    batch = new ArrayList<>();
                }
            }
            s.snapshotNow(); // the table is now in the snapshot
            for (int i = 0; i < 50_000; i++)
                s.append(new TxRecord(i, 0, List.of(new Change.Put(big, ("u" + i).getBytes(), row))));

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong maxNanos = new AtomicLong();
            AtomicLong appended = new AtomicLong();
            CompletableFuture<Void> appender = CompletableFuture.runAsync(() -> {
                long i = 0;
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    s.append(new TxRecord(i, 0, List.of(new Change.Put(big, ("x" + (i % 1000)).getBytes(), row))));
                    maxNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    appended.incrementAndGet();
                    if (++i % 100 == 0) java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
            });
            Thread.sleep(50);
            long t0 = System.nanoTime();
            s.snapshotNow(); // merges the 200k-row snapshot with the new segment, in the background thread
            long snapMs = (System.nanoTime() - t0) / 1_000_000;
            stop.set(true);
            appender.get(10, TimeUnit.SECONDS);
            System.out.printf(
                    "snapshot of %d rows took %d ms; %d appends meanwhile, max append latency %.2f ms%n",
                    rowsCount, snapMs, appended.get(), maxNanos.get() / 1e6);
            assertThat(appended.get()).isGreaterThan(100);
            // Very loose bound: the JVM's GC pauses (ParallelGC here) show up in this number. The deterministic check
            // that appends never wait for a compaction is appendsAndAcksProceedWhileACompactionIsStuck below.
            assertThat(maxNanos.get()).isLessThan(TimeUnit.SECONDS.toNanos(2));
        }
        try (Storage s = Storage.open(StorageConfig.defaults(dir), Map.of())) {
            assertThat(s.recovered().rows(big)).hasSize(rowsCount + 50_000 + 1000);
        }
    }

    @Test
    void appendsAndAcksProceedWhileACompactionIsStuck() throws Exception {
        java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        IoHooks stuck = new IoHooks() {
            @Override
            public void compactionPoint(String point) {
                if (!point.equals("snapshot-started")) return;
                reached.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (Storage s = Storage.open(cfg(dir), BOTH, stuck)) {
            for (int i = 0; i < 1000; i++) s.append(tx(i, put(LOG, "k" + i, "v"), put(STATE, "k" + (i % 10), "v")));
            CompletableFuture<Void> snap = CompletableFuture.runAsync(s::snapshotNow);
            assertThat(reached.await(10, TimeUnit.SECONDS)).isTrue();
            // the compactor is now stuck in the middle of writing the snapshot
            long maxNanos = 0;
            for (int i = 0; i < 2000; i++) {
                long t0 = System.nanoTime();
                long lsn = s.append(tx(10_000 + i, put(LOG, "during" + i, "v"), put(STATE, "during", "" + i)));
                maxNanos = Math.max(maxNanos, System.nanoTime() - t0);
                if (i % 100 == 0) s.whenDurable(lsn).get(5, TimeUnit.SECONDS);
            }
            assertThat(snap).isNotDone();
            assertThat(maxNanos).isLessThan(TimeUnit.MILLISECONDS.toNanos(500)); // nothing waits for the compactor
            release.countDown();
            snap.get(10, TimeUnit.SECONDS);
        }
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            assertThat(rows(s, LOG)).hasSize(3000);
            assertThat(rows(s, STATE)).containsEntry("during", "1999");
        }
    }

    @Test
    void aQuietLogIsCompactedPeriodicallySoRowFilesCatchUp() throws Exception {
        try (Storage s =
                Storage.open(StorageConfig.defaults(dir).withPeriodicCompaction(Duration.ofMillis(200)), BOTH)) {
            s.whenDurable(s.append(tx(1, put(STATE, "a", "1"), put(LOG, "b", "2"))))
                    .get(5, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            while (s.stats().snapshotsTaken() == 0 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10))
                Thread.sleep(20);
            assertThat(s.stats().snapshotsTaken()).isEqualTo(1);
            assertThat(rowFiles(dir, STATE)).hasSize(1); // without any segment reaching its size
            Thread.sleep(600);
            assertThat(s.stats().snapshotsTaken())
                    .as("nothing new: no further snapshot")
                    .isEqualTo(1);
        }
    }

    @Test
    void concurrentAppendersAndSnapshots() throws Exception {
        StorageConfig small = cfg(dir).withSegmentBytes(8192);
        try (Storage s = Storage.open(small, BOTH)) {
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                ts.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 3000; i++) {
                        long lsn = s.append(tx(i, put(LOG, id + ":" + i, "v"), put(STATE, "t" + id, "" + i)));
                        if (i % 50 == 0) s.whenDurable(lsn).join();
                    }
                }));
            }
            Thread snapper = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10; i++) s.snapshotNow();
            });
            for (Thread t : ts) t.join();
            snapper.join();
            s.snapshotNow();
            assertThat(segments(dir)).hasSize(1);
        }
        try (Storage s = Storage.open(small, BOTH)) {
            assertThat(rows(s, LOG)).hasSize(12_000);
            assertThat(rows(s, STATE)).isEqualTo(Map.of("t0", "2999", "t1", "2999", "t2", "2999", "t3", "2999"));
        }
        assertThat(rowFiles(dir, STATE)).hasSize(4);
        try (var st = Files.list(dir)) {
            assertThat(st.filter(p -> p.toString().endsWith(".snap")).count()).isEqualTo(1);
        }
    }

    @Test
    void snapshotRowsAreInUnsignedKeyOrderOnEveryMergePath() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        Map<TableId, TreeMap<ByteKey, byte[]>> model = Map.of(LOG, new TreeMap<>(), STATE, new TreeMap<>());
        try (Storage s = Storage.open(cfg(dir).withAutoCompaction(false), BOTH)) {
            // 0: no snapshot yet; 1: merged into the old snapshot; 2: STATE turns LOGGED, merged into its row files
            for (int round = 0; round < 3; round++) {
                if (round == 2) s.declareTable(STATE, Persistence.LOGGED);
                for (int i = 0; i < 600; i++) {
                    TableId t = i % 6 == 0 ? STATE : LOG;
                    byte[] k = DeltaTest.key(r, r.nextInt(5));
                    if (r.nextInt(4) == 0) {
                        s.append(new TxRecord(i, 0, List.of(new Change.Delete(t, k))));
                        model.get(t).remove(new ByteKey(k));
                    } else {
                        byte[] row = new byte[r.nextInt(20)];
                        r.nextBytes(row);
                        s.append(new TxRecord(i, 0, List.of(new Change.Put(t, k, row))));
                        model.get(t).put(new ByteKey(k), row);
                    }
                }
                s.snapshotNow();
                Map<TableId, List<String>> sections = snapshotSections(dir);
                assertThat(sections.get(LOG)).isEqualTo(strings(model.get(LOG)));
                if (round == 2) assertThat(sections.get(STATE)).isEqualTo(strings(model.get(STATE)));
                else assertThat(sections).doesNotContainKey(STATE);
            }
        }
        try (Storage s = Storage.open(cfg(dir), Map.of())) {
            for (TableId t : List.of(LOG, STATE))
                assertThat(strings(new TreeMap<>(s.recovered().rows(t)))).isEqualTo(strings(model.get(t)));
        }
    }

    private static List<String> strings(TreeMap<ByteKey, byte[]> rows) {
        List<String> out = new ArrayList<>();
        rows.forEach((k, v) -> out.add(k + "=" + new ByteKey(v)));
        return out;
    }

    /** Each LOGGED table's rows in the newest snapshot, in file order (checked to be strictly ascending). */
    private static Map<TableId, List<String>> snapshotSections(Path dir) throws Exception {
        Map<TableId, List<String>> out = new java.util.HashMap<>();
        try (SnapshotFile.Reader r =
                new SnapshotFile.Reader(SnapshotFile.list(dir).getLast().path())) {
            Map<Integer, TableId> ids = new java.util.HashMap<>();
            for (Registry.Meta m : r.tables) ids.put(m.no(), m.id());
            int no;
            while ((no = r.nextSection()) >= 0) {
                List<String> rows = new ArrayList<>();
                byte[] prev = null;
                while (r.nextRow()) {
                    byte[] k = r.key();
                    if (prev != null)
                        assertThat(Arrays.compareUnsigned(prev, k))
                                .as("key order")
                                .isNegative();
                    prev = k;
                    rows.add(new ByteKey(k) + "=" + new ByteKey(r.row()));
                }
                out.put(ids.get(no), rows);
            }
        }
        return out;
    }
}
