package dev.interstice.network;

import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.network.wire.Frames;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.runtime.node.NodeConfig;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Oversized and malformed frames close only their connection; silent peers hit deadlines; versions are checked. */
@Timeout(60)
class HostileInputTest {
    NetNode n;

    @BeforeEach
    void start() {
        n = new NetNode("target", NodeConfig.inMemory(), 0, c -> c.withMaxFrameBytes(64 * 1024));
        n.t.node.load(Fixtures.bank().build());
    }

    @AfterEach
    void stop() {
        n.close();
    }

    private Socket raw() throws IOException {
        var s = new Socket("127.0.0.1", n.server.port());
        s.setSoTimeout(5000);
        return s;
    }

    private static void hello(Socket s, int major) throws IOException {
        Frames.write(
                s.getOutputStream(),
                MessageCodec.encode(new Message.Hello(major, 0, Message.Role.CLIENT, "", "", new byte[32])));
        s.getOutputStream().flush();
    }

    /** Reads frames until the node closes the connection; returns the messages seen. */
    private static List<Message> drain(Socket s) throws Exception {
        var out = new java.util.ArrayList<Message>();
        InputStream in = s.getInputStream();
        try {
            while (true) {
                byte[] b = Frames.read(in, Integer.MAX_VALUE);
                if (b == null) return out;
                out.add(MessageCodec.decode(b));
            }
        } catch (java.net.SocketException | EOFException e) {
            return out;
        }
    }

    /** What a node sends before closing a connection that broke the protocol (the Closing may be lost to a reset). */
    private static void assertOnlyWelcomeAndClosing(List<Message> seen) {
        assertThat(seen.size()).isLessThanOrEqualTo(2);
        if (!seen.isEmpty()) assertThat(seen.getFirst()).isInstanceOf(Message.Welcome.class);
        if (seen.size() == 2) assertThat(seen.get(1)).isInstanceOf(Message.Closing.class);
    }

    private void stillServes() {
        try (var c = n.client()) {
            assertThat(c.query("bank", "total", List.of())).isEqualTo(u64(42));
        }
    }

    @Test
    void anOversizedFrameClosesOnlyItsConnection() throws Exception {
        try (var other = n.client();
                Socket s = raw()) {
            hello(s, MessageCodec.MAJOR);
            var out = new DataOutputStream(s.getOutputStream());
            out.writeInt(1 << 30); // announces 1 GiB: refused before anything is allocated
            out.flush();
            assertOnlyWelcomeAndClosing(drain(s));
            assertThat(other.query("bank", "total", List.of()))
                    .as("other connections unaffected")
                    .isEqualTo(u64(42));
        }
        stillServes();
    }

    @Test
    void garbageClosesTheConnection() throws Exception {
        var random = new Random(42);
        // garbage instead of a handshake
        try (Socket s = raw()) {
            byte[] junk = new byte[300];
            random.nextBytes(junk);
            junk[0] = 0; // a plausible small length
            s.getOutputStream().write(junk);
            s.getOutputStream().flush();
            assertThat(drain(s)).allSatisfy(m -> assertThat(m).isInstanceOf(Message.Closing.class));
        }
        // a well-framed but undecodable request after the handshake
        try (Socket s = raw()) {
            hello(s, MessageCodec.MAJOR);
            Frames.write(
                    s.getOutputStream(),
                    new byte[] {12, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F});
            s.getOutputStream().flush();
            assertOnlyWelcomeAndClosing(drain(s));
        }
        // an empty frame
        try (Socket s = raw()) {
            hello(s, MessageCodec.MAJOR);
            new DataOutputStream(s.getOutputStream()).writeInt(0);
            assertOnlyWelcomeAndClosing(drain(s));
        }
        // a reply where requests are expected
        try (Socket s = raw()) {
            hello(s, MessageCodec.MAJOR);
            Frames.write(s.getOutputStream(), MessageCodec.encode(new Message.Ok(1)));
            List<Message> seen = drain(s);
            assertOnlyWelcomeAndClosing(seen);
            assertThat(seen)
                    .last()
                    .isInstanceOfSatisfying(
                            Message.Closing.class, c -> assertThat(c.reason()).contains("unexpected message type 30"));
        }
        stillServes();
        NetNode.await("sessions closed", () -> n.server.connections() == 0);
    }

