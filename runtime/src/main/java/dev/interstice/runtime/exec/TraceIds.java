package dev.interstice.runtime.exec;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.storage.TxOrigin;
import dev.interstice.storage.TxTrace;
import java.util.List;

/**
 * How log records name calls and their causes: this node's own id is written "" in a record (37 bytes saved each),
 * and written out in full for another node.
 */
final class TraceIds {
    private final NodeServices services;

    TraceIds(NodeServices services) {
        this.services = services;
    }

    /**
     * A log record's origin: the top-level call (nested calls join its transaction and are not listed), its arguments
     * encoded as the wrapper receives them ({@code IntersticeValue::Vec}); a caller node that is this node is empty.
     */
    TxOrigin origin(String module, String reducer, String trigger, CallContext caller, List<IntersticeValue> args) {
        String node = caller.callerNodeId();
        return new TxOrigin(
                module,
                reducer,
                trigger,
                node.equals(services.nodeId()) ? "" : node,
                caller.callerModuleName(),
                Abi.encodeValue(new IntersticeValue.Vec(args)));
    }

    /** {@code cause} with this node's id written as "" (as records name this node), or null. */
    TxTrace.Parent local(TxTrace.Parent cause) {
        if (cause == null) return null;
        String me = services.nodeId();
        return new TxTrace.Parent(
                cause.traceNode().equals(me) ? "" : cause.traceNode(),
                cause.traceTx(),
                cause.node().equals(me) ? "" : cause.node(),
                cause.tx());
    }

    /** What {@code inv}'s transaction is to the transactions it causes on another node (full node ids). */
    TxTrace.Parent causedByForPeer(Invocation inv) {
        TxTrace.Parent p = inv.asCause();
        String me = services.nodeId();
        return new TxTrace.Parent(p.traceNode().isEmpty() ? me : p.traceNode(), p.traceTx(), me, p.tx());
    }
}
