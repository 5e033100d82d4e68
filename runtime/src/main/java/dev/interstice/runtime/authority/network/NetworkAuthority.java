package dev.interstice.runtime.authority.network;

import static dev.interstice.abi.codec.AuthorityCodec.err;
import static dev.interstice.abi.codec.AuthorityCodec.field;
import static dev.interstice.abi.codec.AuthorityCodec.networkEvent;

import dev.interstice.abi.codec.AuthorityCodec;
import dev.interstice.abi.host.NetworkCall;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.Frame;
import dev.interstice.runtime.exec.Invocation;
import dev.interstice.runtime.module.LoadedModule;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Network authority (upstream ABI 6 {@code NetworkCall}). A call answers at once: it checks the policy and the
 * limits and reserves what it needs (a handle, send-queue room), but the socket work happens only once the calling
 * transaction has committed and is durable ({@link Invocation#afterCommit}), in commit order; a dropped transaction
 * gives its reservations back. Results come as {@code NetworkEvent}s to the owner's {@code network} subscription.
 */
public final class NetworkAuthority implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NetworkAuthority.class);

    /** What the authority holds now; {@code peakUndeliveredBytes}: the most received bytes ever waiting at once. */
    public record Stats(
            int openHandles,
            int undeliveredEvents,
            long undeliveredBytes,
            long peakUndeliveredBytes,
            long droppedDatagrams) {}

    private final NetworkPolicy policy;
    private final NetworkEvents events;
    private final Map<Long, NetSocket> open = new HashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);
    private final AtomicLong droppedDatagrams = new AtomicLong();
    private Tls tls;
    private boolean closed;

    public NetworkAuthority(NetworkPolicy policy, Executor executor) {
        this.policy = policy;
        this.events = new NetworkEvents(executor);
    }

    public NetworkPolicy policy() {
        return policy;
    }

    public synchronized Stats stats() {
        return new Stats(
                open.size(),
                events.undeliveredEvents(),
                events.undeliveredBytes(),
                events.peakUndeliveredBytes(),
                droppedDatagrams.get());
    }

    /** Answers a call of the frame's module (which holds the authority; checked by Authorities). */
    public byte[] call(Frame f, NetworkCall call) {
        return switch (call) {
            case NetworkCall.TcpConnect c -> connect(f, c);
            case NetworkCall.TcpListen c -> listen(f, c);
            case NetworkCall.TcpSend c -> send(f, c);
            case NetworkCall.TcpClose c -> close(f, c.handle(), false);
            case NetworkCall.UdpBind c -> bind(f, c);
            case NetworkCall.UdpSendTo c -> sendTo(f, c);
            case NetworkCall.UdpClose c -> close(f, c.handle(), true);
        };
    }

    private byte[] connect(Frame f, NetworkCall.TcpConnect c) {
        if (c.port() == 0) return err("connecting to " + c.ip() + " needs a port (1-65535)");
        InetAddress literal = literal(c.ip());
        if (literal != null && !policy.egressAllows(literal, c.port()))
            return err(egressRefusal("connecting to", literal, c.port()));
        var conn = new TcpConnection(nextHandle.getAndIncrement(), f.module(), this);
        String full = register(f.invocation(), conn);
        if (full != null) return err(full);
        f.invocation().afterCommit(() -> {
            if (isOpen(conn)) conn.connect(c.ip(), c.port(), c.tls(), c.serverName());
        });
        return AuthorityCodec.handleOk(conn.handle);
    }

    private byte[] listen(Frame f, NetworkCall.TcpListen c) {
        InetAddress a = literal(c.bindIp());
        if (a == null) return err("listening needs an IP address to bind, not '" + c.bindIp() + "'");
        if (!policy.listenAllows(a, c.port())) return err(listenRefusal("listening on", a, c.port()));
        var l = new TcpListener(nextHandle.getAndIncrement(), f.module(), this);
        String full = register(f.invocation(), l);
        if (full != null) return err(full);
        f.invocation().afterCommit(() -> {
            if (isOpen(l)) l.listen(a, c.port());
        });
        return AuthorityCodec.handleOk(l.handle);
    }

    private byte[] send(Frame f, NetworkCall.TcpSend c) {
        NetSocket s = lookup(f, c.handle());
        if (s == null) return err(unknown(c.handle()));
        if (!(s instanceof TcpConnection conn)) return err(s.describe() + " is not a TCP connection");
        int n = c.data().length;
        String full = conn.reserve(n);
        if (full != null) return err(full);
        f.invocation().ifDropped(() -> conn.unreserve(n));
        f.invocation().afterCommit(() -> conn.send(c.data()));
        return AuthorityCodec.ok();
    }

    private byte[] close(Frame f, long handle, boolean udp) {
        NetSocket s = lookup(f, handle);
        if (s == null) return err(unknown(handle));
        if (udp != s instanceof UdpSocket)
            return err(
                    udp
                            ? s.describe() + " is not a UDP socket: close it with tcpClose"
                            : "handle " + handle + " is a UDP socket: close it with udpClose");
        if (s.closing) return err(s.describe() + " is already closed");
        s.closing = true;
        f.invocation().ifDropped(() -> s.closing = false);
        f.invocation().afterCommit(() -> {
            switch (s) {
                case TcpConnection conn -> conn.closeAfterSends();
                case TcpListener l -> l.close();
                case UdpSocket u -> u.close();
            }
        });
        return AuthorityCodec.ok();
    }

    private byte[] bind(Frame f, NetworkCall.UdpBind c) {
        InetAddress a = literal(c.bindIp());
        if (a == null) return err("binding a UDP socket needs an IP address, not '" + c.bindIp() + "'");
        if (!policy.listenAllows(a, c.port())) return err(listenRefusal("binding UDP on", a, c.port()));
        var u = new UdpSocket(nextHandle.getAndIncrement(), f.module(), this, droppedDatagrams);
        String full = register(f.invocation(), u);
        if (full != null) return err(full);
        f.invocation().afterCommit(() -> {
            if (isOpen(u)) u.bind(a, c.port());
        });
        return AuthorityCodec.handleOk(u.handle);
    }

    private byte[] sendTo(Frame f, NetworkCall.UdpSendTo c) {
        NetSocket s = lookup(f, c.handle());
        if (s == null) return err(unknown(c.handle()));
        if (!(s instanceof UdpSocket u)) return err(s.describe() + " is not a UDP socket");
        if (u.closing) return err(u.describe() + " is closed");
        InetAddress a = literal(c.ip());
        if (a == null) return err("a UDP destination must be an IP address, not '" + c.ip() + "'");
        if (c.port() == 0) return err("sending to " + c.ip() + " needs a port (1-65535)");
        if (!policy.egressAllows(a, c.port())) return err(egressRefusal("sending to", a, c.port()));
        if (c.data().length > UdpSocket.MAX_DATAGRAM)
            return err("a datagram holds at most " + UdpSocket.MAX_DATAGRAM + " bytes, not " + c.data().length);
        f.invocation().afterCommit(() -> u.sendTo(a, c.port(), c.data()));
        return AuthorityCodec.ok();
    }

    // ---- handles ----

    /** Registers a new socket for the call's transaction (taken back if it drops), or says why it cannot. */
    private synchronized String register(Invocation inv, NetSocket s) {
        if (closed) return "the node is closing";
        if (open.size() >= policy.limits().maxHandles())
            return "too many open network handles (the limit is "
                    + policy.limits().maxHandles() + "): close some first";
        open.put(s.handle, s);
        inv.ifDropped(() -> unregister(s));
        return null;
    }

    /** A connection a listener accepted, or null (and the socket closed) when the handle limit is reached. */
    synchronized TcpConnection registerAccepted(TcpListener l, Socket socket) {
        if (closed || open.size() >= policy.limits().maxHandles()) {
            if (!closed)
                log.warn(
                        "module {}: {} refused a connection from {}: too many open network handles (limit {})",
                        l.owner.name(),
                        l.describe(),
                        socket.getRemoteSocketAddress(),
                        policy.limits().maxHandles());
            try {
                socket.close();
            } catch (IOException ignored) {
                // refused anyway
            }
            return null;
        }
        var conn = new TcpConnection(nextHandle.getAndIncrement(), l.owner, this);
        open.put(conn.handle, conn);
        return conn;
    }

    synchronized void unregister(NetSocket s) {
        open.remove(s.handle, s);
    }

    private synchronized boolean isOpen(NetSocket s) {
        return !closed && open.get(s.handle) == s;
    }

    private synchronized NetSocket lookup(Frame f, long handle) {
        NetSocket s = open.get(handle);
        return s != null && s.owner == f.module() ? s : null;
    }

    /** Closes every socket of a module version that was replaced or removed. */
    public void release(LoadedModule m) {
        List<NetSocket> gone;
        synchronized (this) {
            gone = open.values().stream().filter(s -> s.owner == m).toList();
            gone.forEach(s -> open.remove(s.handle));
        }
        gone.forEach(NetSocket::abort);
    }

    // ---- for the sockets ----

    NetworkEvents events() {
        return events;
    }

    synchronized Tls tls() {
        if (tls == null) tls = new Tls(policy.trusted());
        return tls;
    }

    void emitFailed(LoadedModule owner, long handle, String error) {
        IntersticeValue e = networkEvent(
                "Failed", field("handle", IntersticeValue.u64(handle)), field("error", IntersticeValue.str(error)));
        events.emit(new NetworkEvents.Delivery(owner, () -> e, 0, () -> {}));
    }

    /** The first address of {@code host} the egress policy allows (resolved here: never on the execution lock). */
    InetAddress resolveEgress(String host, int port) throws IOException {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new IOException("unknown host '" + host + "'", e);
        }
        for (InetAddress a : all) if (policy.egressAllows(a, port)) return a;
        throw new IOException(egressRefusal("connecting to", all[0], port)
                + (all[0].getHostAddress().equals(host) ? "" : " ('" + host + "' resolves to it)"));
    }

    private String egressRefusal(String what, InetAddress a, int port) {
        return what + " " + a.getHostAddress() + " port " + port
                + " is refused by this node's network policy (egress allowed to: " + rules(policy.egress())
                + "; the node's operator can allow more with --allow-egress)";
    }

    private String listenRefusal(String what, InetAddress a, int port) {
        return what + " " + a.getHostAddress() + " port " + port
                + " is refused by this node's network policy (listening allowed on: " + rules(policy.listen())
                + "; the node's operator can allow more with --allow-listen)";
    }

    private static String rules(List<NetworkPolicy.Rule> rules) {
        return rules.isEmpty()
                ? "nothing"
                : rules.stream().map(Object::toString).collect(Collectors.joining(", "));
    }

    private static String unknown(long handle) {
        return "there is no open network handle " + handle;
    }

    private static InetAddress literal(String ip) {
        try {
            return InetAddress.ofLiteral(ip);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void close() {
        List<NetSocket> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(open.values());
            open.clear();
        }
        all.forEach(NetSocket::abort);
        events.close();
    }
}
