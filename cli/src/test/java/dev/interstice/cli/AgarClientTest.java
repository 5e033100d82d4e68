package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.TableRef;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.gpu.GpuAuthority;
import dev.interstice.runtime.authority.window.WindowSettings;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.Displays;
import java.awt.Robot;
import java.awt.event.KeyEvent;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agar-client example in a real window (Xvfb in CI) against the agar-server example on another node on loopback:
 * a name typed with the keyboard (java.awt.Robot through the X server) and Enter join the game; the frame shows every
 * player's cell in its colour (written to docs/screenshots/agar.png); eaten, the client shows its death screen, and
 * Enter joins again. The client only ever calls join and set_direction: the rules stay on the server.
 */
class AgarClientTest {
    static final String PLAYERS = "__replica__agar_server_example__agar_server__player";
    static final int WIDTH = 640;
    static final int HEIGHT = 480;

    @BeforeEach
    void display() {
        Displays.require();
    }

    /** A node with the agar-server example, as {@code interstice example agar-server} runs it. */
    static CallerExampleTest.Served server(Path dir) throws Exception {
        return CallerExampleTest.Served.start(dir, "agar-server-example", NetworkConfig.defaults(), "agar-server");
    }

    /** A node with a window and the agar-client module, reaching the server at its test port. */
    record Client(Node node, NodeServer server) implements AutoCloseable {
        static Client start(Path dir, String title, CallerExampleTest.Served game) throws Exception {
            return start(dir, title, game.server().address());
        }

        /** The client, its binding's node address replaced by {@code serverAddress} (as {@code --server} does). */
        static Client start(Path dir, String title, String serverAddress) throws Exception {
            Node node = Node.open(NodeConfig.at(dir)
                    .withLogSink((module, line) -> System.err.println(module + ": " + line))
                    .withAuthorities(AuthorityConfig.headless()
                            .withOffered(EnumSet.of(Authority.MODULE, Authority.GPU, Authority.INPUT))
                            .withWindow(WindowSettings.window().withTitle(title).withSize(WIDTH, HEIGHT))));
            NodeServer server;
            try {
                var config = NetworkConfig.defaults()
                        .withNodeName("agar-client-example")
                        .withRemoteCallTtl(ExampleCommand.REMOTE_CALL_TTL)
                        .withNodeAddress(ExampleCommand.AGAR_SERVER, serverAddress)
                        .withAdminToken(AdminToken.loadOrCreate(dir));
                server = NodeServer.start(node, config);
                node.load("agar-client.wasm", ExampleCommand.exampleWasm("agar-client"));
            } catch (Exception e) {
                node.close();
                throw e;
            }
            return new Client(node, server);
        }

        GpuAuthority gpu() {
            return node.authorities().gpu().orElseThrow();
        }

        /** A field of the client's own state row, or null before its first frame. */
        IntersticeValue state(String field) {
            try {
                TableSchema t = node.schema("agar-client").orElseThrow().tables().stream()
                        .filter(x -> x.name().equals("clientstate"))
                        .findFirst()
                        .orElseThrow();
                var rows = node.rows("agar-client", "clientstate");
                return rows.isEmpty() ? null : AgarServerTest.field(rows.getFirst(), t, field);
            } catch (RuntimeException notYet) {
                return null;
            }
        }

        float number(String field) {
            return ((IntersticeValue.F32) state(field)).value();
        }

        boolean inState(String s) {
            return str(s).equals(state("state"));
        }

        @Override
        public void close() {
            server.close();
            node.close();
        }
    }

    /** Presses and releases keys in the window (the pointer over it: without a window manager, focus follows it). */
    static void type(Robot robot, int... keys) {
        for (int k : keys) {
            robot.keyPress(k);
            robot.keyRelease(k);
        }
        robot.waitForIdle();
    }

