package dev.interstice.network;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeSchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageBytes;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.network.wire.ProtocolException;
import dev.interstice.runtime.IntersticeException;
import dev.interstice.runtime.engine.GuestTrapException;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.CallResult;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.table.Condition;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's side of one accepted connection: handshake, then requests handled one at a time in arrival order by
 * this session's worker (replies carry the request id). At most {@code maxInFlight} requests are read but not yet
 * answered; at that point the reader stops reading, which pushes back on the sender through TCP.
 *
 * <p>Memory: a large request holds its frame's reservation until it is handled; the worker waits for budget room
 * before queuing a large reply; and a connection streams one rows reply (GetRows, a Subscribe snapshot) at a time:
 * the worker takes the next one only after the previous one was written, so however many such requests a client
 * pipelines, the connection holds one list of row references.
 */
final class ServerSession implements TableStreams.Sink {
    private static final Logger log = LoggerFactory.getLogger(ServerSession.class);
    /** The caller context of every call and query from a client (protocol.md, "Visibility"). */
    static final CallContext CLIENT_CALLER = new CallContext("cli", "");
    /** Longest node id and node name a Hello may carry (UTF-8 bytes); longer ones are refused. */
    static final int MAX_NODE_ID_BYTES = 128;

    static final int MAX_NODE_NAME_BYTES = 256;

    private final NodeServer server;
    /** TLS or plaintext, and the node id of the key the other side presented (TLS with a certificate only). */
    private final ServerTransport.Link link;

    private final Node node;
    private final Connection conn;
    private final Semaphore inFlight;
    private final ArrayBlockingQueue<Received> work;
    private final byte[] nonce = AdminToken.nonce();
    /** Whether the node has a data directory (an in-memory node persists nothing). */
    private final boolean persistent;

    private final ConnectionSlots.Slot slot;
    private final long acceptedAt = System.nanoTime();
    private Message.Hello hello;
    /** What this connection proved (Permissions: anonymous, a scoped token, the admin token). */
    private volatile Permissions.Credential credential = Permissions.ANONYMOUS;
    /** Handshake done and, in the admin reserve, authenticated as admin. */
    private volatile boolean admitted;
    /** When the last frame was read (System.nanoTime). */
    private volatile long lastHeard = acceptedAt;
    /** When this session was told to close for being overdue or idle (0: not yet). */
    private volatile long closingSince;

    private volatile Thread worker;
    /** Requests queued for the worker or being handled by it: while any are, the reader queues calls behind them. */
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    /** The reader is handling a request itself (reader thread only). */
    private boolean inline;

    private final java.util.concurrent.atomic.AtomicBoolean disconnectingSlow =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** Held from a rows request (GetRows, Subscribe) until its reply is written: one rows reply streams at a time. */
    private final Semaphore rowStream = new Semaphore(1);
    /** Which taking of {@link #rowStream} is current (0: free), so that it is given back exactly once. */
    private final AtomicLong rowStreamTicket = new AtomicLong();

    private long tickets; // worker only
    /** When the request the worker handles was read (System.nanoTime; worker only): for {@link DurableReplyEvent}. */
    private long arrived;
    /** The request id holding the rows stream, and the bytes reserved for the row references its reply holds. */
    private volatile long rowStreamId = -1;

    private final AtomicLong rowStreamHeld = new AtomicLong();

    /** A request read, with the length of its frame (whose reservation it holds until handled). */
    private record Received(Message.Request request, int frameLength, long arrivedNanos) {}

    ServerSession(NodeServer server, ServerTransport.Link link, ConnectionSlots.Slot slot) throws IOException {
        this.server = server;
        this.link = link;
        Socket socket = link.socket();
        this.slot = slot;
        this.node = server.node();
        this.persistent = node.storageStats().isPresent();
        var cfg = server.config();
        this.conn = new Connection(
                socket,
                link.raw(),
                link.consumed(),
                "session " + socket.getRemoteSocketAddress(),
                new Connection.Limits(
                        cfg.maxFrameBytes(),
                        cfg.maxInFlight() + 16,
                        cfg.eventQueueCapacity(),
                        server.budget(),
                        cfg.bufferWait(),
                        cfg.frameBodyTimeout(),
                        cfg.writeStallTimeout()),
                Thread.ofVirtual());
        this.inFlight = new Semaphore(cfg.maxInFlight());
        this.work = new ArrayBlockingQueue<>(cfg.maxInFlight());
    }

    Connection connection() {
        return conn;
    }

    ConnectionSlots.Slot slot() {
        return slot;
    }

