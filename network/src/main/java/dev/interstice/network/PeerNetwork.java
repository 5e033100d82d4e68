package dev.interstice.network;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.host.ModuleCall;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeDependency;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.Peers;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.store.CodeSource;
import dev.interstice.storage.TxTrace;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How this node's modules reach other nodes ({@link Peers}): a node name is resolved through the calling module's
 * node dependencies (name to address), and each address has one {@link PeerLink}. Reducer calls are queued and sent
 * after the calling transaction committed; queries wait at most the remote-query deadline. It also keeps the
 * node's remote table subscriptions ({@link Node#remoteSubscriptions()}) in place, re-reading them periodically and
 * after every publish or remove.
 */
public final class PeerNetwork implements Peers, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerNetwork.class);

    private final NodeServer server;
    private final Node node;
    private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
    /** Keys links verified first, per address. */
    private final PeerKeys learned;
    /** Per address, the key configured or declared for a node dependency there (refreshed with the subscriptions). */
    private volatile Map<String, Pin> required = Map.of();

    /** The key a link must see at its address ({@code fingerprint}), and why, for messages. */
    record Pin(String fingerprint, String because) {}

    private final java.util.concurrent.ArrayBlockingQueue<OutCall> outgoing;
    private final Thread refresher;
    private final Thread dispatcher;
    private volatile boolean closed;

    PeerNetwork(NodeServer server) {
        this.server = server;
        this.node = server.node();
        this.learned = server.config().peerKeys() != null ? server.config().peerKeys() : PeerKeys.inMemory();
        this.outgoing =
                new java.util.concurrent.ArrayBlockingQueue<>(server.config().remoteCallQueueCapacity());
        this.refresher = Thread.ofVirtual().name("interstice-subscriptions").start(this::refreshLoop);
        this.dispatcher = Thread.ofVirtual().name("interstice-remote-calls").start(this::dispatchLoop);
    }

    NodeServer server() {
        return server;
    }

    private record OutCall(
            String nodeName,
            String module,
            String reducer,
            List<IntersticeValue> args,
            String callerModule,
            TxTrace.Parent cause) {}

    /**
     * Never blocks and takes no lock: the runtime calls it once the calling transaction is durable, possibly from the
     * storage's completion thread. A dispatcher thread resolves the node name and hands the call to its link, in order.
     */
    @Override
    public void callReducer(
            String nodeName, String module, String reducer, List<IntersticeValue> args, CallContext caller) {
        callReducer(nodeName, module, reducer, args, caller, null);
    }

    @Override
    public void callReducer(
            String nodeName,
            String module,
            String reducer,
            List<IntersticeValue> args,
            CallContext caller,
            TxTrace.Parent cause) {
        if (closed)
            throw new CallException(
                    CallException.Kind.NOT_FOUND, "node '" + nodeName + "' is not reachable: the network is stopped");
        if (!outgoing.offer(new OutCall(nodeName, module, reducer, args, caller.callerModuleName(), cause)))
            throw new CallException(
                    CallException.Kind.REFUSED,
                    "too many remote calls waiting to be sent ("
                            + server.config().remoteCallQueueCapacity() + "); the call of " + module + "." + reducer
                            + " on node '" + nodeName + "' is dropped");
    }

    private void dispatchLoop() {
        while (!closed) {
            OutCall c;
            try {
                c = outgoing.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                String address = resolve(c.nodeName(), c.callerModule());
                checkKey(c.nodeName(), c.callerModule(), address);
                // A new link first learns the node's subscriptions to that address, so that they are subscribed
                // before this call is sent (a module calling a node it subscribes to sees its own call's changes).
                if (!links.containsKey(address)) {
                    try {
                        refreshSubscriptions();
                    } catch (RuntimeException e) {
                        log.warn(
                                "refreshing remote subscriptions failed: {}",
                                e.toString()); // the refresher retries; the call still goes
                    }
                }
                if (!link(address)
                        .enqueueCall(c.nodeName(), c.module(), c.reducer(), c.args(), c.callerModule(), c.cause()))
                    log.warn(
                            "dropped the call of {}.{} on node '{}' from module {}: {} calls already wait for {}",
                            c.module(),
                            c.reducer(),
                            c.nodeName(),
                            c.callerModule(),
                            server.config().remoteCallQueueCapacity(),
                            address);
            } catch (RuntimeException e) {
                if (!closed)
                    log.warn(
                            "call of {}.{} on node '{}' from module {} not sent: {}",
                            c.module(),
                            c.reducer(),
                            c.nodeName(),
                            c.callerModule(),
                            e.getMessage());
            }
        }
    }

    @Override
    public IntersticeValue query(
            String nodeName, String module, String query, List<IntersticeValue> args, CallContext caller) {
        long deadline =
                System.nanoTime() + server.config().remoteQueryDeadline().toNanos();
        String address = resolve(nodeName, caller.callerModuleName());
        checkKey(nodeName, caller.callerModuleName(), address);
        return link(address).query(nodeName, module, query, args, caller.callerModuleName(), deadline);
    }

    /**
     * Sends a module's Module authority request to another node on a thread of its own (the connection may have to be
     * made first), within the remote-query deadline.
     */
    @Override
    public CompletableFuture<String> moduleRequest(String nodeName, String fromModule, ModuleCall call) {
        var request = switch (call) {
            case ModuleCall.Load l -> new Message.ModuleRequest(0, 0, "", l.wasm(), fromModule);
            case ModuleCall.Unload u -> new Message.ModuleRequest(0, 1, u.module(), new byte[0], fromModule);
            case ModuleCall.Remove r -> new Message.ModuleRequest(0, 2, r.module(), new byte[0], fromModule);
        };
        var result = new CompletableFuture<String>();
        Thread.ofVirtual().name("interstice-module-request").start(() -> {
            try {
                long deadline = System.nanoTime()
                        + server.config().remoteQueryDeadline().toNanos();
                String address = resolve(nodeName, fromModule);
                checkKey(nodeName, fromModule, address);
                result.complete(link(address).moduleRequest(nodeName, request, deadline));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * The address of {@code nodeName} among the node dependencies of {@code module}, unless the configuration gives
     * that node another address ({@link NetworkConfig#withNodeAddress}).
     */
    @Override
    public String address(String nodeName, String callerModule) {
        try {
            return resolve(nodeName, callerModule);
        } catch (CallException e) {
            return ""; // the call itself will say why
        }
    }

    private String resolve(String nodeName, String module) {
        if (closed)
            throw new CallException(
                    CallException.Kind.NOT_FOUND, "node '" + nodeName + "' is not reachable: the network is stopped");
        ModuleSchema m = node.schema(module).orElse(null);
        if (m != null)
            for (NodeDependency d : m.nodeDependencies())
                if (d.name().equals(nodeName)) return server.config().nodeAddress(nodeName, d.address());
        throw new CallException(
                CallException.Kind.NOT_FOUND,
                "module '" + module + "' has no node dependency named '" + nodeName
                        + "' (add its binding with: interstice bindings add node " + nodeName + ")");
    }

    /**
     * Refuses a module's request to a node dependency whose key it (or the configuration) names when the link to that
     * address requires another one (two modules naming different keys for one address).
     */
    private void checkKey(String nodeName, String module, String address) {
        String wanted = server.config().nodeKeys().get(nodeName);
        if (wanted == null)
            wanted = node.nodeKeys().getOrDefault(module, Map.of()).get(nodeName);
        if (wanted == null) return;
        Pin pin = pinFor(address);
        if (pin == null || !wanted.equals(pin.fingerprint())) { // a module loaded since the last refresh
            refreshKeys();
            pin = pinFor(address);
        }
        if (pin == null || !wanted.equals(pin.fingerprint()))
            throw new CallException(
                    CallException.Kind.REFUSED,
                    "module '" + module + "' expects node '" + nodeName + "' at " + address + " to present key "
                            + wanted + ", but the link to " + address + " requires " + pin.fingerprint() + " ("
                            + pin.because() + "); nothing was sent");
    }

    /** The key the node at {@code address} must present and why; null until a link there verified one. */
    Pin pinFor(String address) {
        Pin p = required.get(address);
        if (p != null) return p;
        String first = learned.get(address);
        return first == null
                ? null
                : new Pin(first, "the key it presented at this node's first connection there (" + PeerKeys.FILE + ")");
    }

    /** A link verified {@code fingerprint} at {@code address} with nothing pinned: pins it; returns what is pinned. */
    String pinFirst(String address, String fingerprint) {
        return learned.pinFirst(address, fingerprint);
    }

    /** Re-reads the keys the configuration and the loaded modules require of their node dependencies. */
    private void refreshKeys() {
        var byModule = node.nodeKeys();
        var pins = new HashMap<String, Pin>();
        for (ModuleSchema m : node.modules())
            for (NodeDependency d : m.nodeDependencies()) {
                String address = server.config().nodeAddress(d.name(), d.address());
                String configured = server.config().nodeKeys().get(d.name());
                String fromModule = byModule.getOrDefault(m.name(), Map.of()).get(d.name());
                if (configured != null)
                    pins.put(address, new Pin(configured, "configured for node '" + d.name() + "' (--node-key)"));
                else if (fromModule != null)
                    pins.putIfAbsent(
                            address,
                            new Pin(
                                    fromModule,
                                    "module '" + m.name() + "' names it for its node dependency '" + d.name() + "'"));
            }
        required = Map.copyOf(pins);
    }

    private PeerLink link(String address) {
        if (closed) throw new CallException(CallException.Kind.NOT_FOUND, "the network is stopped");
        PeerLink l = links.computeIfAbsent(address, a -> new PeerLink(this, a));
        l.pin(pinFor(address));
        return l;
    }

    /** Re-reads the modules' remote subscriptions and (un)subscribes accordingly. */
    public void refreshSubscriptions() {
        if (closed) return;
        // address -> "module\0table" -> (local node names, replicated)
        var wanted = new HashMap<String, Map<String, PeerLink.Wanted>>();
        try {
            refreshKeys();
            for (Node.RemoteSubscription s : node.remoteSubscriptions())
                want(wanted, s.node(), s.address(), s.module(), s.table(), false, true);
            for (var r : node.replicas().sources())
                want(wanted, r.node(), r.address(), r.module(), r.table(), true, r.ready());
        } catch (IllegalStateException e) {
            return; // node closed
        }
        synchronized (this) {
            for (var e : wanted.entrySet()) link(e.getKey()).setTables(e.getValue());
            for (var e : links.entrySet()) {
                e.getValue().pin(pinFor(e.getKey()));
                if (!wanted.containsKey(e.getKey())) e.getValue().setTables(Map.of());
                e.getValue().retrySubscriptions();
            }
        }
    }

    private void want(
            Map<String, Map<String, PeerLink.Wanted>> wanted,
            String nodeName,
            java.util.Optional<String> address,
            String module,
            String table,
            boolean replicated,
            boolean ready) {
        if (address.isEmpty()) {
            log.warn(
                    "a module {} {}.{}.{} but declares no node dependency '{}' (its address is unknown)",
                    replicated ? "replicates" : "subscribes to",
                    nodeName,
                    module,
                    table,
                    nodeName);
            return;
        }
        var tables = wanted.computeIfAbsent(server.config().nodeAddress(nodeName, address.get()), a -> new HashMap<>());
        PeerLink.Wanted w = tables.get(module + '\u0000' + table);
        var names = new LinkedHashSet<String>(w == null ? Set.of() : w.nodeNames());
        names.add(nodeName);
        tables.put(
                module + '\u0000' + table,
                new PeerLink.Wanted(
                        names, replicated || (w != null && w.replicated()), ready && (w == null || w.replicasReady())));
    }

    private void refreshLoop() {
        long period = Math.max(10, server.config().subscriptionRefresh().toMillis());
        while (!closed) {
            try {
                refreshSubscriptions();
            } catch (RuntimeException e) {
                if (!closed) log.warn("refreshing remote subscriptions failed: {}", e.toString());
            }
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * The peers asked for module code this node lacks, in order: the configured code peers, then every address the
     * node's links and its modules' node dependencies name (the chain loader, docs/store.md).
     */
    List<CodeSource> codeSources() {
        var addresses = new LinkedHashSet<String>(server.config().codePeers());
        addresses.addAll(new java.util.TreeSet<>(links.keySet()));
        try {
            for (ModuleSchema m : node.modules())
                for (NodeDependency d : m.nodeDependencies())
                    addresses.add(server.config().nodeAddress(d.name(), d.address()));
        } catch (IllegalStateException closed) {
            return List.of();
        }
        return addresses.stream().<CodeSource>map(PeerCode::new).toList();
    }

    /** A peer as a place to fetch module code from. */
    private final class PeerCode implements CodeSource {
        private final String address;

        PeerCode(String address) {
            this.address = address;
        }

        @Override
        public String describe() {
            return "peer " + address;
        }

        @Override
        public byte[] fetch(String hash) throws java.io.IOException {
            long deadline = System.nanoTime()
                    + server.config()
                            .connectTimeout()
                            .plus(server.config().requestTimeout())
                            .toNanos();
            try {
                return link(address).fetchContent(Message.ContentKind.MODULE_CODE, hash, deadline);
            } catch (CallException | java.util.concurrent.CompletionException e) {
                throw new java.io.IOException(e.getMessage(), e);
            }
        }
    }

    /** Whether the link to {@code address} currently has a live connection. */
    public boolean isConnected(String address) {
        PeerLink l = links.get(address);
        return l != null && l.isConnected();
    }

    /** Drops the connection to {@code address} (it reconnects and resynchronises): for tests and diagnostics. */
    public void dropConnection(String address) {
        PeerLink l = links.get(address);
        if (l != null) l.dropConnection("dropped on request");
    }

    /** Per address: connected, queued calls and deliveries, subscribed tables. */
    public Map<String, Map<String, Object>> stats() {
        var out = new HashMap<String, Map<String, Object>>();
        links.forEach((a, l) -> out.put(a, l.stats()));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        refresher.interrupt();
        dispatcher.interrupt();
        for (PeerLink l : links.values()) l.close();
        links.clear();
    }
}
