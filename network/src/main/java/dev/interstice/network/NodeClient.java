package dev.interstice.network;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.NodeSchema;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageBytes;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.network.wire.ProtocolException;
import dev.interstice.runtime.node.NodeIdentity;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * A connection to a node, for the CLI or for another node: requests get ids, any number up to the node's in-flight
 * limit may be outstanding (pipelining), each completes with exactly one reply or fails at its deadline, and every
 * outstanding request fails when the connection is lost. Thread-safe.
 */
public final class NodeClient implements AutoCloseable {

    /**
     * How to connect. {@code listener} sees every message (on the reader thread, in order; it must not block).
     * {@code keepAlive}: after this long without a request a Ping is sent, so that the node does not close the
     * connection as idle (zero: never). {@code maxReplyBytes}: the largest reply accepted when a node sends one in
     * parts (larger ones fail that request).
     */
    public record Options(
            Message.Role role,
            String nodeId,
            String nodeName,
            AdminToken adminToken,
            TokenCredential token,
            Duration connectTimeout,
            Duration handshakeTimeout,
            Duration requestTimeout,
            int maxFrameBytes,
            int maxInFlight,
            Consumer<Message> listener,
            Consumer<String> onClose,
            Duration keepAlive,
            long maxReplyBytes,
            NodeIdentity identity,
            String pinnedKey,
            boolean plaintextOnLoopback,
            java.nio.file.Path localSocket) {

        /**
         * A CLI client: no node identity; TLS without a pinned key, except plaintext to a loopback address (a node that
         * refuses it is asked again with TLS).
         */
        public static Options client() {
            var d = NetworkConfig.defaults();
            return new Options(
                    Message.Role.CLIENT,
                    "",
                    "",
                    null,
                    null,
                    d.connectTimeout(),
                    d.handshakeTimeout(),
                    d.requestTimeout(),
                    d.maxFrameBytes(),
                    d.maxInFlight(),
                    null,
                    null,
                    d.keepAlive(),
                    d.maxReplyBytes(),
                    null,
                    null,
                    true,
                    null);
        }

        public Options withAdminToken(AdminToken t) {
            return with(b -> b.adminToken = t);
        }

        /** Authenticates with a scoped token instead (nodes of protocol 1.4 and later). */
        public Options withToken(TokenCredential t) {
            return with(b -> b.token = t);
        }

        public Options withRequestTimeout(Duration d) {
            return with(b -> b.requestTimeout = d);
        }

        /** Both the connect and the handshake timeout. */
        public Options withConnectTimeout(Duration d) {
            return with(b -> {
                b.connectTimeout = d;
                b.handshakeTimeout = d;
            });
        }

        public Options withMaxInFlight(int n) {
            return with(b -> b.maxInFlight = n);
        }

        /** A node connecting to another: always TLS, presenting its key, which is its id. */
        public Options asPeer(NodeIdentity identity, String name) {
            return with(b -> {
                b.role = Message.Role.PEER;
                b.nodeId = identity.id();
                b.nodeName = name;
                b.identity = identity;
            });
        }

        /**
         * The fingerprint ("SHA256:...", {@link NodeIdentity#fingerprint()}) the node's key must have; null: any (the
         * key seen is {@link NodeClient#keyFingerprint()}, to pin).
         */
        public Options withPinnedKey(String fingerprint) {
            return with(b -> b.pinnedKey = fingerprint);
        }

        /** The node id the Hello declares ({@link #asPeer} declares its key's): for tests of what a node refuses. */
        Options withDeclaredNodeId(String id) {
            return with(b -> b.nodeId = id);
        }

        /** Whether to try plaintext first when the address is a loopback one (never for a node's own links). */
        public Options withPlaintextOnLoopback(boolean v) {
            return with(b -> b.plaintextOnLoopback = v);
        }

        /**
         * The node's local socket ({@code <data dir>/node.sock}, docs/security.md): when the file exists the client
         * connects through it, without TLS, and falls back to the address (TCP) when that fails. Null: TCP only. Never
         * for a node's own links.
         */
        public Options withLocalSocket(java.nio.file.Path socket) {
            return with(b -> b.localSocket = socket);
        }

        public Options withMaxReplyBytes(long n) {
            return with(b -> b.maxReplyBytes = n);
        }

        public Options withListener(Consumer<Message> l, Consumer<String> closed) {
            return with(b -> {
                b.listener = l;
                b.onClose = closed;
            });
        }

        public Options withKeepAlive(Duration d) {
            return with(b -> b.keepAlive = d);
        }

        /** A copy with the fields {@code change} sets: one place names every component, not one per wither. */
        private Options with(Consumer<Copy> change) {
            var c = new Copy(this);
            change.accept(c);
            return c.build();
        }

        private static final class Copy {
            Message.Role role;
            String nodeId;
            String nodeName;
            AdminToken adminToken;
            TokenCredential token;
            Duration connectTimeout;
            Duration handshakeTimeout;
            Duration requestTimeout;
            int maxFrameBytes;
            int maxInFlight;
            Consumer<Message> listener;
            Consumer<String> onClose;
            Duration keepAlive;
            long maxReplyBytes;
            NodeIdentity identity;
            String pinnedKey;
            boolean plaintextOnLoopback;
            java.nio.file.Path localSocket;

            Copy(Options o) {
                role = o.role;
                nodeId = o.nodeId;
                nodeName = o.nodeName;
                adminToken = o.adminToken;
                token = o.token;
                connectTimeout = o.connectTimeout;
                handshakeTimeout = o.handshakeTimeout;
                requestTimeout = o.requestTimeout;
                maxFrameBytes = o.maxFrameBytes;
                maxInFlight = o.maxInFlight;
                listener = o.listener;
                onClose = o.onClose;
                keepAlive = o.keepAlive;
                maxReplyBytes = o.maxReplyBytes;
                identity = o.identity;
                pinnedKey = o.pinnedKey;
                plaintextOnLoopback = o.plaintextOnLoopback;
                localSocket = o.localSocket;
            }

            Options build() {
                return new Options(
                        role,
                        nodeId,
                        nodeName,
                        adminToken,
                        token,
                        connectTimeout,
                        handshakeTimeout,
                        requestTimeout,
                        maxFrameBytes,
                        maxInFlight,
                        listener,
                        onClose,
                        keepAlive,
                        maxReplyBytes,
                        identity,
                        pinnedKey,
                        plaintextOnLoopback,
                        localSocket);
            }
        }
    }

