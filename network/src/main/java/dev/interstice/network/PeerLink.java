package dev.interstice.network;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.Replicas;
import dev.interstice.storage.TxTrace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's connection to one other node (one address): remote reducer calls (queued, sent in order), remote
 * queries (bounded by a deadline) and table subscriptions, over one {@link NodeClient} that is re-established with
 * exponential backoff (capped) whenever it is lost. Received table events go through a bounded queue to a delivery
 * thread, so the reader never waits for the node's execution lock (a module's remote query holds it while waiting
 * for its reply on this very connection).
 */
final class PeerLink {
    /** The longest wait between attempts of a subscription refused as unsupported (e.g. a too large snapshot). */
    static final java.time.Duration MAX_RETRY_DELAY = java.time.Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(PeerLink.class);
    /** A link reconnects while it has subscriptions, or for this long after its last call or query. */
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private record OutCall(
            String nodeName,
            String module,
            String reducer,
            List<IntersticeValue> args,
            String callerModule,
            TxTrace.Parent cause,
            long expiresAt) {}

    /** A received message waiting for the delivery thread; {@code receivedNanos} for the replication lag. */
    private record Delivery(RemoteTable table, Message message, long receivedNanos) {}

    private final NodeServer server;
    private final PeerNetwork net;
    /** The key the node at this address must present (null fingerprint: the first one verified is pinned). */
    private volatile PeerNetwork.Pin pin;
    /** The last key refused here (logged once per key, not at every reconnection). */
    private volatile String refusedKey;

    private final Node node;
    private final NetworkConfig cfg;
    final String address;

    private final Object monitor = new Object();
    private NodeClient client; // guarded by monitor
    private String remoteNodeId = "";
    private volatile String lastError = "not connected yet";
    private volatile long lastUsed = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();
    /** Subscribe requests sent (a refused subscription is retried). */
    private final java.util.concurrent.atomic.AtomicInteger subscribeAttempts =
            new java.util.concurrent.atomic.AtomicInteger();

    private volatile boolean closed;

    private final ArrayBlockingQueue<OutCall> calls;
    private final ArrayBlockingQueue<Delivery> deliveries;
    private final Map<String, RemoteTable> tables = new ConcurrentHashMap<>();
    /** Subscription id (on the current connection) to table. */
    private final Map<Long, RemoteTable> bySubscription = new ConcurrentHashMap<>();

    private final List<Thread> threads = new ArrayList<>();

    PeerLink(PeerNetwork net, String address) {
        this.server = net.server();
        this.net = net;
        this.node = server.node();
        this.cfg = server.config();
        this.address = address;
        this.calls = new ArrayBlockingQueue<>(cfg.remoteCallQueueCapacity());
        this.deliveries = new ArrayBlockingQueue<>(cfg.deliveryQueueCapacity());
        this.pin = net.pinFor(address);
        threads.add(Thread.ofVirtual().name("interstice-link " + address).start(this::connectLoop));
        threads.add(Thread.ofVirtual().name("interstice-calls " + address).start(this::sendLoop));
        threads.add(Thread.ofVirtual().name("interstice-events " + address).start(this::deliverLoop));
    }

    // ------------------------------------------------------------------ connection

    private boolean wanted() {
        return !tables.isEmpty() || !calls.isEmpty() || System.nanoTime() - lastUsed < IDLE_NANOS;
    }

    private void connectLoop() {
        long delay = cfg.reconnectInitialDelay().toNanos();
        while (!closed) {
            NodeClient c;
            synchronized (monitor) {
                c = client;
                if (c == null && !wanted()) {
                    waitQuietly(1000);
                    continue;
                }
            }
            if (c != null) {
                if (c.isOpen()) {
                    try {
                        c.closed().get(); // until this connection ends
                    } catch (Exception e) {
                        // interrupted: closing
                    }
                } else
                    synchronized (monitor) {
                        if (client == c) waitQuietly(10); // its reader is finishing
                    }
                continue;
            }
            try {
                connectOnce();
                delay = cfg.reconnectInitialDelay().toNanos();
            } catch (RuntimeException e) {
                lastError = keyRefused(e);
                if (lastError == null) lastError = e.getMessage();
                log.debug("link to {}: {}", address, e.getMessage());
                long jittered = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
                synchronized (monitor) {
                    waitQuietly(Math.max(1, TimeUnit.NANOSECONDS.toMillis(jittered)));
                }
                delay = Math.min(delay * 2, cfg.reconnectMaxDelay().toNanos());
            }
        }
    }

