package dev.interstice.network;

import dev.interstice.network.wire.Frames;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a node serves and reaches the network. Immutable: every {@code withX} returns a copy. The defaults suit a node
 * on a LAN; tests shorten the timeouts.
 */
public final class NetworkConfig implements Cloneable {
    private String nodeName = "node";
    private String bindHost = "127.0.0.1";
    private int port = 0;
    private String advertisedAddress;
    private AdminToken adminToken;
    private TokenStore tokens;
    private int maxFrameBytes = Frames.DEFAULT_MAX_FRAME_BYTES;
    private int maxInFlight = 64;
    private int maxConnections = 1024;
    private int maxConnectionsPerAddress = 256;
    private int adminReserve = 16;
    private int eventQueueCapacity = 8192;
    private int resumeBufferEvents = 4096;
    private int deliveryQueueCapacity = 8192;
    private int remoteCallQueueCapacity = 10_000;
    private Duration handshakeTimeout = Duration.ofSeconds(5);
    private Duration idleTimeout = Duration.ofSeconds(90);
    private Duration keepAlive = Duration.ofSeconds(20);
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration remoteQueryDeadline = Duration.ofSeconds(2);
    private Duration remoteCallTtl = Duration.ofSeconds(30);
    private Duration reconnectInitialDelay = Duration.ofMillis(100);
    private Duration reconnectMaxDelay = Duration.ofSeconds(5);
    private Duration subscriptionRefresh = Duration.ofSeconds(1);
    private long bufferBytes = Math.max(32L << 20, Runtime.getRuntime().maxMemory() / 4);
    private long connectionBufferBytes; // 0: one maximum frame plus 1 MiB
    private Duration bufferWait = Duration.ofSeconds(5);
    private Duration frameBodyTimeout = Duration.ofSeconds(30);
    private Duration writeStallTimeout = Duration.ofSeconds(30);
    private long maxReplyBytes = 1L << 30;
    private boolean insecureLoopback;
    private java.nio.file.Path localSocket;
    private int proofFailures = 10;
    private Duration proofWindow = Duration.ofMinutes(1);
    private Duration proofBackOff = Duration.ofMinutes(1);
    private Map<String, String> nodeAddresses = Map.of();
    private Map<String, String> nodeKeys = Map.of();
    private PeerKeys peerKeys;
    private List<String> codePeers = List.of();

    public static NetworkConfig defaults() {
        return new NetworkConfig();
    }

