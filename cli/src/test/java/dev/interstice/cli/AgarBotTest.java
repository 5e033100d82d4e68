package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.network.NetworkConfig;
import dev.interstice.runtime.node.Node;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on loopback: the agar-server example and an agar-bot. The bot joins over the network, replicates the
 * game's players and food, steers its cell, and sees it move in its replica.
 */
class AgarBotTest {
    static final String PLAYERS = "__replica__agar_server_example__agar_server__player";
    static final String FOOD = "__replica__agar_server_example__agar_server__food";

    static Optional<Row> cell(Node node, String module, String table, String id) {
        try {
            return node.rows(module, table).stream()
                    .filter(r -> r.primaryKey().equals(str(id)))
                    .findFirst();
        } catch (RuntimeException notYet) {
            return Optional.empty();
        }
    }

    static int rows(Node node, String table) {
        try {
            return node.rows("agar-bot", table).size();
        } catch (RuntimeException notYet) {
            return 0;
        }
    }

    @Test
    @Timeout(60)
    void aBotJoinsReplicatesTheGameAndSteersItsCell(@TempDir Path dir) throws Exception {
        try (var server = CallerExampleTest.Served.start(
                dir.resolve("server"), "agar-server-example", NetworkConfig.defaults(), "agar-server")) {
            var botConfig = NetworkConfig.defaults()
                    .withRemoteCallTtl(ExampleCommand.REMOTE_CALL_TTL)
                    .withNodeAddress("agar-server-example", server.server().address());
            try (var bot =
                    CallerExampleTest.Served.start(dir.resolve("bot"), "agar-bot-example", botConfig, "agar-bot")) {
                String id = bot.node().id();
                AgarServerTest.await(
                        "the bot joins",
                        () -> cell(server.node(), "agar-server", "player", id).isPresent());
                Row joined = cell(server.node(), "agar-server", "player", id).orElseThrow();
                assertThat(((IntersticeValue.Str) joined.entries().getFirst()).value())
                        .startsWith("bot-");

                AgarServerTest.await("the bot replicates the food", () -> rows(bot.node(), FOOD) == 180);
                AgarServerTest.await("the bot steers", () -> {
                    var dirValue = cell(server.node(), "agar-server", "player", id)
                            .map(r -> r.entries().get(2))
                            .orElse(null);
                    return dirValue != null
                            && (AgarServerTest.component(dirValue, "x") != 0
                                    || AgarServerTest.component(dirValue, "y") != 0);
                });
                var first = cell(bot.node(), "agar-bot", PLAYERS, id)
                        .map(r -> r.entries().get(1))
                        .orElse(null);
                AgarServerTest.await("the bot sees its cell move in its replica", () -> {
                    var now = cell(bot.node(), "agar-bot", PLAYERS, id)
                            .map(r -> r.entries().get(1))
                            .orElse(null);
                    return first != null && now != null && !now.equals(first);
                });
            }
        }
        ReplayTest.assertReplaysClean(dir.resolve("bot")); // its replica syncs, schedules and steering calls
    }
}
