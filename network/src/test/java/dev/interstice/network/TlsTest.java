package dev.interstice.network;

import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.network.wire.Frames;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.node.NodeIdentity;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TLS 1.3 on every connection, trust by key, and plaintext only where a node allows it (loopback to loopback). */
@Timeout(60)
class TlsTest {
    /** A node that refuses plaintext (the default outside examples). */
    private static NetNode tlsOnly(String name) {
        return new NetNode(name, NodeConfig.inMemory(), 0, c -> c.withInsecureLoopback(false));
    }

    @Test
    void aClientTalksToANodeOverTlsAndSeesItsKey() {
        try (var n = tlsOnly("secure")) {
            n.t.node.load(Fixtures.bank().build());
            // the default client tries plaintext on loopback, is refused, and asks again with TLS
            try (var c =
                    NodeClient.connect(n.address(), NodeClient.Options.client().withAdminToken(n.token))) {
                assertThat(c.encrypted()).isTrue();
                assertThat(c.keyFingerprint()).isEqualTo(n.t.node.identity().fingerprint());
                assertThat(c.nodeId()).isEqualTo(n.t.node.identity().id());
                assertThat(c.isAdmin()).isTrue();
                assertThat(c.query("bank", "total", List.of())).isEqualTo(u64(42));
            }
            var pinned = NodeClient.Options.client()
                    .withPlaintextOnLoopback(false)
                    .withPinnedKey(n.t.node.identity().fingerprint());
            try (var c = NodeClient.connect(n.address(), pinned)) {
                assertThat(c.encrypted()).isTrue();
                assertThat(c.query("bank", "total", List.of())).isEqualTo(u64(42));
            }
        }
    }

    @Test
    void plaintextIsServedOnLoopbackOnlyWhenTheNodeAllowsIt() throws Exception {
        try (var n = tlsOnly("secure")) {
            try (var c = RawConnection.hello(n.server.port(), Message.Role.CLIENT, "", "")) {
                assertThat(c.drain())
                        .singleElement()
                        .isInstanceOfSatisfying(
                                Message.Reject.class,
                                r -> assertThat(r.reason())
                                        .startsWith("plaintext connections are refused")
                                        .contains("--insecure-loopback"));
            }
        }
        try (var n = new NetNode("relaxed")) { // test nodes allow plaintext on loopback
            try (var c = NodeClient.connect(n.address(), NodeClient.Options.client())) {
                assertThat(c.encrypted()).isFalse();
                assertThat(c.keyFingerprint()).isNull();
            }
            try (var c =
                    NodeClient.connect(n.address(), NodeClient.Options.client().withPlaintextOnLoopback(false))) {
                assertThat(c.encrypted()).isTrue();
            }
        }
    }

    @Test
    void plaintextIsAllowedFromLoopbackToLoopbackOnly() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        InetAddress lo6 = InetAddress.getByName("::1");
        InetAddress lan = InetAddress.getByName("10.0.0.7");
        InetAddress pub = InetAddress.getByName("203.0.113.5");
        assertThat(Tls.plaintextAllowed(lo, lo, true)).isTrue();
        assertThat(Tls.plaintextAllowed(lo6, lo6, true)).isTrue();
        assertThat(Tls.plaintextAllowed(lo, lo, false))
                .as("the node does not allow it")
                .isFalse();
        assertThat(Tls.plaintextAllowed(lan, lan, true)).isFalse();
        assertThat(Tls.plaintextAllowed(lo, lan, true)).as("from the LAN").isFalse();
        assertThat(Tls.plaintextAllowed(lan, lo, true)).isFalse();
        assertThat(Tls.plaintextAllowed(pub, pub, true)).isFalse();
    }

    @Test
    void aNodeWithAnotherKeyThanThePinnedOneIsRefused() {
        String expected = NodeIdentity.generate().fingerprint();
        try (var n = tlsOnly("impostor")) {
            var opts = NodeClient.Options.client().withPinnedKey(expected);
            assertThatThrownBy(() -> NodeClient.connect(n.address(), opts))
                    .isInstanceOfSatisfying(NetworkException.class, e -> {
                        assertThat(e.errorKind()).isEqualTo(ErrorKind.PROTOCOL);
                        assertThat(e.getCause()).isInstanceOfSatisfying(NodeKeyChangedException.class, k -> {
                            assertThat(k.expected()).isEqualTo(expected);
                            assertThat(k.actual()).isEqualTo(n.t.node.identity().fingerprint());
                        });
                    })
                    .hasMessageContaining("has changed")
                    .hasMessageContaining(expected)
                    .hasMessageContaining(n.t.node.identity().fingerprint());
            assertThat(n.server.connections()).isZero();
        }
    }

    @Test
    void aNodeClaimingAnotherNodesIdInItsWelcomeIsRefused() throws Exception {
        var key = NodeIdentity.generate();
        String victim = NodeIdentity.generate().id();
        try (var fake = new ServerSocket(0)) {
            Thread.startVirtualThread(() -> {
                try (Socket raw = fake.accept()) {
                    Socket s = new ServerTransport(key, false).open(raw, 5000).socket();
                    Frames.read(s.getInputStream(), 1 << 16);
                    Frames.write(
                            s.getOutputStream(),
                            MessageCodec.encode(new Message.Welcome(
                                    MessageCodec.MAJOR, 0, victim, "victim", new byte[32], 1 << 20, 16)));
                    s.getOutputStream().flush();
                    s.getInputStream().read();
                } catch (Exception ignored) {
                    // test over
                }
            });
            var opts = NodeClient.Options.client().asPeer(NodeIdentity.generate(), "me");
            assertThatThrownBy(() -> NodeClient.connect("127.0.0.1:" + fake.getLocalPort(), opts))
                    .isInstanceOf(NetworkException.class)
                    .hasMessageContaining("says it is " + victim)
                    .hasMessageContaining("its key is that of node " + key.id());
        }
    }

    @Test
    void nodesLinkWithMutualTlsWhenNeitherAcceptsPlaintext() {
        try (var bank = tlsOnly("bank-node");
                var app = tlsOnly("app-node")) {
            bank.t.node.load(Fixtures.bank().build());
            app.t.node.load(Fixtures.caller(bank.address()));
            app.asksTheBank();
            app.t.node.call("caller", "pay", List.of());
            NetNode.await(
                    "the remote call to commit",
                    () -> bank.t.node.rows("bank", "ledger").size() == 1);
        }
    }
}
