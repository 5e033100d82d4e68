package dev.interstice.runtime.authority.network;

import static dev.interstice.abi.codec.AuthorityCodec.field;
import static dev.interstice.abi.codec.AuthorityCodec.networkEvent;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.module.LoadedModule;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** A TCP listener: every accepted connection gets a handle of its own and an Accepted event naming this listener. */
final class TcpListener extends NetSocket {
    private volatile ServerSocket server;
    private volatile Thread acceptor;
    private volatile boolean ended;

    TcpListener(long handle, LoadedModule owner, NetworkAuthority net) {
        super(handle, owner, net);
    }

    @Override
    String describe() {
        return "listener " + handle;
    }

    /** Binds (after the address passed the policy) and accepts on a thread of its own; a failure is a Failed event. */
    void listen(InetAddress address, int port) {
        ServerSocket s;
        try {
            s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            net.unregister(this);
            net.emitFailed(
                    owner,
                    handle,
                    "listening on " + address.getHostAddress() + " port " + port + " failed: "
                            + TcpConnection.reason(e));
            return;
        }
        server = s;
        if (ended) {
            abort();
            return;
        }
        acceptor =
                Thread.ofVirtual().name("interstice-net-" + handle + "-accept").start(this::accept);
    }

    private void accept() {
        ServerSocket s = server;
        while (!ended) {
            Socket c;
            try {
                c = s.accept();
            } catch (IOException e) {
                if (!ended) {
                    ended = true;
                    net.unregister(this);
                    net.emitFailed(owner, handle, "accepting failed: " + TcpConnection.reason(e));
                }
                return;
            }
            TcpConnection conn = net.registerAccepted(this, c);
            if (conn == null) continue; // refused: too many handles (already closed)
            net.events()
                    .emit(new NetworkEvents.Delivery(
                            owner,
                            () -> networkEvent(
                                    "Accepted",
                                    field("listener", IntersticeValue.u64(handle)),
                                    field("handle", IntersticeValue.u64(conn.handle)),
                                    field(
                                            "peer_ip",
                                            IntersticeValue.str(
                                                    c.getInetAddress().getHostAddress())),
                                    field("peer_port", IntersticeValue.u32(c.getPort()))),
                            0,
                            () -> {}));
            conn.accepted(c);
        }
    }

    /** A committed TcpClose: stops accepting (connections it accepted stay open). */
    void close() {
        ended = true;
        net.unregister(this);
        closeServer();
    }

    @Override
    void abort() {
        ended = true;
        closeServer();
    }

    /**
     * Closes the socket and waits for the accepting thread to end: the port is released only then (a socket closed
     * under a blocked accept is released by that thread), so a new listener can bind it as soon as this returns.
     */
    private void closeServer() {
        ServerSocket s = server;
        if (s == null) return;
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
        Thread t = acceptor;
        if (t == null || t == Thread.currentThread()) return;
        try {
            t.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
