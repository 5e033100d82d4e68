package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.wire.Frames;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.runtime.node.NodeConfig;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Modules on one node calling, querying and subscribing to modules on another. */
@Timeout(90)
class PeerTest {
    NetNode bank;
    NetNode app;

    @BeforeEach
    void start() {
        bank = new NetNode("bank-node");
        bank.t.node.load(Fixtures.bank().build());
        app = new NetNode("app-node");
    }

    @AfterEach
    void stop() {
        app.close();
        bank.close();
    }

    /** The ids of the ledger rows the caller module received, in delivery order. */
    static List<Long> received(NetNode n, String module) {
        var out = new ArrayList<Long>();
        for (byte[] b : n.t.hexLogsOf(module)) {
            List<IntersticeValue> args;
            try {
                args = Fixtures.loggedArgs(b);
            } catch (RuntimeException notACallInput) {
                continue;
            }
            if (args.size() == 1
                    && args.getFirst() instanceof IntersticeValue.Vec v
                    && v.items().size() == 2)
                out.add(((IntersticeValue.U64) v.items().getFirst()).value());
        }
        return out;
    }

    static int synced(NetNode n) {
        return n.server.peers().stats().values().stream()
                .mapToInt(m -> (Integer) m.get("synced"))
                .sum();
    }

    static List<Long> range(long from, long toExclusive) {
        return LongStream.range(from, toExclusive).boxed().toList();
    }

    @Test
    void modulesCallReducersAndQueriesOnOtherNodes() {
        app.t.node.load(Fixtures.caller(bank.address()));
        app.t.node.call("caller", "pay", List.of());
        NetNode.await(
                "the remote call to commit",
                () -> bank.t.node.rows("bank", "ledger").size() == 1);
        // caller subscribes to bank.ledger: the subscription is in place before its first call is sent, so the call's
        // insert comes back as an event (on_ledger notes it in caller.seen), not as part of the subscription's baseline
        NetNode.await(
                "the insert event of the caller's own call",
                () -> app.t.node.rows("caller", "seen").size() == 1);
        app.asksTheBank();
    }

