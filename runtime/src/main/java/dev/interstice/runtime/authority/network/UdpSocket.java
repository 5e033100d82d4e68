package dev.interstice.runtime.authority.network;

import static dev.interstice.abi.codec.AuthorityCodec.bytesValue;
import static dev.interstice.abi.codec.AuthorityCodec.field;
import static dev.interstice.abi.codec.AuthorityCodec.networkEvent;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.module.LoadedModule;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound UDP socket. UDP is lossy, and so is this: a datagram that arrives while {@code datagramQueue} datagrams of
 * this socket wait for delivery is dropped and counted ({@link NetworkAuthority.Stats#droppedDatagrams}).
 */
final class UdpSocket extends NetSocket {
    private static final Logger log = LoggerFactory.getLogger(UdpSocket.class);
    /** The largest UDP payload (IPv4). */
    static final int MAX_DATAGRAM = 65_507;

    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong dropped;
    private volatile DatagramSocket socket;
    private volatile Thread receiver;
    private volatile boolean ended;

    UdpSocket(long handle, LoadedModule owner, NetworkAuthority net, AtomicLong dropped) {
        super(handle, owner, net);
        this.dropped = dropped;
    }

    @Override
    String describe() {
        return "UDP socket " + handle;
    }

    /** Binds (after the address passed the policy) and receives on a thread of its own. */
    void bind(InetAddress address, int port) {
        DatagramSocket s;
        try {
            s = new DatagramSocket(new InetSocketAddress(address, port));
        } catch (IOException e) {
            net.unregister(this);
            net.emitFailed(
                    owner,
                    handle,
                    "binding UDP " + address.getHostAddress() + " port " + port + " failed: "
                            + TcpConnection.reason(e));
            return;
        }
        socket = s;
        if (ended) {
            abort();
            return;
        }
        receiver = Thread.ofVirtual().name("interstice-net-" + handle + "-udp").start(() -> receive(s));
    }

    /** A committed UdpSendTo (the destination passed the policy); a failure is a Failed event, the socket stays. */
    void sendTo(InetAddress address, int port, byte[] data) {
        DatagramSocket s = socket;
        if (s == null || ended) return;
        try {
            s.send(new DatagramPacket(data, data.length, address, port));
        } catch (IOException e) {
            net.emitFailed(
                    owner,
                    handle,
                    "sending to " + address.getHostAddress() + " port " + port + " failed: " + TcpConnection.reason(e));
        }
    }

    private void receive(DatagramSocket s) {
        byte[] buf = new byte[MAX_DATAGRAM];
        var packet = new DatagramPacket(buf, buf.length);
        while (!ended) {
            try {
                packet.setLength(buf.length);
                s.receive(packet);
            } catch (IOException e) {
                if (!ended) {
                    ended = true;
                    net.unregister(this);
                    net.emitFailed(owner, handle, "receiving failed: " + TcpConnection.reason(e));
                }
                return;
            }
            if (waiting.get() >= net.policy().limits().datagramQueue()) {
                long n = dropped.incrementAndGet();
                if (n == 1 || n % 1000 == 0)
                    log.warn(
                            "module {}: {} dropped a datagram: {} wait for delivery ({} dropped so far)",
                            owner.name(),
                            describe(),
                            waiting.get(),
                            n);
                continue;
            }
            waiting.incrementAndGet();
            byte[] data = Arrays.copyOf(buf, packet.getLength());
            String peerIp = packet.getAddress().getHostAddress();
            int peerPort = packet.getPort();
            net.events()
                    .emit(new NetworkEvents.Delivery(
                            owner,
                            () -> networkEvent(
                                    "UdpReceived",
                                    field("handle", IntersticeValue.u64(handle)),
                                    field("peer_ip", IntersticeValue.str(peerIp)),
                                    field("peer_port", IntersticeValue.u32(peerPort)),
                                    field("data", bytesValue(data))),
                            data.length,
                            waiting::decrementAndGet));
        }
    }

    /** A committed UdpClose. */
    void close() {
        net.unregister(this);
        abort();
    }

    /** Closes the socket and waits for the receiving thread to end, which releases the port. */
    @Override
    void abort() {
        ended = true;
        DatagramSocket s = socket;
        if (s != null) s.close();
        Thread t = receiver;
        if (t == null || t == Thread.currentThread()) return;
        try {
            t.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
