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

    void committed(long txId, List<RowEvent> events);
}
