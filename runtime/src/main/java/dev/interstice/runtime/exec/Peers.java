package dev.interstice.runtime.exec;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.host.ModuleCall;
import dev.interstice.abi.value.IntersticeValue;
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
