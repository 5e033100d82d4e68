package dev.interstice.network;

import dev.interstice.runtime.node.NodeIdentity;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * How an accepted connection speaks (docs/protocol.md, "Transport"): the first byte tells TLS (a handshake record,
 * 0x16) from our plaintext framing (a length prefix, whose first byte is 0 for any frame a handshake accepts), so one
 * port serves both. TLS asks for the other side's certificate (nodes present one; clients need not), and the node id
 * of its key is what a peer is. Plaintext is served only from loopback to loopback on a node that allows it.
 */
final class ServerTransport {
    /** One accepted connection, ready for the handshake. */
    record Link(Socket socket, Socket raw, byte[] consumed, String keyId, boolean plaintextRefused) {
        boolean encrypted() {
            return socket != raw;
        }

        /** What the other side sends, from its first byte on. */
        InputStream input() throws IOException {
            return consumed.length == 0
                    ? socket.getInputStream()
                    : new SequenceInputStream(new ByteArrayInputStream(consumed), socket.getInputStream());
        }
    }

    private final SSLContext context;
    private final boolean insecureLoopback;

    ServerTransport(NodeIdentity identity, boolean insecureLoopback) {
        this.context = Tls.context(Tls.Credentials.of(identity), new Tls.KeyPin(null));
        this.insecureLoopback = insecureLoopback;
    }

    /**
     * Reads the first byte and, for TLS, completes the TLS handshake (the caller bounds how long that may take). The
     * local socket speaks plaintext framing only: its file's permissions, not TLS, keep others out.
     */
    Link open(Socket raw, int timeoutMillis) throws IOException {
        if (raw instanceof LocalSocket) return new Link(raw, raw, new byte[0], null, false);
        raw.setSoTimeout(timeoutMillis);
        int first = raw.getInputStream().read();
        if (first < 0) throw new EOFException("closed before the handshake");
        if (first != Tls.HANDSHAKE_RECORD) {
            boolean allowed = Tls.plaintextAllowed(raw.getLocalAddress(), raw.getInetAddress(), insecureLoopback);
            return new Link(raw, raw, new byte[] {(byte) first}, null, !allowed);
        }
        var tls = (SSLSocket)
                context.getSocketFactory().createSocket(raw, new ByteArrayInputStream(new byte[] {(byte) first}), true);
        Tls.restrict(tls);
        tls.setWantClientAuth(true);
        tls.startHandshake();
        byte[] key = Tls.peerKey(tls.getSession());
        return new Link(tls, raw, new byte[0], key == null ? null : NodeIdentity.idOf(key), false);
    }
}