    /** The window's top-left corner on the X screen (xwininfo), or (0, 0) without xwininfo. */
    static int[] windowOrigin(String title) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/xwininfo"))) return new int[] {0, 0};
        var p = new ProcessBuilder("xwininfo", "-name", title)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        var x = Pattern.compile("Absolute upper-left X:\\s+(-?\\d+)").matcher(out);
        var y = Pattern.compile("Absolute upper-left Y:\\s+(-?\\d+)").matcher(out);
        return x.find() && y.find()
                ? new int[] {Integer.parseInt(x.group(1)), Integer.parseInt(y.group(1))}
                : new int[] {0, 0};
    }

    /** Types {@code name} and Enter in the client's lobby; waits for its cell on the server. */
    static Robot joinByKeyboard(Client client, CallerExampleTest.Served game, String title, int... nameKeys)
            throws Exception {
        Robot robot = typeNameAndEnter(client, title, nameKeys);
        String id = client.node().id();
        AgarServerTest.await(
                "the client's cell on the server",
                () -> AgarBotTest.cell(game.node(), "agar-server", "player", id).isPresent());
        AgarServerTest.await(
                "the game on the client",
                () -> client.inState("InGame")
                        && AgarBotTest.cell(client.node(), "agar-client", PLAYERS, id)
                                .isPresent());
        return robot;
    }

    /** Types {@code name} and Enter in the client's lobby. */
    static Robot typeNameAndEnter(Client client, String title, int... nameKeys) throws Exception {
        AgarServerTest.await("the lobby's first frame", () -> client.inState("Lobby"));
        int[] origin = windowOrigin(title);
        var robot = new Robot();
        robot.setAutoDelay(20);
        robot.mouseMove(origin[0] + WIDTH / 2, origin[1] + HEIGHT / 2);
        robot.waitForIdle();
        centreCursor(robot, client, origin);
        type(robot, nameKeys);
        AgarServerTest.await("the name typed", () -> {
            var n = client.state("name");
            return n != null && ((IntersticeValue.Str) n).value().length() == nameKeys.length;
        });
        type(robot, KeyEvent.VK_ENTER);
        return robot;
    }

    /**
     * Moves the client's cursor (accumulated from the pointer's motion since the window opened, wherever the pointer
     * was then) to the window's centre, so its cell stands still: steering is the cursor's offset from the centre.
     */
    static void centreCursor(Robot robot, Client client, int[] origin) throws Exception {
        int px = WIDTH / 2;
        int py = HEIGHT / 2;
        for (int attempt = 0; attempt < 16; attempt++) {
            float cx = client.number("cursorX");
            float cy = client.number("cursorY");
            if (Math.abs(cx - WIDTH / 2f) < 1 && Math.abs(cy - HEIGHT / 2f) < 1) return;
            // the cursor moves by the pointer's motion and stops at the window's edges: where the pointer cannot go
            // far enough, it first goes to the opposite edge (the cursor stops at its edge too), then comes back
            int nx = along(px, Math.round(WIDTH / 2f - cx), WIDTH);
            int ny = along(py, Math.round(HEIGHT / 2f - cy), HEIGHT);
            if (nx == px && ny == py) nx = px == WIDTH / 2 ? px + 40 : WIDTH / 2; // nothing to move: step aside first
            px = nx;
            py = ny;
            robot.mouseMove(origin[0] + px, origin[1] + py);
            robot.waitForIdle();
            // the motion reaches the module with the next frame; a move towards an edge the cursor already stops at
            // changes nothing, so this waits for a change a while, then looks again either way
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (client.number("cursorX") == cx && client.number("cursorY") == cy && System.nanoTime() < until)
                Thread.sleep(10);
        }
        throw new AssertionError(
                "the cursor did not reach the centre: " + client.state("cursorX") + ", " + client.state("cursorY"));
    }

    /** Where the pointer goes next on one axis of {@code size} pixels to move the cursor by {@code delta}. */
    private static int along(int pointer, int delta, int size) {
        int target = pointer + delta;
        if (target < 1) return size - 2;
        if (target > size - 2) return 1;
        return target;
    }

    /** A point at least 100 units from every food (a cell of radius 20 placed there eats none and keeps its size). */
    static float[] awayFromFood(Node server) {
        var food = server.rows("agar-server", "food").stream()
                .map(r -> new float[] {
                    AgarServerTest.component(r.entries().getFirst(), "x"),
                    AgarServerTest.component(r.entries().getFirst(), "y")
                })
                .toList();
        for (int x = -1900; x <= 1900; x += 50)
            for (int y = -1900; y <= 1900; y += 50) {
                final float px = x;
                final float py = y;
                if (food.stream().allMatch(f -> Math.hypot(f[0] - px, f[1] - py) > 100)) return new float[] {px, py};
            }
        throw new AssertionError("no spot 100 units from all the food");
    }

    static float[] color(Row player) {
        var c = player.entries().get(4);
        return new float[] {
            AgarServerTest.component(c, "r"), AgarServerTest.component(c, "g"), AgarServerTest.component(c, "b")
        };
    }

    /** How many pixels of the frame have this colour (within rounding). */
    static int pixelsOf(GpuAuthority.Frame f, float[] rgb) {
        byte[] p = f.rgba();
        int n = 0;
        for (int i = 0; i < p.length; i += 4) {
            boolean same = true;
            for (int k = 0; k < 3 && same; k++) same = Math.abs((p[i + k] & 0xff) - Math.round(rgb[k] * 255)) <= 2;
            if (same) n++;
        }
        return n;
    }

    @Test
    @Timeout(90)
    void aNamedPlayerJoinsByKeyboardAndTheFrameShowsEveryCellInItsColour(@TempDir Path dir) throws Exception {
        String title = "agar-client-frame-test";
        try (var game = server(dir.resolve("server"));
                var client = Client.start(dir.resolve("client"), title, game)) {
            joinByKeyboard(client, game, title, KeyEvent.VK_A, KeyEvent.VK_N, KeyEvent.VK_N);
            String id = client.node().id();
            assertThat(AgarBotTest.cell(game.node(), "agar-server", "player", id)
                            .orElseThrow()
                            .entries()
                            .getFirst())
                    .isEqualTo(str("ann"));

            // three more players (as clients of the server would: join under their own node ids), around the client
            Node server = game.node();
            AgarServerTest.place(server, id, 0, 0, 30);
            String[][] bots = {{"bot-1", "-140", "-60"}, {"bot-2", "140", "-60"}, {"bot-3", "0", "110"}};
            for (String[] b : bots) {
                server.call("agar-server", "join", List.of(str(b[0])), new CallContext(b[0] + "-node", "agar-bot"));
                AgarServerTest.place(server, b[0] + "-node", Float.parseFloat(b[1]), Float.parseFloat(b[2]), 25);
            }
            AgarServerTest.await(
                    "the four players in the client's replica",
                    () -> client.node().rows("agar-client", PLAYERS).size() == 4);

            // the zoom eases towards its target for the bigger cell: wait for a frame of the settled view
            AgarServerTest.await("the zoom settles", () -> {
                float target = 1 / (1 + client.number("score") * 0.012f);
                return Math.abs(client.number("zoom") - target) < 0.01;
            });
            GpuAuthority.Frame f = client.gpu().captureNextFrame().get(20, TimeUnit.SECONDS);
            assertThat(f.width()).isEqualTo(WIDTH);
            assertThat(f.height()).isEqualTo(HEIGHT);
            GraphicsExampleTest.writePng(f, Path.of("..", "docs", "screenshots", "agar.png"));
            List<Row> players = client.node().rows("agar-client", PLAYERS);
            assertThat(players).hasSize(4);
            var colours = new ArrayList<float[]>();
            for (Row p : players) colours.add(color(p));
            for (int i = 0; i < colours.size(); i++) {
                // a cell of radius >= 25 at zoom 0.74 covers over 1,000 pixels; a food dot about 60
                assertThat(pixelsOf(f, colours.get(i)))
                        .as("pixels of player %s's colour %s", players.get(i).primaryKey(), colours.get(i))
                        .isGreaterThan(600);
            }
            var drawn = ((IntersticeValue.U32) client.state("drawn")).value();
            assertThat(drawn).as("shapes in the frame").isBetween(50L, 16384L);
        }
        // the name typed key by key (ephemeral state), the join, the frames: replayed byte for byte
        ReplayTest.assertReplaysClean(dir.resolve("client"));
    }

    @Test
    @Timeout(90)
    void eatenTheClientShowsItsDeathScreenAndEnterPlaysAgain(@TempDir Path dir) throws Exception {
        String title = "agar-client-death-test";
        try (var game = server(dir.resolve("server"));
                var client = Client.start(dir.resolve("client"), title, game)) {
            Robot robot = joinByKeyboard(client, game, title, KeyEvent.VK_B, KeyEvent.VK_O);
            String id = client.node().id();
            Node server = game.node();
            var big = new CallContext("big-node", "agar-bot");
            server.call("agar-server", "join", List.of(str("big")), big);
            float[] spot = awayFromFood(server);
            AgarServerTest.place(server, id, spot[0], spot[1], 20); // no food there: the radius stays 20
            AgarServerTest.await("the client sees its radius", () -> client.number("score") == 20f);
            AgarServerTest.place(server, "big-node", spot[0] + 5, spot[1], 80); // on the client's cell, 4x its radius

            AgarServerTest.await("the death screen", () -> client.inState("Dead"));
            assertThat(((IntersticeValue.F32) client.state("score")).value())
                    .as("the final score: the cell's last radius")
                    .isEqualTo(20f);
            AgarServerTest.await(
                    "the client's cell gone from the server",
                    () -> AgarBotTest.cell(server, "agar-server", "player", id).isEmpty());

            type(robot, KeyEvent.VK_ENTER);
            AgarServerTest.await(
                    "joined again",
                    () -> AgarBotTest.cell(server, "agar-server", "player", id).isPresent());
            AgarServerTest.await("in the game again", () -> client.inState("InGame"));
            assertThat(AgarBotTest.cell(server, "agar-server", "player", id)
                            .orElseThrow()
                            .entries()
                            .getFirst())
                    .isEqualTo(str("bo"));
        }
        ReplayTest.assertReplaysClean(dir.resolve("client")); // the death screen and the second join too
    }

    @Test
    @Timeout(90)
    void withTheServerDownTheClientSaysSoRetriesAndPlaysWhenTheServerComesUp(@TempDir Path dir) throws Exception {
        String title = "agar-client-retry-test";
        int port;
        try (var free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (var client = Client.start(dir.resolve("client"), title, "127.0.0.1:" + port)) {
            typeNameAndEnter(client, title, KeyEvent.VK_D);
            AgarServerTest.await("the retry line", () -> {
                var status = client.state("status");
                return status != null && ((IntersticeValue.Str) status).value().startsWith("server not reachable");
            });
            assertThat(client.inState("InGame")).isTrue();
            try (var game = CallerExampleTest.Served.start(
                    dir.resolve("server"),
                    "agar-server-example",
                    NetworkConfig.defaults().withPort(port),
                    "agar-server")) {
                String id = client.node().id();
                AgarServerTest.await(
                        "the client's cell on the server",
                        () -> AgarBotTest.cell(game.node(), "agar-server", "player", id)
                                .isPresent());
                AgarServerTest.await(
                        "the game on the client",
                        () -> str("").equals(client.state("status"))
                                && AgarBotTest.cell(client.node(), "agar-client", PLAYERS, id)
                                        .isPresent());
                assertThat(game.node().rows("agar-server", "player")).hasSize(1); // joined once, whatever the retries
            }
        }
    }

    /**
     * The client holds no rules: its reducers write only its own state table (the replicas are read-only), it depends
     * on the agar-server's node alone, and the server never saw it try a reducer only the server may call.
     */
    @Test
    @Timeout(60)
    void theClientOnlyWritesItsOwnStateAndCallsNothingButTheServersPlayerReducers(@TempDir Path dir) throws Exception {
        String title = "agar-client-rules-test";
        try (var game = server(dir.resolve("server"));
                var client = Client.start(dir.resolve("client"), title, game)) {
            joinByKeyboard(client, game, title, KeyEvent.VK_C);
            var schema = client.node().schema("agar-client").orElseThrow();
            var writes = schema.reducers().stream()
                    .flatMap(r ->
                            Stream.of(r.inserts(), r.updates(), r.deletes()).flatMap(List::stream))
                    .distinct()
                    .toList();
            assertThat(writes).containsOnly(new TableRef(Selection.CURRENT, Selection.CURRENT, "clientstate"));
            assertThat(schema.nodeDependencies()).extracting(d -> d.name()).containsExactly(ExampleCommand.AGAR_SERVER);
            assertThat(game.logs()).noneMatch(l -> l.contains("can only be called by the server"));
        }
    }
}
