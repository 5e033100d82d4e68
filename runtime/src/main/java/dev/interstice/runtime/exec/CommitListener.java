package dev.interstice.runtime.exec;

import java.util.List;

/**
 * Told of every committed transaction's row changes, in commit order, under the execution lock (so it must only
 * queue work). The network layer uses it to stream table events to subscribed peers.
 */
@FunctionalInterface
public interface CommitListener {
    /** {@code before}/{@code after} are postcard-encoded rows; null for inserts/deletes respectively. */
    record RowEvent(String module, String table, byte[] before, byte[] after) {}

    /**
     * {@code horizonLsn}: the log position that covers this transaction (and all before it); a listener that sends
     * these events off the node must wait for it to be durable first (Node.awaitDurable / whenDurable).
     */
    void committed(long txId, long horizonLsn, List<RowEvent> events);

    /**
     * As {@link #committed(long, long, List)}, with what the transaction is to what it causes on other nodes
     * ({@code cause}: its trace and itself, full node ids), so that a peer's subscriber run links to it.
     */
    default void committed(
            long txId, dev.interstice.storage.TxTrace.Parent cause, long horizonLsn, List<RowEvent> events) {
        committed(txId, horizonLsn, events);
    }
}
