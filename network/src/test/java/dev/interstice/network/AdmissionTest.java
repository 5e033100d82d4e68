package dev.interstice.network;

import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Who gets a connection when many are open: limits in all and per address, the admin reserve, idle connections. */
@Timeout(60)
class AdmissionTest {
    final List<AutoCloseable> open = new ArrayList<>();
    NetNode n;

    private NetNode node(String name, UnaryOperator<NetworkConfig> tweak) {
        n = new NetNode(name, NodeConfig.inMemory(), 0, tweak);
        n.t.node.load(Fixtures.bank().build());
        return n;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
        if (n != null) n.close();
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    /** A handshaked connection that then says nothing. */
    private RawConnection silent() throws Exception {
        var c = keep(RawConnection.hello(n.server.port(), Message.Role.CLIENT, "", ""));
        assertThat(c.read()).isInstanceOf(Message.Welcome.class);
        return c;
    }

    private NodeClient admin() {
        return keep(NodeClient.connect(n.address(), NodeClient.Options.client().withAdminToken(n.token)));
    }

    @Test
    void aFullNodeLetsTheAdminInAndTellsEveryoneElseWhy() throws Exception {
        node("full", c -> c.withMaxConnections(16).withAdminReserve(2));
        var quiet = new ArrayList<RawConnection>();
        for (int i = 0; i < 16; i++) quiet.add(silent());
        NetNode.await("16 connections", () -> n.server.connections() == 16);
        String full = "node 'full' is full: 16 connections open (16 from 127.0.0.1)";

        // a client let in through the admin reserve is told why at its first request, then closed
        try (var c = NodeClient.connect(n.address(), NodeClient.Options.client())) {
            assertThatThrownBy(c::ping)
                    .isInstanceOfSatisfying(
                            NetworkException.class,
                            e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.UNAVAILABLE))
                    .hasMessageContaining(full)
                    .hasMessageContaining("only the admin may connect now");
            assertThat(c.closed().get(15, java.util.concurrent.TimeUnit.SECONDS))
                    .contains(full);
        }
        NetNode.await("its reserve slot freed", () -> n.server.connections() == 16);

        // the admin gets in and administers
        NodeClient admin = admin();
        assertThat(admin.publish("secret.wasm", Fixtures.secret().build(), false, Duration.ofSeconds(30))
                        .module())
                .isEqualTo("secret");
        admin.call("bank", "record", List.of(), false);
        assertThat(admin.rows("bank", "ledger")).hasSize(1);
        NodeClient second = admin();

        // node and reserve full: a Reject with the reason, which NodeClient shows
        try (var r = RawConnection.hello(n.server.port(), Message.Role.CLIENT, "", "")) {
            assertThat(r.drain())
                    .singleElement()
                    .isInstanceOfSatisfying(
                            Message.Reject.class, m -> assertThat(m.reason()).isEqualTo(full + "; try again later"));
        }
        assertThatThrownBy(() -> NodeClient.connect(
                        n.address(), NodeClient.Options.client().withAdminToken(n.token)))
                .isInstanceOfSatisfying(
                        NetworkException.class, e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.PROTOCOL))
                .hasMessageContaining("refused the connection: " + full);
        assertThatThrownBy(() -> NodeClient.connect(
                        n.address(), NodeClient.Options.client().withPlaintextOnLoopback(false)))
                .as("over TLS too")
                .hasMessageContaining("refused the connection: " + full);

        // a reserve slot held by someone who never authenticates is freed after the handshake timeout, with the reason
        second.close();
        NetNode.await("the second admin gone", () -> n.server.connections() == 17);
        try (var lingering = silent()) {
            assertThat(lingering.drain())
                    .singleElement()
                    .isInstanceOfSatisfying(
                            Message.Closing.class,
                            m -> assertThat(m.reason()).contains(full).contains("did not authenticate within 2 s"));
        }

