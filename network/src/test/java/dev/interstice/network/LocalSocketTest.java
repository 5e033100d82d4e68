package dev.interstice.network;

import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.runtime.node.NodeConfig;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The node's local socket: CLI commands on this machine without TLS, the same credentials, TCP as the fallback. */
@Timeout(60)
class LocalSocketTest {
    @TempDir
    Path dir;

    /** A node that refuses plaintext over TCP (as every 'node start' node), with a local socket at {@code socket}. */
    private static NetNode node(Path socket) {
        return new NetNode(
                "local",
                NodeConfig.inMemory(),
                0,
                c -> c.withInsecureLoopback(false).withLocalSocket(socket));
    }

    /** An address where nothing listens: a connection that works there went through the local socket. */
    private static String nothingListens() throws Exception {
        try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    private static NodeClient.Options through(Path socket) {
        return NodeClient.Options.client()
                .withPlaintextOnLoopback(false)
                .withConnectTimeout(Duration.ofSeconds(2))
                .withLocalSocket(socket);
    }

    @Test
    void commandsGoThroughThePrivateSocketWithoutTlsButWithTheCredential() throws Exception {
        Path socket = dir.resolve("node.sock");
        try (var n = node(socket)) {
            n.t.node.load(Fixtures.bank().build());
            assertThat(n.server.localSocket()).isEqualTo(socket.toAbsolutePath());
            assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            try (var c = NodeClient.connect(nothingListens(), through(socket).withAdminToken(n.token))) {
                assertThat(c.local()).isTrue();
                assertThat(c.encrypted()).isFalse();
                assertThat(c.isAdmin()).isTrue();
                assertThat(c.nodeId()).isEqualTo(n.t.node.id());
                assertThat(c.ping()).isNotNull();
                c.call("bank", "record", List.of(), true);
                assertThat(c.rows("bank", "ledger")).containsExactly(Fixtures.ENTRY);
                assertThat(c.query("bank", "total", List.of())).isEqualTo(u64(42));
            }
            // the node's own address with the socket: still the socket
            try (var c = NodeClient.connect(n.address(), through(socket))) {
                assertThat(c.local()).isTrue();
                assertThat(c.isAdmin()).isFalse();
            }
        }
    }

    @Test
    void aWrongCredentialIsRefusedOverTheSocketAsOverTcp() {
        Path socket = dir.resolve("node.sock");
        try (var n = node(socket)) {
            assertThatThrownBy(() ->
                            NodeClient.connect(n.address(), through(socket).withAdminToken(AdminToken.random())))
                    .isInstanceOfSatisfying(
                            NetworkException.class,
                            e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.UNAUTHORIZED));
        }
    }

    @Test
    void aMissingOrUnusableSocketFallsBackToTcpAndTls() throws Exception {
        try (var n = node(dir.resolve("node.sock"))) {
            // no file
            try (var c = NodeClient.connect(
                    n.address(), through(dir.resolve("absent.sock")).withAdminToken(n.token))) {
                assertThat(c.local()).isFalse();
                assertThat(c.encrypted()).isTrue();
                assertThat(c.isAdmin()).isTrue();
            }
            // a socket file nobody listens on (a crashed node's)
            Path stale = staleSocket(dir.resolve("stale.sock"));
            try (var c = NodeClient.connect(n.address(), through(stale))) {
                assertThat(c.local()).isFalse();
                assertThat(c.encrypted()).isTrue();
            }
            // not a socket at all
            Path plain = Files.writeString(dir.resolve("plain.sock"), "not a socket");
            try (var c = NodeClient.connect(n.address(), through(plain))) {
                assertThat(c.local()).isFalse();
            }
        }
    }

    @Test
    void aSocketThatNeverAnswersFallsBackToTcpAtTheHandshakeTimeout() throws Exception {
        try (var n = node(dir.resolve("node.sock"));
                var mute = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            Path socket = dir.resolve("mute.sock");
            mute.bind(UnixDomainSocketAddress.of(socket)); // connections wait in its backlog, never answered
            long start = System.nanoTime();
            try (var c = NodeClient.connect(n.address(), through(socket).withConnectTimeout(Duration.ofMillis(500)))) {
                assertThat(c.local()).isFalse();
                assertThat(c.encrypted()).isTrue();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void whatACrashedNodeLeftIsReplacedAtStartAndTheSocketIsDeletedAtClose() throws Exception {
        Path socket = staleSocket(dir.resolve("node.sock"));
        var n = node(socket);
        try (n) {
            assertThat(n.server.localSocket()).isNotNull();
            try (var c = NodeClient.connect(nothingListens(), through(socket))) {
                assertThat(c.local()).isTrue();
            }
        }
        assertThat(socket).doesNotExist();
        assertThat(dir.resolve("node.sock.new")).doesNotExist();

        Files.writeString(socket, "left over"); // a regular file where the socket goes: replaced as well
        try (var again = node(socket)) {
            try (var c = NodeClient.connect(nothingListens(), through(socket))) {
                assertThat(c.local()).isTrue();
            }
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void aSocketAnotherNodeServesIsLeftAloneAndTcpServesEverything() throws Exception {
        Path socket = dir.resolve("node.sock");
        try (var first = node(socket)) {
            var second = node(socket);
            assertThat(second.server.localSocket()).isNull();
            try (var c = NodeClient.connect(nothingListens(), through(socket))) {
                assertThat(c.local()).isTrue();
                assertThat(c.nodeId()).isEqualTo(first.t.node.id());
            }
            try (var c = NodeClient.connect(second.address(), NodeClient.Options.client())) {
                assertThat(c.nodeId()).isEqualTo(second.t.node.id());
            }
            second.close();
            assertThat(socket).exists(); // still the first node's
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void aPathTooLongForAUnixSocketIsSkippedAndTcpStillWorks() throws Exception {
        Path deep = Files.createDirectories(dir.resolve("d".repeat(60)).resolve("e".repeat(60)));
        Path socket = deep.resolve("node.sock");
        try (var n = node(socket)) {
            assertThat(n.server.localSocket()).isNull();
            assertThat(socket).doesNotExist();
            try (var c = NodeClient.connect(n.address(), through(socket))) {
                assertThat(c.local()).isFalse();
                assertThat(c.encrypted()).isTrue();
            }
        }
    }

    @Test
    void aLocalConnectionThatNeverSaysHelloIsClosedAtTheHandshakeTimeout() throws Exception {
        Path socket = dir.resolve("node.sock");
        try (var n = node(socket);
                var silent = LocalSocket.connect(socket)) {
            long start = System.nanoTime();
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        }
    }

    /** A socket file whose listener is gone, as a crashed node leaves it. */
    private static Path staleSocket(Path p) throws Exception {
        try (var ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(p));
        }
        assertThat(p).exists();
        return p;
    }
}
