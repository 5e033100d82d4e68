package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agar-server's node killed with SIGKILL mid-game (its tick commits every 8 ms) restarts with its players and
 * food (stateful tables), and the game goes on.
 */
class AgarServerRestartTest {
    @Test
    @Timeout(120)
    void aServerKilledMidGameRestartsWithItsPlayersAndFood(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx512m",
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        AgarServerProcess.class.getName(),
                        dir.toString())
                .redirectErrorStream(true)
                .start();
        String ready = null;
        try (var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; )
                if (line.startsWith("READY")) {
                    ready = line;
                    break;
                }
            assertThat(ready).as("the server process got going").isEqualTo("READY 180");
            p.destroyForcibly(); // SIGKILL, mid-tick or between ticks
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
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
    }
}