        assertThat(admin.query("bank", "total", List.of())).isEqualTo(u64(42));
        quiet.getFirst().send(new Message.Ping(1));
        assertThat(quiet.getFirst().read())
                .as("the connections that filled the node are untouched")
                .isInstanceOf(Message.Pong.class);
    }

    @Test
    void oneAddressGetsOnlyItsShare() throws Exception {
        node(
                "shared",
                c -> c.withMaxConnections(16).withMaxConnectionsPerAddress(3).withAdminReserve(1));
        for (int i = 0; i < 3; i++) silent();
        NodeClient admin = admin(); // through the reserve
        admin.call("bank", "record", List.of(), false);
        try (var r = RawConnection.hello(n.server.port(), Message.Role.PEER, "some-node", "")) {
            assertThat(r.drain())
                    .singleElement()
                    .isInstanceOfSatisfying(
                            Message.Reject.class,
                            m -> assertThat(m.reason())
                                    .isEqualTo(
                                            "node 'shared' is full for 127.0.0.1: 3 connections open from that address (at most 3 per address); try again later"));
        }
        RawConnection other;
        try {
            other = keep(new RawConnection("127.0.0.2", n.server.port()));
        } catch (IOException e) {
            Assumptions.abort("127.0.0.2 is not a loopback address here: " + e.getMessage());
            return;
        }
        other.send(new Message.Hello(
                dev.interstice.network.wire.MessageCodec.MAJOR, 0, Message.Role.CLIENT, "", "", new byte[16]));
        assertThat(other.read()).as("another address still gets in").isInstanceOf(Message.Welcome.class);
        other.send(new Message.Query(1, "bank", "total", "", List.of()));
        assertThat(other.read())
                .isInstanceOfSatisfying(
                        Message.QueryResult.class, q -> assertThat(q.value()).isEqualTo(u64(42)));
    }

    @Test
    void aHandshakeTricklingInIsCutOffAtTheHandshakeTimeout() throws Exception {
        node("slow", c -> c.withHandshakeTimeout(Duration.ofSeconds(1)));
        try (var c = keep(new RawConnection(n.server.port()))) {
            var out = c.socket.getOutputStream();
            out.write(new byte[] {0, 0, 0, 100}); // a 100-byte Hello, then one byte every 100 ms: each read is in time
            out.flush();
            Thread.startVirtualThread(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        Thread.sleep(100);
                        out.write(1);
                        out.flush();
                    }
                } catch (Exception closed) {
                    // the node closed the connection
                }
            });
            assertThat(c.drain())
                    .singleElement()
                    .isInstanceOfSatisfying(
                            Message.Closing.class, m -> assertThat(m.reason()).isEqualTo("no handshake within 1 s"));
        }
        NetNode.await("the slot freed", () -> n.server.connections() == 0);
    }

    @Test
    void aConnectionSilentBeforeItsFirstByteIsClosedAtTheHandshakeTimeoutAndTheNodeLogsWhy() throws Exception {
        node("quiet", c -> c.withHandshakeTimeout(Duration.ofMillis(300)));
        try (var reasons = new CloseReasons()) {
            var c = keep(new RawConnection(n.server.port()));
            // nothing can be sent before the first byte (TLS or plaintext is not known yet): only the log says why
            assertThat(c.drain()).isEmpty();
            int port = c.socket.getLocalPort();
            NetNode.await(
                    "the node's reason",
                    () -> reasons.about(port).stream()
                            .anyMatch(l -> l.contains("did not arrive within the handshake timeout (300 ms)")));
        }
        NetNode.await("the slot freed", () -> n.server.connections() == 0);
    }

    /** Module "payer": node dependency "bank-node"; {@code pay} calls bank.record there; no subscriptions. */
    private static byte[] payer(String bankAddress) {
        var f = ModuleFixture.module("payer")
                .blob(
                        "pay",
                        TestNode.hostCall(new HostCall.CallReducer(
                                Selection.other("bank-node"),
                                Selection.other("bank"),
                                "record",
                                IntersticeValue.vec())))
                .reducer("pay", List.of(), List.of(), ModuleFixture.hostCallAndLog("pay"));
        return Fixtures.withNodeDependency(f, "bank-node", bankAddress);
    }

    @Test
    void idleConnectionsAreClosedButKeptAliveAndSubscribedOnesStay() throws Exception {
        UnaryOperator<NetworkConfig> shortIdle =
                c -> c.withIdleTimeout(Duration.ofMillis(500)).withKeepAlive(Duration.ofMillis(100));
        node("idle", shortIdle);
        try (var app = new NetNode("app", NodeConfig.inMemory(), 0, shortIdle)) {
            // a link between nodes without subscriptions: its keep-alive holds it open
            app.t.node.load(payer(n.address()));
            app.t.node.call("payer", "pay", List.of());
            NetNode.await(
                    "the remote call", () -> n.t.node.rows("bank", "ledger").size() == 1);
            var kept = keep(
                    NodeClient.connect(n.address(), NodeClient.Options.client().withKeepAlive(Duration.ofMillis(100))));
            var subscribed = silent();
            subscribed.send(new Message.Subscribe(7, "bank", "ledger", "", 0));
            assertThat(subscribed.read()).isInstanceOf(Message.Subscribed.class);

            var lapsed = keep(
                    NodeClient.connect(n.address(), NodeClient.Options.client().withKeepAlive(Duration.ZERO)));
            assertThat(lapsed.closed().get(15, java.util.concurrent.TimeUnit.SECONDS))
                    .contains("idle for 500 ms");
            try (var quiet =
                    silent()) { // opened after everything above: once it is closed, they all were idle long enough
                assertThat(quiet.drain())
                        .singleElement()
                        .isInstanceOfSatisfying(
                                Message.Closing.class,
                                m -> assertThat(m.reason())
                                        .isEqualTo(
                                                "idle for 500 ms (no request and no subscription); reconnect when needed"));
            }

            assertThat(kept.isOpen()).isTrue();
            assertThat(kept.query("bank", "total", List.of())).isEqualTo(u64(42));
            subscribed.send(new Message.Ping(8));
            assertThat(subscribed.read()).isInstanceOf(Message.Pong.class);
            assertThat(app.server.peers().stats().values())
                    .singleElement()
                    .satisfies(
                            s -> assertThat(s).containsEntry("connected", true).containsEntry("connects", 1));
        }
    }
}