    @Test
    void anotherMajorVersionIsRefusedClearly() throws Exception {
        try (Socket s = raw()) {
            hello(s, MessageCodec.MAJOR + 1);
            List<Message> seen = drain(s);
            assertThat(seen)
                    .hasSize(1)
                    .first()
                    .isInstanceOfSatisfying(
                            Message.Reject.class,
                            r -> assertThat(r.reason())
                                    .contains("protocol version " + (MessageCodec.MAJOR + 1) + ".0 is not supported")
                                    .contains("speaks version " + MessageCodec.MAJOR));
        }
        stillServes();
    }

    @Test
    void aSilentNodeMakesRequestsFailAtTheirDeadline() throws Exception {
        try (var silent = new ServerSocket(0)) {
            // accepts, answers the handshake, then reads requests and never replies
            Thread.startVirtualThread(() -> {
                try (Socket s = silent.accept()) {
                    var in = s.getInputStream();
                    Frames.read(in, 1 << 20);
                    Frames.write(
                            s.getOutputStream(),
                            MessageCodec.encode(new Message.Welcome(
                                    MessageCodec.MAJOR, 0, "silent-id", "silent", new byte[32], 1 << 20, 16)));
                    s.getOutputStream().flush();
                    while (Frames.read(in, 1 << 20) != null) {
                        /* swallow */
                    }
                } catch (Exception ignored) {
                    // test over
                }
            });
            var opts = NodeClient.Options.client().withRequestTimeout(Duration.ofMillis(300));
            try (var c = NodeClient.connect("127.0.0.1:" + silent.getLocalPort(), opts)) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> c.call("bank", "record", List.of(), false))
                        .isInstanceOfSatisfying(
                                NetworkException.class,
                                e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.TIMEOUT))
                        .hasMessageContaining("no reply")
                        .hasMessageContaining("300 ms");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
                assertThat(c.inFlight()).isZero();
            }
        }
    }

    @Test
    void aNodeThatNeverShakesHandsFailsTheConnect() throws Exception {
        try (var mute = new ServerSocket(0)) {
            Thread.startVirtualThread(() -> {
                try (Socket s = mute.accept()) {
                    new DataInputStream(s.getInputStream()).readAllBytes();
                } catch (IOException ignored) {
                    // test over
                }
            });
            var opts = NodeClient.Options.client().withConnectTimeout(Duration.ofMillis(300));
            assertThatThrownBy(() -> NodeClient.connect("127.0.0.1:" + mute.getLocalPort(), opts))
                    .isInstanceOfSatisfying(
                            NetworkException.class,
                            e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.PROTOCOL))
                    .hasMessageContaining("handshake");
        }
    }

    @Test
    void unreachableAddressesFailClearly() throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> NodeClient.connect("127.0.0.1:" + port, NodeClient.Options.client()))
                .isInstanceOfSatisfying(
                        NetworkException.class, e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.UNREACHABLE))
                .hasMessageContaining("cannot reach 127.0.0.1:" + port);
        assertThatThrownBy(() -> NodeClient.connect("nonsense", NodeClient.Options.client()))
                .isInstanceOfSatisfying(
                        NetworkException.class, e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.UNREACHABLE))
                .hasMessageContaining("host:port");
    }

    @Test
    void aLostConnectionFailsRequestsInFlight() throws Exception {
        try (var silent = new ServerSocket(0)) {
            Thread.startVirtualThread(() -> {
                try (Socket s = silent.accept()) {
                    var in = s.getInputStream();
                    Frames.read(in, 1 << 20);
                    Frames.write(
                            s.getOutputStream(),
                            MessageCodec.encode(
                                    new Message.Welcome(MessageCodec.MAJOR, 0, "x", "x", new byte[32], 1 << 20, 16)));
                    s.getOutputStream().flush();
                    Frames.read(in, 1 << 20); // the request, then hang up
                } catch (Exception ignored) {
                    // test over
                }
            });
            try (var c = NodeClient.connect("127.0.0.1:" + silent.getLocalPort(), NodeClient.Options.client())) {
                assertThatThrownBy(() -> c.call("bank", "record", List.of(), false))
                        .isInstanceOfSatisfying(
                                NetworkException.class,
                                e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.CONNECTION_LOST))
                        .hasMessageContaining("outcome");
            }
        }
    }
}