    private final String address;
    private final Options options;
    private final Connection conn;
    private final Message.Welcome welcome;
    /** The node's public key as its TLS certificate presented it; null over plaintext. */
    private final byte[] key;
    /** Whether this connection goes through the node's local socket (not TCP). */
    private final boolean local;

    private final Semaphore permits;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private volatile boolean admin;
    /** When the last request was sent (System.nanoTime). */
    private volatile long lastSent = System.nanoTime();
    /** The reason the node gave in a {@code Closing} message, if it sent one. */
    private volatile String closingReason;
    /** The reply arriving in parts (reader thread only): its id (-1: none), parts so far, and whether it is too large. */
    private long partsOf = -1;

    private final List<byte[]> parts = new ArrayList<>();
    private long partsBytes;
    private boolean partsRefused;

    private static final class Pending {
        final CompletableFuture<Message.Reply> future = new CompletableFuture<>();
        final AtomicBoolean released = new AtomicBoolean();
        volatile Message.Request request;
        volatile long deadlineNanos;
        volatile long timeoutMillis;
    }

    /**
     * Request deadlines are checked by one shared sweep every {@link #SWEEP_MILLIS} instead of a timer per request:
     * under load a per-request timer (schedule, then cancel on the reply) cost the client more CPU than its requests.
     * A timeout therefore fires up to that much late, never early.
     */
    private static final long SWEEP_MILLIS = 20;

    /**
     * A client's reader and writer are platform threads: a process holds few outgoing connections, and blocking reads
     * on them need neither the virtual-thread scheduler nor its pollers, whose start is measurable in a short CLI
     * command (and which the JVM would wait for at exit). A node's many sessions stay virtual.
     */
    private static Thread.Builder threads() {
        return Thread.ofPlatform().daemon(); // a builder is not thread-safe: one per use
    }

    private static final ScheduledExecutorService SWEEPER = Executors.newSingleThreadScheduledExecutor(r ->
            Thread.ofPlatform().name("interstice-client-timeouts").daemon(true).unstarted(r));
    private ScheduledFuture<?> sweep;

    private void expireOverdue() {
        long now = System.nanoTime();
        keepAlive(now);
        for (var e : pending.entrySet()) {
            Pending p = e.getValue();
            Message.Request req = p.request;
            if (req == null || now - p.deadlineNanos < 0) continue;
            p.future.complete(new Message.Error(
                    e.getKey(),
                    ErrorKind.TIMEOUT,
                    "no reply from node '" + nodeName() + "' at " + address + " to " + describe(req) + " within "
                            + p.timeoutMillis + " ms (the node may be unreachable, overloaded or stuck)"));
        }
    }

    /**
     * Pings when nothing was sent for the keep-alive interval (on the sweep thread, so it never waits: without a free
     * permit requests are in flight and the node does not count the connection idle anyway).
     */
    private void keepAlive(long now) {
        long every = options.keepAlive().toNanos();
        if (every <= 0 || now - lastSent < every || conn.isClosed() || !permits.tryAcquire()) return;
        send(Message.Ping::new, options.requestTimeout(), now);
    }

    private NodeClient(
            String address, Options options, Connection conn, Message.Welcome welcome, byte[] key, boolean local) {
        this.address = address;
        this.key = key;
        this.local = local;
        this.options = options;
        this.conn = conn;
        this.welcome = welcome;
        this.permits = new Semaphore(Math.max(1, Math.min(options.maxInFlight(), welcome.maxInFlight())));
    }

    /**
     * Connects, shakes hands and, with an admin token, authenticates. TLS 1.3, checking the node's key against the
     * pinned one, unless plaintext is wanted for a loopback address and the node accepts it (a node that refuses it is
     * asked once more, with TLS).
     *
     * @throws NetworkException UNREACHABLE (nothing answers), PROTOCOL (not a node, another protocol version, or a
     *                          key that is not the pinned one: its cause is then a {@link NodeKeyChangedException}),
     *                          UNAUTHORIZED (the token was refused)
     */
    public static NodeClient connect(String address, Options options) {
        NodeClient local = options.identity() == null ? viaLocalSocket(address, options) : null;
        if (local != null) return local;
        InetSocketAddress target;
        try {
            target = Addresses.parse(address);
        } catch (IllegalArgumentException e) {
            throw new NetworkException(ErrorKind.UNREACHABLE, e.getMessage());
        }
        if (options.plaintextOnLoopback() && options.identity() == null && loopback(target)) {
            try {
                return open(address, target, options, false);
            } catch (PlaintextRefused refused) {
                // the node serves TLS only: once more with TLS
            }
        }
        return open(address, target, options, true);
    }

