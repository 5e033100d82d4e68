package dev.interstice.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link Storage#open} recovered.
 *
 * @param lastLsn     LSN of the last recovered log record (0 for a fresh storage); the next append gets lastLsn + 1
 * @param tables      every table known to the storage (declared now or on disk) with its rows; read-only maps
 * @param warnings    human-readable notes about everything recovery repaired or dropped (empty on a clean start)
 * @param lastTxId    the largest {@link TxRecord#txId()} recovered (0 if none)
 * @param truncations structured report of the data recovery dropped (torn tail or salvage)
 */
public record RecoveredState(
        long lastLsn,
        Map<TableId, Map<ByteKey, byte[]>> tables,
        List<String> warnings,
        long lastTxId,
        List<Truncation> truncations) {

    public RecoveredState {
        tables = Map.copyOf(tables);
        warnings = List.copyOf(warnings);
        truncations = List.copyOf(truncations);
    }

    /** Rows of one table (empty map if the table is unknown). */
    public Map<ByteKey, byte[]> rows(TableId table) {
        return tables.getOrDefault(table, Map.of());
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
