package dev.interstice.runtime.node;

import static dev.interstice.runtime.testing.NetFixture.await;
import static dev.interstice.runtime.testing.NetFixture.data;
import static dev.interstice.runtime.testing.NetFixture.events;
import static dev.interstice.runtime.testing.NetFixture.field;
import static dev.interstice.runtime.testing.NetFixture.lastAnswer;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.host.NetworkCall;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.network.NetworkPolicy;
import dev.interstice.runtime.testing.NetFixture;
import dev.interstice.runtime.testing.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Network authority end to end: a module's calls, the events it gets, the policy and the limits. */
class NetworkAuthorityTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    TestNode t;

    @AfterEach
    void close() {
        if (t != null) t.close();
    }

    static TestNode node(NetworkPolicy policy) {
        return new TestNode(NodeConfig.inMemory()
                .withMaxLogLineBytes(1 << 16)
                .withAuthorities(AuthorityConfig.headless().withNetwork(policy)));
    }

    static NetworkPolicy small(int window, int chunk, int sendQueue, int handles) {
        return NetworkPolicy.loopbackOnly()
                .withLimits(new NetworkPolicy.Limits(handles, window, chunk, sendQueue, 4, 5_000));
    }

    private List<String> variants() {
        return events(t, "net").stream().map(IntersticeValue.Enum::variant).toList();
    }

    private void publish(NetFixture f) {
        t.node.publish("net.wasm", f.build(), false);
    }

    private String call(String reducer) {
        t.node.call("net", reducer, List.of());
        return lastAnswer(t, "net");
    }

    @Test
    void connectsSendsReceivesAndSeesThePeerClose() throws IOException {
        t = node(NetworkPolicy.loopbackOnly());
        try (var server = new ServerSocket(0, 5, LOOPBACK)) {
            int port = server.getLocalPort();
            publish(new NetFixture("net")
                    .call("connect", new NetworkCall.TcpConnect("127.0.0.1", port, false, ""))
                    .call("send", new NetworkCall.TcpSend(1, "hello".getBytes(UTF_8))));
            assertThat(call("connect")).isEqualTo("handle 1");
            try (Socket peer = server.accept()) {
                await(() -> variants().contains("Connected"), "Connected");
                assertThat(call("send")).isEqualTo("ok");
                assertThat(peer.getInputStream().readNBytes(5)).isEqualTo("hello".getBytes(UTF_8));
                peer.getOutputStream().write("world".getBytes(UTF_8));
                peer.getOutputStream().flush();
                peer.shutdownOutput(); // the peer's last bytes and its close: Received comes first
                await(() -> variants().contains("Closed"), "Closed");
            }
        }
        var ev = events(t, "net");
        assertThat(ev.getFirst().variant()).isEqualTo("Connected");
        assertThat(field(ev.getFirst(), "handle")).isEqualTo(IntersticeValue.u64(1));
        var received = ev.stream().filter(e -> e.variant().equals("Received")).toList();
        var all = new StringBuilder();
        for (var e : received) all.append(new String(data(e), UTF_8));
        assertThat(all.toString()).isEqualTo("world");
        assertThat(ev.getLast().variant()).isEqualTo("Closed");
        assertThat(field(ev.getLast(), "handle")).isEqualTo(IntersticeValue.u64(1));
        await(() -> t.node.authorities().network().stats().openHandles() == 0, "the handle to be released");
    }

    @Test
    void listensAcceptsAndAnswersOnTheAcceptedConnection() throws IOException {
        t = node(NetworkPolicy.loopbackOnly());
        int port = NetFixture.freePort();
        publish(new NetFixture("net")
                .call("listen", new NetworkCall.TcpListen("127.0.0.1", port))
                .call("reply", new NetworkCall.TcpSend(2, "pong".getBytes(UTF_8)))
                .call("hangup", new NetworkCall.TcpClose(2))
                .call("stop", new NetworkCall.TcpClose(1)));
        assertThat(call("listen")).isEqualTo("handle 1");
        try (Socket client = connectWithRetry(port)) {
            await(() -> variants().contains("Accepted"), "Accepted");
            var accepted = events(t, "net").getFirst();
            assertThat(field(accepted, "listener")).isEqualTo(IntersticeValue.u64(1));
            assertThat(field(accepted, "handle")).isEqualTo(IntersticeValue.u64(2));
            assertThat(field(accepted, "peer_ip")).isEqualTo(IntersticeValue.str("127.0.0.1"));
            assertThat(field(accepted, "peer_port")).isEqualTo(IntersticeValue.u32(client.getLocalPort()));
            client.getOutputStream().write("ping".getBytes(UTF_8));
            await(() -> variants().contains("Received"), "Received");
            assertThat(data(events(t, "net").getLast())).isEqualTo("ping".getBytes(UTF_8));
            assertThat(call("reply")).isEqualTo("ok");
            assertThat(call("hangup")).isEqualTo("ok");
            InputStream in = client.getInputStream();
            assertThat(in.readAllBytes()).isEqualTo("pong".getBytes(UTF_8)); // sent, then closed
            assertThat(call("hangup")).isEqualTo("err: there is no open network handle 2");
        }
        assertThat(call("stop")).isEqualTo("ok");
        await(() -> t.node.authorities().network().stats().openHandles() == 0, "listener closed");
        assertThat(variants()).doesNotContain("Closed", "Failed"); // the module's own closes are not reported back
    }

    @Test
    void bindsUdpReceivesAndSendsDatagrams() throws IOException {
        t = node(NetworkPolicy.loopbackOnly());
        int port = NetFixture.freePort();
        try (var peer = new DatagramSocket(0, LOOPBACK)) {
            peer.setSoTimeout(5_000);
            publish(new NetFixture("net")
                    .call("bind", new NetworkCall.UdpBind("127.0.0.1", port))
                    .call("sendTo", new NetworkCall.UdpSendTo(1, "127.0.0.1", peer.getLocalPort(), new byte[] {7, 8}))
                    .call("close", new NetworkCall.UdpClose(1))
                    .call("tcpClose", new NetworkCall.TcpClose(1)));
            assertThat(call("bind")).isEqualTo("handle 1");
            await(() -> t.node.authorities().network().stats().openHandles() == 1, "bound");
            assertThat(call("sendTo")).isEqualTo("ok");
            var got = new DatagramPacket(new byte[16], 16);
            peer.receive(got);
            assertThat(got.getLength()).isEqualTo(2);
            assertThat(got.getPort()).isEqualTo(port);
            peer.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, new InetSocketAddress(LOOPBACK, port)));
            await(() -> variants().contains("UdpReceived"), "UdpReceived");
            var e = events(t, "net").getLast();
            assertThat(data(e)).containsExactly(1, 2, 3);
            assertThat(field(e, "peer_port")).isEqualTo(IntersticeValue.u32(peer.getLocalPort()));
            assertThat(call("tcpClose")).isEqualTo("err: handle 1 is a UDP socket: close it with udpClose");
            assertThat(call("close")).isEqualTo("ok");
            assertThat(call("close"))
                    .isIn("err: UDP socket 1 is already closed", "err: there is no open network handle 1");
        }
    }

    @Test
    void aConnectWhoseTlsHandshakeNeverCompletesFailsAtTheTimeout() throws IOException {
        t = node(NetworkPolicy.loopbackOnly().withLimits(new NetworkPolicy.Limits(64, 8, 16 * 1024, 1 << 20, 64, 300)));
        try (var silent = new ServerSocket(0, 5, LOOPBACK)) { // accepts TCP, never speaks TLS
            publish(new NetFixture("net")
                    .call(
                            "connect",
                            new NetworkCall.TcpConnect("127.0.0.1", silent.getLocalPort(), true, "localhost")));
            assertThat(call("connect")).isEqualTo("handle 1");
            try (Socket held = silent.accept()) {
                await(() -> variants().contains("ConnectFailed"), "ConnectFailed after the 300 ms timeout");
                assertThat(held.isClosed()).isFalse(); // the node gave up, not the peer
            }
        }
        assertThat(variants()).doesNotContain("Connected");
        await(() -> t.node.authorities().network().stats().openHandles() == 0, "the handle to be released");
    }

    @Test
    void thePolicyRefusesAddressesOutsideItNamingTheRule() {
        t = node(new NetworkPolicy(
                List.of(new NetworkPolicy.Rule(InetAddress.ofLiteral("127.0.0.2"), 32, 0)),
                NetworkPolicy.Rule.loopback(),
                List.of(),
                NetworkPolicy.Limits.defaults()));
        publish(new NetFixture("net")
                .call("far", new NetworkCall.TcpConnect("10.1.2.3", 80, false, ""))
                .call("wide", new NetworkCall.TcpListen("0.0.0.0", 8080))
                .call("udpWide", new NetworkCall.UdpBind("0.0.0.0", 0))
                .call("byName", new NetworkCall.TcpConnect("localhost", 80, false, "")));
        assertThat(call("far"))
                .isEqualTo("err: connecting to 10.1.2.3 port 80 is refused by this node's network policy (egress"
                        + " allowed to: 127.0.0.2/32; the node's operator can allow more with --allow-egress)");
        assertThat(call("wide"))
                .startsWith("err: listening on 0.0.0.0 port 8080 is refused by this node's network policy"
                        + " (listening allowed on: 127.0.0.0/8");
        assertThat(call("udpWide")).startsWith("err: binding UDP on 0.0.0.0 port 0 is refused");
        // a name is resolved on the node and the policy checked on its addresses: localhost is not 127.0.0.2
        assertThat(call("byName")).isEqualTo("handle 1");
        await(() -> variants().contains("ConnectFailed"), "ConnectFailed");
        assertThat(field(events(t, "net").getLast(), "error").toString())
                .contains("is refused by this node's network policy");
    }

    @Test
    void nothingLeavesTheNodeWhenTheTransactionIsDropped() throws IOException {
        t = node(small(4, 1024, 1 << 20, 1));
        try (var server = new ServerSocket(0, 5, LOOPBACK)) {
            server.setSoTimeout(300);
            publish(new NetFixture("net")
                    .callThenTrap(
                            "connectAndTrap", new NetworkCall.TcpConnect("127.0.0.1", server.getLocalPort(), false, ""))
                    .call("connect", new NetworkCall.TcpConnect("127.0.0.1", server.getLocalPort(), false, "")));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.node.call("net", "connectAndTrap", List.of()))
                    .hasMessageContaining("trap");
            assertThat(t.node.authorities().network().stats().openHandles()).isZero(); // its handle was given back
            // the handle limit is 1: the dropped connect holds none, so this one gets through
            assertThat(call("connect")).isEqualTo("handle 2");
            try (Socket s = server.accept()) {
                await(() -> variants().contains("Connected"), "Connected");
            }
            server.setSoTimeout(300);
            org.assertj.core.api.Assertions.assertThatThrownBy(server::accept)
                    .isInstanceOf(java.net.SocketTimeoutException.class); // the dropped connect never happened
        }
    }

    @Test
    void handlesAndSendQueuesAreLimited() throws IOException {
        t = node(small(4, 1024, 8, 1));
        try (var server = new ServerSocket(0, 5, LOOPBACK)) {
            int port = server.getLocalPort();
            publish(new NetFixture("net")
                    .call("connect", new NetworkCall.TcpConnect("127.0.0.1", port, false, ""))
                    .call("big", new NetworkCall.TcpSend(1, new byte[9]))
                    .call("unknown", new NetworkCall.TcpSend(9, new byte[1])));
            assertThat(call("connect")).isEqualTo("handle 1");
            assertThat(call("connect"))
                    .isEqualTo("err: too many open network handles (the limit is 1): close some first");
            assertThat(call("big"))
                    .isEqualTo("err: the send queue of connection 1 is full (0 bytes waiting, the limit is 8): wait"
                            + " until the peer has read some");
            assertThat(call("unknown")).isEqualTo("err: there is no open network handle 9");
        }
    }

    @Test
    void aFloodIntoASlowOrTrappingHandlerStaysBoundedByTheReceiveWindow() throws Exception {
        int window = 2;
        int chunk = 256;
        t = node(small(window, chunk, 1 << 20, 4));
        try (var server = new ServerSocket(0, 5, LOOPBACK)) {
            publish(new NetFixture("net")
                    .call("connect", new NetworkCall.TcpConnect("127.0.0.1", server.getLocalPort(), false, "")));
            call("connect");
            try (Socket peer = server.accept()) {
                var flood = Thread.ofVirtual().start(() -> {
                    try {
                        byte[] block = new byte[64 << 10];
                        for (int i = 0; i < 512; i++) peer.getOutputStream().write(block); // 32 MiB
                    } catch (IOException ignored) {
                        // the node closes when the test ends
                    }
                });
                await(() -> events(t, "net").size() > 100, "100 deliveries");
                var stats = t.node.authorities().network().stats();
                assertThat(stats.peakUndeliveredBytes()).isLessThanOrEqualTo((long) window * chunk);
                assertThat(stats.undeliveredEvents()).isLessThanOrEqualTo(window + 1);
                assertThat(flood.isAlive()).isTrue(); // the peer is held back (32 MiB exceed any socket buffers)
            }
        }
    }

    @Test
    void aDatagramFloodIsDroppedAndCountedBeyondTheQueue() throws IOException {
        t = node(small(2, 1024, 1 << 20, 4)); // datagramQueue 4
        int port = NetFixture.freePort();
        // a slow handler: a busy loop before logging each event
        String slow = "(block $d (loop $l (br_if $d (i32.eqz (global.get $spin)))"
                + " (global.set $spin (i32.sub (global.get $spin) (i32.const 1))) (br $l)))"
                + " (global.set $spin (i32.const 2000000))";
        var f = new NetFixture("net", slow).call("bind", new NetworkCall.UdpBind("127.0.0.1", port));
        publish(f);
        call("bind");
        await(() -> t.node.authorities().network().stats().openHandles() == 1, "bound");
        try (var peer = new DatagramSocket(0, LOOPBACK)) {
            var to = new InetSocketAddress(LOOPBACK, port);
            for (int i = 0; i < 500; i++) peer.send(new DatagramPacket(new byte[] {(byte) i}, 1, to));
        }
        await(() -> t.node.authorities().network().stats().droppedDatagrams() > 0, "a dropped datagram");
        var stats = t.node.authorities().network().stats();
        assertThat(stats.undeliveredEvents()).isLessThanOrEqualTo(4);
        assertThat(stats.peakUndeliveredBytes()).isLessThanOrEqualTo(4);
    }

    @Test
    void closingTheNodeClosesItsSockets() throws IOException {
        t = node(NetworkPolicy.loopbackOnly());
        int port = NetFixture.freePort();
        publish(new NetFixture("net").call("listen", new NetworkCall.TcpListen("127.0.0.1", port)));
        call("listen");
        try (Socket client = connectWithRetry(port)) {
            await(() -> variants().contains("Accepted"), "Accepted");
            t.node.close();
            client.setSoTimeout(5_000);
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
        try (var again = new ServerSocket()) {
            again.bind(new InetSocketAddress(LOOPBACK, port)); // the listener's port is free again
        }
    }

    @Test
    void aRemovedOrReplacedModuleLosesItsSockets() throws IOException {
        t = node(NetworkPolicy.loopbackOnly());
        int port = NetFixture.freePort();
        var f = new NetFixture("net").call("listen", new NetworkCall.TcpListen("127.0.0.1", port));
        publish(f);
        call("listen");
        try (Socket client = connectWithRetry(port)) {
            await(() -> variants().contains("Accepted"), "Accepted");
            t.node.publish("net.wasm", f.build(), false); // a new version
            client.setSoTimeout(5_000);
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(call("listen")).isEqualTo("handle 3"); // the new version can listen on the port again
        try (Socket client = connectWithRetry(port)) {
            await(() -> variants().stream().filter("Accepted"::equals).count() == 2, "second Accepted");
            t.node.remove("net");
            client.setSoTimeout(5_000);
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(t.node.authorities().network().stats().openHandles()).isZero();
    }

    static Socket connectWithRetry(int port) throws IOException {
        IOException last = null;
        for (int i = 0; i < 200; i++) {
            try {
                return new Socket(LOOPBACK, port);
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    throw new IOException(ie);
                }
            }
        }
        throw last;
    }
}
