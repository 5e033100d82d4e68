package dev.interstice.network;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeSchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.network.wire.ProtocolException;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.IntersticeException;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.CallResult;
import dev.interstice.runtime.engine.GuestTrapException;
import dev.interstice.runtime.node.Node;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's side of one accepted connection: handshake, then requests handled one at a time in arrival order by
 * this session's worker (replies carry the request id). At most {@code maxInFlight} requests are read but not yet
 * answered; at that point the reader stops reading, which pushes back on the sender through TCP.
 */
final class ServerSession implements TableStreams.Sink {
    private static final Logger log = LoggerFactory.getLogger(ServerSession.class);
    /** The caller context of every call and query from a client (protocol.md, "Visibility"). */
    static final CallContext CLIENT_CALLER = new CallContext("cli", "");
    /** Longest node id and node name a Hello may carry (UTF-8 bytes); longer ones are refused. */
    static final int MAX_NODE_ID_BYTES = 128;
    static final int MAX_NODE_NAME_BYTES = 256;

    private final NodeServer server;
    private final Node node;
    private final Connection conn;
    private final Semaphore inFlight;
    private final ArrayBlockingQueue<Message.Request> work;
    private final byte[] nonce = AdminToken.nonce();
    /** Whether the node has a data directory (an in-memory node persists nothing). */
    private final boolean persistent;
    private final ConnectionSlots.Slot slot;
    private final long acceptedAt = System.nanoTime();
    private Message.Hello hello;
    private volatile boolean admin;
    /** Handshake done and, in the admin reserve, authenticated as admin. */
    private volatile boolean admitted;
    /** When the last frame was read (System.nanoTime). */
    private volatile long lastHeard = acceptedAt;
    /** When this session was told to close for being overdue or idle (0: not yet). */
    private volatile long closingSince;
    private volatile Thread worker;
    private final java.util.concurrent.atomic.AtomicBoolean disconnectingSlow = new java.util.concurrent.atomic.AtomicBoolean();

    ServerSession(NodeServer server, Socket socket, ConnectionSlots.Slot slot) throws IOException {
        this.server = server;
        this.slot = slot;
        this.node = server.node();
        this.persistent = node.storageStats().isPresent();
        var cfg = server.config();
        this.conn = new Connection(socket, "session " + socket.getRemoteSocketAddress(), cfg.maxFrameBytes(),
                cfg.maxInFlight() + 16, cfg.eventQueueCapacity());
        this.inFlight = new Semaphore(cfg.maxInFlight());
        this.work = new ArrayBlockingQueue<>(cfg.maxInFlight());
    }

    Connection connection() { return conn; }

    ConnectionSlots.Slot slot() { return slot; }

    boolean isPeer() { return hello != null && hello.role() == Message.Role.PEER; }

