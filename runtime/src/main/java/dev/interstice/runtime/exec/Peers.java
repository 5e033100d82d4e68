package dev.interstice.runtime.exec;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.host.ModuleCall;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.storage.TxTrace;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Calls to other nodes, made by modules through host calls with a node selection. Implemented by the network layer;
 * without it every remote call answers that the node is not reachable.
 */
public interface Peers {
    /**
     * Sends a reducer call to node {@code node} (a name from the calling module's node dependencies). Called only after
     * the calling transaction committed; must not block (queue it; failures are the network layer's to log).
     */
    void callReducer(String node, String module, String reducer, List<IntersticeValue> args, CallContext caller);

    /**
     * As {@link #callReducer(String, String, List, CallContext)}, carrying the trace of the calling transaction:
     * {@code cause} names its trace and itself with full node ids, so that the other node's record says what caused
     * its transaction. Without tracing support the call goes without it.
     */
    default void callReducer(
            String node,
            String module,
            String reducer,
            List<IntersticeValue> args,
            CallContext caller,
            TxTrace.Parent cause) {
        callReducer(node, module, reducer, args, caller);
    }

    /** The address node {@code node} of {@code callerModule}'s node dependencies is at, or "" if not known. */
    default String address(String node, String callerModule) {
        return "";
    }

    /**
     * Runs a query on another node and waits for the answer, at most the network's remote-query deadline. The
     * execution lock is held meanwhile, so that deadline bounds how long other transactions on this node wait.
     * Throws {@link CallException} with the reason (unreachable, not found, deadline...).
     */
    IntersticeValue query(String node, String module, String query, List<IntersticeValue> args, CallContext caller);

    /**
     * Sends a Module authority request of module {@code fromModule} to node {@code node} (a name from that module's
     * node dependencies). Completes with the name of the module concerned once that node handed the request to its
     * Module holder, or exceptionally with the refusal ({@link CallException}). Must not block.
     */
    default CompletableFuture<String> moduleRequest(String node, String fromModule, ModuleCall call) {
        return CompletableFuture.failedFuture(new CallException(
                CallException.Kind.NOT_FOUND, "node '" + node + "' is not reachable: this node has no network"));
    }

    Peers NONE = new Peers() {
        @Override
        public void callReducer(
                String node, String module, String reducer, List<IntersticeValue> args, CallContext caller) {
            throw new CallException(
                    CallException.Kind.NOT_FOUND, "node '" + node + "' is not reachable: this node has no network");
        }

        @Override
        public IntersticeValue query(
                String node, String module, String query, List<IntersticeValue> args, CallContext caller) {
            throw new CallException(
                    CallException.Kind.NOT_FOUND, "node '" + node + "' is not reachable: this node has no network");
        }
    };
}
