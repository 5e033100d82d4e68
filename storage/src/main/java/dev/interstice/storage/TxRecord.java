package dev.interstice.storage;

import java.util.List;
import java.util.Objects;

/**
 * A committed transaction as handed to {@link Storage#append}. {@code txId} is the runtime's logical id; it is
 * stored in the log record and reported back as {@link RecoveredState#lastTxId()}, but the storage's log sequence
 * number (LSN) is its own dense counter (table declarations and drops also take an LSN). {@code origin} (may be null)
 * says what ran: it is kept in the record for reading the log, never needed for recovery.
 */
public record TxRecord(long txId, long timestampMs, List<Change> changes, TxOrigin origin) {
    public TxRecord {
        Objects.requireNonNull(changes, "changes");
        changes = List.copyOf(changes);
    }

    /** A record without an origin. */
    public TxRecord(long txId, long timestampMs, List<Change> changes) {
        this(txId, timestampMs, changes, null);
    }
}
