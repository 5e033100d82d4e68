package dev.interstice.network;

import dev.interstice.network.wire.Frames;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/** A hand-driven connection to a node: sends exactly what a test says, reads what comes back. */
final class RawConnection implements AutoCloseable {
    final Socket socket;

    RawConnection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
    }

    /** Connects from {@code localAddress} (e.g. another loopback address). */
    RawConnection(String localAddress, int port) throws IOException {
        socket = new Socket();
        socket.bind(new java.net.InetSocketAddress(localAddress, 0));
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(5000);
    }

    /** Connects and sends a Hello; does not wait for the answer. */
    static RawConnection hello(int port, Message.Role role, String nodeId, String nodeName) throws IOException {
        var c = new RawConnection(port);
        c.send(new Message.Hello(MessageCodec.MAJOR, MessageCodec.MINOR, role, nodeId, nodeName, new byte[32]));
        return c;
    }

    void send(Message m) throws IOException {
        Frames.write(socket.getOutputStream(), MessageCodec.encode(m));
        socket.getOutputStream().flush();
    }

    /** The next message; null once the node closed the connection (within the socket timeout, else it throws). */
    Message read() throws Exception {
        try {
            byte[] b = Frames.read(socket.getInputStream(), Integer.MAX_VALUE);
            return b == null ? null : MessageCodec.decode(b);
        } catch (SocketException | EOFException e) {
            return null;
        }
    }

    /** Reads until the node closes the connection; returns what it sent. */
    List<Message> drain() throws Exception {
        var out = new ArrayList<Message>();
        for (Message m = read(); m != null; m = read()) out.add(m);
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