    @Test
    void aRemoteQueryToADeadNodeFailsWithinTheDeadline() throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        app.t.node.load(Fixtures.caller("127.0.0.1:" + port));
        long t0 = System.nanoTime();
        app.t.node.call("caller", "ask", List.of());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        byte[] response = app.t.hexLogsOf("caller").getLast();
        assertThat(response[0]).as("Err").isEqualTo((byte) 1);
        assertThat(new String(response, StandardCharsets.ISO_8859_1)).contains("not reachable");
        // the node is not wedged: other calls run
        app.t.node.call("caller", "note", List.of());
    }

    @Test
    void aRemoteQueryToANodeThatStopsAnsweringFailsAtTheDeadline() throws Exception {
        var key = dev.interstice.runtime.node.NodeIdentity.generate();
        try (var silent = new ServerSocket(0)) {
            Thread.startVirtualThread(() -> {
                try (Socket raw = silent.accept()) {
                    Socket s = new ServerTransport(key, false).open(raw, 5000).socket(); // links are TLS
                    var in = s.getInputStream();
                    Frames.read(in, 1 << 20);
                    Frames.write(
                            s.getOutputStream(),
                            MessageCodec.encode(new Message.Welcome(
                                    MessageCodec.MAJOR, 0, key.id(), "silent", new byte[32], 1 << 20, 16)));
                    s.getOutputStream().flush();
                    while (Frames.read(in, 1 << 20) != null) {
                        /* never answers */
                    }
                } catch (Exception ignored) {
                    // test over
                }
            });
            app.t.node.load(Fixtures.caller("127.0.0.1:" + silent.getLocalPort()));
            long t0 = System.nanoTime();
            app.t.node.call("caller", "ask", List.of());
            assertThat(Duration.ofNanos(System.nanoTime() - t0))
                    .isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
            // (the connect hook may log too: the silent node did complete a handshake)
            assertThat(app.t.hexLogsOf("caller")).anySatisfy(response -> {
                assertThat(response[0]).isEqualTo((byte) 1);
                assertThat(new String(response, StandardCharsets.ISO_8859_1)).contains("no reply");
            });
        }
    }

    /** A node of protocol 1.6 gets a module's call without the trace it would not decode (1.7 appends it). */
    @Test
    void aCallToAnOlderNodeGoesWithoutItsTrace() throws Exception {
        var key = dev.interstice.runtime.node.NodeIdentity.generate();
        var received = new java.util.concurrent.CompletableFuture<Message.Call>();
        try (var old = new ServerSocket(0)) {
            Thread.startVirtualThread(() -> {
                try (Socket raw = old.accept()) {
                    Socket s = new ServerTransport(key, false).open(raw, 5000).socket();
                    var in = s.getInputStream();
                    Frames.read(in, 1 << 20);
                    Frames.write(
                            s.getOutputStream(),
                            MessageCodec.encode(new Message.Welcome(
                                    MessageCodec.MAJOR, 6, key.id(), "old", new byte[32], 1 << 20, 16)));
                    s.getOutputStream().flush();
                    byte[] frame;
                    while ((frame = Frames.read(in, 1 << 20)) != null)
                        if (MessageCodec.decode(frame) instanceof Message.Call c) received.complete(c);
                } catch (Exception e) {
                    received.completeExceptionally(e);
                }
            });
            var payer = dev.interstice.runtime.testing.ModuleFixture.module("payer")
                    .blob(
                            "pay",
                            dev.interstice.runtime.testing.TestNode.hostCall(
                                    new dev.interstice.abi.host.HostCall.CallReducer(
                                            dev.interstice.abi.schema.Selection.other("old-node"),
                                            dev.interstice.abi.schema.Selection.other("bank"),
                                            "record",
                                            IntersticeValue.vec())))
                    .reducer(
                            "pay",
                            List.of(),
                            List.of(),
                            dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog("pay"))
                    .nodeDependency("old-node", "127.0.0.1:" + old.getLocalPort());
            app.t.node.load(payer.build());
            app.t.node.call("payer", "pay", List.of());
            Message.Call c = received.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(c.reducer()).isEqualTo("record");
            assertThat(c.cause()).isNull();
        }
    }

    @Test
    void subscriptionsDeliverCommittedChangesInOrderFromTheirStart() {
        bank.t.node.call("bank", "record", List.of()); // before the subscription: not delivered
        app.t.node.load(Fixtures.caller(bank.address()));
        NetNode.await("subscription", () -> synced(app) == 1);
        for (int i = 0; i < 5; i++) bank.t.node.call("bank", "record", List.of());
        bank.t.node.call("bank", "burst", List.of());
        NetNode.await("105 events", () -> received(app, "caller").size() >= 105);
        assertThat(received(app, "caller")).isEqualTo(range(1, 106));
        // the peer's node id reached the connect hook; events came from that peer
        assertThat(app.t.hexLogsOf("caller").stream().map(Fixtures::loggedArgs))
                .anySatisfy(a -> assertThat(a).containsExactly(IntersticeValue.str(bank.t.node.id())));
        // deletes too
        bank.t.node.call("bank", "wipe", List.of());
        NetNode.await("106 deletes", () -> app.t.logsOf("caller").size() >= 1 + 105 + 106);
        assertThat(app.t.node.rows("caller", "seen")).hasSize(105);
    }

    @Test
    void droppedConnectionsResumeWithoutGapsOrDuplicates() throws Exception {
        app.t.node.load(Fixtures.caller(bank.address()));
        NetNode.await("subscription", () -> synced(app) == 1);
        var writer = Thread.startVirtualThread(() -> {
            for (int i = 0; i < 300; i++) bank.t.node.call("bank", "record", List.of());
        });
        for (int i = 0; i < 4; i++) {
            Thread.sleep(30);
            app.server.peers().dropConnection(bank.address());
        }
        writer.join();
        NetNode.await("300 events", () -> received(app, "caller").size() >= 300);
        Thread.sleep(200);
        assertThat(received(app, "caller")).isEqualTo(range(0, 300));
    }

    @Test
    void aSubscriberThatFallsBehindIsDisconnectedAndCatchesUp() throws Exception {
        try (var tight = new NetNode(
                "bank-node",
                NodeConfig.inMemory(),
                0,
                c -> c.withEventQueueCapacity(8).withResumeBufferEvents(16))) {
            tight.t.node.load(Fixtures.bank().build());
            app.t.node.load(Fixtures.caller(tight.address()));
            NetNode.await("subscription", () -> synced(app) == 1);
            tight.t.node.call(
                    "bank", "burst", List.of()); // 100 events at once: more than the queue and the resume buffer
            tight.t.node.call("bank", "record", List.of());
            NetNode.await("101 events", () -> received(app, "caller").size() >= 101);
            Thread.sleep(200);
            assertThat(received(app, "caller")).isEqualTo(range(0, 101));
        }
    }

    @Test
    void aRestartedPeerIsResubscribedWithoutLostOrDuplicatedEvents(@TempDir Path dir) throws Exception {
        var first = new NetNode("bank-node", NodeConfig.at(dir), 0, c -> c);
        int port = first.server.port();
        String address = first.address();
        first.t.node.load(Fixtures.bank().build());
        app.t.node.load(Fixtures.caller(address));
        NetNode.await("subscription", () -> synced(app) == 1);
        for (int i = 0; i < 3; i++) first.t.node.call("bank", "record", List.of());
        NetNode.await("3 events", () -> received(app, "caller").size() == 3);
        first.close();
        NetNode.await("disconnect noticed", () -> !app.server.peers().isConnected(address));
        try (var second = new NetNode("bank-node", NodeConfig.at(dir), port, c -> c)) {
            for (int i = 0; i < 2; i++)
                second.t.node.call("bank", "record", List.of()); // maybe before the subscriber is back
            NetNode.await("reconnected", () -> app.server.peers().isConnected(address) && synced(app) == 1);
            for (int i = 0; i < 2; i++) second.t.node.call("bank", "record", List.of());
            NetNode.await("7 events", () -> received(app, "caller").size() >= 7);
            Thread.sleep(200);
            assertThat(received(app, "caller")).isEqualTo(range(0, 7));
            assertThat(second.t.node.rows("bank", "ledger")).hasSize(7);
        }
    }

    @Test
    void eventsAreNotEchoedBackToTheirOrigin() {
        app.t.node.load(Fixtures.caller(bank.address()));
        bank.t.node.load(Fixtures.watch(app.address()));
        NetNode.await("both subscriptions", () -> synced(app) == 1 && synced(bank) == 1);
        bank.t.node.call("bank", "record", List.of()); // app receives it and records it in caller.seen: bank's own echo
        NetNode.await("app received it", () -> app.t.node.rows("caller", "seen").size() == 1);
        app.t.node.call("caller", "note", List.of()); // a change that originates on app
        NetNode.await(
                "bank received app's own change",
                () -> !bank.t.hexLogsOf("watch").isEmpty());
        bank.t.node.call("bank", "record", List.of());
        NetNode.await("second echo", () -> app.t.node.rows("caller", "seen").size() == 3);
        app.t.node.call("caller", "note", List.of());
        NetNode.await("second own change", () -> bank.t.hexLogsOf("watch").size() == 2);
        assertThat(received(bank, "watch"))
                .as("only app-originated inserts reached bank")
                .containsExactly(1L, 3L);
    }

    @Test
    void peersSeeEachOtherConnectAndDisconnect() {
        app.t.node.load(Fixtures.caller(bank.address()));
        NetNode.await(
                "connect hook",
                () -> app.t.hexLogsOf("caller").stream()
                        .map(Fixtures::loggedArgs)
                        .anyMatch(a -> a.equals(List.of(IntersticeValue.str(bank.t.node.id())))));
    }
}