    boolean isPeer() {
        return hello != null && hello.role() == Message.Role.PEER;
    }

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
            worker =
                    Thread.ofVirtual().name("interstice-worker " + conn.label()).start(this::workLoop);
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
                var received = new Received(req, body.length, lastHeard);
                if (req instanceof Message.Call c && c.sole() && alone()) {
                    // the only request of this connection not yet answered (a caller that waits for each answer):
                    // handle it here and save two thread hand-offs (to the worker, to the writer) per call
                    inline = true;
                    try {
                        process(received);
                    } finally {
                        inline = false;
                    }
                } else {
                    queued.incrementAndGet();
                    work.put(received);
                }
            }
        } catch (ProtocolException e) {
            reason = "protocol error: " + e.getMessage();
            log.warn("{}: closing the connection: {}", conn.label(), e.getMessage());
            closeTelling(reason);
        } catch (Connection.BufferShortageException e) {
            reason = e.getMessage();
            log.warn(
                    "{}: closing the connection: {} ({} of {} bytes of the node's buffer budget in use)",
                    conn.label(),
                    reason,
                    server.budget().used(),
                    server.budget().total());
            closeTelling(reason);
        } catch (EOFException e) {
            reason = "closed by the other side mid-frame";
        } catch (SocketTimeoutException e) {
            reason = "handshake timed out";
            log.warn(
                    "{}: no handshake within {}; closing",
                    conn.label(),
                    server.config().handshakeTimeout());
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

    /** Sends a Closing with the reason, lets it reach the other side (within a second), and closes. */
    private void closeTelling(String reason) {
        conn.closeAfter(new Message.Closing(reason), reason);
        try {
            conn.closed().get(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closing anyway
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
        conn.socket().setSoTimeout((int)
                Math.max(1, server.config().handshakeTimeout().toMillis()));
        Message first = conn.readMessage();
        if (first == null) {
            log.debug("{}: closed by the other side before its Hello", conn.label());
            return false;
        }
        if (!(first instanceof Message.Hello h))
            throw new ProtocolException("expected a handshake (Hello), got message type " + first.type());
        if (h.major() != MessageCodec.MAJOR) {
            String why = "protocol version " + h.major() + "." + h.minor() + " is not supported: node '"
                    + server.nodeName() + "' speaks version " + MessageCodec.MAJOR + "." + MessageCodec.MINOR
                    + "; use a matching Interstice version";
            return refuse(why);
        }
        if (h.nonce().length < 16 || h.nonce().length > 64)
            throw new ProtocolException("bad handshake nonce length " + h.nonce().length);
        String tooLong = tooLong("node id", h.nodeId(), MAX_NODE_ID_BYTES);
        if (tooLong == null) tooLong = tooLong("node name", h.nodeName(), MAX_NODE_NAME_BYTES);
        if (tooLong != null) return refuse(tooLong);
        if (link.plaintextRefused())
            return refuse(Tls.PLAINTEXT_REFUSED + ": node '" + server.nodeName()
                    + "' accepts plaintext only from loopback to loopback when started with --insecure-loopback;"
                    + " connect with TLS");
        if (h.role() == Message.Role.PEER && (h.nodeId().isEmpty() || h.nodeId().equals(node.id()))) {
            return refuse(
                    h.nodeId().isEmpty() ? "a peer must give its node id" : "this is node " + node.id() + " itself");
        }
        String keyProblem = h.role() == Message.Role.PEER ? peerKeyProblem(h.nodeId()) : null;
        if (keyProblem != null) return refuse(keyProblem);
        hello = h;
        admitted = !slot.reserve();
        conn.socket().setSoTimeout(0);
        conn.send(new Message.Welcome(
                MessageCodec.MAJOR,
                MessageCodec.MINOR,
                node.id(),
                server.nodeName(),
                nonce,
                server.config().maxFrameBytes(),
                server.config().maxInFlight()));
        return true;
    }

    /**
     * Why a node saying it is {@code id} is not let in, or null: a node connects with TLS and presents its key, and
     * its id is the key's (so a caller's node id is verified, not declared).
     */
    private String peerKeyProblem(String id) {
        if (link.keyId() == null)
            return "a node must connect with TLS and present its key (its certificate); node id " + id
                    + " cannot be verified";
        if (!link.keyId().equals(id))
            return "the node id in the handshake (" + id + ") is not the id of the key this node presented ("
                    + link.keyId() + ")";
        return null;
    }

    private static String tooLong(String what, String value, int max) {
        int n = value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return n <= max
                ? null
                : "the " + what + " in the handshake is " + n + " bytes long; at most " + max + " bytes are allowed";
    }

    /**
     * The first request of a connection let in through the admin reserve: only a valid Authenticate keeps it open.
     * Anything else is answered with an error that says why, then the connection closes.
     */
    private boolean authenticatedThroughReserve(Message.Request req) {
        String why = slot.full() + "; only the admin may connect now (authenticating first); try again later";
        String throttled = server.proofs().refusal(slot.address());
        if (throttled != null) why = throttled + "; " + why;
        if (throttled == null
                && req instanceof Message.Authenticate a
                && a.tokenId().isEmpty()
                && server.token().verify(a.proof(), node.id(), nonce, hello.nonce())) {
            server.proofs().succeeded(slot.address());
            credential = Permissions.ADMIN;
            admitted = true;
            conn.send(new Message.Ok(a.id()));
            return true;
        }
        if (throttled == null && req instanceof Message.Authenticate)
            server.proofs().failed(slot.address());
        log.warn(
                "{}: let in through the admin reserve but sent {} instead of the admin credential; closing",
                conn.label(),
                req instanceof Message.Authenticate ? "a wrong credential" : "a request");
        conn.send(
                req instanceof Message.Authenticate
                        ? new Message.Error(
                                req.id(),
                                ErrorKind.UNAUTHORIZED,
                                "the admin credential for node '" + server.nodeName() + "' was refused; " + why)
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
            if (now - closingSince > java.util.concurrent.TimeUnit.SECONDS.toNanos(1))
                conn.close("did not take its Closing");
            return;
        }
        if (!admitted) {
            if (now - acceptedAt > cfg.handshakeTimeout().toNanos())
                closeWith(
                        slot.reserve()
                                ? slot.full() + "; only the admin may connect now, and did not authenticate within "
                                        + NetworkConfig.describe(cfg.handshakeTimeout())
                                : "no handshake within " + NetworkConfig.describe(cfg.handshakeTimeout()));
            return;
        }
        var dead = server.permissions().dead(credential);
        if (dead.isPresent()) { // its token was revoked or expired: subscriptions made with it end too
            closeWith(dead.get());
            return;
        }
        if (now - lastHeard > cfg.idleTimeout().toNanos()
                && inFlight.availablePermits() == cfg.maxInFlight()
                && !server.streams().hasSubscriptions(this))
            closeWith("idle for " + NetworkConfig.describe(cfg.idleTimeout())
                    + " (no request and no subscription); reconnect when needed");
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
                Received next = work.take();
                try {
                    process(next);
                } finally {
                    queued.decrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            // connection closed
        }
    }

    /** Whether the request just read is the only one of this connection: none queued, running or awaiting its fsync. */
    private boolean alone() {
        return queued.get() == 0
                && inFlight.availablePermits() == server.config().maxInFlight() - 1;
    }

    /** Handles one request and queues (or writes) its reply: on the worker, or inline on the reader. */
    private void process(Received next) throws InterruptedException {
        Message.Request req = next.request();
        arrived = next.arrivedNanos();
        Runnable rowsWritten = null;
        if (req instanceof Message.GetRows || req instanceof Message.GetRowsPage || req instanceof Message.Subscribe) {
            rowStream.acquire(); // the previous rows reply is written: its row references are gone
            long ticket = ++tickets;
            rowStreamTicket.set(ticket);
            rowStreamId = req.id();
            rowsWritten = () -> freeRowStream(ticket);
        }
        Message.Reply reply;
        var dead = server.permissions().dead(credential);
        try {
            // its token was revoked or expired: refused, then the connection ends (with its subscriptions)
            if (dead.isPresent()) throw new NetworkException(ErrorKind.UNAUTHORIZED, dead.get());
            reply = handle(req, rowsWritten);
        } catch (RuntimeException e) {
            reply = error(req.id(), e);
        } finally {
            conn.release(next.frameLength());
        }
        if (reply != null) reply(reply, true, rowsWritten);
        if (dead.isPresent()) closeWith(dead.get());
    }

    /**
     * Queues a table stream's reply to a Subscribe (never blocks). The Subscribe being answered holds the rows stream
     * (a session has one subscription starting at a time), which frees once this reply is written.
     */
    @Override
    public boolean reply(Message.Reply r) {
        long ticket = rowStreamTicket.get();
        return reply(r, false, r.id() == rowStreamId ? () -> freeRowStream(ticket) : null);
    }

    /** Gives back the rows stream and its reservation, once per taking ({@code ticket}). */
    private void freeRowStream(long ticket) {
        if (ticket == 0 || !rowStreamTicket.compareAndSet(ticket, 0)) return;
        conn.replies().release(rowStreamHeld.getAndSet(0));
        rowStream.release();
    }

    /**
     * Queues a reply; the in-flight slot of its request frees once it is written, then {@code alsoAfter} runs. A reply
     * too large for one frame goes out in parts, or, to a client too old to read parts, is replaced by an error (false
     * is returned). {@code mayWait} (the worker, with a reply it produced): an encoded reply above the small-frame size
     * first waits for room in the budget, so a client that does not read cannot make the worker queue reply after
     * reply; if the node has no room within the buffer wait, the reply is replaced by UNAVAILABLE.
     */
    private boolean reply(Message.Reply r, boolean mayWait, Runnable alsoAfter) {
        MessageBytes body = MessageBytes.of(r);
        Runnable written = alsoAfter == null
                ? inFlight::release
                : () -> {
                    inFlight.release();
                    alsoAfter.run();
                };
        int max = server.config().maxFrameBytes();
        if (body.size() > max && hello.minor() < MessageCodec.PARTS_SINCE_MINOR) {
            conn.send(
                    new Message.Error(
                            r.id(),
                            ErrorKind.UNSUPPORTED,
                            "the answer (" + body.size() + " bytes) exceeds the maximum frame size of "
                                    + max + " bytes, and this client (protocol " + hello.major() + "." + hello.minor()
                                    + ") cannot receive it in parts; use a newer Interstice version"),
                    written);
            return false;
        }
        boolean reserved = false;
        if (mayWait && body.heldBytes() > Connection.SMALL_FRAME) {
            switch (reserve(body.heldBytes())) {
                case GRANTED -> reserved = true;
                case NODE_SHORT -> {
                    conn.send(
                            new Message.Error(
                                    r.id(),
                                    ErrorKind.UNAVAILABLE,
                                    shortOfMemory("an answer of " + body.size() + " bytes")),
                            written);
                    return false;
                }
                case CLOSED -> {
                    written.run();
                    return false;
                }
            }
        }
        if (inline && !reserved) return conn.sendNow(body, written);
        return conn.send(body, reserved, written);
    }

    /**
     * Accounts for the row references a rows reply holds until it is written (worker thread, holding the rows stream);
     * throws UNAVAILABLE if the node has no room for them within the buffer wait.
     */
    /** Replies {@code rows} once the state they were read from is durable (a crash must not take back what was seen). */
    private Message.Reply durableRows(long id, List<byte[]> rows, Runnable rowsWritten) {
        node.whenDurable(server.streams().horizon())
                .whenComplete((ok, failure) -> reply(
                        failure == null
                                ? new Message.RowsResult(id, rows)
                                : new Message.Error(
                                        id,
                                        ErrorKind.STORAGE,
                                        "the rows read could not be made durable: " + failure.getMessage()),
                        false,
                        rowsWritten));
        return null;
    }

    private List<byte[]> holdRows(List<byte[]> rows) {
        conn.replies().release(rowStreamHeld.getAndSet(0)); // a snapshot taken again replaces the earlier one
        long bytes = ROW_REFERENCE_BYTES * rows.size();
        switch (reserve(bytes)) {
            case GRANTED -> rowStreamHeld.set(bytes);
            case NODE_SHORT ->
                throw new NetworkException(
                        ErrorKind.UNAVAILABLE, shortOfMemory("the rows of a " + rows.size() + "-row table"));
            case CLOSED -> throw new NetworkException(ErrorKind.UNAVAILABLE, "the connection closed");
        }
        return rows;
    }

    /** Bytes counted per row reference held for a rows reply (the node's row list and the reply's copy of it). */
    private static final long ROW_REFERENCE_BYTES = 16;
    /** Rows in one {@link Message.GetRowsPage} answer at most, whatever the client asks for. */
    static final int MAX_PAGE_ROWS = 10_000;

    private MemoryBudget.Grant reserve(long bytes) {
        try {
            return conn.replies().reserve(bytes, server.config().bufferWait());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return MemoryBudget.Grant.CLOSED;
        }
    }

    private String shortOfMemory(String what) {
        return "node '" + server.nodeName() + "' is short of buffer memory: no room for " + what + " within "
                + server.config().bufferWait().toMillis() + " ms; try again later";
    }

    @Override
    public void push(Message m) {
        conn.send(m);
    }

    @Override
    public boolean offerEvent(byte[] frame) {
        return conn.offerEvent(frame);
    }

    @Override
    public String tracedPeer() {
        return isPeer() && hello.minor() >= MessageCodec.EVENT_TRACE_SINCE_MINOR ? hello.nodeId() : null;
    }

    /** Called (without blocking) when this session cannot keep up with a table's events; acts (and logs) once. */
    @Override
    public void slowSubscriber(String module, String table) {
        if (!disconnectingSlow.compareAndSet(false, true))
            return; // already being disconnected (another table, a later event)
        log.warn(
                "{}: subscriber of {}.{} fell more than {} events behind; disconnecting it (it will resynchronise)",
                conn.label(),
                module,
                table,
                server.config().eventQueueCapacity());
        Thread.startVirtualThread(() -> conn.closeAfter(
                new Message.Closing("subscriber too slow: more than "
                        + server.config().eventQueueCapacity() + " events (or "
                        + server.config().connectionBufferBytes()
                        + " bytes) queued; reconnect to resynchronise"),
                "slow subscriber"));
    }

    /**
     * Who the guest sees calling: a client is {@code ("cli", "")} whatever its Hello and request say (else a client
     * naming this node's own id and a module would pass for a local module's call); a peer is its node id, verified
     * in the handshake against the key it presented (never this node's own), with the module it says is calling.
     */
    /** The trace a peer's call carries, its node being that peer (what a client sends is ignored). */
    private dev.interstice.storage.TxTrace.Parent cause(Message.Call c) {
        var t = c.cause();
        if (t == null || !isPeer()) return null;
        String peer = hello.nodeId();
        return new dev.interstice.storage.TxTrace.Parent(
                t.traceNode().isEmpty() ? peer : t.traceNode(), t.traceTx(), peer, t.tx());
    }

    private CallContext caller(String callerModule) {
        return isPeer() ? new CallContext(hello.nodeId(), callerModule) : CLIENT_CALLER;
    }

    /** Every authority: offered or not, its holder (a private module's name for admins only), how far it reaches. */
    private List<Message.AuthorityStatus> authorityStatuses() {
        var a = node.authorities();
        var out = new java.util.ArrayList<Message.AuthorityStatus>();
        for (var authority : dev.interstice.abi.schema.Authority.values()) {
            String holder = a.holder(authority)
                    .filter(m -> isAdmin()
                            || node.schema(m)
                                    .map(s -> s.visibility() == dev.interstice.abi.schema.Visibility.PUBLIC)
                                    .orElse(false))
                    .orElse("");
            // children and their grants: the admin's only (a child's name may be a private module's)
            String detail = isAdmin() ? a.describeForAdmin(authority) : a.describe(authority);
            out.add(new Message.AuthorityStatus(authority, a.config().offers(authority), holder, detail));
        }
        return out;
    }

    /** Handles one request; {@code rowsWritten} (rows requests): to run once their reply is written. */
    private Message.Reply handle(Message.Request req, Runnable rowsWritten) {
        return switch (req) {
            case Message.Authenticate a -> authenticate(a);
            case Message.Ping p -> new Message.Pong(p.id(), System.currentTimeMillis());
            case Message.Call c -> {
                var cause = cause(c);
                CallResult r = allows(Action.CALL, c.module())
                        ? node.call(c.module(), c.reducer(), c.args(), caller(c.callerModule()), Ack.FAST, cause)
                        : permissions()
                                .orDenied(
                                        credential,
                                        Action.CALL,
                                        c.module(),
                                        null,
                                        () -> node.callFromPeer(
                                                c.module(),
                                                c.reducer(),
                                                c.args(),
                                                caller(c.callerModule()),
                                                Ack.FAST,
                                                cause));
                replyCalled(c, r);
                yield null;
            }
            case Message.Query q -> query(q);
            case Message.GetSchema s -> new Message.SchemaResult(s.id(), schema(s.full()));
            case Message.GetInfo i -> info(i);
            case Message.FetchContent f -> new Message.Content(f.id(), content(f));
            case Message.GetRowsPage r -> {
                List<byte[]> rows = holdRows(permissions()
                        .orDenied(
                                credential,
                                Action.ROWS,
                                r.module(),
                                r.table(),
                                () -> node.rowsPage(
                                                r.module(),
                                                r.table(),
                                                !allows(Action.ROWS, r.module()),
                                                r.where().stream()
                                                        .map(w -> new Condition(
                                                                w.field(), Condition.Op.values()[w.op()], w.value()))
                                                        .toList(),
                                                r.after(),
                                                Math.clamp(r.limit(), 1, MAX_PAGE_ROWS),
                                                requester())
                                        .rows()));
                yield durableRows(r.id(), rows, rowsWritten);
            }
            case Message.GetRows r -> {
                List<byte[]> rows = readRows(Action.ROWS, r.module(), r.table());
                // answer once the state read is durable: a crash must not take back what a reader saw
                node.whenDurable(server.streams().horizon())
                        .whenComplete((ok, failure) -> reply(
                                failure == null
                                        ? new Message.RowsResult(r.id(), rows)
                                        : new Message.Error(
                                                r.id(),
                                                ErrorKind.STORAGE,
                                                "the rows read could not be made durable: " + failure.getMessage()),
                                false,
                                rowsWritten));
                yield null;
            }
            case Message.Publish published -> {
                if (!published.codeHash().isEmpty()) requireSomePublish(); // before fetching code from elsewhere
                var p = withKeptCode(published);
                requirePublish(p);
                yield server.installer().publish(p);
            }
            case Message.Rollback r -> {
                require(Action.REMOVE, r.module(), "rolling a module back");
                yield server.installer().rollback(r);
            }
            case Message.Remove r -> {
                require(Action.REMOVE, r.module(), "removing a module");
                yield server.installer().remove(r.id(), r.module());
            }
            case Message.ReadLog r -> LogPages.read(permissions(), credential, node, r);
            case Message.GetRowsAsOf r -> rowsAsOf(r);
            case Message.Rewind r -> rewind(r);
            case Message.Branches b -> branches(b);
            case Message.Unload u -> {
                require(Action.REMOVE, u.module(), "unloading a module");
                server.installer().unload(u.module());
                yield new Message.Ok(u.id());
            }
            case Message.CreateToken t -> {
                permissions().requireAdmin(credential, "creating a token");
                yield permissions().created(t);
            }
            case Message.ListTokens t -> {
                permissions().requireAdmin(credential, "listing tokens");
                yield permissions().listed(t);
            }
            case Message.GetSupervision g -> supervision(g.id());
            case Message.RevokeToken t -> {
                permissions().requireAdmin(credential, "revoking a token");
                yield permissions().revoked(t);
            }
            case Message.ModuleRequest m -> server.installer().handFromPeer(m, isPeer() ? hello.nodeId() : "cli");
            case Message.Subscribe s -> {
                server.streams()
                        .subscribe(
                                new TableStreams.Subscriber(this, s.id(), requester()),
                                s.module(),
                                s.table(),
                                s.epoch(),
                                s.afterSeq(),
                                () -> checkReadable(s.module(), s.table()),
                                () -> readRows(Action.SUBSCRIBE, s.module(), s.table()));
                yield null; // the stream queued the reply
            }
            case Message.Unsubscribe u -> {
                server.streams().unsubscribe(this, u.subscription());
                yield new Message.Ok(u.id());
            }
        };
    }

    /** A table as it was after a past transaction (read from the log), for whoever may read its rows. */
    private Message.PastRowsResult rowsAsOf(Message.GetRowsAsOf r) {
        if (!server.pastReads().tryAcquire())
            throw new CallException(
                    dev.interstice.runtime.IntersticeException.Kind.UNAVAILABLE,
                    "node '" + server.nodeName() + "' is rebuilding a table's past for another request (one at a time);"
                            + " try again shortly");
        try {
            return pastRows(r);
        } finally {
            server.pastReads().release();
        }
    }

    private Message.PastRowsResult pastRows(Message.GetRowsAsOf r) {
        var past = permissions()
                .orDenied(
                        credential,
                        Action.ROWS,
                        r.module(),
                        r.table(),
                        () -> node.rowsAsOf(
                                r.module(),
                                r.table(),
                                !allows(Action.ROWS, r.module()),
                                r.txId() > 0 ? r.txId() : node.txAt(r.timeMs()),
                                requester()));
        return new Message.PastRowsResult(r.id(), past.txId(), past.rows());
    }

    /** A module's tables made as they were after a past transaction, as one new durable transaction (admin only). */
    private Message.Called rewind(Message.Rewind r) {
        permissions().requireAdmin(credential, "rewinding a module");
        var done = node.rewind(r.module(), r.txId());
        if (done.lsn() <= 0) return new Message.Called(r.id(), done.txId(), 0, Acknowledged.NOT_PERSISTED);
        node.awaitDurable(done.lsn());
        return new Message.Called(r.id(), done.txId(), done.lsn(), Acknowledged.DURABLE);
    }

    /** A module's branches, after discarding one when asked (admin only). */
    private Message.QueryResult branches(Message.Branches b) {
        permissions().requireAdmin(credential, b.discard().isEmpty() ? "listing branches" : "discarding a branch");
        if (!b.discard().isEmpty()) node.discardBranch(b.module(), b.discard());
        var out = new java.util.ArrayList<IntersticeValue>();
        for (var x : node.branches(b.module()))
            out.add(new IntersticeValue.Vec(List.of(
                    IntersticeValue.str(x.name()), IntersticeValue.u64(x.fromTx()), IntersticeValue.u32(x.calls()))));
        return new Message.QueryResult(b.id(), new IntersticeValue.Vec(out));
    }

    private void replyCalled(Message.Call c, CallResult r) {
        if (r.lsn() <= 0 || !persistent) {
            reply(new Message.Called(c.id(), r.txId(), r.lsn(), Acknowledged.NOT_PERSISTED));
            return;
        }
        if (!c.durable()) {
            reply(new Message.Called(c.id(), r.txId(), r.lsn(), Acknowledged.FAST));
            return;
        }
        var event = new DurableReplyEvent();
        Runnable written = null;
        if (event.isEnabled()) {
            event.lsn = r.lsn();
            event.arrivedNanos = arrived;
            event.takenNanos = System.nanoTime();
            written = () -> {
                event.writtenNanos = System.nanoTime();
                event.commit();
            };
        }
        if (inline) {
            // the reader waits for the fsync and writes the answer itself: no thread hand-off. When no fsync is
            // running it takes the pending records and fsyncs them itself (the log's leader flush), so a lone call
            // costs one fsync and no wake-up at all
            Throwable failure = null;
            try {
                node.awaitDurable(r.lsn());
            } catch (RuntimeException e) {
                failure = e;
            }
            event.durableNanos = System.nanoTime();
            reply(durableAnswer(c, r, failure), false, written);
            return;
        }
        // reply when the fsync covering it completes, without holding up this connection's later requests
        Runnable traced = written;
        node.whenDurable(r.lsn()).whenComplete((ok, failure) -> {
            event.durableNanos = System.nanoTime();
            reply(durableAnswer(c, r, failure), false, traced);
        });
    }

    private static Message.Reply durableAnswer(Message.Call c, CallResult r, Throwable failure) {
        return failure == null
                ? new Message.Called(c.id(), r.txId(), r.lsn(), Acknowledged.DURABLE)
                : new Message.Error(
                        c.id(),
                        ErrorKind.STORAGE,
                        "the transaction committed but could not be made durable: "
                                + unwrap(failure).getMessage());
    }

    /** A query, run for this connection's requester: a table view filters what the query reads (admin: nothing). */
    private Message.QueryResult query(Message.Query q) {
        var caller = caller(q.callerModule());
        return new Message.QueryResult(
                q.id(),
                allows(Action.QUERY, q.module())
                        ? node.query(q.module(), q.query(), q.args(), caller, requester())
                        : permissions()
                                .orDenied(
                                        credential,
                                        Action.QUERY,
                                        q.module(),
                                        null,
                                        () -> node.queryFromPeer(
                                                q.module(), q.query(), q.args(), caller, requester())));
    }

    /** GetSupervision (admin only). */
    private Message.Supervision supervision(long id) {
        permissions().requireAdmin(credential, "reading the node's supervision");
        var s = node.supervisor();
        var policies = new java.util.TreeMap<>(s.policies())
                .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        var handlers = s.status().stream()
                .map(h -> new Message.SupervisedHandler(
                        h.module(),
                        h.reducer(),
                        h.failures(),
                        h.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
                        h.lastError(),
                        h.policy().toString()))
                .toList();
        return new Message.Supervision(id, s.policy("").toString(), policies, handlers);
    }

    private static RuntimeException unwrap(Throwable failure) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        return t instanceof RuntimeException r ? r : new IllegalStateException(t.toString(), t);
    }

    /**
     * The table's rows as this connection may see them (any table of a module its credential allows {@code action}
     * on; public tables otherwise), held for a reply.
     */
    private List<byte[]> readRows(Action action, String module, String table) {
        return holdRows(
                allows(action, module)
                        ? node.encodedRows(module, table, requester())
                        : permissions()
                                .orDenied(
                                        credential,
                                        action,
                                        module,
                                        table,
                                        () -> node.publicRows(module, table, requester())));
    }

    /**
     * Whom the rows this connection reads go to, as a table's view sees them: a peer's node id, {@code "cli"} for a
     * client (any client: a view tells clients apart by nothing else); null for the admin, who sees every row.
     */
    private String requester() {
        return isAdmin() ? null : caller("").callerNodeId();
    }

    private void checkReadable(String module, String table) {
        boolean all = allows(Action.SUBSCRIBE, module);
        permissions().orDenied(credential, Action.SUBSCRIBE, module, table, () -> {
            ModuleSchema m = node.schema(module).orElse(null);
            if (m == null || (!all && m.visibility() != Visibility.PUBLIC))
                throw new CallException(
                        CallException.Kind.NOT_FOUND, "no module '" + module + "' is loaded on this node");
            TableSchema t = m.table(table).orElse(null);
            if (t == null || (!all && t.visibility() != Visibility.PUBLIC))
                throw new CallException(
                        CallException.Kind.NOT_FOUND, "module '" + module + "' has no table '" + table + "'");
            return null;
        });
    }

    private Permissions permissions() {
        return server.permissions();
    }

    private boolean isAdmin() {
        return credential instanceof Permissions.Admin;
    }

    private boolean allows(Action action, String module) {
        return permissions().allows(credential, action, module);
    }

    private void require(Action action, String module, String what) {
        if (!allows(action, module)) throw permissions().denied(credential, action, module, what);
    }

    /** A publish by hash carries the code the node keeps under it (verified), so it is checked like any other. */
    private Message.Publish withKeptCode(Message.Publish p) {
        if (p.codeHash().isEmpty()) return p;
        if (p.wasm().length > 0)
            throw new NetworkException(
                    ErrorKind.BAD_REQUEST, "a publish carries either the wasm or its hash, not both");
        String label = p.label().isBlank() ? "sha256:" + p.codeHash() : p.label();
        return new Message.Publish(
                p.id(), label, node.findCode(p.codeHash()), p.reset(), p.dryRun(), p.allow(), p.zeroDefaults());
    }

    /**
     * A publish needs {@code publish} on the module it carries. Its name is known only once the code describes
     * itself, so a connection without any publish permission is refused before the node compiles anything.
     */
    private void requirePublish(Message.Publish p) {
        if (allows(Action.PUBLISH, Grant.EVERY_MODULE)) return; // the admin, or publish:*
        requireSomePublish();
        require(Action.PUBLISH, node.describe(p.wasm()).name(), "publishing a module");
    }

    /** Refuses a connection that may publish no module at all. */
    private void requireSomePublish() {
        if (allows(Action.PUBLISH, Grant.EVERY_MODULE)) return;
        boolean mayPublishSome = credential instanceof Permissions.Token t
                && t.token().grants().stream().anyMatch(g -> g.action() == Action.PUBLISH);
        if (!mayPublishSome) throw permissions().denied(credential, Action.PUBLISH, null, "publishing a module");
    }

    /** Whether this connection may have a module's code: the admin, a token covering it, anyone for a public one. */
    private boolean maySeeCode(String module) {
        return isAdmin()
                || permissions().coversAny(credential, module)
                || node.schema(module)
                        .map(s -> s.visibility() == Visibility.PUBLIC)
                        .orElse(false);
    }

    /** The code hashes of the loaded modules this connection may see (none for a client older than 1.7). */
    /** The node's authorities, the code the asker may see and (for the admin) the peers that get traced events. */
    private Message.Info info(Message.GetInfo i) {
        return new Message.Info(
                i.id(),
                authorityStatuses(),
                visibleCode(),
                isAdmin() && hello.minor() >= MessageCodec.EVENT_TRACE_SINCE_MINOR
                        ? server.streams().tracedSubscribers()
                        : List.of());
    }

    private List<Message.ModuleCode> visibleCode() {
        if (hello.minor() < MessageCodec.CONTENT_SINCE_MINOR) return List.of();
        return node.codeHashes(false).entrySet().stream()
                .filter(e -> maySeeCode(e.getKey()))
                .map(e -> new Message.ModuleCode(e.getKey(), e.getValue()))
                .toList();
    }

    /**
     * The content a {@link Message.FetchContent} asks for: the code of a module hosted here that the asker may see
     * (unloaded ones' for the admin), or the node's own image (for the admin, or anyone when every module is public).
     * Anything else answers NOT_FOUND alike, so a private module's code hash tells nothing.
     */
    private byte[] content(Message.FetchContent f) {
        String hash = f.hash();
        if (!dev.interstice.runtime.store.Blobs.isHash(hash))
            throw new NetworkException(
                    ErrorKind.BAD_REQUEST, "'" + hash + "' is not a SHA-256 (64 lower-case hex digits)");
        if (f.kind() == Message.ContentKind.IMAGE) return image(hash);
        for (var e : node.codeHashes(isAdmin()).entrySet())
            if (e.getValue().equals(hash) && (maySeeCode(e.getKey()) || isAdmin())) return node.keptCode(hash);
        throw new NetworkException(
                ErrorKind.NOT_FOUND, "node '" + server.nodeName() + "' shares no module code with hash " + hash);
    }

    private byte[] image(String hash) {
        NodeServer.ImageSource images = server.images();
        boolean allPublic = node.modules().stream().allMatch(m -> m.visibility() == Visibility.PUBLIC);
        byte[] image = null;
        if (images != null && (isAdmin() || allPublic)) {
            try {
                image = images.image(hash);
            } catch (java.io.IOException e) {
                log.warn("{}: cannot make the node's image: {}", conn.label(), e.toString());
                throw new NetworkException(ErrorKind.INTERNAL, "the node could not make its image; see its log");
            }
        }
        if (image == null)
            throw new NetworkException(
                    ErrorKind.NOT_FOUND,
                    "node '" + server.nodeName() + "' has no image with hash sha256:" + hash
                            + (images == null
                                    ? " (it serves none)"
                                    : " (it serves its own image: 'interstice bundle' of it prints that hash)"));
        return image;
    }

    /** The full schema (admin), the public view plus the full schema of each module a token covers, or the public view. */
    private NodeSchema schema(boolean full) {
        if (full && isAdmin()) return new NodeSchema(server.nodeName(), server.address(), node.modules());
        NodeSchema pub = node.publicSchema(server.nodeName(), server.address());
        if (!full) return pub;
        if (!(credential instanceof Permissions.Token))
            permissions().requireAdmin(credential, "reading the full schema (private modules and tables)");
        var modules = new java.util.ArrayList<ModuleSchema>();
        for (ModuleSchema m : node.modules()) {
            if (permissions().coversAny(credential, m.name())) modules.add(m);
            else
                pub.modules().stream()
                        .filter(x -> x.name().equals(m.name()))
                        .findFirst()
                        .ifPresent(modules::add);
        }
        return new NodeSchema(pub.name(), pub.address(), modules);
    }

    /** Authenticate: an empty token id proves the admin token, else the scoped token of that id. */
    private Message.Reply authenticate(Message.Authenticate a) {
        String throttled = server.proofs().refusal(slot.address());
        if (throttled != null) return new Message.Error(a.id(), ErrorKind.UNAUTHORIZED, throttled);
        return checkProof(a);
    }

    private Message.Reply checkProof(Message.Authenticate a) {
        if (a.tokenId().isEmpty()) {
            if (server.token().verify(a.proof(), node.id(), nonce, hello.nonce())) {
                server.proofs().succeeded(slot.address());
                credential = Permissions.ADMIN;
                return new Message.Ok(a.id());
            }
            server.proofs().failed(slot.address());
            log.warn("{}: wrong admin credential", conn.label());
            return new Message.Error(
                    a.id(),
                    ErrorKind.UNAUTHORIZED,
                    "the admin credential for node '" + server.nodeName()
                            + "' was refused: check the token (the node's admin.token file)");
        }
        var tokens = permissions().tokens();
        var token =
                TokenCredential.isId(a.tokenId()) ? tokens.find(a.tokenId()) : java.util.Optional.<ScopedToken>empty();
        if (token.isPresent() && token.get().credential().verify(a.proof(), node.id(), nonce, hello.nonce())) {
            server.proofs().succeeded(slot.address());
            var t = new Permissions.Token(token.get());
            var dead = permissions().dead(t);
            if (dead.isPresent()) return new Message.Error(a.id(), ErrorKind.UNAUTHORIZED, dead.get());
            tokens.used(token.get(), permissions().now());
            credential = t;
            return new Message.Ok(a.id());
        }
        server.proofs().failed(slot.address());
        log.warn("{}: refused a scoped token credential (unknown id, revoked, or a wrong secret)", conn.label());
        return new Message.Error(
                a.id(),
                ErrorKind.UNAUTHORIZED,
                "the token credential for node '" + server.nodeName()
                        + "' was refused: no such token, revoked, or a wrong secret (interstice token list shows the node's tokens)");
    }

    private Message.Error error(long id, RuntimeException e) {
        return switch (e) {
            case IntersticeException x -> {
                ErrorKind kind = ErrorKind.of(x.kind());
                yield new Message.Error(id, kind.remote() ? kind : ErrorKind.INTERNAL, x.getMessage());
            }
            case GuestTrapException g -> new Message.Error(id, ErrorKind.of(g.callKind()), g.getMessage());
            case IllegalStateException s
            when server.isClosed() || String.valueOf(s.getMessage()).endsWith(" is closed") ->
                new Message.Error(id, ErrorKind.UNAVAILABLE, "node '" + server.nodeName() + "' is shutting down");
            default -> { // the Java details (its message may name classes) stay in the node's log
                log.error("{}: request {} failed", conn.label(), id, e);
                yield new Message.Error(
                        id,
                        ErrorKind.INTERNAL,
                        "internal error on node '" + server.nodeName() + "' (details in the node's log)");
            }
        };
    }
}