    /**
     * Through the local socket of the options, when its file exists; null when there is none or it fails to connect
     * or to shake hands (a stale file, a node that stopped, another user's file): the caller uses TCP, silently. A
     * refused credential is not retried over TCP: it would be refused there too.
     */
    private static NodeClient viaLocalSocket(String address, Options options) {
        java.nio.file.Path path = options.localSocket();
        if (path == null || !java.nio.file.Files.exists(path)) return null;
        Socket socket;
        try {
            socket = LocalSocket.connect(path);
        } catch (IOException | RuntimeException unusable) {
            return null;
        }
        try {
            return open(address, socket, null, options, false);
        } catch (NetworkException e) {
            if (e.errorKind() == ErrorKind.UNREACHABLE || e.errorKind() == ErrorKind.PROTOCOL) return null;
            throw e;
        } catch (PlaintextRefused e) {
            return null;
        }
    }

    private static boolean loopback(InetSocketAddress target) {
        try {
            return InetAddress.getByName(target.getHostString()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // connecting reports it
        }
    }

    /** The node refused plaintext (its Reject says so): the caller tries TLS. */
    private static final class PlaintextRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PlaintextRefused() {
            super(null, null, false, false);
        }
    }

    private static NodeClient open(String address, InetSocketAddress target, Options options, boolean tls) {
        return open(address, connectSocket(address, target, options), target, options, tls);
    }

