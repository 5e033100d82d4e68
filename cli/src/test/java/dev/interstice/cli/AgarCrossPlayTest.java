package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.window.WindowSettings;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.Displays;
import java.awt.Robot;
import java.awt.event.KeyEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-play with upstream's agar game modules, built by its Rust SDK and run unmodified: our bot plays on upstream's
 * server module, and upstream's client (with upstream's graphics and input modules, in a real window) joins our
 * server. Upstream's binaries are not ours to commit: point INTERSTICE_UPSTREAM_WASM_DIR at a directory holding
 * agar_server.wasm, agar_client.wasm, graphics.wasm and input.wasm.
 */
@EnabledIfEnvironmentVariable(named = "INTERSTICE_UPSTREAM_WASM_DIR", matches = ".+")
class AgarCrossPlayTest {
    private static byte[] upstream(String file) throws IOException {
        Path p = Path.of(System.getenv("INTERSTICE_UPSTREAM_WASM_DIR"), file);
        assumeTrue(Files.exists(p), "needs upstream's " + file);
        return Files.readAllBytes(p);
    }

    /** A node serving upstream's agar_server.wasm on loopback as agar-server-example. */
    private record UpstreamServer(Node node, NodeServer server) implements AutoCloseable {
        static UpstreamServer start(Path dir) throws IOException {
            Node node = Node.open(NodeConfig.at(dir));
            try {
                node.start();
                node.load("agar_server.wasm", upstream("agar_server.wasm"));
                return new UpstreamServer(
                        node,
                        NodeServer.start(
                                node,
                                NetworkConfig.defaults()
                                        .withNodeName("agar-server-example")
                                        .withAdminToken(AdminToken.loadOrCreate(dir))));
            } catch (IOException | RuntimeException e) {
                node.close();
                throw e;
            }
        }

        @Override
        public void close() {
            server.close();
            node.close();
        }
    }

    private static NetworkConfig playerOf(NodeServer server) {
        return NetworkConfig.defaults()
                .withRemoteCallTtl(ExampleCommand.REMOTE_CALL_TTL)
                .withNodeAddress("agar-server-example", server.address());
    }

    @Test
    @Timeout(90)
    void ourBotPlaysOnUpstreamsServer(@TempDir Path dir) throws Exception {
        try (var server = UpstreamServer.start(dir.resolve("server"));
                var bot = CallerExampleTest.Served.start(
                        dir.resolve("bot"), "agar-bot-example", playerOf(server.server()), "agar-bot")) {
            String id = bot.node().id();
            AgarServerTest.await(
                    "the bot joins upstream's game",
                    () -> AgarBotTest.cell(server.node(), "agar-server", "player", id)
                            .isPresent());
            AgarServerTest.await(
                    "the bot replicates upstream's food",
                    () -> AgarBotTest.rows(bot.node(), AgarBotTest.FOOD)
                            == server.node().rows("agar-server", "food").size());
            var at = position(server.node(), id);
            AgarServerTest.await(
                    "the bot's cell moves", () -> !position(server.node(), id).equals(at));
        }
    }

    @Test
    @Timeout(120)
    void upstreamsClientJoinsOurServer(@TempDir Path dir) throws Exception {
        Displays.require();
        byte[] input = upstream("input.wasm");
        byte[] graphics = upstream("graphics.wasm");
        byte[] client = upstream("agar_client.wasm");
        try (var server = CallerExampleTest.Served.start(
                        dir.resolve("server"), "agar-server-example", NetworkConfig.defaults(), "agar-server");
                Node player = Node.open(NodeConfig.at(dir.resolve("client"))
                        .withAuthorities(AuthorityConfig.headless()
                                .withOffered(EnumSet.of(Authority.MODULE, Authority.GPU, Authority.INPUT))
                                .withWindow(WindowSettings.window()
                                        .withTitle("upstream agar client")
                                        .withSize(640, 480))));
                var served = NodeServer.start(player, playerOf(server.server()).withNodeName("agar-client-example"))) {
            player.start();
            player.load("input.wasm", input);
            player.load("graphics.wasm", graphics);
            player.load("agar_client.wasm", client);

            var gpu = player.authorities().gpu().orElseThrow();
            long loaded = gpu.framesPresented();
            AgarServerTest.await("the client's lobby renders", () -> gpu.framesPresented() > loaded + 3);
            // upstream's lobby looks at the input module's key state once a frame: hold each key over a few frames
            var robot = new Robot();
            for (int key : new int[] {KeyEvent.VK_Z, KeyEvent.VK_O, KeyEvent.VK_E, KeyEvent.VK_ENTER}) {
                long before = gpu.framesPresented();
                robot.keyPress(key);
                AgarServerTest.await("frames go on", () -> gpu.framesPresented() > before + 2);
                robot.keyRelease(key);
            }
            String id = player.id();
            AgarServerTest.await(
                    "upstream's client joins our game",
                    () -> AgarBotTest.cell(server.node(), "agar-server", "player", id)
                            .isPresent());
            Row joined =
                    AgarBotTest.cell(server.node(), "agar-server", "player", id).orElseThrow();
            assertThat(joined.entries().getFirst())
                    .as("the name typed in its lobby")
                    .isEqualTo(IntersticeValue.str("zoe"));
            AgarServerTest.await(
                    "upstream's client steers (towards the pointer)",
                    () -> AgarBotTest.cell(server.node(), "agar-server", "player", id)
                            .map(r -> AgarServerTest.component(r.entries().get(2), "x") != 0
                                    || AgarServerTest.component(r.entries().get(2), "y") != 0)
                            .orElse(false));
            AgarServerTest.await(
                    "upstream's client replicates our food",
                    () -> replicaRows(player, "food").size() == 180);
        }
    }

    @Test
    @Timeout(120)
    void ourClientPlaysOnUpstreamsServer(@TempDir Path dir) throws Exception {
        Displays.require();
        try (var server = UpstreamServer.start(dir.resolve("server"));
                var client = AgarClientTest.Client.start(
                        dir.resolve("client"),
                        "agar client on upstream",
                        server.server().address())) {
            AgarClientTest.typeNameAndEnter(client, "agar client on upstream", KeyEvent.VK_K, KeyEvent.VK_I);
            String id = client.node().id();
            AgarServerTest.await(
                    "our client joins upstream's game",
                    () -> AgarBotTest.cell(server.node(), "agar-server", "player", id)
                            .isPresent());
            assertThat(AgarBotTest.cell(server.node(), "agar-server", "player", id)
                            .orElseThrow()
                            .entries()
                            .getFirst())
                    .isEqualTo(IntersticeValue.str("ki"));
            AgarServerTest.await(
                    "our client plays: its own cell and upstream's food in its replica",
                    () -> client.inState("InGame")
                            && AgarBotTest.cell(client.node(), "agar-client", AgarClientTest.PLAYERS, id)
                                    .isPresent()
                            && client.node()
                                            .rows("agar-client", "__replica__agar_server_example__agar_server__food")
                                            .size()
                                    == server.node().rows("agar-server", "food").size());
        }
    }

    private static List<Row> replicaRows(Node node, String table) {
        try {
            return node.rows("agar-client", "__replica__agar_server_example__agar_server__" + table);
        } catch (RuntimeException notYet) {
            return List.of();
        }
    }

    private static IntersticeValue position(Node server, String id) {
        Optional<Row> r = AgarBotTest.cell(server, "agar-server", "player", id);
        return r.map(row -> row.entries().get(1)).orElseThrow();
    }
}
