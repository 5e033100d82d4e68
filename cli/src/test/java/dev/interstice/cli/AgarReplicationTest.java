package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeClient;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.node.NodeIdentity;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on loopback, no window: the agar-server example, and a client node whose agar-bot module replicates its
 * players and food. A bot (a connection with its own node id) joins and steers; each tick that moves its cell reaches
 * the client's replica within 100 ms of the tick's commit on the server.
 */
class AgarReplicationTest {
    /** The bot is a peer: its player is keyed by the node id of its key. */
    static final NodeIdentity BOT_KEY = NodeIdentity.generate();

    static final String BOT = BOT_KEY.id();

    @Test
    @Timeout(60)
    void aClientReplicaSeesABotsMoveWithin100msOfTheServersTick(@TempDir Path dir) throws Exception {
        // the encoding of each of the bot's moved rows -> when the server committed it (System.nanoTime)
        Map<ByteBuffer, Long> moved = new ConcurrentHashMap<>();
        List<Long> lagsMicros = Collections.synchronizedList(new ArrayList<>());
        try (var server = CallerExampleTest.Served.start(
                dir.resolve("server"), "agar-server-example", NetworkConfig.defaults(), "agar-server")) {
            // runs after the server's table streams registered theirs: the time is taken at most a little late,
            // which only shortens the lag measured by the time to queue an event
            server.node().addCommitListener((tx, lsn, events) -> {
                long now = System.nanoTime();
                for (var e : events)
                    if (e.table().equals("player")
                            && e.before() != null
                            && e.after() != null
                            && isBot(e.after())
                            && !pos(e.before()).equals(pos(e.after()))) // a tick moved it
                    moved.put(ByteBuffer.wrap(e.after()), now);
            });
            var config = NetworkConfig.defaults()
                    .withRemoteCallTtl(ExampleCommand.REMOTE_CALL_TTL)
                    .withNodeAddress("agar-server-example", server.server().address());
            try (var client =
                    CallerExampleTest.Served.start(dir.resolve("client"), "agar-client", config, "agar-bot")) {
                client.node().addCommitListener((tx, lsn, events) -> {
                    long now = System.nanoTime();
                    for (var e : events) {
                        if (!e.table().equals(AgarBotTest.PLAYERS) || e.after() == null) continue;
                        Long at = moved.get(ByteBuffer.wrap(e.after()));
                        if (at != null) lagsMicros.add((now - at) / 1000);
                    }
                });
                AgarServerTest.await(
                        "the client replicates the food", () -> AgarBotTest.rows(client.node(), AgarBotTest.FOOD) > 0);
                try (var bot = NodeClient.connect(
                        server.server().address(),
                        NodeClient.Options.client().asPeer(BOT_KEY, "replication-test-bot"))) {
                    call(bot, "join", List.of(str("bot")));
                    Row me = AgarBotTest.cell(server.node(), "agar-server", "player", BOT)
                            .orElseThrow();
                    var pos = (IntersticeValue.Struct) me.entries().get(1);
                    // towards the centre: it keeps moving for seconds, away from the world's edges
                    call(
                            bot,
                            "set_direction",
                            List.of(
                                    IntersticeValue.f32(-AgarServerTest.component(pos, "x")),
                                    IntersticeValue.f32(-AgarServerTest.component(pos, "y"))));
                    AgarServerTest.await(
                            "30 of the bot's moves in the client's replica", () -> lagsMicros.size() >= 30);
                }
            }
        }
        // The median, not the maximum: on a loaded CI machine a GC pause or a descheduled thread can delay a few
        // events beyond 100 ms although replication works; broken or slowly polled replication delays them all.
        List<Long> lags;
        synchronized (lagsMicros) {
            lags = new ArrayList<>(lagsMicros);
        }
        Collections.sort(lags);
        long median = lags.get(lags.size() / 2);
        assertThat(median).as("median lag in µs of %s", lags).isLessThanOrEqualTo(100_000);
    }

    private static boolean isBot(byte[] row) {
        return Abi.decodeRow(row).primaryKey().equals(str(BOT));
    }

    private static IntersticeValue pos(byte[] row) {
        return Abi.decodeRow(row).entries().get(1);
    }

    private static void call(NodeClient bot, String reducer, List<IntersticeValue> args) {
        var reply = bot.request(
                        id -> new Message.Call(id, "agar-server", reducer, "", false, args), Duration.ofSeconds(10))
                .join();
        assertThat(reply).isInstanceOf(Message.Called.class);
    }
}
