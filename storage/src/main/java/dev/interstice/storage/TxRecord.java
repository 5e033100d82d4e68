package dev.interstice.storage;

import java.util.List;
import java.util.Objects;

/**
 * A committed transaction as handed to {@link Storage#append}. {@code txId} is the runtime's logical id; it is
 * stored in the log record and reported back as {@link RecoveredState#lastTxId()}, but the storage's log sequence
 * number (LSN) is its own dense counter (table declarations and drops also take an LSN). {@code origin} (may be null)
 * says what ran and {@code trace} (may be null: a root that called nothing) what caused it and what it called: both
 * are kept in the record for reading the log, never needed for recovery. A trace is only kept with an origin.
 * {@code inputs}: what the world answered the transaction's reducers (the runtime's encoded answers to host calls
 * such as file reads, in call order; opaque bytes here), so that a replay feeds them back instead of asking the world
 * again; kept only with an origin, never needed for recovery.
 */
public record TxRecord(
        long txId, long timestampMs, List<Change> changes, TxOrigin origin, TxTrace trace, List<byte[]> inputs) {
    public TxRecord {
        Objects.requireNonNull(changes, "changes");
        changes = List.copyOf(changes);
        if (trace != null && trace.isEmpty()) trace = null;
        inputs = inputs == null || origin == null ? List.of() : List.copyOf(inputs);
    }

    /** A record without inputs. */
    public TxRecord(long txId, long timestampMs, List<Change> changes, TxOrigin origin, TxTrace trace) {
        this(txId, timestampMs, changes, origin, trace, List.of());
    }

    /** A record without a trace. */
    public TxRecord(long txId, long timestampMs, List<Change> changes, TxOrigin origin) {
        this(txId, timestampMs, changes, origin, null, List.of());
    }

    /** A record without an origin. */
    public TxRecord(long txId, long timestampMs, List<Change> changes) {
        this(txId, timestampMs, changes, null, null, List.of());
    }
}
