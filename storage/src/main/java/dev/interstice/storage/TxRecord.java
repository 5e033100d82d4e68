package dev.interstice.storage;

import java.util.List;
import java.util.Objects;

/**
 * A committed transaction as handed to {@link Storage#append}. {@code txId} is the runtime's logical id; it is
 * stored in the log record and reported back as {@link RecoveredState#lastTxId()}, but the storage's log sequence
 * number (LSN) is its own dense counter (table declarations and drops also take an LSN).
 */
public record TxRecord(long txId, long timestampMs, List<Change> changes) {
    public TxRecord {
        Objects.requireNonNull(changes, "changes");
        changes = List.copyOf(changes);
    }
}