    /** Waits on the monitor (held by the caller); a kick or a new connection wakes it. */
    private void waitQuietly(long ms) {
        try {
            monitor.wait(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private void connectOnce() {
        PeerNetwork.Pin required = pin;
        var opts = NodeClient.Options.client()
                .asPeer(node.identity(), server.nodeName())
                .withPinnedKey(required == null ? null : required.fingerprint())
                .withConnectTimeout(cfg.connectTimeout())
                .withRequestTimeout(cfg.requestTimeout())
                .withKeepAlive(cfg.keepAlive())
                .withMaxReplyBytes(cfg.maxReplyBytes())
                .withListener(this::onMessage, reason -> onClosed());
        NodeClient c = NodeClient.connect(address, opts);
        if (closed) {
            c.close();
            return;
        }
        String id = c.nodeId();
        String key = c.keyFingerprint();
        String pinned = required != null ? required.fingerprint() : net.pinFirst(address, key);
        if (!pinned.equals(key)) { // another link's first connection pinned another key meanwhile
            c.close();
            throw new NetworkException(ErrorKind.PROTOCOL, "refused", new NodeKeyChangedException(pinned, key));
        }
        if (required == null)
            pin = new PeerNetwork.Pin(
                    key, "the key it presented at this node's first connection there (" + PeerKeys.FILE + ")");
        synchronized (monitor) {
            remoteNodeId = id;
            // Subscribe before the connection is handed to waiting calls and queries: the node handles a connection's
            // requests in order, so the effects of calls queued meanwhile (e.g. a module's call made on load) reach
            // the subscriptions as events after their snapshot, not inside the snapshot's baseline.
            for (RemoteTable t : tables.values()) subscribe(c, t);
            if (!c.isOpen())
                throw new IllegalStateException("the connection to " + address + " closed right after the handshake");
            client = c;
            connects.incrementAndGet();
            lastError = "connection lost";
            monitor.notifyAll();
        }
        log.info("connected to node '{}' ({}) at {}", c.nodeName(), id, address);
        server.peerUp(id);
        c.closed().thenRun(() -> server.peerDown(id));
    }

    /**
     * The message for a connection refused because the node presented another key than the pinned one (logged once
     * per key); null for any other failure.
     */
    private String keyRefused(RuntimeException e) {
        NodeKeyChangedException k = null;
        for (Throwable t = e; t != null && k == null; t = t.getCause())
            if (t instanceof NodeKeyChangedException x) k = x;
        if (k == null) return null;
        PeerNetwork.Pin p = pin;
        String why = "the node at " + address + " presented key " + k.actual() + ", but " + k.expected()
                + " is required there (" + (p != null && k.expected().equals(p.fingerprint()) ? p.because() : "pinned")
                + "); the link refuses it. Someone may be intercepting the connection (a man in the middle), or the node"
                + " was re-created with a new key: if so, re-pin it (--node-key <node>=" + k.actual()
                + ", NetworkConfig.withNodeKey, or remove " + address + " from " + PeerKeys.FILE
                + " in the data directory while this node is stopped)";
        if (!k.actual().equals(refusedKey)) {
            refusedKey = k.actual();
            log.warn("link to {} refused: {}", address, why);
        }
        return why;
    }

    /** The key required here changed (configuration, a module's declaration): a connection to another key ends. */
    void pin(PeerNetwork.Pin p) {
        PeerNetwork.Pin had = pin;
        if (p == null || (had != null && p.fingerprint().equals(had.fingerprint()))) return;
        pin = p;
        NodeClient c;
        synchronized (monitor) {
            c = client;
        }
        if (c != null && !p.fingerprint().equals(c.keyFingerprint()))
            c.abort("the node's key is not the one now required (" + p.because() + ")");
    }

    private void onClosed() {
        long refused = refusedDeliveries.getAndSet(0);
        if (refused > 1)
            log.warn(
                    "link to {}: {} more received messages were dropped after the delivery queue filled (the subscriptions resynchronise)",
                    address,
                    refused - 1);
        synchronized (monitor) {
            bySubscription.clear();
            for (RemoteTable t : tables.values()) {
                t.subscription.set(0);
                t.synced = false;
                t.schemaChecked = false; // the source may change while disconnected
            }
            client = null;
            monitor.notifyAll();
        }
        if (!closed) log.info("connection to {} lost; reconnecting", address);
    }

    /** The live connection, waiting (and hurrying the reconnection) until {@code deadline} (System.nanoTime); null if none. */
    private NodeClient awaitConnected(long deadline) {
        lastUsed = System.nanoTime();
        synchronized (monitor) {
            while (client == null || !client.isOpen()) {
                long left = deadline - System.nanoTime();
                if (closed || left <= 0) return null;
                monitor.notifyAll(); // wakes the connector from its backoff
                try {
                    monitor.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return client;
        }
    }

    String remoteNodeId() {
        synchronized (monitor) {
            return remoteNodeId;
        }
    }

    boolean isConnected() {
        synchronized (monitor) {
            return client != null && client.isOpen();
        }
    }

    /** Drops the current connection (tests; resynchronisation). */
    void dropConnection(String why) {
        NodeClient c;
        synchronized (monitor) {
            c = client;
        }
        if (c != null) c.abort(why);
    }

    // ------------------------------------------------------------------ calls and queries

    /** Queues a reducer call made by a module (never blocks); false if the queue is full. */
    boolean enqueueCall(
            String nodeName,
            String module,
            String reducer,
            List<IntersticeValue> args,
            String callerModule,
            TxTrace.Parent cause) {
        lastUsed = System.nanoTime();
        boolean queued = calls.offer(new OutCall(
                nodeName,
                module,
                reducer,
                args,
                callerModule,
                cause,
                System.nanoTime() + cfg.remoteCallTtl().toNanos()));
        if (queued)
            synchronized (monitor) {
                monitor.notifyAll();
            }
        return queued;
    }

    private void sendLoop() {
        while (!closed) {
            OutCall c;
            try {
                c = calls.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (c == null) continue;
            NodeClient cl = awaitConnected(c.expiresAt());
            if (cl == null) {
                if (!closed)
                    log.warn(
                            "dropped the call of {}.{} on node '{}' from module {}: {} unreachable for {} s ({})",
                            c.module(),
                            c.reducer(),
                            c.nodeName(),
                            c.callerModule(),
                            address,
                            cfg.remoteCallTtl().toSeconds(),
                            lastError);
                continue;
            }
            // a node before 1.7 refuses a call carrying a trace: it gets the call without
            TxTrace.Parent cause = cl.tracesCalls() ? c.cause() : null;
            cl.request(
                            id -> new Message.Call(
                                    id, c.module(), c.reducer(), c.callerModule(), false, c.args(), cause),
                            cfg.requestTimeout())
                    .thenAccept(r -> {
                        if (r instanceof Message.Error e)
                            log.warn(
                                    "call of {}.{} on node '{}' from module {} failed: {}",
                                    c.module(),
                                    c.reducer(),
                                    c.nodeName(),
                                    c.callerModule(),
                                    e.message());
                    });
        }
    }

    /** A module's remote query: waits at most until {@code deadline} (System.nanoTime). */
    IntersticeValue query(
            String nodeName,
            String module,
            String query,
            List<IntersticeValue> args,
            String callerModule,
            long deadline) {
        NodeClient c = awaitConnected(deadline);
        Duration budget = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        if (c == null)
            throw new CallException(
                    CallException.Kind.NOT_FOUND,
                    "node '" + nodeName + "' at " + address + " is not reachable: " + lastError);
        Message.Reply r = c.request(id -> new Message.Query(id, module, query, callerModule, args), budget)
                .join();
        return switch (r) {
            case Message.QueryResult q -> q.value();
            case Message.Error e ->
                throw new CallException(
                        e.kind() == ErrorKind.NOT_FOUND || e.kind() == ErrorKind.CONNECTION_LOST
                                ? CallException.Kind.NOT_FOUND
                                : CallException.Kind.REFUSED,
                        "node '" + nodeName + "': " + e.message());
            default ->
                throw new CallException(
                        CallException.Kind.REFUSED,
                        "node '" + nodeName + "' answered a query with message type " + r.type());
        };
    }

    /**
     * A Module authority request to this peer, waiting at most until {@code deadline} (System.nanoTime) for the
     * connection and the answer: the name of the module concerned once the peer handed it to its Module holder.
     */
    String moduleRequest(String nodeName, Message.ModuleRequest request, long deadline) {
        NodeClient c = awaitConnected(deadline);
        if (c == null)
            throw new CallException(
                    CallException.Kind.NOT_FOUND,
                    "node '" + nodeName + "' at " + address + " is not reachable: " + lastError);
        Duration budget = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        Message.Reply r = c.request(
                        id -> new Message.ModuleRequest(
                                id, request.op(), request.module(), request.wasm(), request.callerModule()),
                        budget)
                .join();
        return switch (r) {
            case Message.Handed h -> h.module();
            case Message.Error e ->
                throw new CallException(CallException.Kind.REFUSED, "node '" + nodeName + "': " + e.message());
            default ->
                throw new CallException(
                        CallException.Kind.REFUSED,
                        "node '" + nodeName + "' answered a module request with message type " + r.type());
        };
    }

    /**
     * Content by hash from this peer ({@link Message.FetchContent}), waiting at most until {@code deadline}
     * (System.nanoTime); null when the peer does not have it or does not share it. Not verified here: the caller does.
     */
    byte[] fetchContent(Message.ContentKind kind, String hash, long deadline) throws java.io.IOException {
        NodeClient c = awaitConnected(deadline);
        if (c == null) throw new java.io.IOException("not reachable: " + lastError);
        if (c.welcomeMinor() < MessageCodec.CONTENT_SINCE_MINOR)
            throw new java.io.IOException("it speaks protocol 1." + c.welcomeMinor() + ", which cannot share content"
                    + " (1." + MessageCodec.CONTENT_SINCE_MINOR + " can)");
        Duration budget = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        Message.Reply r = c.request(id -> new Message.FetchContent(id, kind, hash), budget)
                .join();
        return switch (r) {
            case Message.Content x -> x.bytes();
            case Message.Error e when e.kind() == ErrorKind.NOT_FOUND -> null;
            case Message.Error e -> throw new java.io.IOException(e.message());
            default -> throw new java.io.IOException("answered with message type " + r.type());
        };
    }

    // ------------------------------------------------------------------ subscriptions

    /**
     * What this node wants of a table of the peer: the names its modules give the peer, whether it replicates it, and
     * whether all those replicas have their table (a reset or a new module's replica has none yet).
     */
    record Wanted(Set<String> nodeNames, boolean replicated, boolean replicasReady) {}

    /** The tables this node's modules subscribe to or replicate on this peer ("module\0table"). */
    void setTables(Map<String, Wanted> wanted) {
        for (var it = tables.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (wanted.containsKey(e.getKey())) continue;
            RemoteTable t = e.getValue();
            it.remove();
            t.removed = true;
            long sub = t.subscription.get();
            NodeClient c = currentClient();
            if (sub > 0 && c != null) c.request(id -> new Message.Unsubscribe(id, sub));
            log.info("unsubscribed from {} on {}", t.label(), address);
        }
        for (var e : wanted.entrySet()) {
            RemoteTable existing = tables.get(e.getKey());
            if (existing != null) {
                // a module replicating it was published, or a replica was reset: create it, fill it by a snapshot
                boolean prepare = e.getValue().replicated()
                        && (!existing.replicated || (!e.getValue().replicasReady() && existing.schemaChecked));
                existing.nodeNames = e.getValue().nodeNames();
                existing.replicated = e.getValue().replicated();
                if (prepare) {
                    existing.schemaChecked = false;
                    existing.forceSnapshot();
                    resubscribe(existing);
                }
                continue;
            }
            String[] mt = e.getKey().split("\u0000", 2);
            var t = new RemoteTable(mt[0], mt[1], e.getValue().nodeNames());
            t.replicated = e.getValue().replicated();
            tables.put(e.getKey(), t);
            NodeClient c = currentClient();
            if (c != null) subscribe(c, t);
            else
                synchronized (monitor) {
                    monitor.notifyAll();
                }
        }
    }

    /** Subscribes tables that have no live or pending subscription (e.g. refused earlier because not yet published). */
    void retrySubscriptions() {
        NodeClient c = currentClient();
        if (c == null) return;
        long now = System.nanoTime();
        for (RemoteTable t : tables.values())
            if (t.subscription.get() == 0 && now - t.retryNotBefore >= 0) subscribe(c, t);
    }

    private NodeClient currentClient() {
        synchronized (monitor) {
            return client != null && client.isOpen() ? client : null;
        }
    }

    /** Sends a Subscribe unless one is live or pending for this table (a replicated one: once its replicas are ready). */
    private void subscribe(NodeClient c, RemoteTable t) {
        if (!t.subscription.compareAndSet(0, -1)) return;
        if (!prepareReplicas(c, t)) {
            t.subscription.compareAndSet(-1, 0); // retried at the next refresh
            return;
        }
        subscribeAttempts.incrementAndGet();
        RemoteTable.Position pos = t.position();
        c.request(id -> {
                    bySubscription.put(id, t);
                    t.subscription.set(id);
                    return new Message.Subscribe(id, t.module, t.table, pos.epoch(), pos.seq());
                })
                .thenAccept(r -> {
                    if (r instanceof Message.Error e) {
                        bySubscription.remove(r.id());
                        t.subscription.compareAndSet(r.id(), 0);
                        t.subscription.compareAndSet(-1, 0);
                        if (e.kind() == ErrorKind.UNSUPPORTED) backOff(t);
                        if (e.kind() != ErrorKind.CONNECTION_LOST) {
                            if (!e.message().equals(t.lastFailure))
                                log.warn(
                                        "cannot subscribe to {} on {}: {} ({})",
                                        t.label(),
                                        address,
                                        e.message(),
                                        e.kind() == ErrorKind.UNSUPPORTED
                                                ? "retrying with a doubling delay, at most every "
                                                        + MAX_RETRY_DELAY.toMinutes() + " min"
                                                : "retrying every "
                                                        + cfg.subscriptionRefresh()
                                                                .toMillis() + " ms");
                            t.lastFailure = e.message();
                        }
                    } else if (r instanceof Message.Subscribed) {
                        t.lastFailure = null;
                        t.hopelessFailures = 0;
                        t.retryNotBefore = 0;
                    }
                });
    }

    /** Logs why a replicated table cannot be set up yet (once per reason) and answers false: the refresh retries. */
    private boolean retryLater(RemoteTable t, String why) {
        if (!why.equals(t.lastFailure))
            log.warn("{}; retrying every {} ms", why, cfg.subscriptionRefresh().toMillis());
        t.lastFailure = why;
        return false;
    }

    /**
     * Before a replicated table is subscribed on a connection: reads the peer's public schema (waiting at most the
     * request timeout) so that the replicas exist with the source's table schema (recreated empty if it changed), and
     * starts from the position the replicas persisted when this run has none (a restarted node resumes). False when
     * the table cannot be replicated now (not reachable, or not a public table there yet); the refresh retries.
     */
    private boolean prepareReplicas(NodeClient c, RemoteTable t) {
        if (!t.replicated || t.schemaChecked) return true;
        Message.Reply reply;
        try {
            reply = c.request(id -> new Message.GetSchema(id, false), cfg.requestTimeout())
                    .join();
        } catch (RuntimeException e) {
            return false;
        }
        if (!(reply instanceof Message.SchemaResult result)) return false;
        var remote = result.schema().modules().stream()
                .filter(m -> m.name().equals(t.module))
                .findFirst();
        if (remote.flatMap(m -> m.table(t.table)).isEmpty()) {
            return retryLater(t, "node at " + address + " has no public table " + t.label() + " to replicate (yet)");
        }
        var replicas = node.replicas();
        boolean recreated;
        Optional<Replicas.Seed> seed;
        try {
            recreated = replicas.sourceSchema(t.nodeNames, t.module, t.table, remote);
            seed = replicas.seed(t.nodeNames, t.module, t.table);
        } catch (RuntimeException e) { // e.g. a table schema this node cannot build: the link and its calls go on
            return retryLater(t, "cannot replicate " + t.label() + " from " + address + ": " + e.getMessage());
        }
        if (seed.isPresent() && t.fresh())
            t.seed(seed.get().epoch(), seed.get().seq(), seed.get().rows());
        else if (recreated
                || seed.isEmpty()
                || !seed.get().epoch().equals(t.position().epoch())
                || seed.get().seq() != t.position().seq()) t.forceSnapshot();
        t.schemaChecked = true;
        return true;
    }

    /** Doubles the delay before the next attempt, from the refresh period up to {@link #MAX_RETRY_DELAY}. */
    private void backOff(RemoteTable t) {
        int n = Math.min(++t.hopelessFailures, 16);
        long delay = Math.min(cfg.subscriptionRefresh().toNanos() << n, MAX_RETRY_DELAY.toNanos());
        t.retryNotBefore = System.nanoTime() + delay;
    }

    /**
     * Events refused by the full delivery queue on the current connection. Frames already buffered keep arriving after
     * the drop (a 64 KiB read buffer holds some 1,900 small events): only the first refusal is logged, the rest are
     * counted and summed up once the connection has ended. Touched by that connection's reader thread only.
     */
    private final java.util.concurrent.atomic.AtomicLong refusedDeliveries =
            new java.util.concurrent.atomic.AtomicLong();

    /** Reader thread: never blocks; a full delivery queue drops the connection (the subscriptions then resynchronise). */
    private void onMessage(Message m) {
        RemoteTable t = switch (m) {
            case Message.Subscribed s -> bySubscription.get(s.id());
            case Message.TableEvent e -> bySubscription.get(e.subscription());
            case Message.Resync r -> bySubscription.get(r.subscription());
            default -> null;
        };
        if (t == null) return;
        // once one message is refused the connection is going away: later ones are refused too, so none skips ahead
        if ((refusedDeliveries.get() > 0 || !deliveries.offer(new Delivery(t, m, System.nanoTime())))
                && refusedDeliveries.getAndIncrement() == 0) {
            log.warn(
                    "link to {}: {} received events wait for delivery; dropping the connection to resynchronise",
                    address,
                    deliveries.size());
            dropConnection("delivery queue full");
        }
    }

    private void deliverLoop() {
        while (!closed) {
            Delivery d;
            try {
                d = deliveries.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (d == null || d.table().removed) continue;
            try {
                if (d.table().replicated && d.message() instanceof Message.TableEvent e)
                    processReplicated(d.table(), batchAfter(d.table(), e));
                else process(d.table(), d.message());
            } catch (RuntimeException e) {
                if (!closed)
                    log.warn(
                            "delivering an event of {} from {} failed: {}",
                            d.table().label(),
                            address,
                            e.toString());
            }
        }
    }

    /** {@code first} and the events of the same table queued right behind it (at most 4096). */
    private List<Message.TableEvent> batchAfter(RemoteTable t, Message.TableEvent first) {
        var batch = new ArrayList<Message.TableEvent>();
        batch.add(first);
        while (batch.size() < 4096
                && deliveries.peek() instanceof Delivery next
                && next.table() == t
                && next.message() instanceof Message.TableEvent e) {
            deliveries.poll(); // only this thread takes from the queue
            batch.add(e);
        }
        return batch;
    }

    private void process(RemoteTable t, Message m) {
        switch (m) {
            case Message.Subscribed s -> {
                t.synced = true;
                if (!s.snapshot()) {
                    t.resumed(s.epoch(), s.seq());
                    log.debug("subscription to {} on {} resumed after event {}", t.label(), address, s.seq());
                    if (t.replicated) node.replicas().inSync(t.nodeNames, t.module, t.table);
                } else {
                    var changes = t.snapshot(s.epoch(), s.seq(), s.rows());
                    if (t.replicated)
                        node.replicas().applySnapshot(t.nodeNames, t.module, t.table, s.epoch(), s.seq(), s.rows());
                    log.debug(
                            "subscription to {} on {}: snapshot of {} rows at event {} ({} changes to deliver)",
                            t.label(),
                            address,
                            s.rows().size(),
                            s.seq(),
                            changes.size());
                    for (RemoteTable.Change c : changes) deliver(t, c, "", null);
                }
            }
            case Message.TableEvent e -> {
                if (t.replicated) {
                    processReplicated(t, List.of(e));
                    return;
                }
                switch (t.event(e.seq(), e.kind(), e.before(), e.after())) {
                    case DELIVER ->
                        deliver(t, new RemoteTable.Change(e.kind(), e.before(), e.after()), e.origin(), e.cause());
                    case DUPLICATE -> {}
                    case GAP -> gap(t, e);
                }
            }
            case Message.Resync r -> {
                log.info("{} on {} restarted its stream ({}); resubscribing", t.label(), address, r.reason());
                t.schemaChecked = false; // e.g. the module was replaced: its table may have changed
                resubscribe(t);
            }
            default -> {}
        }
    }

    /**
     * Events of a replicated table that arrived together: applied to its replicas in one local transaction (one log
     * record, so a replica keeps up with a busy source), then delivered to the subscribers, which thus see them there.
     */
    private void processReplicated(RemoteTable t, List<Message.TableEvent> batch) {
        var accepted = new ArrayList<Message.TableEvent>(batch.size());
        for (Message.TableEvent e : batch) {
            RemoteTable.Verdict v = t.event(e.seq(), e.kind(), e.before(), e.after());
            if (v == RemoteTable.Verdict.DELIVER) accepted.add(e);
            else if (v == RemoteTable.Verdict.GAP) {
                gap(t, e);
                break; // later ones are ignored until the new subscription answers
            }
        }
        if (accepted.isEmpty()) return;
        var events = new ArrayList<Replicas.Event>(accepted.size());
        for (Message.TableEvent e : accepted) events.add(new Replicas.Event(e.seq(), e.kind(), e.before(), e.after()));
        if (!node.replicas()
                .applyEvents(t.nodeNames, t.module, t.table, t.position().epoch(), events)) {
            log.info(
                    "a replica of {} from {} is not in step with event {}; resynchronising",
                    t.label(),
                    address,
                    accepted.getFirst().seq());
            t.forceSnapshot();
            resubscribe(t);
        }
        for (Message.TableEvent e : accepted)
            deliver(t, new RemoteTable.Change(e.kind(), e.before(), e.after()), e.origin(), e.cause());
    }

    private void gap(RemoteTable t, Message.TableEvent e) {
        log.warn(
                "gap in the events of {} from {} (got {}, expected {}); resubscribing",
                t.label(),
                address,
                e.seq(),
                t.position().seq() + 1);
        resubscribe(t);
    }

    private void resubscribe(RemoteTable t) {
        long old = t.subscription.getAndSet(0);
        t.synced = false;
        bySubscription.remove(old);
        NodeClient c = currentClient();
        if (c == null) return;
        if (old > 0) c.request(id -> new Message.Unsubscribe(id, old));
        subscribe(c, t);
    }

    /**
     * Runs the local subscribers of a change of table {@code t}; {@code trace} (null: none) is the peer's transaction
     * that made it, the parent of their runs.
     */
    private void deliver(RemoteTable t, RemoteTable.Change c, String origin, TxTrace.Parent trace) {
        String from = remoteNodeId();
        if (origin.equals(node.id())) return; // our own change coming back: not echoed
        TxTrace.Parent cause = trace == null
                ? null
                : new TxTrace.Parent(
                        trace.traceNode().isEmpty() ? from : trace.traceNode(), trace.traceTx(), from, trace.tx());
        for (String name : t.nodeNames) {
            TableStreams.ORIGIN.set(from);
            try {
                node.deliverRemoteEvent(name, from, t.module, t.table, c.kind(), c.rows(), cause);
            } finally {
                TableStreams.ORIGIN.remove();
            }
        }
    }

    /** Pending work (tests and diagnostics). */
    Map<String, Object> stats() {
        var m = new HashMap<String, Object>();
        m.put("connected", isConnected());
        m.put("connects", connects.get());
        m.put("subscribeAttempts", subscribeAttempts.get());
        m.put("queuedCalls", calls.size());
        m.put("queuedDeliveries", deliveries.size());
        // the replication lag in time: how long the oldest received event has waited to be applied (0 when none waits)
        Delivery oldest = deliveries.peek();
        m.put("oldestDeliveryAgeNanos", oldest == null ? 0L : System.nanoTime() - oldest.receivedNanos());
        m.put("tables", tables.size());
        m.put("synced", (int) tables.values().stream().filter(t -> t.synced).count());
        return m;
    }

    void close() {
        closed = true;
        dropConnection("node shutting down");
        synchronized (monitor) {
            monitor.notifyAll();
        }
        for (Thread t : threads) t.interrupt();
    }
}
