package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.NetworkConfig;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agar-server's node killed with SIGKILL mid-game (its tick commits every 8 ms) restarts with its players and
 * food (stateful tables), the game goes on, and a player's node on the network reconnects and resynchronises by
 * itself.
 */
class AgarServerRestartTest {
    /** Starts {@link AgarServerProcess} and waits for its READY line; the process is killed with SIGKILL later. */
    private static Process startServer(Path dir, String... port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(
                java,
                "-Xmx512m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                AgarServerProcess.class.getName(),
                dir.toString()));
        command.addAll(List.of(port));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String ready = null;
        for (String line; ready == null && (line = out.readLine()) != null; )
            if (line.startsWith("READY")) ready = line;
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> {})); // keep draining: a full pipe would block it
        assertThat(ready).as("the server process got going").isEqualTo("READY 180");
        return p;
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL, mid-tick or between ticks
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @Timeout(120)
    void aServerKilledMidGameRestartsWithItsPlayersAndFood(@TempDir Path dir) throws Exception {
        kill(startServer(dir));
        try (Node node = Node.open(NodeConfig.at(dir))) {
            node.start();
            assertThat(node.rows("agar-server", "food")).hasSize(180);
            assertThat(AgarServerTest.radius(node, "alice-node"))
                    .as("alice is still in the game")
                    .isGreaterThan(0);
            float x = AgarServerTest.pos(node, "alice-node")[0];
            AgarServerTest.await(
                    "the game goes on: alice still moves east", () -> AgarServerTest.pos(node, "alice-node")[0] != x);
        }
        ReplayTest.assertReplaysClean(dir); // the game, its kill and restart included
    }

    @Test
    @Timeout(180)
    void aPlayersNodeReconnectsAndResynchronisesAfterTheServerIsKilled(@TempDir Path dir) throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process server = startServer(dir.resolve("server"), String.valueOf(port));
        try {
            var botConfig = NetworkConfig.defaults()
                    .withRemoteCallTtl(ExampleCommand.REMOTE_CALL_TTL)
                    .withNodeAddress("agar-server-example", "127.0.0.1:" + port);
            try (var bot =
                    CallerExampleTest.Served.start(dir.resolve("bot"), "agar-bot-example", botConfig, "agar-bot")) {
                String id = bot.node().id();
                AgarServerTest.await("the bot joins and sees itself", () -> replicaCell(bot.node(), id) != null);
                AgarServerTest.await(
                        "the bot replicates the food", () -> AgarBotTest.rows(bot.node(), AgarBotTest.FOOD) == 180);

                kill(server);
                server = startServer(dir.resolve("server"), String.valueOf(port));

                // the bot's cell moves in its replica again: the replica follows the restarted game with no one
                // reconnecting it (the cell only moves while the server ticks)
                IntersticeValue at = replicaCell(bot.node(), id);
                AgarServerTest.await("the bot's replica follows the restarted game", () -> {
                    var now = replicaCell(bot.node(), id);
                    return now != null && !now.equals(at);
                });
                assertThat(AgarBotTest.rows(bot.node(), AgarBotTest.FOOD))
                        .as("resynchronised, not duplicated")
                        .isEqualTo(180);
            }
        } finally {
            kill(server);
        }
    }

    /** The bot's own cell's position in its replica, or null. */
    private static IntersticeValue replicaCell(Node bot, String id) {
        return AgarBotTest.cell(bot, "agar-bot", AgarBotTest.PLAYERS, id)
                .map(r -> r.entries().get(1))
                .orElse(null);
    }
}
