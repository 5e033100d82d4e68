package dev.interstice.benchmarks.storage;

import dev.interstice.abi.schema.Persistence;
import dev.interstice.benchmarks.TempDirs;
import dev.interstice.storage.Change;
import dev.interstice.storage.Storage;
import dev.interstice.storage.StorageConfig;
import dev.interstice.storage.TableHistory;
import dev.interstice.storage.TableId;
import dev.interstice.storage.TxRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * {@code rows --as-of-tx} on a big table: a LOGGED table of {@code rows} 64-byte rows (one insert per transaction),
 * then {@code back} more transactions each updating a random row, compacted as a node would (background compaction,
 * replaced snapshots kept in {@code history/}); timed: reading the table as of the transaction {@code back} before the
 * last ({@link TableHistory#asOf}: the nearest kept snapshot plus the log up to it). Run: {@code java -jar
 * benchmarks/target/benchmarks.jar AsOfBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx3g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class AsOfBenchmark {
    static final TableId TABLE = new TableId("bench", "rows");

    @Param({"1000000"})
    public int rows;

    @Param({"100000"})
    public int back;

    private Path dir;
    private long txId;
    private long asOf;

    @Setup
    public void setup() throws IOException {
        String base = System.getProperty("interstice.bench.dir");
        dir = base == null
                ? Files.createTempDirectory("asof-bench")
                : Files.createTempDirectory(Path.of(base), "asof-bench");
        var random = new SplittableRandom(42);
        try (Storage s = Storage.open(StorageConfig.defaults(dir), Map.of(TABLE, Persistence.LOGGED))) {
            byte[] row = new byte[64];
            for (int i = 0; i < rows; i++) put(s, i, row);
            s.snapshotNow();
            for (int i = 0; i < back; i++) {
                row[1] = (byte) i;
                put(s, random.nextLong(rows), row);
                if (i == back / 2) s.snapshotNow(); // a compaction in between, as a busy node's would run
            }
            s.whenDurable(s.stats().lastLsn()).join();
        }
        asOf = txId - back;
        System.out.printf("%n  as of tx %d of %d; history/: %s%n", asOf, txId, list(dir.resolve("history")));
    }

    @Benchmark
    public int asOfTx() throws IOException {
        return TableHistory.asOf(dir, Set.of(TABLE), asOf, Long.MAX_VALUE)
                .tables()
                .get(TABLE)
                .size();
    }

    @TearDown
    public void tearDown() throws IOException {
        TempDirs.delete(dir);
    }

    private void put(Storage s, long k, byte[] row) {
        row[0] = (byte) k;
        byte[] key = new byte[8];
        for (int i = 0; i < 8; i++) key[i] = (byte) (k >>> (8 * (7 - i)));
        s.append(new TxRecord(++txId, txId, List.of(new Change.Put(TABLE, key, row.clone()))));
    }

    private static String list(Path p) throws IOException {
        if (!Files.isDirectory(p)) return "(none)";
        try (var st = Files.list(p)) {
            return st.map(f -> f.getFileName().toString()).sorted().toList().toString();
        }
    }
}
