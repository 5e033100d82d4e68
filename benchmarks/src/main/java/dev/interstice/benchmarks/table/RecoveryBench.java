package dev.interstice.benchmarks.table;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.table.Table;
import dev.interstice.runtime.table.TypeChecker;
import dev.interstice.storage.Change;
import dev.interstice.storage.RecoveredState;
import dev.interstice.storage.Storage;
import dev.interstice.storage.StorageConfig;
import dev.interstice.storage.TableId;
import dev.interstice.storage.TxRecord;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;

/**
 * Recovery of a large table (issue 18): the time from opening a storage whose rows are all in its snapshot to a
 * {@link Table} holding them, loaded as a node loads them at start (the recovered rows streamed into
 * {@link Table#bulkLoad}, what {@code StorageMapping.loadTables} does). The table is TableFootprint's: u64 key, a u32 {@code n} with a btree
 * index, a string payload. The snapshot is built once in {@code dir} (kept, so later runs only reopen it; delete the
 * directory to rebuild), then each round opens the storage, loads the table and drops both.
 *
 * <pre>
 * java -Xmx6g -cp benchmarks/target/benchmarks.jar dev.interstice.benchmarks.table.RecoveryBench rows payload dir rounds
 * </pre>
 * e.g. {@code 10000000 64 /tmp/recovery-10m 3}.
 */
public final class RecoveryBench {
    static final TableId TABLE = new TableId("bench", "t");
    /** Rows per logged transaction while building the snapshot. */
    private static final int BATCH = 1000;

    private RecoveryBench() {}

    public static void main(String[] args) throws Exception {
        long rows = Long.parseLong(args[0]);
        int payload = Integer.parseInt(args[1]);
        Path dir = Path.of(args[2]);
        int rounds = Integer.parseInt(args[3]);
        Path built = dir.resolve("built-" + rows + "x" + payload);
        if (!Files.exists(built)) build(dir, rows, payload, built);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int round = 1; round <= rounds; round++) {
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Table table;
            long opened;
            try (Storage storage = open(dir)) {
                opened = System.nanoTime();
                table = new Table(TABLE, TableFootprint.schema(true), new TypeChecker(Map.of()));
                RecoveredState recovered = storage.recovered();
                Table.Loader loader = table.bulkLoad(recovered.sizeHint(TABLE));
                recovered.forEachRow(TABLE, (buf, keyOff, keyLen, rowOff, rowLen) -> loader.add(buf, rowOff, rowLen));
                loader.finish();
                recovered.release(TABLE);
            }
            long loaded = System.nanoTime();
            long cpu = os.getProcessCpuTime() - cpu0; // every thread's, the collector's too
            long heap = TableFootprint.heapAfterGc();
            System.out.printf(
                    Locale.ROOT,
                    "round %d: %,d rows recovered in %.2f s (storage open and snapshot read %.2f s, table load %.2f s);"
                            + " process CPU %.2f s; heap after, the table alone: %,d bytes%n",
                    round,
                    table.size(),
                    (loaded - t0) / 1e9,
                    (opened - t0) / 1e9,
                    (loaded - opened) / 1e9,
                    cpu / 1e9,
                    heap);
            table = null;
        }
    }

    private static Storage open(Path dir) {
        return Storage.open(StorageConfig.defaults(dir), Map.of(TABLE, Persistence.LOGGED));
    }

    /** Logs {@code rows} inserts in transactions of {@link #BATCH}, compacts them into the snapshot, marks it built. */
    private static void build(Path dir, long rows, int payload, Path built) throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(dir);
        char[] text = new char[payload];
        try (Storage storage = open(dir)) {
            long txId = 0;
            for (long id = 0; id < rows; ) {
                var changes = new ArrayList<Change>(BATCH);
                for (int i = 0; i < BATCH && id < rows; i++, id++) {
                    Row row = TableFootprint.row(id, id % 1000, text);
                    byte[] key = Abi.encodeIndexKey(new IndexKey(row.primaryKey()));
                    changes.add(new Change.Put(TABLE, key, Abi.encodeRow(row)));
                }
                storage.append(new TxRecord(++txId, 0, changes));
            }
            storage.whenDurable(storage.stats().lastLsn()).join();
            storage.snapshotNow();
        }
        Files.createFile(built);
        System.out.printf(
                Locale.ROOT, "built a %,d-row snapshot in %s in %.1f s%n", rows, dir, (System.nanoTime() - t0) / 1e9);
    }
}
