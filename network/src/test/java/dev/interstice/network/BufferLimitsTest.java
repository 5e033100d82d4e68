package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.value.Row;
import dev.interstice.network.wire.Frames;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.runtime.node.NodeConfig;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a connection may make the node hold: handshake frames, slow bodies, replies that are never read. */
@Timeout(60)
class BufferLimitsTest {

    static NetNode node(UnaryOperator<NetworkConfig> tweak) {
        var n = new NetNode("target", NodeConfig.inMemory(), 0, tweak);
        n.t.node.load(Fixtures.big().build());
        n.t.node.load(Fixtures.bank().build());
        return n;
    }

    static Socket raw(NetNode n) throws IOException {
        var s = new Socket("127.0.0.1", n.server.port());
        s.setSoTimeout(5000);
        return s;
    }

    static void hello(Socket s) throws IOException {
        Frames.write(
                s.getOutputStream(),
                MessageCodec.encode(new Message.Hello(
                        MessageCodec.MAJOR, MessageCodec.MINOR, Message.Role.CLIENT, "", "", new byte[32])));
        s.getOutputStream().flush();
    }

    /** Reads frames until the node closes the connection; returns the messages seen. */
    static List<Message> drain(Socket s) throws Exception {
        var out = new ArrayList<Message>();
        try {
            byte[] b;
            while ((b = Frames.read(s.getInputStream(), Integer.MAX_VALUE)) != null) out.add(MessageCodec.decode(b));
        } catch (SocketException | EOFException e) {
            // closed
        }
        return out;
    }

    @Test
    void beforeTheHandshakeOnlyASmallFrameIsAccepted() throws Exception {
        try (var n = node(c -> c);
                Socket s = raw(n)) {
            new DataOutputStream(s.getOutputStream())
                    .writeInt(1 << 20); // a 1 MiB "Hello": refused before its body arrives
            List<Message> seen = drain(s);
            assertThat(seen)
                    .singleElement()
                    .isInstanceOfSatisfying(
                            Message.Closing.class,
                            c -> assertThat(c.reason()).contains("exceeds the maximum of 65536 bytes"));
        }
    }

    @Test
    void aFrameWhoseBodyTricklesInIsCutOff() throws Exception {
        try (var n = node(c -> c.withFrameBodyTimeout(Duration.ofMillis(300)));
                Socket s = raw(n)) {
            hello(s);
            var out = new DataOutputStream(s.getOutputStream());
            out.writeInt(100_000);
            out.write(new byte[10]); // then nothing more
            out.flush();
            List<Message> seen = drain(s);
            assertThat(seen.getFirst()).isInstanceOf(Message.Welcome.class);
            assertThat(seen)
                    .last()
                    .isInstanceOfSatisfying(
                            Message.Closing.class,
                            c -> assertThat(c.reason()).contains("did not arrive within 300 ms"));
            NetNode.await("the session ended", () -> n.server.connections() == 0);
            assertThat(n.server.bufferedBytes())
                    .as("its reservation was given back")
                    .isZero();
        }
    }

    /**
     * A client pipelines many GetRows of a large table and never reads: the node holds one rows reply for it at a time
     * (row references and a chunk, not 64 encoded copies of the table), serves others meanwhile, and disconnects it
     * once its writer made no progress for the stall timeout.
     */
    @Test
    void aClientThatNeverReadsItsRepliesHoldsLittleAndIsDisconnected() throws Exception {
        long share = 1 << 20;
        try (var n = node(c -> c.withConnectionBufferBytes(share).withWriteStallTimeout(Duration.ofSeconds(1)))) {
            for (int i = 0; i < 20; i++) n.t.node.call("big", "fill", List.of()); // 2000 rows, about 1.2 MB
            List<Row> rows = n.t.node.rows("big", "blobs");
            try (var s = new Socket()) {
                s.setReceiveBufferSize(4096);
                s.connect(new java.net.InetSocketAddress("127.0.0.1", n.server.port()));
                hello(s);
                for (int i = 1; i <= 64; i++)
                    Frames.write(s.getOutputStream(), MessageCodec.encode(new Message.GetRows(i, "big", "blobs")));
                s.getOutputStream().flush();
                long most = 0;
                try (var other = n.client()) {
                    long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                    while (n.server.connections() > 1) {
                        assertThat(System.nanoTime())
                                .as("the non-reader is disconnected")
                                .isLessThan(until);
                        most = Math.max(most, n.server.bufferedBytes());
                        assertThat(other.rows("big", "blobs"))
                                .as("others are served meanwhile")
                                .isEqualTo(rows);
                    }
                    assertThat(most).as("bytes held for the non-reader").isLessThanOrEqualTo(share);
                    other.call("bank", "record", List.of(), false);
                }
            }
            NetNode.await("everything given back", () -> n.server.bufferedBytes() == 0);
        }
    }
}