    /** Shakes hands over {@code raw} (TCP to {@code target}, or the local socket with no target and no TLS). */
    private static NodeClient open(String address, Socket raw, InetSocketAddress target, Options options, boolean tls) {
        Socket socket = raw;
        Connection conn = null;
        Message.Welcome welcome;
        byte[] key = null;
        byte[] nonce = AdminToken.nonce();
        try {
            if (tls) {
                var secured = Tls.connect(
                        address, target, raw, options.identity(), options.pinnedKey(), options.handshakeTimeout());
                socket = secured.socket();
                key = secured.key();
            }
            conn = new Connection(
                    socket,
                    raw,
                    new byte[0],
                    "client " + address,
                    Connection.Limits.client(options.maxFrameBytes(), options.maxInFlight() + 16),
                    threads());
            conn.send(new Message.Hello(
                    MessageCodec.MAJOR,
                    MessageCodec.MINOR,
                    options.role(),
                    options.nodeId(),
                    options.nodeName(),
                    nonce));
            socket.setSoTimeout((int) Math.max(1, options.handshakeTimeout().toMillis()));
            Message first = conn.readMessage();
            socket.setSoTimeout(0);
            welcome = welcome(address, first, tls, key);
        } catch (SocketTimeoutException e) {
            abandon(raw, conn);
            throw new NetworkException(
                    ErrorKind.PROTOCOL,
                    address + " did not complete the handshake within "
                            + options.handshakeTimeout().toMillis() + " ms (is it an Interstice node?)",
                    e);
        } catch (ProtocolException e) {
            abandon(raw, conn);
            throw new NetworkException(
                    ErrorKind.PROTOCOL,
                    "what answers at " + address + " is not an Interstice node, or speaks an "
                            + "incompatible protocol (" + e.getMessage() + "); check the address",
                    e);
        } catch (IOException e) {
            abandon(raw, conn);
            throw new NetworkException(
                    ErrorKind.PROTOCOL, "handshake with " + address + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            abandon(raw, conn);
            throw e;
        }
        var client = new NodeClient(address, options, conn, welcome, key, raw instanceof LocalSocket);
        client.sweep = SWEEPER.scheduleWithFixedDelay(
                client::expireOverdue, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        conn.closed().whenComplete((r, e) -> client.sweep.cancel(false));
        threads().name("interstice-client " + address).start(client::readLoop);
        try {
            client.authenticate(nonce);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** Proves the admin token or the scoped token of the options, if any. */
    private void authenticate(byte[] nonce) {
        if (options.adminToken() != null) {
            expect(
                    request(
                            id -> new Message.Authenticate(
                                    id, options.adminToken().proof(welcome.nodeId(), welcome.nonce(), nonce)),
                            options.requestTimeout()),
                    Message.Ok.class);
            admin = true;
        } else if (options.token() != null) {
            TokenCredential t = options.token();
            if (welcome.minor() < MessageCodec.TOKENS_SINCE_MINOR)
                throw new NetworkException(
                        ErrorKind.UNSUPPORTED,
                        "node '" + welcome.nodeName() + "' at " + address + " speaks protocol " + welcome.major() + "."
                                + welcome.minor() + ", which has no scoped tokens (1." + MessageCodec.TOKENS_SINCE_MINOR
                                + " has); use its admin token, or update the node");
            expect(
                    request(
                            id -> new Message.Authenticate(
                                    id, t.proof(welcome.nodeId(), welcome.nonce(), nonce), t.id()),
                            options.requestTimeout()),
                    Message.Ok.class);
        }
    }

    /** A failed handshake: the connection (its writer thread, its socket) or, before it exists, the socket. */
    private static void abandon(Socket s, Connection conn) {
        if (conn != null) conn.close("handshake failed");
        else close(s);
    }

    private static Socket connectSocket(String address, InetSocketAddress target, Options options) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(target.getHostString(), target.getPort()), (int)
                    Math.max(1, options.connectTimeout().toMillis()));
            return socket;
        } catch (UnknownHostException e) {
            close(socket);
            throw new NetworkException(
                    ErrorKind.UNREACHABLE,
                    "cannot reach " + address + ": unknown host '" + target.getHostString() + "'",
                    e);
        } catch (ConnectException | NoRouteToHostException e) {
            close(socket);
            throw new NetworkException(ErrorKind.UNREACHABLE, "cannot reach " + address + ": " + e.getMessage(), e);
        } catch (SocketTimeoutException e) {
            close(socket);
            throw new NetworkException(
                    ErrorKind.UNREACHABLE,
                    "cannot reach " + address + ": no answer within "
                            + options.connectTimeout().toMillis() + " ms",
                    e);
        } catch (IOException e) {
            close(socket);
            throw new NetworkException(ErrorKind.UNREACHABLE, "cannot reach " + address + ": " + e.getMessage(), e);
        }
    }

    /** The node's first answer: its Welcome (whose node id must be the id of the key it presented, over TLS). */
    private static Message.Welcome welcome(String address, Message first, boolean tls, byte[] key) {
        if (first == null)
            throw new NetworkException(
                    ErrorKind.PROTOCOL,
                    address + " closed the connection during the handshake (is it an Interstice node?)");
        if (first instanceof Message.Reject r) {
            if (!tls && r.reason().startsWith(Tls.PLAINTEXT_REFUSED)) throw new PlaintextRefused();
            throw new NetworkException(ErrorKind.PROTOCOL, address + " refused the connection: " + r.reason());
        }
        if (!(first instanceof Message.Welcome w))
            throw new NetworkException(
                    ErrorKind.PROTOCOL, address + " answered the handshake with message type " + first.type());
        if (w.major() != MessageCodec.MAJOR)
            throw new NetworkException(
                    ErrorKind.PROTOCOL,
                    address + " speaks protocol version " + w.major() + "." + w.minor() + " but this client speaks "
                            + MessageCodec.MAJOR + "." + MessageCodec.MINOR
                            + "; use a matching Interstice version");
        if (key != null && !NodeIdentity.idOf(key).equals(w.nodeId()))
            throw new NetworkException(
                    ErrorKind.PROTOCOL,
                    "the node at " + address + " says it is " + w.nodeId() + " but its key is that of node "
                            + NodeIdentity.idOf(key) + "; the connection was refused");
        return w;
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    public String address() {
        return address;
    }

    public String nodeId() {
        return welcome.nodeId();
    }

    public String nodeName() {
        return welcome.nodeName();
    }

    /** The id of the scoped token this connection authenticated with, or null (none, or the admin token). */
    public String tokenId() {
        return options.adminToken() == null && options.token() != null
                ? options.token().id()
                : null;
    }

    /** Whether this connection runs TLS (else plaintext, on loopback). */
    public boolean encrypted() {
        return key != null;
    }

    /** Whether this connection goes through the node's local socket ({@link Options#withLocalSocket}), not TCP. */
    public boolean local() {
        return local;
    }

    /** The fingerprint of the node's key as verified in the TLS handshake (to pin it); null over plaintext. */
    public String keyFingerprint() {
        return key == null ? null : NodeIdentity.fingerprintOf(key);
    }

    /** True once the node accepted the admin credential. */
    public boolean isAdmin() {
        return admin;
    }

    public boolean isOpen() {
        return !conn.isClosed();
    }

    /** Completes with the reason when the connection closes. */
    public CompletableFuture<String> closed() {
        return conn.closed();
    }

    /** Why the connection closed: the node's own reason when it sent one (a failed write may have closed it first). */
    private String closeReason() {
        String told = closingReason;
        return told != null ? "closed by the node: " + told : conn.closeReason();
    }

    /** The largest frame this connection can carry: the smaller of this client's and the node's (from Welcome) limits. */
    public int maxFrameBytes() {
        return Math.min(options.maxFrameBytes(), welcome.maxFrameBytes());
    }

    private void readLoop() {
        String reason = "closed by the node";
        try {
            while (true) {
                byte[] body = conn.readFrame();
                if (body == null) break;
                Message m = MessageCodec.decode(body);
                if (m instanceof Message.Part part && (m = assemble(part)) == null) continue;
                if (m instanceof Message.Closing c) {
                    closingReason = c.reason();
                    reason = "closed by the node: " + c.reason();
                }
                Consumer<Message> l = options.listener();
                if (l != null) l.accept(m);
                if (m instanceof Message.Reply r) {
                    Pending p = pending.remove(r.id());
                    if (p != null) p.future.complete(r);
                }
            }
        } catch (ProtocolException e) {
            reason = "protocol error from " + address + ": " + e.getMessage();
        } catch (IOException e) {
            reason = conn.isClosed() && conn.closeReason() != null
                    ? conn.closeReason()
                    : "connection lost: " + e.getMessage();
        } catch (RuntimeException e) {
            reason = "client failure: " + e;
        } finally {
            conn.close(reason);
            String lost = "connection to " + address + " closed (" + closeReason()
                    + ") before the reply arrived; the outcome of a call in flight is unknown";
            for (Long id : List.copyOf(pending.keySet())) {
                Pending p = pending.remove(id);
                if (p != null) p.future.complete(new Message.Error(id, ErrorKind.CONNECTION_LOST, lost));
            }
            if (options.onClose() != null) options.onClose().accept(conn.closeReason());
        }
    }

    /**
     * Collects one part of a reply sent in parts; returns the reply once its last part is in, else null. A reply above
     * {@code maxReplyBytes} fails its request at once; its remaining parts are dropped as they arrive.
     */
    private Message assemble(Message.Part p) throws ProtocolException {
        if (partsOf != p.id()) {
            if (partsOf >= 0)
                throw new ProtocolException(
                        "a part of reply " + p.id() + " arrived among the parts of reply " + partsOf);
            partsOf = p.id();
        }
        partsBytes += p.bytes().length;
        if (!partsRefused && partsBytes > Math.min(options.maxReplyBytes(), Integer.MAX_VALUE - 16)) {
            partsRefused = true;
            parts.clear();
            Pending pending = this.pending.remove(p.id());
            if (pending != null)
                pending.future.complete(new Message.Error(
                        p.id(),
                        ErrorKind.UNSUPPORTED,
                        "the reply from " + address
                                + " to " + (pending.request == null ? "request " + p.id() : describe(pending.request))
                                + " is larger than this client's maximum of "
                                + options.maxReplyBytes()
                                + " bytes (NodeClient.Options.withMaxReplyBytes, NetworkConfig.withMaxReplyBytes)"));
        }
        if (!partsRefused) parts.add(p.bytes());
        if (!p.last()) return null;
        boolean refused = partsRefused;
        byte[] whole = new byte[refused ? 0 : (int) partsBytes];
        int at = 0;
        for (byte[] b : parts) {
            System.arraycopy(b, 0, whole, at, b.length);
            at += b.length;
        }
        parts.clear();
        partsOf = -1;
        partsBytes = 0;
        partsRefused = false;
        if (refused) return null;
        Message m = MessageCodec.decode(whole);
        if (!(m instanceof Message.Reply r) || r.id() != p.id())
            throw new ProtocolException(
                    "the parts of reply " + p.id() + " hold message type " + m.type() + " instead of that reply");
        return m;
    }

    /**
     * Sends a request built from a fresh id. The future always completes normally, with the node's reply or with a
     * local {@link Message.Error}: TIMEOUT after {@code timeout}, CONNECTION_LOST if the connection closes first.
     * Blocks (at most {@code timeout}) while the in-flight limit is reached.
     */
    public CompletableFuture<Message.Reply> request(LongFunction<? extends Message.Request> make, Duration timeout) {
        long start = System.nanoTime();
        try {
            if (!permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS))
                return CompletableFuture.completedFuture(new Message.Error(
                        0,
                        ErrorKind.TIMEOUT,
                        "no free request slot on the connection to " + address + " within " + timeout.toMillis()
                                + " ms (" + pending.size() + " requests in flight)"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.completedFuture(new Message.Error(0, ErrorKind.TIMEOUT, "interrupted"));
        }
        return send(make, timeout, start);
    }

    /** Sends a request holding one of the permits; it is released when the request completes. */
    private CompletableFuture<Message.Reply> send(
            LongFunction<? extends Message.Request> make, Duration timeout, long start) {
        long nanos = timeout.toNanos();
        lastSent = System.nanoTime();
        long id = ids.incrementAndGet();
        Message.Request req = make.apply(id);
        // nothing else outstanding: the node may answer this one on its reading thread (one fsync, no hand-offs)
        boolean sole = req instanceof Message.Call c
                && c.durable()
                && pending.isEmpty()
                && welcome.minor() >= MessageCodec.SOLE_SINCE_MINOR;
        if (sole) req = ((Message.Call) req).asSole();
        var p = new Pending();
        p.future.whenComplete((r, e) -> {
            pending.remove(id);
            if (p.released.compareAndSet(false, true)) permits.release();
        });
        p.deadlineNanos = start + nanos;
        p.timeoutMillis = timeout.toMillis();
        p.request = req; // published last: the sweep skips a request until its deadline is set
        pending.put(id, p); // before sending: the reply (or its first part) may arrive at once
        byte[] body = MessageCodec.encode(req);
        if (body.length
                > maxFrameBytes()) { // the node would hang up on it: refuse it here, the connection stays usable
            p.future.complete(new Message.Error(
                    id,
                    ErrorKind.UNSUPPORTED,
                    describe(req) + " was not sent: its message has " + body.length + " bytes, more than node '"
                            + nodeName() + "' accepts (" + maxFrameBytes() + " bytes)"));
            return p.future;
        }
        // a sole call's caller waits for its answer anyway: it writes the frame itself, sparing the writer's wake-up
        boolean sent = sole ? conn.sendNow(MessageBytes.encoded(body), null) : conn.send(body, null);
        if (conn.isClosed() || !sent) {
            p.future.complete(new Message.Error(
                    id,
                    ErrorKind.CONNECTION_LOST,
                    "connection to " + address + " is closed"
                            + (closeReason() == null ? "" : " (" + closeReason() + ")")));
        }
        return p.future;
    }

    public CompletableFuture<Message.Reply> request(LongFunction<? extends Message.Request> make) {
        return request(make, options.requestTimeout());
    }

    private static String describe(Message.Request r) {
        return switch (r) {
            case Message.Call c -> "the call of " + c.module() + "." + c.reducer();
            case Message.Query q -> "the query " + q.module() + "." + q.query();
            case Message.Publish p -> "the publication of " + p.label();
            case Message.Subscribe s -> "the subscription to " + s.module() + "." + s.table();
            case Message.GetRows g -> "the rows of " + g.module() + "." + g.table();
            case Message.GetRowsPage g -> "the rows of " + g.module() + "." + g.table();
            default -> "request " + r.getClass().getSimpleName();
        };
    }

    /** Waits for a reply of type {@code type}; an Error reply or a failure becomes a {@link NetworkException}. */
    public <T extends Message.Reply> T expect(CompletableFuture<Message.Reply> f, Class<T> type) {
        Message.Reply r;
        try {
            r = f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkException(ErrorKind.TIMEOUT, "interrupted while waiting for " + address);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NetworkException n) throw new NetworkException(n.kind(), n.getMessage(), n);
            Throwable cause = e.getCause();
            String why = cause == null || cause.getMessage() == null ? "unexpected failure" : cause.getMessage();
            throw new NetworkException(ErrorKind.INTERNAL, "request to " + address + " failed: " + why, cause);
        }
        if (r instanceof Message.Error err) throw new NetworkException(err.kind(), err.message());
        if (!type.isInstance(r))
            throw new NetworkException(
                    ErrorKind.PROTOCOL,
                    address + " answered with message type " + r.type() + " instead of " + type.getSimpleName());
        return type.cast(r);
    }

    // ---- conveniences ----

    /** Calls a reducer; {@code durable}: the reply waits for the fsync. */
    public Message.Called call(String module, String reducer, List<IntersticeValue> args, boolean durable) {
        return expect(request(id -> new Message.Call(id, module, reducer, "", durable, args)), Message.Called.class);
    }

    public IntersticeValue query(String module, String query, List<IntersticeValue> args) {
        return expect(request(id -> new Message.Query(id, module, query, "", args)), Message.QueryResult.class)
                .value();
    }

    /** The node's authorities: offered or not, holders, reach (nodes older than protocol 1.2 answer an error). */
    public List<Message.AuthorityStatus> authorities() {
        return expect(request(Message.GetInfo::new), Message.Info.class).authorities();
    }

    /**
     * The node ids of the peers subscribed to the node's tables whose events carry their transaction's trace, for the
     * admin (empty otherwise, and from a node older than protocol 1.8).
     */
    public List<String> tracedSubscribers() {
        if (welcome.minor() < MessageCodec.EVENT_TRACE_SINCE_MINOR) return List.of();
        return expect(request(Message.GetInfo::new), Message.Info.class).subscribers();
    }

    /**
     * The SHA-256 of each loaded module's code that this connection may see, in load order (empty from a node older
     * than protocol 1.7).
     */
    public List<Message.ModuleCode> codeHashes() {
        return expect(request(Message.GetInfo::new), Message.Info.class).code();
    }

    /**
     * Content by hash ({@link Message.FetchContent}): the code of a module the node hosts, or its own image. Not
     * verified here: the caller checks the digest. NOT_FOUND when the node does not share it; UNSUPPORTED from a
     * node older than protocol 1.7.
     */
    public byte[] fetchContent(Message.ContentKind kind, String hash) {
        if (welcome.minor() < MessageCodec.CONTENT_SINCE_MINOR)
            throw new NetworkException(
                    ErrorKind.UNSUPPORTED,
                    "node '" + welcome.nodeName() + "' speaks protocol " + welcome.major() + "." + welcome.minor()
                            + ", which cannot share content by hash (1." + MessageCodec.CONTENT_SINCE_MINOR
                            + " can); update it");
        return expect(request(id -> new Message.FetchContent(id, kind, hash)), Message.Content.class)
                .bytes();
    }

    /** The protocol minor version the node announced. */
    int welcomeMinor() {
        return welcome.minor();
    }

    /** The node's schema: every module with {@code full} (admin only), else the public view. */
    public NodeSchema schema(boolean full) {
        return expect(request(id -> new Message.GetSchema(id, full)), Message.SchemaResult.class)
                .schema();
    }

    /**
     * A page of a table's rows (at most {@code limit}; the node answers at most 10,000 per request) matching
     * {@code where}, after the row whose primary key is {@code after} (null: from the first). Fewer than
     * {@code limit} rows means no more follow. A node older than protocol 1.3 answers UNSUPPORTED here.
     */
    public List<Row> rowsPage(String module, String table, List<Message.Where> where, IndexKey after, int limit) {
        if (welcome.minor() < 3)
            throw new NetworkException(
                    ErrorKind.UNSUPPORTED,
                    "node '" + welcome.nodeName() + "' speaks protocol " + welcome.major() + "." + welcome.minor()
                            + ", which cannot page rows (1.3 can); update it");
        var out = new ArrayList<Row>();
        for (byte[] b : expect(
                        request(id -> new Message.GetRowsPage(id, module, table, where, after, limit)),
                        Message.RowsResult.class)
                .rows()) out.add(Abi.decodeRow(b));
        return out;
    }

    /** Whether the node answers {@link #rowsPage} (protocol 1.3 and later). */
    public boolean pagesRows() {
        return welcome.minor() >= 3;
    }

    public List<Row> rows(String module, String table) {
        var out = new ArrayList<Row>();
        for (byte[] b : expect(request(id -> new Message.GetRows(id, module, table)), Message.RowsResult.class)
                .rows()) out.add(Abi.decodeRow(b));
        return out;
    }

    /**
     * Publishes a module. One that cannot fit in a frame is refused here, before anything is sent, with UNSUPPORTED
     * ("module too large (N MiB; the limit is M MiB)").
     */
    public Message.Published publish(String label, byte[] wasm, boolean reset, Duration timeout) {
        return expect(publishRequest(label, wasm, reset, timeout), Message.Published.class);
    }

    /**
     * Publishes a module as {@link #publish} does; the answer is {@link Message.Published}, or
     * {@link Message.Handed} when the node handed the request to the module holding its Module authority.
     */
    public Message.Reply submit(String label, byte[] wasm, boolean reset, Duration timeout) {
        return submit(new Message.Publish(0, label, wasm, reset), timeout);
    }

    /** As {@link #submit(String, byte[], boolean, Duration)} with every field of {@code p} (its id is replaced). */
    public Message.Reply submit(Message.Publish p, Duration timeout) {
        if (!p.codeHash().isEmpty() && welcome.minor() < MessageCodec.CODE_HASH_SINCE_MINOR)
            throw new NetworkException(
                    ErrorKind.UNSUPPORTED,
                    "node '" + nodeName() + "' speaks protocol " + welcome.major() + "." + welcome.minor()
                            + ", which cannot publish by hash (1." + MessageCodec.CODE_HASH_SINCE_MINOR
                            + " can); update it, or publish the wasm file");
        return expect(publishRequest(p, timeout), Message.Reply.class);
    }

    /** Returns a module to the version its last publish replaced (or, {@code dryRun}, shows the plan). */
    public Message.Published rollback(String module, boolean dryRun, Duration timeout) {
        return expect(request(id -> new Message.Rollback(id, module, dryRun), timeout), Message.Published.class);
    }

    private CompletableFuture<Message.Reply> publishRequest(
            String label, byte[] wasm, boolean reset, Duration timeout) {
        return publishRequest(new Message.Publish(0, label, wasm, reset), timeout);
    }

    private CompletableFuture<Message.Reply> publishRequest(Message.Publish p, Duration timeout) {
        String label = p.label();
        byte[] wasm = p.wasm();
        long limit = maxFrameBytes()
                - PUBLISH_OVERHEAD
                - (long) label.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                - p.allow().stream()
                        .mapToLong(a -> 5 + a.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                        .sum();
        if (wasm.length > limit)
            throw new NetworkException(
                    ErrorKind.UNSUPPORTED,
                    "module too large (" + mebibytes(wasm.length, limit) + ", the largest message node '" + nodeName()
                            + "' accepts)");
        return request(
                id -> new Message.Publish(
                        id, label, wasm, p.reset(), p.dryRun(), p.allow(), p.zeroDefaults(), p.codeHash()),
                timeout);
    }

    /** Removes a module and its data; the holder it was handed to instead, if the node has a Module holder. */
    public java.util.Optional<Message.Handed> remove(String module) {
        return expect(request(id -> new Message.Remove(id, module)), Message.Reply.class) instanceof Message.Handed h
                ? java.util.Optional.of(h)
                : java.util.Optional.empty();
    }

    /** Unloads a module, keeping its data for a later publish. */
    public void unload(String module) {
        expect(request(id -> new Message.Unload(id, module)), Message.Ok.class);
    }

    /**
     * A Publish message's bytes besides its label, code and allowances: type, id, two lengths, reset, dry-run and
     * zero-defaults flags, the allowances' count (at most).
     */
    private static final int PUBLISH_OVERHEAD = 1 + 10 + 5 + 5 + 1 + 1 + 1 + 5;

    /** "N MiB; the limit is M MiB", with the byte counts too when the rounded figures look equal. */
    static String mebibytes(long size, long limit) {
        String n = String.format(java.util.Locale.ROOT, "%.1f", size / 1048576.0);
        String m = String.format(java.util.Locale.ROOT, "%.1f", limit / 1048576.0);
        return n.equals(m)
                ? n + " MiB, " + size + " bytes; the limit is " + m + " MiB, " + limit + " bytes"
                : n + " MiB; the limit is " + m + " MiB";
    }

    /** Makes a scoped token (admin only): its listing and, this once, its credential {@code <id>.<secret>}. */
    public Message.TokenCreated createToken(java.util.List<Grant> grants, java.time.Instant expiresAt) {
        requireTokens();
        long at = expiresAt == null ? 0 : expiresAt.toEpochMilli();
        return expect(request(id -> new Message.CreateToken(id, grants, at)), Message.TokenCreated.class);
    }

    /** The node's supervision policies and failing handlers (admin only; nodes since protocol 1.5). */
    public Message.Supervision supervision() {
        if (welcome.minor() < MessageCodec.SUPERVISION_SINCE_MINOR)
            throw new NetworkException(
                    ErrorKind.UNSUPPORTED,
                    "node '" + nodeName() + "' speaks protocol " + welcome.major() + "." + welcome.minor()
                            + ", which does not report its supervision; update the node");
        return expect(request(Message.GetSupervision::new), Message.Supervision.class);
    }

    /** The node's scoped tokens, without secrets (admin only). */
    public java.util.List<Message.TokenInfo> listTokens() {
        requireTokens();
        return expect(request(Message.ListTokens::new), Message.Tokens.class).tokens();
    }

    /** Revokes a scoped token (admin only); NOT_FOUND if the node has no such token. */
    public void revokeToken(String tokenId) {
        requireTokens();
        expect(request(id -> new Message.RevokeToken(id, tokenId)), Message.Ok.class);
    }

    private void requireTokens() {
        if (welcome.minor() < MessageCodec.TOKENS_SINCE_MINOR)
            throw new NetworkException(
                    ErrorKind.UNSUPPORTED,
                    "node '" + nodeName() + "' speaks protocol " + welcome.major() + "." + welcome.minor()
                            + ", which has no scoped tokens; update the node");
    }

    /**
     * A page of the node's transaction log (admin, or a token allowing {@code rows} on {@code module}): at most
     * {@code limit} records from tx {@code fromTx} on, oldest first; {@code module}/{@code table} empty: any.
     */
    public List<dev.interstice.storage.TxLog.Entry> readLog(long fromTx, String module, String table, int limit) {
        if (welcome.minor() < MessageCodec.LOG_SINCE_MINOR)
            throw new NetworkException(
                    ErrorKind.UNSUPPORTED,
                    "node '" + nodeName() + "' speaks protocol " + welcome.major() + "." + welcome.minor()
                            + ", which cannot read its log (1." + MessageCodec.LOG_SINCE_MINOR + " can); update it");
        boolean traced = welcome.minor() >= MessageCodec.TRACE_SINCE_MINOR; // records with their traces
        boolean inputs = welcome.minor() >= MessageCodec.INPUTS_SINCE_MINOR; // and their inputs
        return expect(
                        request(id -> new Message.ReadLog(id, fromTx, module, table, limit, traced, "", 0, inputs)),
                        Message.LogPage.class)
                .entries();
    }

    /**
     * A page of the records of one trace (admin): those from tx {@code fromTx} on that belong to the trace rooted at
     * transaction {@code traceTx} of node {@code traceNode} (its id; empty: this node), with their traces.
     */
    public List<dev.interstice.storage.TxLog.Entry> readTrace(String traceNode, long traceTx, long fromTx, int limit) {
        if (welcome.minor() < MessageCodec.TRACE_SINCE_MINOR)
            throw new NetworkException(
                    ErrorKind.UNSUPPORTED,
                    "node '" + nodeName() + "' speaks protocol " + welcome.major() + "." + welcome.minor()
                            + ", which keeps no traces (1." + MessageCodec.TRACE_SINCE_MINOR + " does); update it");
        return expect(
                        request(id -> new Message.ReadLog(id, fromTx, "", "", limit, true, traceNode, traceTx, false)),
                        Message.LogPage.class)
                .entries();
    }

    /** Whether the node's log records carry traces (protocol 1.7 on). */
    public boolean tracesCalls() {
        return welcome.minor() >= MessageCodec.TRACE_SINCE_MINOR;
    }

    /**
     * A table's rows as they were after transaction {@code txId}, or when it is 0 after the last transaction committed
     * at or before {@code timeMs} (admin, a token allowing {@code rows} on the module, or anyone for a public table).
     */
    public Message.PastRowsResult rowsAsOf(String module, String table, long txId, long timeMs) {
        requireHistory("read a table's past");
        return expect(
                request(id -> new Message.GetRowsAsOf(id, module, table, txId, timeMs)), Message.PastRowsResult.class);
    }

    /** Makes a module's stored tables as they were after transaction {@code txId} again (admin only). */
    public Message.Called rewind(String module, long txId) {
        requireHistory("rewind a module");
        return expect(request(id -> new Message.Rewind(id, module, txId)), Message.Called.class);
    }

    /** A branch a module keeps: its name, the transaction it was forked from, the calls it records. */
    public record Branch(String name, long fromTx, long calls) {}

    /**
     * The branches {@code module} keeps, after discarding {@code discard} when it is not empty (NOT_FOUND when the
     * module keeps no branch of that name); admin only, nodes of protocol 1.8 on.
     */
    public List<Branch> branches(String module, String discard) {
        requireMinor(MessageCodec.EVENT_TRACE_SINCE_MINOR, "list or discard branches");
        var v = expect(request(id -> new Message.Branches(id, module, discard)), Message.QueryResult.class)
                .value();
        var out = new ArrayList<Branch>();
        for (IntersticeValue b : ((IntersticeValue.Vec) v).items()) {
            var f = ((IntersticeValue.Vec) b).items();
            out.add(new Branch(
                    ((IntersticeValue.Str) f.get(0)).value(),
                    ((IntersticeValue.U64) f.get(1)).value(),
                    ((IntersticeValue.U32) f.get(2)).value()));
        }
        return out;
    }

    private void requireHistory(String what) {
        requireMinor(MessageCodec.HISTORY_SINCE_MINOR, what);
    }

    private void requireMinor(int minor, String what) {
        if (welcome.minor() < minor)
            throw new NetworkException(
                    ErrorKind.UNSUPPORTED,
                    "node '" + nodeName() + "' speaks protocol " + welcome.major() + "." + welcome.minor()
                            + ", which cannot " + what + " (1." + minor + " can); update it");
    }

    /** Round trip time of a ping. */
    public Duration ping() {
        long t0 = System.nanoTime();
        expect(request(Message.Ping::new), Message.Pong.class);
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Requests currently waiting for their reply. */
    public int inFlight() {
        return pending.size();
    }

    @Override
    public void close() {
        conn.close("closed by the client");
    }

    /** Closes abruptly (tests and link resets). */
    void abort(String reason) {
        conn.close(reason);
    }
}
