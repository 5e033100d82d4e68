package dev.interstice.storage.tools;

import dev.interstice.abi.schema.Persistence;
import dev.interstice.storage.ByteKey;
import dev.interstice.storage.Change;
import dev.interstice.storage.Storage;
import dev.interstice.storage.StorageConfig;
import dev.interstice.storage.StorageStats;
import dev.interstice.storage.TableId;
import dev.interstice.storage.TxRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Measurements that do not fit a unit test. Run (after {@code ./mvnw -pl storage test-compile}):
 *
 * <pre>
 * java -cp storage/target/classes:storage/target/test-classes:$(cat storage/target/cp.txt) \
 *     dev.interstice.storage.tools.StoragePerf throughput|recovery|reopen|stall [dir] [n]
 * </pre>
 *
 * throughput: 64 threads, ~100-byte records, durable (wait for fsync) then fast (no wait), 5 s each.
 * recovery:   appends 1,000,000 small transactions (fast mode), closes, times the reopen (3 times).
 * reopen:     times one reopen of that log (run after {@code echo 3 > /proc/sys/vm/drop_caches} for a cold cache).
 * stall:      loads a 1,000,000-row logged table, then measures the max append() latency of a steady appender
 *             while snapshotNow() rewrites the table in the background.
 */
public final class StoragePerf {
    static final TableId T = new TableId("bench", "t");

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "throughput";
        Path base = args.length > 1 ? Path.of(args[1]) : Path.of("storage/target/perf");
        Files.createDirectories(base);
        switch (what) {
            case "throughput" -> {
                int threads = args.length > 2 ? Integer.parseInt(args[2]) : 64;
                int secs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
                throughput(base, threads, secs, true);
                throughput(base, threads, secs, false);
            }
            case "recovery" -> recovery(base, args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000);
            case "stall" -> stall(base, args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000);
            case "reopen" -> { // times one open of the log left by "recovery" (e.g. after dropping the page cache)
                long t0 = System.nanoTime();
                try (Storage s = Storage.open(StorageConfig.defaults(base.resolve("rec")), Map.of())) {
                    System.out.printf(
                            "reopen: %d ms, %d rows, last LSN %d%n",
                            (System.nanoTime() - t0) / 1_000_000,
                            s.recovered().rows(T).size(),
                            s.recovered().lastLsn());
                }
            }
            default -> throw new IllegalArgumentException(what);
        }
    }

    static Path fresh(Path base, String name) throws Exception {
        Path d = base.resolve(name);
        if (Files.exists(d))
            try (Stream<Path> s = Files.walk(d)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        return d;
    }

    static void throughput(Path base, int threads, int secs, boolean durable) throws Exception {
        Path dir = fresh(base, "tp");
        try (Storage s = Storage.open(StorageConfig.defaults(dir), Map.of(T, Persistence.LOGGED))) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong ops = new AtomicLong();
            List<Thread> ts = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts.add(Thread.ofPlatform().start(() -> {
                    byte[] row = new byte[64];
                    long n = 0;
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    while (!stop.get()) {
                        byte[] key = ("k" + id + "-" + (n % 1000)).getBytes();
                        long lsn = s.append(new TxRecord(n, 0, List.of(new Change.Put(T, key, row))));
                        if (durable) s.whenDurable(lsn).join();
                        n++;
                    }
                    ops.addAndGet(n);
                }));
            }
            // warm-up 1 s, then measure
            go.countDown();
            Thread.sleep(1000);
            StorageStats a = s.stats();
            long t0 = System.nanoTime();
            Thread.sleep(secs * 1000L);
            StorageStats b = s.stats();
            long t1 = System.nanoTime();
            stop.set(true);
            for (Thread t : ts) t.join();
            double sec = (t1 - t0) / 1e9;
            double tx = (b.appendedRecords() - a.appendedRecords()) / sec;
            double fs = (b.fsyncs() - a.fsyncs()) / sec;
            double lat = (b.fsyncMicros() - a.fsyncMicros()) / (double) Math.max(1, b.fsyncs() - a.fsyncs());
            System.out.printf(
                    "%s %d threads: %.0f tx/s appended, %.0f fsyncs/s (%.1f tx per fsync, mean fsync %.0f us),"
                            + " durable lag %d, max batch %d%n",
                    durable ? "durable" : "fast",
                    threads,
                    tx,
                    fs,
                    tx / fs,
                    lat,
                    b.lastLsn() - b.durableLsn(),
                    b.maxBatchRecords());
        }
    }

    static void recovery(Path base, int n) throws Exception {
        Path dir = fresh(base, "rec");
        long t0 = System.nanoTime();
        try (Storage s = Storage.open(StorageConfig.defaults(dir), Map.of(T, Persistence.LOGGED))) {
            byte[] row = new byte[40];
            for (int i = 0; i < n; i++) {
                byte[] key = ("key-" + i).getBytes();
                s.append(new TxRecord(i, 0, List.of(new Change.Put(T, key, row))));
            }
            System.out.printf(
                    "appended %d tx in %d ms, stats %s%n", n, (System.nanoTime() - t0) / 1_000_000, s.stats());
        }
        long logBytes;
        try (Stream<Path> st = Files.list(dir.resolve("wal"))) {
            logBytes = st.mapToLong(p -> p.toFile().length()).sum();
        }
        for (int i = 0; i < 3; i++) {
            long t1 = System.nanoTime();
            try (Storage s = Storage.open(StorageConfig.defaults(dir), Map.of(T, Persistence.LOGGED))) {
                long ms = (System.nanoTime() - t1) / 1_000_000;
                Map<ByteKey, byte[]> rows = s.recovered().rows(T);
                System.out.printf(
                        "recovery #%d of %d tx (%d MB of log): %d ms, %d rows, last LSN %d%n",
                        i + 1, n, logBytes >> 20, ms, rows.size(), s.recovered().lastLsn());
            }
        }
    }

    static void stall(Path base, int n) throws Exception {
        Path dir = fresh(base, "stall");
        try (Storage s = Storage.open(StorageConfig.defaults(dir), Map.of(T, Persistence.LOGGED))) {
            byte[] row = new byte[64];
            List<Change> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                batch.add(new Change.Put(T, String.format("key-%010d", i).getBytes(), row));
                if (batch.size() == 1000) {
                    s.append(new TxRecord(i, 0, batch));
                    batch = new ArrayList<>();
                }
            }
            long t0 = System.nanoTime();
            s.snapshotNow(); // first snapshot holds the whole table
            System.out.printf(
                    "initial snapshot of %d rows: %d ms, %d bytes%n",
                    n, (System.nanoTime() - t0) / 1_000_000, s.stats().snapshotBytes());
            for (int round = 0; round < 3; round++) {
                AtomicBoolean stop = new AtomicBoolean();
                long[] maxNs = {0};
                long[] count = {0};
                Thread appender = Thread.ofPlatform().start(() -> {
                    long i = 0;
                    while (!stop.get()) {
                        long a = System.nanoTime();
                        s.append(new TxRecord(i, 0, List.of(new Change.Put(T, ("upd-" + (i % 5000)).getBytes(), row))));
                        long d = System.nanoTime() - a;
                        if (d > maxNs[0]) maxNs[0] = d;
                        count[0]++;
                        i++;
                        if ((i & 63) == 0) java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                    }
                });
                Thread.sleep(200);
                long waits0 = s.stats().backpressureWaits();
                long t1 = System.nanoTime();
                s.snapshotNow();
                long snapMs = (System.nanoTime() - t1) / 1_000_000;
                stop.set(true);
                appender.join();
                System.out.printf(
                        "snapshot #%d of %d-row table: %d ms; concurrent appends: %d, max append() latency %.2f ms"
                                + " (appends that waited for log space: %d)%n",
                        round + 1,
                        n,
                        snapMs,
                        count[0],
                        maxNs[0] / 1e6,
                        s.stats().backpressureWaits() - waits0);
            }
        }
    }
}
