package dev.interstice.network;

import dev.interstice.runtime.node.Node;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node on the network: one TCP port serves other nodes and CLI clients (see docs/protocol.md), and the node's
 * modules reach other nodes through {@link PeerNetwork} (remote calls, queries and table subscriptions). Closing the
 * server leaves the node open.
 */
public final class NodeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeServer.class);

    private final Node node;
    private final NetworkConfig config;
    private final AdminToken token;
    private final ServerSocket serverSocket;
    private final String address;
    private final TableStreams streams;
    private final MemoryBudget budget;
    private final ModuleInstaller installer;
    private final PeerNetwork peers;
    private final Set<ServerSession> sessions = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> peerCounts = new HashMap<>();
    /** Runs connect/disconnect hooks in order, off the network threads. */
    private final ThreadPoolExecutor lifecycle;
    private final Thread acceptor;
    private volatile boolean closed;

    private NodeServer(Node node, NetworkConfig config) throws IOException {
        this.node = node;
        this.config = config;
        this.token = config.adminToken() != null ? config.adminToken() : AdminToken.random();
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName(config.bindHost()), config.port()), 128);
        this.address = config.advertisedAddress() != null ? config.advertisedAddress()
                : Addresses.format(config.bindHost(), serverSocket.getLocalPort());
        this.streams = new TableStreams(config.resumeBufferEvents(), node::whenDurable);
        this.budget = new MemoryBudget(config.bufferBytes(), config.connectionBufferBytes());
        this.installer = new ModuleInstaller(this);
        this.lifecycle = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096),
                Thread.ofVirtual().name("interstice-lifecycle").factory(),
                (r, ex) -> log.warn("dropping a connect/disconnect notification: {} pending", ex.getQueue().size()));
        node.addCommitListener(streams);
        this.peers = new PeerNetwork(this);
        node.setPeers(peers);
        this.acceptor = Thread.ofPlatform().daemon().name("interstice-accept " + serverSocket.getLocalPort()).start(this::acceptLoop);
        log.info("node '{}' ({}) listening on {}", config.nodeName(), node.id(), serverSocket.getLocalSocketAddress());
    }

    /** Binds the port and starts serving {@code node}; its modules' remote calls and subscriptions go through it. */
    public static NodeServer start(Node node, NetworkConfig config) throws IOException {
        return new NodeServer(node, config);
    }

    public Node node() { return node; }

    public NetworkConfig config() { return config; }

    public String nodeName() { return config.nodeName(); }

    /** The address advertised to others ("host:port"). */
    public String address() { return address; }

    public int port() { return serverSocket.getLocalPort(); }

    public PeerNetwork peers() { return peers; }

    AdminToken token() { return token; }

    TableStreams streams() { return streams; }

    ModuleInstaller installer() { return installer; }

    MemoryBudget budget() { return budget; }

    /** Bytes the connections hold now in unfinished incoming frames and queued replies (see {@link NetworkConfig#bufferBytes()}). */
    public long bufferedBytes() { return budget.used(); }

    boolean isClosed() { return closed; }

    /** Number of open connections (clients and peers). */
    public int connections() { return sessions.size(); }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) log.warn("accept failed on {}: {}", address, e.getMessage());
                continue;
            }
            if (sessions.size() >= config.maxConnections()) {
                log.warn("refusing connection from {}: {} connections already open", s.getRemoteSocketAddress(), sessions.size());
                try { s.close(); } catch (IOException ignored) { }
                continue;
            }
            try {
                var session = new ServerSession(this, s);
                sessions.add(session);
                if (closed) {
                    // accepted while close() ran (the listening socket lives on until accept returns): close() may
                    // have gone over the sessions already, so this one would be served by a closed server forever
                    sessions.remove(session);
                    session.connection().close("server closed");
                    break;
                }
                Thread.ofVirtual().name("interstice-session " + s.getRemoteSocketAddress()).start(session::run);
            } catch (IOException e) {
                log.warn("cannot set up connection from {}: {}", s.getRemoteSocketAddress(), e.getMessage());
                try { s.close(); } catch (IOException ignored) { }
            }
        }
    }

    void sessionEnded(ServerSession s) {
        sessions.remove(s);
    }

    /** A connection with peer {@code id} opened (incoming or outgoing): the first one runs the connect hooks. */
    void peerUp(String id) {
        synchronized (peerCounts) {
            int n = peerCounts.merge(id, 1, Integer::sum);
            if (n == 1 && !closed) lifecycle.execute(() -> notifyPeer(id, true));
        }
    }

    /** The last connection with peer {@code id} closed: the disconnect hooks run. */
    void peerDown(String id) {
        synchronized (peerCounts) {
            Integer n = peerCounts.get(id);
            if (n == null) return;
            if (n > 1) peerCounts.put(id, n - 1);
            else {
                peerCounts.remove(id);
                if (!closed) lifecycle.execute(() -> notifyPeer(id, false));
            }
        }
    }

    private void notifyPeer(String id, boolean connected) {
        try {
            log.info("peer {} {}", id, connected ? "connected" : "disconnected");
            node.peerConnected(id, connected);
        } catch (RuntimeException e) {
            log.warn("{} hooks for peer {} failed: {}", connected ? "connect" : "disconnect", id, e.getMessage());
        }
    }

    /** A module was published, replaced or removed: restart its table streams, re-read remote subscriptions. */
    void moduleChanged(String module) {
        streams.moduleChanged(module);
        peers.refreshSubscriptions();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing
        }
        streams.close();
        peers.close();
        node.setPeers(null);
        for (ServerSession s : sessions) s.connection().closeAfter(new dev.interstice.network.wire.Message.Closing("node shutting down"), "server closed");
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (!sessions.isEmpty() && System.nanoTime() < until) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (ServerSession s : sessions) s.connection().close("server closed");
        lifecycle.shutdown();
        try {
            acceptor.join(1000);
            lifecycle.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("node '{}' stopped listening on {}", config.nodeName(), address);
    }
}
