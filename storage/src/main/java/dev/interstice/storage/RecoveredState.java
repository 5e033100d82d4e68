package dev.interstice.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@link Storage#open} recovered: the log position and every table's rows. A table's rows are kept packed (no
 * object per row) until the runtime streams them into its table ({@link #forEachRow}) and {@link #release}s them;
 * {@link #rows} builds a map of them for the small tables read by key.
 */
public final class RecoveredState {
    private final long lastLsn;
    private final long lastTxId;
    private final List<String> warnings;
    private final List<Truncation> truncations;
    private final Set<TableId> known;
    /** Rows of the tables not yet released; a known table absent here has none or was released. */
    private final Map<TableId, RecoveredRows> rows;

    private final Set<TableId> released = ConcurrentHashMap.newKeySet();
    /**
     * The snapshot file the large LOGGED tables' rows are read from, open until the last of them is released or
     * copied ({@link #copyUnreleased}) or the storage closes (null: none).
     */
    private FileChannel snapshotFile;

    /**
     * @param lastLsn     LSN of the last recovered log record (0 for a fresh storage); the next append gets lastLsn + 1
     * @param known       every table known to the storage (declared now or on disk)
     * @param rows        the rows of those that have any
     * @param warnings    human-readable notes about everything recovery repaired or dropped (empty on a clean start)
     * @param lastTxId    the largest {@link TxRecord#txId()} recovered (0 if none)
     * @param truncations structured report of the data recovery dropped (torn tail or salvage)
     * @param snapshotFile the open snapshot some of {@code rows} are read from (closed by this state), or null
     */
    RecoveredState(
            long lastLsn,
            Set<TableId> known,
            Map<TableId, RecoveredRows> rows,
            List<String> warnings,
            long lastTxId,
            List<Truncation> truncations,
            FileChannel snapshotFile) {
        this.lastLsn = lastLsn;
        this.snapshotFile = snapshotFile;
        this.known = Set.copyOf(known);
        this.rows = new ConcurrentHashMap<>(rows);
        this.warnings = List.copyOf(warnings);
        this.lastTxId = lastTxId;
        this.truncations = List.copyOf(truncations);
    }

    /** LSN of the last recovered log record (0 for a fresh storage); the next append gets lastLsn + 1. */
    public long lastLsn() {
        return lastLsn;
    }

    /** The largest {@link TxRecord#txId()} recovered (0 if none). */
    public long lastTxId() {
        return lastTxId;
    }

    /** Human-readable notes about everything recovery repaired or dropped (empty on a clean start). */
    public List<String> warnings() {
        return warnings;
    }

    /** Structured report of the data recovery dropped (torn tail or salvage). */
    public List<Truncation> truncations() {
        return truncations;
    }

    /**
     * Every table known to the storage (declared now or on disk) with its rows, each a new read-only map: a copy of
     * every row, for tests and tools. Released tables are left out.
     */
    public Map<TableId, Map<ByteKey, byte[]>> tables() {
        Map<TableId, Map<ByteKey, byte[]>> out = new HashMap<>();
        for (TableId id : known) if (!released.contains(id)) out.put(id, rows(id));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Rows of one table as a new read-only map in key order (empty if the table is unknown); throws once it was
     * released.
     */
    public Map<ByteKey, byte[]> rows(TableId table) {
        RecoveredRows r = live(table);
        return r == null ? Map.of() : Collections.unmodifiableMap(r.toMap());
    }

    /** At least the number of rows {@link #forEachRow} hands over (exact unless the log changed snapshot rows). */
    public int sizeHint(TableId table) {
        RecoveredRows r = live(table);
        return r == null ? 0 : r.sizeHint();
    }

    /**
     * Hands every row of the table to {@code sink} once, in no particular order, as ranges of buffers valid only
     * during each call (no map of them is built). Throws once the table was released.
     */
    public void forEachRow(TableId table, RowSink sink) {
        RecoveredRows r = live(table);
        if (r != null) r.forEach(sink);
    }

    /**
     * Drops the table's recovered rows (they are in a table now): its memory is freed, and reading them again is a
     * programming error.
     */
    public void release(TableId table) {
        released.add(table);
        rows.remove(table);
        if (rows.values().stream().noneMatch(RecoveredRows::readsSnapshot)) closeFiles();
    }

    /**
     * Copies the rows of the tables not yet released that are still to be read from the snapshot file onto the heap,
     * then closes the file: the node calls it once it has loaded its modules' tables, so that the tables it keeps
     * for later (unloaded modules') do not hold a snapshot a compaction deleted, and its disk space, for the node's
     * life.
     */
    public synchronized void copyUnreleased() {
        for (RecoveredRows r : rows.values()) r.copySnapshotBase();
        closeFiles();
    }

    /** Closes the snapshot file (the storage closes); rows not read by then cannot be read. */
    synchronized void closeFiles() {
        if (snapshotFile == null) return;
        try {
            snapshotFile.close();
        } catch (IOException e) {
            // a read-only channel: nothing is lost when its close fails
        }
        snapshotFile = null;
    }

    private RecoveredRows live(TableId table) {
        if (released.contains(table))
            throw new IllegalStateException("the recovered rows of " + table + " were released already");
        return rows.get(table);
    }

    /**
     * Data dropped by recovery.
     *
     * @param file         the log file truncated (later files, if any, were deleted and are counted in bytesDropped)
     * @param offset       the offset it was truncated at: the end of the last good record
     * @param bytesDropped total bytes removed (from this file and any later segment files deleted)
     * @param firstLostLsn LSN of the first record not recovered
     * @param lastLostLsn  largest LSN seen among the dropped bytes (as far as it could be read), or firstLostLsn - 1
     *                     if no complete record was dropped (a torn write of never-acknowledged data)
     * @param salvaged     true if this was corruption before the tail, dropped only because salvage was requested
     * @param reason       what was wrong at {@code offset}
     */
    public record Truncation(
            Path file,
            long offset,
            long bytesDropped,
            long firstLostLsn,
            long lastLostLsn,
            boolean salvaged,
            String reason) {}
}