    private NetworkConfig copy() {
        try {
            return (NetworkConfig) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    /** The node's name in handshakes and schemas. */
    public String nodeName() {
        return nodeName;
    }

    public NetworkConfig withNodeName(String v) {
        var c = copy();
        c.nodeName = v;
        return c;
    }

    /** Interface to listen on (default loopback; "0.0.0.0" for every interface). */
    public String bindHost() {
        return bindHost;
    }

    public NetworkConfig withBindHost(String v) {
        var c = copy();
        c.bindHost = v;
        return c;
    }

    /** TCP port; 0 picks a free one. */
    public int port() {
        return port;
    }

    public NetworkConfig withPort(int v) {
        var c = copy();
        c.port = v;
        return c;
    }

    /** The address other nodes should use ("host:port"); null: the bound address. */
    public String advertisedAddress() {
        return advertisedAddress;
    }

    public NetworkConfig withAdvertisedAddress(String v) {
        var c = copy();
        c.advertisedAddress = v;
        return c;
    }

    /** The admin credential; null: a random one nobody knows (no administration over the network). */
    public AdminToken adminToken() {
        return adminToken;
    }

    public NetworkConfig withAdminToken(AdminToken v) {
        var c = copy();
        c.adminToken = v;
        return c;
    }

    /** The node's scoped tokens ({@link TokenStore#open} on its data directory); null: kept in memory. */
    public TokenStore tokens() {
        return tokens;
    }

    public NetworkConfig withTokens(TokenStore v) {
        var c = copy();
        c.tokens = v;
        return c;
    }

    /** Largest frame accepted (bigger ones close the connection). */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    public NetworkConfig withMaxFrameBytes(int v) {
        var c = copy();
        c.maxFrameBytes = positive(v);
        return c;
    }

    /** Requests read but not yet answered, per connection; at the limit the node stops reading that connection. */
    public int maxInFlight() {
        return maxInFlight;
    }

    public NetworkConfig withMaxInFlight(int v) {
        var c = copy();
        c.maxInFlight = positive(v);
        return c;
    }

    /** Connections open at once (clients and peers), besides the {@link #adminReserve}. */
    public int maxConnections() {
        return maxConnections;
    }

    public NetworkConfig withMaxConnections(int v) {
        var c = copy();
        c.maxConnections = positive(v);
        return c;
    }

    /** Of the {@link #maxConnections}, how many may come from one remote address. */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    public NetworkConfig withMaxConnectionsPerAddress(int v) {
        var c = copy();
        c.maxConnectionsPerAddress = positive(v);
        return c;
    }

    /**
     * Extra connections let in when the node (or the remote address) is at its limit, for the admin only: such a
     * connection must authenticate as admin within the handshake timeout. 0: none.
     */
    public int adminReserve() {
        return adminReserve;
    }

    public NetworkConfig withAdminReserve(int v) {
        if (v < 0) throw new IllegalArgumentException("must not be negative: " + v);
        var c = copy();
        c.adminReserve = v;
        return c;
    }

    /** Table events queued for one connection before its subscriber counts as too slow and is disconnected. */
    public int eventQueueCapacity() {
        return eventQueueCapacity;
    }

    public NetworkConfig withEventQueueCapacity(int v) {
        var c = copy();
        c.eventQueueCapacity = positive(v);
        return c;
    }

    /** Recent events kept per subscribed table so a reconnecting subscriber can resume without a snapshot. */
    public int resumeBufferEvents() {
        return resumeBufferEvents;
    }

    public NetworkConfig withResumeBufferEvents(int v) {
        var c = copy();
        c.resumeBufferEvents = positive(v);
        return c;
    }

    /** Received events waiting for local delivery, per peer; beyond it the link resynchronises. */
    public int deliveryQueueCapacity() {
        return deliveryQueueCapacity;
    }

    public NetworkConfig withDeliveryQueueCapacity(int v) {
        var c = copy();
        c.deliveryQueueCapacity = positive(v);
        return c;
    }

    /** Remote reducer calls made by modules waiting to be sent, per peer; beyond it new calls are dropped (logged). */
    public int remoteCallQueueCapacity() {
        return remoteCallQueueCapacity;
    }

    public NetworkConfig withRemoteCallQueueCapacity(int v) {
        var c = copy();
        c.remoteCallQueueCapacity = positive(v);
        return c;
    }

    /** Time from accepting a connection to its Hello (and, in the admin reserve, its Authenticate). */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public NetworkConfig withHandshakeTimeout(Duration v) {
        var c = copy();
        c.handshakeTimeout = v;
        return c;
    }

    /** A connection with no request in flight and no subscription that sends nothing this long is closed. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    public NetworkConfig withIdleTimeout(Duration v) {
        var c = copy();
        c.idleTimeout = positive(v);
        return c;
    }

    /**
     * This node's links to other nodes send a Ping after this long without a request, so that they outlive the other
     * side's idle timeout (keep it well below that). Zero: no keep-alive.
     */
    public Duration keepAlive() {
        return keepAlive;
    }

    public NetworkConfig withKeepAlive(Duration v) {
        if (v.isNegative()) throw new IllegalArgumentException("must not be negative: " + v);
        var c = copy();
        c.keepAlive = v;
        return c;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public NetworkConfig withConnectTimeout(Duration v) {
        var c = copy();
        c.connectTimeout = v;
        return c;
    }

    /** Default deadline of a client request (CLI calls). */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    public NetworkConfig withRequestTimeout(Duration v) {
        var c = copy();
        c.requestTimeout = v;
        return c;
    }

    /** How long a module's remote query may wait (the node's execution lock is held meanwhile). */
    public Duration remoteQueryDeadline() {
        return remoteQueryDeadline;
    }

    public NetworkConfig withRemoteQueryDeadline(Duration v) {
        var c = copy();
        c.remoteQueryDeadline = v;
        return c;
    }

    /** How long a module's remote reducer call may wait for an unreachable peer before it is dropped (logged). */
    public Duration remoteCallTtl() {
        return remoteCallTtl;
    }

    public NetworkConfig withRemoteCallTtl(Duration v) {
        var c = copy();
        c.remoteCallTtl = v;
        return c;
    }

    public Duration reconnectInitialDelay() {
        return reconnectInitialDelay;
    }

    public Duration reconnectMaxDelay() {
        return reconnectMaxDelay;
    }

    public NetworkConfig withReconnectDelays(Duration initial, Duration max) {
        var c = copy();
        c.reconnectInitialDelay = initial;
        c.reconnectMaxDelay = max;
        return c;
    }

    /** How often the node re-reads its modules' remote subscriptions (also refreshed after each publish/remove). */
    public Duration subscriptionRefresh() {
        return subscriptionRefresh;
    }

    public NetworkConfig withSubscriptionRefresh(Duration v) {
        var c = copy();
        c.subscriptionRefresh = v;
        return c;
    }

    /**
     * Bytes all connections together may hold in unfinished incoming frames and queued outgoing frames (default a
     * quarter of the maximum heap, at least 32 MiB). Large frames and replies wait for room (see {@link #bufferWait}).
     */
    public long bufferBytes() {
        return bufferBytes;
    }

    public NetworkConfig withBufferBytes(long v) {
        var c = copy();
        c.bufferBytes = positive(v);
        return c;
    }

    /**
     * The share of one connection in each direction (default one maximum frame plus 1 MiB): what its unfinished incoming
     * frames, and what its queued replies, may hold; one frame larger than it still passes alone.
     */
    public long connectionBufferBytes() {
        return connectionBufferBytes > 0 ? connectionBufferBytes : maxFrameBytes + (1L << 20);
    }

    public NetworkConfig withConnectionBufferBytes(long v) {
        var c = copy();
        c.connectionBufferBytes = positive(v);
        return c;
    }

    /**
     * How long a large frame (or reply) waits for buffer memory while the node is at its {@link #bufferBytes} total;
     * then the connection is closed (a reply is refused) with "node is short of buffer memory".
     */
    public Duration bufferWait() {
        return bufferWait;
    }

    public NetworkConfig withBufferWait(Duration v) {
        var c = copy();
        c.bufferWait = v;
        return c;
    }

    /** A frame's body must arrive within this time of its header, else the connection is closed (slow senders). */
    public Duration frameBodyTimeout() {
        return frameBodyTimeout;
    }

    public NetworkConfig withFrameBodyTimeout(Duration v) {
        var c = copy();
        c.frameBodyTimeout = v;
        return c;
    }

    /** A connection whose queued frames make no progress for this long (the other side does not read) is closed. */
    public Duration writeStallTimeout() {
        return writeStallTimeout;
    }

    public NetworkConfig withWriteStallTimeout(Duration v) {
        var c = copy();
        c.writeStallTimeout = v;
        return c;
    }

    /**
     * Whether plaintext connections are served when they come from loopback to loopback (a CLI on the same machine:
     * no TLS handshake at each command's start). Everything else, and every connection from another node, is TLS.
     */
    public boolean insecureLoopback() {
        return insecureLoopback;
    }

    public NetworkConfig withInsecureLoopback(boolean v) {
        var c = copy();
        c.insecureLoopback = v;
        return c;
    }

    /**
     * Where the node also listens on a Unix-domain socket for CLI commands on this machine (docs/security.md, "Local
     * socket"): a file in the node's private data directory, mode 600, served without TLS (the file's permissions are
     * the secure channel) but with the same handshake and credentials as TCP. Null (the default): no local socket.
     */
    public java.nio.file.Path localSocket() {
        return localSocket;
    }

    public NetworkConfig withLocalSocket(java.nio.file.Path v) {
        var c = copy();
        c.localSocket = v;
        return c;
    }

    /** Largest reply this node accepts from another node (a reply larger than a frame arrives in parts). */
    public long maxReplyBytes() {
        return maxReplyBytes;
    }

    public NetworkConfig withMaxReplyBytes(long v) {
        var c = copy();
        c.maxReplyBytes = positive(v);
        return c;
    }

    /** Failed credential proofs from one address within {@link #proofWindow()} before its proofs are refused. */
    public int proofFailures() {
        return proofFailures;
    }

    public Duration proofWindow() {
        return proofWindow;
    }

    /** How long an address that failed {@link #proofFailures()} times has its proofs refused without checking them. */
    public Duration proofBackOff() {
        return proofBackOff;
    }

    /**
     * After {@code max} failed authentications (admin or scoped token) from one address within {@code window}, that
     * address's {@code Authenticate} requests are refused unchecked for {@code backOff} (default 10, 1 min, 1 min).
     */
    public NetworkConfig withProofFailures(int max, Duration window, Duration backOff) {
        var c = copy();
        c.proofFailures = positive(max);
        c.proofWindow = positive(window);
        c.proofBackOff = positive(backOff);
        return c;
    }

    /** Addresses given to node dependencies by name, replacing those of the modules' bindings (see {@link #withNodeAddress}). */
    public Map<String, String> nodeAddresses() {
        return nodeAddresses;
    }

    /**
     * Reaches the node that modules name {@code nodeName} in their node dependencies at {@code address} ("host:port")
     * instead of the address written in their bindings, for calls, queries and subscriptions alike: the same node
     * served elsewhere (another port, a test's ephemeral port). Names that no module depends on are ignored.
     */
    public NetworkConfig withNodeAddress(String nodeName, String address) {
        var a = Addresses.parse(address);
        var m = new LinkedHashMap<>(nodeAddresses);
        m.put(nodeName, Addresses.format(a.getHostString(), a.getPort()));
        var c = copy();
        c.nodeAddresses = Collections.unmodifiableMap(m);
        return c;
    }

    /** The address to use for the node dependency {@code nodeName} whose binding says {@code declared}. */
    public String nodeAddress(String nodeName, String declared) {
        return nodeAddresses.getOrDefault(nodeName, declared);
    }

    /** Keys required of node dependencies by name (see {@link #withNodeKey}). */
    public Map<String, String> nodeKeys() {
        return nodeKeys;
    }

    /**
     * Requires the node that modules name {@code nodeName} in their node dependencies to present the key with
     * {@code fingerprint} ("SHA256:...", as {@code interstice node show} prints it): it replaces the key a module
     * declares for it and the one its address presented first, so it also re-pins a re-created node.
     */
    public NetworkConfig withNodeKey(String nodeName, String fingerprint) {
        if (!dev.interstice.runtime.module.NodeKeys.isFingerprint(fingerprint))
            throw new IllegalArgumentException(
                    "not a key fingerprint (SHA256: and 43 base64 characters): " + fingerprint);
        var m = new LinkedHashMap<>(nodeKeys);
        m.put(nodeName, fingerprint);
        var c = copy();
        c.nodeKeys = Collections.unmodifiableMap(m);
        return c;
    }

    /** Where the keys peer links verified first are kept; null: in memory, for the server's lifetime. */
    public PeerKeys peerKeys() {
        return peerKeys;
    }

    public NetworkConfig withPeerKeys(PeerKeys v) {
        var c = copy();
        c.peerKeys = v;
        return c;
    }

    /** Nodes asked first for module code this node lacks (see {@link #withCodePeer}). */
    public List<String> codePeers() {
        return codePeers;
    }

    /**
     * Asks the node at {@code address} ("host:port") for module code this node lacks (a publish by hash), before the
     * nodes its modules depend on; its key is pinned like any peer's (known_peers) and what it answers is verified.
     */
    public NetworkConfig withCodePeer(String address) {
        var a = Addresses.parse(address);
        var l = new java.util.ArrayList<>(codePeers);
        l.add(Addresses.format(a.getHostString(), a.getPort()));
        var c = copy();
        c.codePeers = List.copyOf(l);
        return c;
    }

    /** A duration for messages: "90 s", or "250 ms" when not whole seconds. */
    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static Duration positive(Duration v) {
        if (v.isNegative() || v.isZero()) throw new IllegalArgumentException("must be positive: " + v);
        return v;
    }

    private static int positive(int v) {
        if (v <= 0) throw new IllegalArgumentException("must be positive: " + v);
        return v;
    }

    private static long positive(long v) {
        if (v <= 0) throw new IllegalArgumentException("must be positive: " + v);
        return v;
    }
}
