package dev.interstice.benchmarks.storage;

import dev.interstice.abi.schema.Persistence;
import dev.interstice.benchmarks.TempDirs;
import dev.interstice.storage.Change;
import dev.interstice.storage.Storage;
import dev.interstice.storage.StorageConfig;
import dev.interstice.storage.StorageStats;
import dev.interstice.storage.TableId;
import dev.interstice.storage.TxRecord;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One compaction ({@link Storage#snapshotNow()}) of a LOGGED table with 64-byte rows and 8-byte little-endian u64 keys
 * (so log order is not key order), one put or delete per transaction. Only the compaction is timed; the log is
 * written in the (untimed) per-invocation setup.
 *
 * <ul>
 *   <li>{@code fresh}: no snapshot yet, {@code rows} inserts (~118 bytes of log each, two segments);</li>
 *   <li>{@code merge}: a snapshot of {@code rows} rows exists; the log holds {@code rows / 5} changes (80% updates of
 *       random existing keys, 10% deletes, 10% inserts) to merge into it (steady state: every invocation merges
 *       into the previous one's snapshot).</li>
 * </ul>
 *
 * Besides the wall time (which includes writing and fsyncing the snapshot), tear-down prints the CPU time of the
 * compactor thread per log record. Run: {@code java -jar benchmarks/target/benchmarks.jar CompactionBenchmark}
 * ({@code -Dinterstice.bench.dir=...} for another file system than the default temp directory).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3)
@Measurement(iterations = 6)
public class CompactionBenchmark {
    static final TableId TABLE = new TableId("bench", "rows");
    // Two segments per fresh load: sealing the first stays below the auto-compaction threshold (2 segments).
    static final long SEGMENT_BYTES = 64L << 20;

    @Param({"fresh", "merge"})
    public String variant;

    @Param({"1000000"})
    public int rows;

    private Path dir;
    private Storage storage;
    private long nextKey; // keys [0, nextKey) were inserted at some point
    private long txId;
    private final SplittableRandom random = new SplittableRandom(42);
    private final byte[] row = new byte[64];
    private long cpuBefore;
    private long recordsBefore;
    private double cpuNanos;
    private long records;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        String base = System.getProperty("interstice.bench.dir");
        dir = base == null
                ? Files.createTempDirectory("compaction-bench")
                : Files.createTempDirectory(Path.of(base), "compaction-bench");
        if (variant.equals("merge")) {
            open();
            insert(rows);
            storage.snapshotNow();
        }
    }

    @Setup(Level.Invocation)
    public void load() throws IOException {
        if (variant.equals("fresh")) {
            if (storage != null) storage.close();
            TempDirs.delete(dir);
            nextKey = 0;
            open();
            insert(rows);
        } else {
            int n = rows / 5;
            for (int i = 0; i < n; i++) {
                int op = random.nextInt(10);
                if (op == 0) {
                    put(nextKey++);
                } else if (op == 1) {
                    append(new Change.Delete(TABLE, key(random.nextLong(nextKey))));
                } else {
                    put(random.nextLong(nextKey));
                }
            }
        }
        storage.whenDurable(storage.stats().lastLsn()).join();
        recordsBefore = storage.stats().lastSnapshotLsn();
        cpuBefore = compactorCpuNanos();
    }

    @Benchmark
    public void snapshotNow() {
        storage.snapshotNow();
    }

    @TearDown(Level.Invocation)
    public void measured() {
        long cpu = compactorCpuNanos() - cpuBefore;
        long n = storage.stats().lastSnapshotLsn() - recordsBefore;
        cpuNanos += cpu;
        records += n;
    }

    @TearDown(Level.Iteration)
    public void report() {
        StorageStats s = storage.stats();
        System.out.printf(
                "%n  [%s] compactor CPU %.0f ms for %d records (%.0f ns/record), snapshot %d bytes%n",
                variant, cpuNanos / 1e6, records, cpuNanos / Math.max(1, records), s.snapshotBytes());
        cpuNanos = 0;
        records = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        storage.close();
        TempDirs.delete(dir);
    }

    private void open() {
        storage = Storage.open(
                StorageConfig.defaults(dir).withSegmentBytes(SEGMENT_BYTES), Map.of(TABLE, Persistence.LOGGED));
    }

    private void insert(int n) {
        for (int i = 0; i < n; i++) put(nextKey++);
    }

    private void put(long k) {
        row[0] = (byte) k;
        append(new Change.Put(TABLE, key(k), row.clone()));
    }

    private void append(Change c) {
        storage.append(new TxRecord(++txId, 0, List.of(c)));
    }

    private static byte[] key(long k) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (k >>> (8 * i));
        return b;
    }

    /** CPU time of the compactor thread (ns), or 0 if the JVM does not measure thread CPU time. */
    private static long compactorCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isThreadCpuTimeSupported()) return 0;
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds()))
            if (t != null && t.getThreadName().equals("interstice-compactor"))
                return mx.getThreadCpuTime(t.getThreadId());
        return 0;
    }
}
