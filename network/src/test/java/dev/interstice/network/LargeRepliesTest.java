package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.network.wire.Frames;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.TestNode;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Rows, queries and subscription snapshots larger than one frame arrive complete, in parts (64 KiB frames here). */
@Timeout(60)
class LargeRepliesTest {
    static final int FRAME = 64 * 1024;

    /** A node with 64 KiB frames and about 180 KB of rows in big.blobs. */
    static NetNode bigNode(NodeConfig config, int port) {
        var n = new NetNode("big-node", config, port, c -> c.withMaxFrameBytes(FRAME));
        if (n.t.node.schema("big").isEmpty()) n.t.node.load(Fixtures.big().build());
        for (int i = 0; i < 3; i++) n.t.node.call("big", "fill", List.of());
        return n;
    }

    @Test
    void rowsLargerThanAFrameArriveComplete() throws Exception {
        try (var n = bigNode(NodeConfig.inMemory(), 0)) {
            rowsArriveComplete(n);
        }
    }

    private static void rowsArriveComplete(NetNode n) throws Exception {
        List<Row> expected = n.t.node.rows("big", "blobs");
        assertThat(expected).hasSize(300);
        try (var c = n.client()) {
            assertThat(c.rows("big", "blobs")).isEqualTo(expected);
            assertThat(c.rows("big", "blobs"))
                    .as("the connection goes on after a reply in parts")
                    .isEqualTo(expected);
        }
        // a client of protocol 1.0 cannot read parts: it gets today's error instead
        try (var s = new Socket("127.0.0.1", n.server.port())) {
            s.setSoTimeout(5000);
            Frames.write(
                    s.getOutputStream(),
                    MessageCodec.encode(
                            new Message.Hello(MessageCodec.MAJOR, 0, Message.Role.CLIENT, "", "", new byte[32])));
            Frames.write(s.getOutputStream(), MessageCodec.encode(new Message.GetRows(1, "big", "blobs")));
            assertThat(MessageCodec.decode(Frames.read(s.getInputStream(), FRAME)))
                    .isInstanceOf(Message.Welcome.class);
            assertThat(MessageCodec.decode(Frames.read(s.getInputStream(), FRAME)))
                    .isInstanceOfSatisfying(Message.Error.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
                        assertThat(e.message()).contains("cannot receive it in parts");
                    });
        }
    }

    @Test
    void aQueryResultLargerThanAFrameArrivesComplete() {
        try (var n = bigNode(NodeConfig.inMemory(), 0);
                var c = n.client()) {
            assertThat(c.query("big", "huge", List.of())).isEqualTo(IntersticeValue.str("x".repeat(Fixtures.HUGE)));
        }
    }

    @Test
    void aClientRefusesRepliesAboveItsMaximumAndGoesOn() {
        var opts = NodeClient.Options.client().withMaxReplyBytes(150_000);
        try (var n = bigNode(NodeConfig.inMemory(), 0);
                var c = NodeClient.connect(n.address(), opts)) {
            assertThatThrownBy(() -> c.rows("big", "blobs"))
                    .isInstanceOfSatisfying(
                            NetworkException.class,
                            e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.UNSUPPORTED))
                    .hasMessageContaining("the rows of big.blobs")
                    .hasMessageContaining("larger than this client's maximum of 150000 bytes");
            assertThat(c.query("big", "huge", List.of())).isEqualTo(IntersticeValue.str("x".repeat(Fixtures.HUGE)));
            assertThat(c.isOpen()).isTrue();
        }
    }

    /**
     * Node-to-node replication of a table larger than a frame: the first snapshot (the baseline) and, after the serving
     * node restarted with other rows, the second one both arrive whole — the subscriber is delivered exactly the deletes
     * of every baseline row and the inserts of every new one.
     */
    @Test
    void subscriptionSnapshotsLargerThanAFrameReplicate(@TempDir Path dir) throws Exception {
        var first = bigNode(NodeConfig.at(dir), 0);
        int port = first.server.port();
        String address = first.address();
        List<IntersticeValue> baseline = values(first.t.node.rows("big", "blobs"));
        try (var app = new NetNode("app-node", NodeConfig.inMemory(), 0, c -> c.withMaxFrameBytes(FRAME))) {
            app.t.node.load(Fixtures.mirror(address));
            NetNode.await("the subscription's first snapshot", () -> PeerTest.synced(app) == 1);
            first.close();
            NetNode.await("the disconnect", () -> !app.server.peers().isConnected(address));
            List<IntersticeValue> replaced;
            try (var offline = new TestNode(NodeConfig.at(dir))) {
                offline.node.call("big", "wipe", List.of());
                for (int i = 0; i < 3; i++) offline.node.call("big", "fill", List.of());
                replaced = values(offline.node.rows("big", "blobs"));
            }
            try (var second = new NetNode("big-node", NodeConfig.at(dir), port, c -> c.withMaxFrameBytes(FRAME))) {
                rowsArriveComplete(second);
                NetNode.await("600 deliveries", () -> delivered(app).size() >= 600);
                List<IntersticeValue> got = delivered(app);
                assertThat(got).hasSize(600);
                assertThat(got.subList(0, 300))
                        .as("deletes: the baseline snapshot")
                        .isEqualTo(baseline);
                assertThat(got.subList(300, 600))
                        .as("inserts: the new snapshot")
                        .isEqualTo(replaced);
            }
        } finally {
            first.close();
        }
    }

    /** A snapshot larger than the subscriber accepts is not streamed again every refresh: retries back off. */
    @Test
    void aRefusedSnapshotIsRetriedWithAGrowingDelay() throws Exception {
        try (var big = bigNode(NodeConfig.inMemory(), 0);
                var app = new NetNode(
                        "app-node",
                        NodeConfig.inMemory(),
                        0,
                        c -> c.withMaxFrameBytes(FRAME)
                                .withMaxReplyBytes(100_000)
                                .withSubscriptionRefresh(java.time.Duration.ofMillis(20)))) {
            app.t.node.load(Fixtures.mirror(big.address()));
            NetNode.await("a first refusal", () -> attempts(app) >= 1);
            Thread.sleep(1_500); // 75 refreshes: at most 7 attempts with the doubling delay (20 ms << n)
            assertThat(attempts(app)).isLessThanOrEqualTo(8);
            assertThat(PeerTest.synced(app)).isZero();
        }
    }

    static int attempts(NetNode n) {
        return n.server.peers().stats().values().stream()
                .mapToInt(m -> (Integer) m.get("subscribeAttempts"))
                .sum();
    }

    static List<IntersticeValue> values(List<Row> rows) {
        return rows.stream().<IntersticeValue>map(Row::toValue).toList();
    }

    /** The rows delivered to the mirror module's subscribers, in order. */
    static List<IntersticeValue> delivered(NetNode app) {
        var out = new ArrayList<IntersticeValue>();
        for (byte[] b : app.t.hexLogsOf("mirror")) {
            List<IntersticeValue> args = Fixtures.loggedArgs(b);
            if (args.size() == 1) out.add(args.getFirst());
        }
        return out;
    }
}
