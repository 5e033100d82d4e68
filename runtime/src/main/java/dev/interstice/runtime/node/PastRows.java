package dev.interstice.runtime.node;

import java.util.List;

/**
 * A table's rows as they were after a past transaction ({@code rows --as-of-tx}): {@code txId} is the last transaction
 * at or before the one asked that the log holds, {@code rows} the encoded rows in primary-key order.
 */
public record PastRows(long txId, List<byte[]> rows) {
    public PastRows {
        rows = List.copyOf(rows);
    }
}
