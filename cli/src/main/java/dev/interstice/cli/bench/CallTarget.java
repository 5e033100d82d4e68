package dev.interstice.cli.bench;

import dev.interstice.abi.value.IntersticeValue;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One connection of the load driver to a node: it sends reducer calls and queries and reports their outcome. The
 * driver keeps at most the {@code inflight} calls it asked for at {@link Connector#connect} outstanding on it.
 *
 * <p>{@link #call} completes normally only once the node has acknowledged the call as committed, in the connection's
 * acknowledgement mode (durable: after the fsync that covers it; fast: after the in-memory commit); it completes
 * exceptionally if the call failed or its outcome is unknown. Completions may run on any thread.
 */
public interface CallTarget extends AutoCloseable {

    CompletableFuture<Void> call(String module, String reducer, List<IntersticeValue> args);

    CompletableFuture<IntersticeValue> query(String module, String query, List<IntersticeValue> args);

    /** Closes the connection; calls still in flight may complete exceptionally. */
    @Override
    default void close() {}
}
