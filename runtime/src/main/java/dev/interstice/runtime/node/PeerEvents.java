package dev.interstice.runtime.node;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.NodeDependency;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.ModuleRegistry;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.storage.TxTrace;
import java.util.ArrayList;
import java.util.List;

/**
 * What other nodes' comings and goings and table events do to this node's modules ({@code connect}/{@code disconnect}
 * hooks, subscribers of remote tables), and which remote tables they subscribe to.
 */
final class PeerEvents {
    private final String nodeId;
    private final Executor executor;
    private final ModuleRegistry registry;

    PeerEvents(String nodeId, Executor executor, ModuleRegistry registry) {
        this.nodeId = nodeId;
        this.executor = executor;
        this.registry = registry;
    }

    /** {@link Node#peerConnected}. */
    void connected(String peerNodeId, boolean connected) {
        var kind = connected ? SubscriptionEvent.Simple.CONNECT : SubscriptionEvent.Simple.DISCONNECT;
        var jobs = new ArrayList<Executor.Job>();
        for (var s : executor.exclusive(() -> registry.coreSubscribers(null, kind)))
            jobs.add(new Executor.Job(
                    s.module(),
                    s.reducer(),
                    List.of(IntersticeValue.str(peerNodeId)),
                    CallContext.runtime(nodeId),
                    kind.name().toLowerCase(java.util.Locale.ROOT)));
        executor.runJobs(jobs);
    }

    /** {@link Node#deliverRemoteEvent}. */
    void deliver(
            String nodeName,
            String peerNodeId,
            String module,
            String table,
            SubscriptionEvent.TableEventKind kind,
            List<byte[]> rows,
            TxTrace.Parent cause) {
        var subscribers = executor.exclusive(() -> registry.remoteSubscribers(nodeName, module, table, kind));
        if (subscribers.isEmpty()) return; // e.g. a replicated table nobody subscribes to: nothing to decode
        List<IntersticeValue> args = rows.stream()
                .<IntersticeValue>map(b -> Abi.decodeRow(b).toValue())
                .toList();
        var jobs = new ArrayList<Executor.Job>();
        for (var s : subscribers)
            jobs.add(new Executor.Job(
                    s.module(),
                    s.reducer(),
                    args,
                    CallContext.runtime(nodeId),
                    nodeName + "." + module + "." + table + "." + kind.name().toLowerCase(java.util.Locale.ROOT)
                            + " from " + peerNodeId,
                    0,
                    cause));
        executor.runJobs(jobs);
    }

    /** {@link Node#remoteSubscriptions}. */
    List<Node.RemoteSubscription> subscriptions() {
        return executor.exclusive(() -> {
            var out = new ArrayList<Node.RemoteSubscription>();
            for (LoadedModule m : registry.all())
                for (var s : m.schema().subscriptions())
                    if (s.event() instanceof SubscriptionEvent.Table t
                            && !t.node().isCurrent()) {
                        var address = m.schema().nodeDependencies().stream()
                                .filter(d -> d.name().equals(t.node().other()))
                                .map(NodeDependency::address)
                                .findFirst();
                        var rs =
                                new Node.RemoteSubscription(t.node().other(), address, t.module(), t.table(), t.kind());
                        if (!out.contains(rs)) out.add(rs);
                    }
            return out;
        });
    }
}