    /** The reader loop (runs on its own thread until the connection ends). */
    void run() {
        String reason = "closed";
        boolean peerUp = false;
        try {
            if (!handshake()) return;
            if (isPeer() && admitted) { // a reserve connection is the admin's, not a peer link
                server.peerUp(hello.nodeId());
                peerUp = true;
            }
            worker = Thread.ofVirtual().name("interstice-worker " + conn.label()).start(this::workLoop);
            while (!conn.isClosed()) {
                byte[] body = conn.readFrame();
                if (body == null) {
                    reason = "closed by the other side";
                    break;
                }
                lastHeard = System.nanoTime();
                Message m = MessageCodec.decode(body);
                if (!(m instanceof Message.Request req))
                    throw new ProtocolException("unexpected message type " + m.type() + " from a client");
                if (!admitted) {
                    if (authenticatedThroughReserve(req)) continue;
                    reason = "not the admin: " + slot.full();
                    break;
                }
                inFlight.acquire(); // full: stop reading this connection until a reply is written
                work.put(req);
            }
        } catch (ProtocolException e) {
            reason = "protocol error: " + e.getMessage();
            log.warn("{}: closing the connection: {}", conn.label(), e.getMessage());
            conn.closeAfter(new Message.Closing(reason), reason); // best effort: tell the other side why
            try {
                conn.closed().get(1, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // closing anyway
            }
        } catch (EOFException e) {
            reason = "closed by the other side mid-frame";
        } catch (SocketTimeoutException e) {
            reason = "handshake timed out";
            log.warn("{}: no handshake within {}; closing", conn.label(), server.config().handshakeTimeout());
        } catch (SocketException e) {
            reason = conn.isClosed() ? conn.closeReason() : "connection reset: " + e.getMessage();
        } catch (IOException e) {
            reason = "read failed: " + e.getMessage();
        } catch (InterruptedException e) {
            reason = "server stopping";
        } finally {
            conn.close(reason);
            Thread w = worker;
            if (w != null) w.interrupt();
            server.streams().unsubscribeAll(this);
            if (peerUp) server.peerDown(hello.nodeId());
            server.sessionEnded(this);
            log.debug("{} ended: {}", conn.label(), reason);
        }
    }

    /** Sends a Reject, lets it reach the other side, and closes. */
    private boolean refuse(String why) {
        log.warn("{}: refused handshake: {}", conn.label(), why);
        conn.closeAfter(new Message.Reject(why), "refused: " + why);
        try {
            conn.closed().get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        return false;
    }

    private boolean handshake() throws IOException, ProtocolException {
        conn.socket().setSoTimeout((int) Math.max(1, server.config().handshakeTimeout().toMillis()));
        Message first = conn.readMessage();
        if (first == null) return false;
        if (!(first instanceof Message.Hello h)) throw new ProtocolException("expected a handshake (Hello), got message type " + first.type());
        if (h.major() != MessageCodec.MAJOR) {
            String why = "protocol version " + h.major() + "." + h.minor() + " is not supported: node '" + server.nodeName()
                    + "' speaks version " + MessageCodec.MAJOR + "." + MessageCodec.MINOR + "; use a matching Interstice version";
            return refuse(why);
        }
        if (h.nonce().length < 16 || h.nonce().length > 64) throw new ProtocolException("bad handshake nonce length " + h.nonce().length);
        String tooLong = tooLong("node id", h.nodeId(), MAX_NODE_ID_BYTES);
        if (tooLong == null) tooLong = tooLong("node name", h.nodeName(), MAX_NODE_NAME_BYTES);
        if (tooLong != null) return refuse(tooLong);
        if (h.role() == Message.Role.PEER && (h.nodeId().isEmpty() || h.nodeId().equals(node.id()))) {
            return refuse(h.nodeId().isEmpty() ? "a peer must give its node id" : "this is node " + node.id() + " itself");
        }
        hello = h;
        admitted = !slot.reserve();
        conn.socket().setSoTimeout(0);
        conn.send(new Message.Welcome(MessageCodec.MAJOR, MessageCodec.MINOR, node.id(), server.nodeName(), nonce,
                server.config().maxFrameBytes(), server.config().maxInFlight()));
        return true;
    }

    private static String tooLong(String what, String value, int max) {
        int n = value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return n <= max ? null : "the " + what + " in the handshake is " + n + " bytes long; at most " + max + " bytes are allowed";
    }

    /**
     * The first request of a connection let in through the admin reserve: only a valid Authenticate keeps it open.
     * Anything else is answered with an error that says why, then the connection closes.
     */
    private boolean authenticatedThroughReserve(Message.Request req) {
        String why = slot.full() + "; only the admin may connect now (authenticating first); try again later";
        if (req instanceof Message.Authenticate a && server.token().verify(a.proof(), node.id(), nonce, hello.nonce())) {
            admin = true;
            admitted = true;
            conn.send(new Message.Ok(a.id()));
            return true;
        }
        log.warn("{}: let in through the admin reserve but sent {} instead of the admin credential; closing", conn.label(),
                req instanceof Message.Authenticate ? "a wrong credential" : "a request");
        conn.send(req instanceof Message.Authenticate
                ? new Message.Error(req.id(), ErrorKind.UNAUTHORIZED, "the admin credential for node '" + server.nodeName() + "' was refused; " + why)
                : new Message.Error(req.id(), ErrorKind.UNAVAILABLE, why));
        closeWith(why);
        try {
            conn.closed().get(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        return false;
    }

    /**
     * Called about every second (and more often for short timeouts): ends this connection if its handshake (and, in
     * the admin reserve, its authentication) is not done within the handshake timeout of its acceptance, or if it has
     * no request in flight and no subscription and sent nothing for the idle timeout. It is told why; one that does
     * not even take that (its writer is stuck) is closed outright a second later.
     */
    void sweep(long now) {
        if (conn.isClosed()) return;
        var cfg = server.config();
        if (closingSince != 0) {
            if (now - closingSince > java.util.concurrent.TimeUnit.SECONDS.toNanos(1)) conn.close("did not take its Closing");
            return;
        }
        if (!admitted) {
            if (now - acceptedAt > cfg.handshakeTimeout().toNanos())
                closeWith(slot.reserve() ? slot.full() + "; only the admin may connect now, and did not authenticate within "
                        + NetworkConfig.describe(cfg.handshakeTimeout()) : "no handshake within " + NetworkConfig.describe(cfg.handshakeTimeout()));
            return;
        }
        if (now - lastHeard > cfg.idleTimeout().toNanos() && inFlight.availablePermits() == cfg.maxInFlight() && !server.streams().hasSubscriptions(this))
            closeWith("idle for " + NetworkConfig.describe(cfg.idleTimeout()) + " (no request and no subscription); reconnect when needed");
    }

    /** Tells the other side why, then closes (without waiting). */
    private void closeWith(String reason) {
        closingSince = System.nanoTime();
        log.info("{}: closing: {}", conn.label(), reason);
        conn.closeAfter(new Message.Closing(reason), reason);
    }

    private void workLoop() {
        try {
            while (!conn.isClosed()) {
                Message.Request req = work.take();
                Message.Reply reply;
                try {
                    reply = handle(req);
                } catch (RuntimeException e) {
                    reply = error(req.id(), e);
                }
                if (reply != null) reply(reply);
            }
        } catch (InterruptedException e) {
            // connection closed
        }
    }

    /**
     * Queues a reply; the in-flight slot of its request frees once it is written. A reply too large for one frame is
     * replaced by an error (false is returned).
     */
    @Override
    public boolean reply(Message.Reply r) {
        byte[] body = MessageCodec.encode(r);
        int max = server.config().maxFrameBytes();
        if (body.length > max) {
            conn.send(new Message.Error(r.id(), ErrorKind.UNSUPPORTED, "the answer (" + body.length + " bytes) exceeds the maximum frame size of "
                    + max + " bytes"), inFlight::release);
            return false;
        }
        conn.send(body, inFlight::release);
        return true;
    }

    @Override
    public void push(Message m) {
        conn.send(m);
    }

    @Override
    public boolean offerEvent(byte[] frame) {
        return conn.offerEvent(frame);
    }

    /** Called (without blocking) when this session cannot keep up with a table's events; acts (and logs) once. */
    @Override
    public void slowSubscriber(String module, String table) {
        if (!disconnectingSlow.compareAndSet(false, true)) return; // already being disconnected (another table, a later event)
        log.warn("{}: subscriber of {}.{} fell more than {} events behind; disconnecting it (it will resynchronise)",
                conn.label(), module, table, server.config().eventQueueCapacity());
        Thread.startVirtualThread(() -> conn.closeAfter(new Message.Closing("subscriber too slow: more than "
                + server.config().eventQueueCapacity() + " events queued; reconnect to resynchronise"), "slow subscriber"));
    }

    /**
     * Who the guest sees calling: a client is {@code ("cli", "")} whatever its Hello and request say (else a client
     * naming this node's own id and a module would pass for a local module's call); a peer is its self-declared node
     * id, never this node's own (refused in the handshake), with the module it says is calling.
     */
    private CallContext caller(String callerModule) {
        return isPeer() ? new CallContext(hello.nodeId(), callerModule) : CLIENT_CALLER;
    }

    private Message.Reply handle(Message.Request req) {
        return switch (req) {
            case Message.Authenticate a -> {
                if (server.token().verify(a.proof(), node.id(), nonce, hello.nonce())) {
                    admin = true;
                    yield new Message.Ok(a.id());
                }
                log.warn("{}: wrong admin credential", conn.label());
                yield new Message.Error(a.id(), ErrorKind.UNAUTHORIZED, "the admin credential for node '" + server.nodeName()
                        + "' was refused: check the token (the node's admin.token file)");
            }
            case Message.Ping p -> new Message.Pong(p.id(), System.currentTimeMillis());
            case Message.Call c -> {
                CallResult r = admin ? node.call(c.module(), c.reducer(), c.args(), caller(c.callerModule()), Ack.FAST)
                        : node.callFromPeer(c.module(), c.reducer(), c.args(), caller(c.callerModule()), Ack.FAST);
                replyCalled(c, r);
                yield null;
            }
            case Message.Query q -> new Message.QueryResult(q.id(), admin
                    ? node.query(q.module(), q.query(), q.args(), caller(q.callerModule()))
                    : node.queryFromPeer(q.module(), q.query(), q.args(), caller(q.callerModule())));
            case Message.GetSchema s -> {
                if (s.full()) {
                    requireAdmin("reading the full schema (private modules and tables)");
                    yield new Message.SchemaResult(s.id(), new NodeSchema(server.nodeName(), server.address(), node.modules()));
                }
                yield new Message.SchemaResult(s.id(), node.publicSchema(server.nodeName(), server.address()));
            }
            case Message.GetRows r -> {
                List<byte[]> rows = admin ? node.encodedRows(r.module(), r.table()) : node.publicRows(r.module(), r.table());
                // answer once the state read is durable: a crash must not take back what a reader saw
                node.whenDurable(server.streams().horizon()).whenComplete((ok, failure) -> reply(failure == null
                        ? new Message.RowsResult(r.id(), rows)
                        : new Message.Error(r.id(), ErrorKind.STORAGE, "the rows read could not be made durable: " + failure.getMessage())));
                yield null;
            }
            case Message.Publish p -> {
                requireAdmin("publishing a module");
                yield server.installer().publish(p);
            }
            case Message.Remove r -> {
                requireAdmin("removing a module");
                server.installer().remove(r.module());
                yield new Message.Ok(r.id());
            }
            case Message.Subscribe s -> {
                server.streams().subscribe(new TableStreams.Subscriber(this, s.id()), s.module(), s.table(), s.epoch(), s.afterSeq(),
                        () -> checkReadable(s.module(), s.table()),
                        () -> admin ? node.encodedRows(s.module(), s.table()) : node.publicRows(s.module(), s.table()));
                yield null; // the stream queued the reply
            }
            case Message.Unsubscribe u -> {
                server.streams().unsubscribe(this, u.subscription());
                yield new Message.Ok(u.id());
            }
        };
    }

    private void replyCalled(Message.Call c, CallResult r) {
        if (r.lsn() <= 0 || !persistent) {
            reply(new Message.Called(c.id(), r.txId(), r.lsn(), Durability.NOT_PERSISTED));
        } else if (!c.durable()) {
            reply(new Message.Called(c.id(), r.txId(), r.lsn(), Durability.FAST));
        } else {
            // reply when the fsync covering it completes, without holding up this connection's later requests
            node.whenDurable(r.lsn()).whenComplete((ok, failure) -> reply(failure == null
                    ? new Message.Called(c.id(), r.txId(), r.lsn(), Durability.DURABLE)
                    : new Message.Error(c.id(), ErrorKind.STORAGE, "the transaction committed but could not be made durable: "
                            + unwrap(failure).getMessage())));
        }
    }

    private static RuntimeException unwrap(Throwable failure) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return t instanceof RuntimeException r ? r : new IllegalStateException(t.toString(), t);
    }

    private void checkReadable(String module, String table) {
        ModuleSchema m = node.schema(module).orElse(null);
        if (m == null || (!admin && m.visibility() != Visibility.PUBLIC))
            throw new CallException(CallException.Kind.NOT_FOUND, "no module '" + module + "' is loaded on this node");
        TableSchema t = m.table(table).orElse(null);
        if (t == null || (!admin && t.visibility() != Visibility.PUBLIC))
            throw new CallException(CallException.Kind.NOT_FOUND, "module '" + module + "' has no table '" + table + "'");
    }

    private void requireAdmin(String what) {
        if (!admin)
            throw new NetworkException(ErrorKind.UNAUTHORIZED, what + " needs the admin credential of node '" + server.nodeName()
                    + "'; this connection did not authenticate (register the node with its token: interstice node add <name> <address> --token <token>)");
    }

    private Message.Error error(long id, RuntimeException e) {
        return switch (e) {
            case IntersticeException x -> {
                ErrorKind kind = ErrorKind.of(x.kind());
                yield new Message.Error(id, kind.remote() ? kind : ErrorKind.INTERNAL, x.getMessage());
            }
            case GuestTrapException g -> new Message.Error(id, ErrorKind.of(g.callKind()), g.getMessage());
            case IllegalStateException s when server.isClosed() || String.valueOf(s.getMessage()).endsWith(" is closed") -> new Message.Error(id, ErrorKind.UNAVAILABLE, "node '" + server.nodeName() + "' is shutting down");
            default -> { // the Java details stay in the node's log
                log.error("{}: request {} failed", conn.label(), id, e);
                yield new Message.Error(id, ErrorKind.INTERNAL, "internal error on node '" + server.nodeName() + "'"
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + " (details in the node's log)");
            }
        };
    }
}
