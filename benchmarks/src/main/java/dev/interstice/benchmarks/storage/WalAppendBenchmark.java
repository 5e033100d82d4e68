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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * WAL append throughput: 64 threads each append one ~100-byte transaction per operation.
 *
 * <ul>
 *   <li>{@code durable}: each operation waits until its record is fsynced (group commit shares the fsyncs);</li>
 *   <li>{@code fast}: append only; the writer fsyncs within ~10 ms (bounded by 8 MiB of backpressure).</li>
 * </ul>
 *
 * The fsync count and rate from {@link Storage#stats()} are printed at tear-down. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar WalAppendBenchmark} (set {@code -Dinterstice.bench.dir=...} to
 * benchmark another file system than the default temp directory).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(64)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 5)
public class WalAppendBenchmark {
    static final TableId TABLE = new TableId("bench", "accounts");

    @Param({"durable", "fast"})
    public String mode;

    private Storage storage;
    private Path dir;
    private boolean durable;
    private long startNanos;
    private StorageStats start;
    private final AtomicInteger threadIds = new AtomicInteger();

    @State(Scope.Thread)
    public static class Appender {
        final byte[] row = new byte[64];
        int id;
        long n;

        @Setup(Level.Trial)
        public void setup(WalAppendBenchmark b) {
            id = b.threadIds.incrementAndGet();
        }
    }

    @Setup(Level.Trial)
    public void setup() throws IOException {
        String base = System.getProperty("interstice.bench.dir");
        dir = base == null
                ? Files.createTempDirectory("wal-bench")
                : Files.createTempDirectory(Path.of(base), "wal-bench");
        storage = Storage.open(StorageConfig.defaults(dir), Map.of(TABLE, Persistence.LOGGED));
        durable = mode.equals("durable");
    }

    @Setup(Level.Iteration)
    public void iterationStart() {
        start = storage.stats();
        startNanos = System.nanoTime();
    }

    @Benchmark
    public long append(Appender a) {
        byte[] key = ("acct-" + a.id + "-" + (a.n & 1023)).getBytes(StandardCharsets.US_ASCII);
        long lsn = storage.append(
                new TxRecord(a.n++, System.currentTimeMillis(), List.of(new Change.Put(TABLE, key, a.row))));
        if (durable) storage.whenDurable(lsn).join();
        return lsn;
    }

    @TearDown(Level.Iteration)
    public void iterationEnd() {
        StorageStats end = storage.stats();
        double secs = (System.nanoTime() - startNanos) / 1e9;
        long tx = end.appendedRecords() - start.appendedRecords();
        long fsyncs = end.fsyncs() - start.fsyncs();
        System.out.printf(
                "%n  [%s] %d tx, %d fsyncs in %.1f s: %.0f tx/s, %.0f fsyncs/s, %.1f tx per fsync, "
                        + "mean fsync %.0f us%n",
                mode,
                tx,
                fsyncs,
                secs,
                tx / secs,
                fsyncs / secs,
                tx / (double) Math.max(1, fsyncs),
                (end.fsyncMicros() - start.fsyncMicros()) / (double) Math.max(1, fsyncs));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        StorageStats s = storage.stats();
        storage.close();
        System.out.printf(
                "%n  [%s] total: %d records, %d fsyncs, %d writes, max %d records per fsync%n",
                mode, s.appendedRecords(), s.fsyncs(), s.writes(), s.maxBatchRecords());
        TempDirs.delete(dir);
    }
}
