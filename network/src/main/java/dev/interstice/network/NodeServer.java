package dev.interstice.network;

import dev.interstice.network.wire.Frames;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.network.wire.ProtocolException;
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
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node on the network: one TCP port serves other nodes and CLI clients (see docs/protocol.md), and the node's
 * modules reach other nodes through {@link PeerNetwork} (remote calls, queries and table subscriptions). Closing the
 * server leaves the node open.
 */
public final class NodeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeServer.class);
    /** Connections refused at once with a reason; more are closed silently. */
    static final int MAX_REFUSING = 64;

    private final Node node;
    private final NetworkConfig config;
    private final AdminToken token;
    private final Permissions permissions;
    private final ProofThrottle proofs;
    /** One rebuild of a table's past at a time: each reads the kept log, seconds for a large table. */
    private final java.util.concurrent.Semaphore pastReads = new java.util.concurrent.Semaphore(1);

    private final ServerSocket serverSocket;
    private final String address;
    private final TableStreams streams;
    private final MemoryBudget budget;
    private final ModuleInstaller installer;
    private final PeerNetwork peers;
    /** Modules the Module authority changed: their streams restart as after a publish or remove. */
    private final java.util.function.Consumer<String> moduleListener = this::moduleChanged;

    private final Set<ServerSession> sessions = ConcurrentHashMap.newKeySet();
    /** Connections still in their TLS handshake (or before their first byte): closed with the server. */
    private final Set<Socket> opening = ConcurrentHashMap.newKeySet();

    private final ConnectionSlots slots;
    /** Connections being told that no slot is free (each for at most the handshake timeout). */
    private final AtomicInteger refusing = new AtomicInteger();

    private volatile long lastRefusalLog;
    /** Ends connections whose handshake is overdue and idle ones. */
    private final ScheduledExecutorService sweeper;
    /** Sessions at most that read on a platform thread (the rest on virtual threads): bounds the node's threads. */
    static final int PLATFORM_SESSIONS = 64;

    private final java.util.concurrent.atomic.AtomicInteger platformSessions =
            new java.util.concurrent.atomic.AtomicInteger();

    private final Map<String, Integer> peerCounts = new HashMap<>();
    /** Runs connect/disconnect hooks in order, off the network threads. */
    private final ThreadPoolExecutor lifecycle;

    private final Thread acceptor;
    /** The local socket (docs/security.md) and its acceptor; null when there is none. */
    private final LocalEndpoint local;

    private final Thread localAcceptor;
    private final ServerTransport transport;
    private volatile boolean closed;

    private NodeServer(Node node, NetworkConfig config) throws IOException {
        this.node = node;
        this.config = config;
        this.token = config.adminToken() != null ? config.adminToken() : AdminToken.random();
        this.permissions = new Permissions(
                config.nodeName(), config.tokens() != null ? config.tokens() : TokenStore.inMemory(), node);
        this.proofs = new ProofThrottle(config.proofFailures(), config.proofWindow(), config.proofBackOff());
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getByName(config.bindHost()), config.port()), 128);
        this.address = config.advertisedAddress() != null
                ? config.advertisedAddress()
                : Addresses.format(config.bindHost(), serverSocket.getLocalPort());
        this.streams = new TableStreams(config.resumeBufferEvents(), node::whenDurable, new TableStreams.Views() {
            @Override
            public boolean viewed(String module, String table) {
                return node.viewed(module, table);
            }

            @Override
            public java.util.Set<String> reads(String module, String table) {
                return node.viewReads(module, table);
            }

            @Override
            public boolean admits(String module, String table, String requester, byte[] row) {
                return node.admits(module, table, requester, row);
            }
        });
        this.budget = new MemoryBudget(config.bufferBytes(), config.connectionBufferBytes());
        this.installer = new ModuleInstaller(this);
        this.transport = new ServerTransport(node.identity(), config.insecureLoopback());
        this.slots = new ConnectionSlots(
                config.nodeName(), config.maxConnections(), config.maxConnectionsPerAddress(), config.adminReserve());
        this.lifecycle = new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(4096),
                Thread.ofVirtual().name("interstice-lifecycle").factory(),
                (r, ex) -> log.warn(
                        "dropping a connect/disconnect notification: {} pending",
                        ex.getQueue().size()));
        node.addCommitListener(streams);
        this.peers = new PeerNetwork(this);
        node.setPeers(peers);
        node.peerCodeSources(peers::codeSources);
        node.addModuleListener(moduleListener);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .daemon()
                .name("interstice-sweeper " + serverSocket.getLocalPort())
                .factory());
        long period = Math.clamp(
                Math.min(
                                config.idleTimeout().toMillis(),
                                config.handshakeTimeout().toMillis())
                        / 4,
                10,
                1000);
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
        this.acceptor = Thread.ofPlatform()
                .daemon()
                .name("interstice-accept " + serverSocket.getLocalPort())
                .start(() -> acceptLoop(serverSocket::accept));
        this.local = config.localSocket() == null ? null : LocalEndpoint.open(config.localSocket());
        this.localAcceptor = local == null
                ? null
                : Thread.ofPlatform()
                        .daemon()
                        .name("interstice-accept " + local.path())
                        .start(() -> acceptLoop(local::accept));
        log.info("node '{}' ({}) listening on {}", config.nodeName(), node.id(), serverSocket.getLocalSocketAddress());
        if (local != null) log.info("local commands connect through {} (this user only, no TLS needed)", local.path());
        log.info(
                "connections use TLS 1.3 (key {}){}",
                node.identity().fingerprint(),
                config.insecureLoopback()
                        ? "; plaintext is allowed from loopback to loopback (--insecure-loopback)"
                        : "; plaintext is refused");
    }

    /**
     * Binds the port and starts serving {@code node}; its modules' remote calls, subscriptions and replicas go through
     * it. Then starts the node ({@link Node#start}: a node opened with {@link Node#openDeferred} runs its modules'
     * {@code load} hooks only now, with the network up, so what they send other nodes is delivered).
     */
    public static NodeServer start(Node node, NetworkConfig config) throws IOException {
        var server = new NodeServer(node, config);
        try {
            server.peers.refreshSubscriptions(); // links (and replicas) first, so load hooks find them
            node.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * The node's own image, which it serves by its content hash ({@link Message.FetchContent} of an image): given by
     * the CLI, which knows the image layout; without one the node serves no image.
     */
    public interface ImageSource {
        /** The image's archive if its content hash is {@code hash} (hex), else null. */
        byte[] image(String hash) throws IOException;
    }

    private volatile ImageSource images;

    /** Serves the node's own image through {@code source} (null: none). */
    public void serveImages(ImageSource source) {
        this.images = source;
    }

    ImageSource images() {
        return images;
    }

    public Node node() {
        return node;
    }

    public NetworkConfig config() {
        return config;
    }

    public String nodeName() {
        return config.nodeName();
    }

    /** The address advertised to others ("host:port"). */
    public String address() {
        return address;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** The local socket's file (docs/security.md, "Local socket"); null when the node serves none. */
    public java.nio.file.Path localSocket() {
        return local == null ? null : local.path();
    }

    public PeerNetwork peers() {
        return peers;
    }

    AdminToken token() {
        return token;
    }

    Permissions permissions() {
        return permissions;
    }

    ProofThrottle proofs() {
        return proofs;
    }

    java.util.concurrent.Semaphore pastReads() {
        return pastReads;
    }

    TableStreams streams() {
        return streams;
    }

    ModuleInstaller installer() {
        return installer;
    }

    MemoryBudget budget() {
        return budget;
    }

    /** Bytes the connections hold now in unfinished incoming frames and queued replies (see {@link NetworkConfig#bufferBytes()}). */
    public long bufferedBytes() {
        return budget.used();
    }

    boolean isClosed() {
        return closed;
    }

    /** Number of open connections (clients and peers). */
    public int connections() {
        return sessions.size();
    }

    /** Where connections come from: the TCP port or the local socket (null: a connection it refused itself). */
    private interface Acceptor {
        Socket accept() throws IOException;
    }

    private void acceptLoop(Acceptor acceptor) {
        while (!closed) {
            Socket s;
            try {
                s = acceptor.accept();
            } catch (IOException e) {
                if (!closed) log.warn("accept failed on {}: {}", address, e.getMessage());
                continue;
            }
            if (s == null) continue;
            InetAddress from = s.getInetAddress(); // the local socket's connections count as loopback ones
            ConnectionSlots.Slot slot = slots.take(from);
            if (slot == null) {
                refuse(s, slots.refusal(from));
                continue;
            }
            startSession("interstice-session " + s.getRemoteSocketAddress(), () -> serve(s, slot));
        }
    }

    /**
     * Starts a new session's thread, which reads its frames (and answers its sole calls): a platform thread while
     * fewer than {@link #PLATFORM_SESSIONS} sessions have one, else a virtual one. A platform reader is woken by the
     * kernel when a frame arrives and by the log when an fsync ends; a virtual one through the poller and then its
     * scheduler, a hand-off each way that a caller waiting for each answer pays on every call (docs/benchmarks.md,
     * issue 22).
     */
    private void startSession(String name, Runnable serve) {
        if (platformSessions.incrementAndGet() > PLATFORM_SESSIONS) {
            platformSessions.decrementAndGet();
            Thread.ofVirtual().name(name).start(serve);
            return;
        }
        Thread.ofPlatform().daemon().name(name).start(() -> {
            try {
                serve.run();
            } finally {
                platformSessions.decrementAndGet();
            }
        });
    }

    /**
     * Tells TLS from plaintext and completes a TLS handshake (within the handshake timeout), then serves the
     * connection as a session on this thread.
     */
    private void serve(Socket s, ConnectionSlots.Slot slot) {
        ServerSession session;
        ScheduledFuture<?> deadline = null;
        var overdue = new java.util.concurrent.atomic.AtomicBoolean();
        long timeout = Math.max(1, config.handshakeTimeout().toMillis());
        try {
            opening.add(s);
            if (closed) throw new IOException("server closed");
            deadline = sweeper.schedule(
                    () -> {
                        overdue.set(true);
                        closeQuietly(s);
                    },
                    timeout,
                    TimeUnit.MILLISECONDS);
            var link = transport.open(s, (int) timeout);
            deadline.cancel(false);
            session = new ServerSession(this, link, slot);
            opening.remove(s);
        } catch (IOException | RuntimeException e) {
            opening.remove(s);
            if (deadline != null) deadline.cancel(false);
            slots.release(slot);
            // Nothing can be sent before the first byte (or inside an unfinished TLS handshake): the reason is logged
            log.debug(
                    "closing the connection from {} before its Hello: {}",
                    s.getRemoteSocketAddress(),
                    overdue.get() || e instanceof java.net.SocketTimeoutException
                            ? "its first byte and TLS handshake did not arrive within the handshake timeout ("
                                    + NetworkConfig.describe(config.handshakeTimeout()) + ")"
                            : closed ? "the node is stopping" : e.toString());
            closeQuietly(s);
            return;
        }
        sessions.add(session);
        if (closed) {
            // accepted while close() ran: close() may have gone over the sessions already, so this one would be
            // served by a closed server forever
            sessions.remove(session);
            log.debug("closing the connection from {}: the node is stopping", s.getRemoteSocketAddress());
            session.connection().close("server closed");
            slots.release(slot);
            return;
        }
        session.run();
    }

    /**
     * No slot, not even in the admin reserve: answers the Hello with a Reject that says why (reading the Hello first,
     * so that closing does not reset the connection before the client read the reason). At most
     * {@link #MAX_REFUSING} connections are being refused at once, each for at most the handshake timeout; beyond
     * that they are closed without a word (a flood must not hold more sockets or threads).
     */
    private void refuse(Socket s, String why) {
        long now = System.nanoTime();
        if (now - lastRefusalLog > TimeUnit.SECONDS.toNanos(1)) { // at most one line a second under a flood
            lastRefusalLog = now;
            log.warn("refusing connection from {}: {}", s.getRemoteSocketAddress(), why);
        }
        if (refusing.incrementAndGet() > MAX_REFUSING) {
            refusing.decrementAndGet();
            log.debug(
                    "closing the connection from {} without a reason: {} refusals are being sent already ({})",
                    s.getRemoteSocketAddress(),
                    MAX_REFUSING,
                    why);
            closeQuietly(s);
            return;
        }
        Thread.ofVirtual()
                .name("interstice-refuse " + s.getRemoteSocketAddress())
                .start(() -> {
                    ScheduledFuture<?> deadline = null;
                    try (s) {
                        // a Hello trickling in byte by byte must not hold the socket past the handshake timeout either
                        deadline = sweeper.schedule(
                                () -> closeQuietly(s), config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
                        var link = transport.open(
                                s, (int) Math.max(1, config.handshakeTimeout().toMillis()));
                        if (Frames.read(link.input(), 4096) == null) return;
                        Frames.write(link.socket().getOutputStream(), MessageCodec.encode(new Message.Reject(why)));
                        link.socket().getOutputStream().flush();
                        link.socket().shutdownOutput();
                    } catch (IOException
                            | ProtocolException
                            | RejectedExecutionException
                            | UnsupportedOperationException e) {
                        // gone, silent or not speaking the protocol (or the node is stopping): closed without a reason
                        log.debug(
                                "refused connection from {} closed before its Reject: {}",
                                s.getRemoteSocketAddress(),
                                e.toString());
                    } finally {
                        if (deadline != null) deadline.cancel(false);
                        refusing.decrementAndGet();
                    }
                });
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (ServerSession s : sessions) {
            try {
                s.sweep(now);
            } catch (RuntimeException e) {
                log.warn("checking {} failed: {}", s.connection().label(), e.toString());
            }
        }
    }

    void sessionEnded(ServerSession s) {
        if (sessions.remove(s)) slots.release(s.slot());
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

    /** A module was published, replaced or removed: restart its table streams, re-read remote subscriptions (also for in-process admin tools: the console). */
    public void moduleChanged(String module) {
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
        if (local != null) local.close();
        streams.close();
        peers.close();
        node.setPeers(null);
        node.removeModuleListener(moduleListener);
        for (ServerSession s : sessions)
            s.connection()
                    .closeAfter(new dev.interstice.network.wire.Message.Closing("node shutting down"), "server closed");
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
        opening.forEach(NodeServer::closeQuietly);
        sweeper.shutdownNow();
        lifecycle.shutdown();
        try {
            acceptor.join(1000);
            if (localAcceptor != null) localAcceptor.join(1000);
            lifecycle.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("node '{}' stopped listening on {}", config.nodeName(), address);
    }
}
