package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The AssemblyScript agar-server example on a node without a window: its food, joining, steering, the 8 ms tick, and
 * its tables beside upstream's (when upstream's binary is given).
 */
class AgarServerTest {
    static final CallContext ALICE = new CallContext("alice-node", "agar-client");
    final List<String> logs = new CopyOnWriteArrayList<>();

    Node server() throws Exception {
        Node node = Node.open(NodeConfig.inMemory().withLogSink((m, s) -> logs.add(m + ": " + s)));
        node.start();
        node.load("agar-server.wasm", ExampleCommand.exampleWasm("agar-server"));
        return node;
    }

    static void await(String what, BooleanSupplier ok) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within 20 s: " + what);
            Thread.sleep(5);
        }
    }

    static IntersticeValue field(Row r, TableSchema t, String name) {
        for (int i = 0; i < t.fields().size(); i++)
            if (t.fields().get(i).name().equals(name)) return r.entries().get(i);
        throw new IllegalArgumentException(name);
    }

    static float component(IntersticeValue struct, String name) {
        return ((IntersticeValue.Struct) struct)
                .fields().stream()
                        .filter(f -> f.name().equals(name))
                        .map(f -> ((IntersticeValue.F32) f.value()).value())
                        .findFirst()
                        .orElseThrow();
    }

    @Test
    void playersJoinSteerAndMoveEachTickOverFood() throws Exception {
        try (Node node = server()) {
            var schema = node.modules().stream()
                    .filter(m -> m.name().equals("agar-server"))
                    .findFirst()
                    .orElseThrow();
            TableSchema player = schema.tables().stream()
                    .filter(t -> t.name().equals("player"))
                    .findFirst()
                    .orElseThrow();
            assertThat(node.rows("agar-server", "food")).hasSize(180);

            node.call("agar-server", "join", List.of(str("alice")), ALICE);
            node.call("agar-server", "join", List.of(str("alice again")), ALICE); // alive: nothing happens
            List<Row> players = node.rows("agar-server", "player");
            assertThat(players).hasSize(1);
            Row alice = players.getFirst();
            assertThat(alice.primaryKey()).isEqualTo(str("alice-node"));
            assertThat(field(alice, player, "name")).isEqualTo(str("alice"));
            assertThat(((IntersticeValue.F32) field(alice, player, "radius")).value())
                    .isEqualTo(18f);

            node.call("agar-server", "set_direction", List.of(IntersticeValue.f32(3), IntersticeValue.f32(4)), ALICE);
            Row steered = node.rows("agar-server", "player").getFirst();
            assertThat(component(field(steered, player, "dir"), "x")).isEqualTo(0.6f);
            assertThat(component(field(steered, player, "dir"), "y")).isEqualTo(0.8f);

            // The cell moves by speed * 8 ms a tick (speed 240 / (1 + radius * 0.03)), never more often than every
            // 8 ms: the distance covered bounds the ticks run.
            float x0 = component(field(node.rows("agar-server", "player").getFirst(), player, "pos"), "x");
            long t0 = System.nanoTime();
            await(
                    "alice moves",
                    () -> component(field(node.rows("agar-server", "player").getFirst(), player, "pos"), "x") != x0);
            Thread.sleep(200);
            float x1 = component(field(node.rows("agar-server", "player").getFirst(), player, "pos"), "x");
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            float radius = ((IntersticeValue.F32)
                            field(node.rows("agar-server", "player").getFirst(), player, "radius"))
                    .value();
            double perTick = 240 / (1 + radius * 0.03) * 0.008 * 0.6;
            double ticks = Math.abs(x1 - x0) / perTick;
            assertThat(ticks).as("ticks in %d ms", elapsedMs).isGreaterThan(1).isLessThanOrEqualTo(elapsedMs / 8.0 + 2);
            assertThat(node.rows("agar-server", "food"))
                    .as("food is refilled to 180")
                    .hasSize(180);

            node.call("agar-server", "tick", List.of(), ALICE);
            assertThat(logs).contains("agar-server: tick can only be called by the server itself");
        }
    }

    static final CallContext BOB = new CallContext("bob-node", "agar-client");

    static float radius(Node node, String id) {
        return node.rows("agar-server", "player").stream()
                .filter(r -> r.primaryKey().equals(str(id)))
                .map(r -> ((IntersticeValue.F32) r.entries().get(3)).value())
                .findFirst()
                .orElse(-1f);
    }

    static float[] pos(Node node, String id) {
        var r = node.rows("agar-server", "player").stream()
                .filter(x -> x.primaryKey().equals(str(id)))
                .findFirst()
                .orElseThrow();
        var p = r.entries().get(1);
        return new float[] {component(p, "x"), component(p, "y")};
    }

    static void place(Node node, String id, float x, float y, float radius) {
        node.call(
                "agar-server",
                "place",
                List.of(str(id), IntersticeValue.f32(x), IntersticeValue.f32(y), IntersticeValue.f32(radius)),
                CallContext.runtime(node.id()));
    }

    @Test
    void aBiggerCellEatsASmallerOneWhichJoinsAgain() throws Exception {
        try (Node node = server()) {
            node.call("agar-server", "join", List.of(str("alice")), ALICE);
            node.call("agar-server", "join", List.of(str("bob")), BOB);
            place(node, "alice-node", 1000, 1000, 40);
            place(node, "bob-node", 1010, 1000, 20); // inside alice's reach, and alice is more than 1.1x bigger
            await("bob is eaten", () -> radius(node, "bob-node") < 0);
            // area is kept: alice's new area is hers plus bob's (and any food she ate on the way)
            float expected = (float) Math.sqrt(40 * 40 + 20 * 20);
            assertThat(radius(node, "alice-node")).isGreaterThanOrEqualTo(expected - 0.01f);
            node.call("agar-server", "join", List.of(str("bob")), BOB); // the death screen's respawn
            assertThat(radius(node, "bob-node")).isEqualTo(18f);
        }
    }

    @Test
    void cellsOfSimilarSizeDoNotEatEachOtherAndCellsStayInTheWorld() throws Exception {
        try (Node node = server()) {
            node.call("agar-server", "join", List.of(str("alice")), ALICE);
            node.call("agar-server", "join", List.of(str("bob")), BOB);
            place(node, "alice-node", -1000, -1000, 21);
            place(node, "bob-node", -1005, -1000, 20); // overlapping, but alice is less than 1.1x bigger
            node.call("agar-server", "set_direction", List.of(IntersticeValue.f32(1), IntersticeValue.f32(0)), ALICE);
            place(node, "alice-node", 1995, 0, 21);
            await("alice reaches the edge", () -> pos(node, "alice-node")[0] == 2000f);
            Thread.sleep(50); // several more ticks pushing east
            assertThat(pos(node, "alice-node")[0]).isEqualTo(2000f);
            assertThat(radius(node, "bob-node")).as("bob was not eaten").isGreaterThan(0);
            place(node, "bob-node", 5000, -5000, 20);
            assertThat(pos(node, "bob-node")).containsExactly(2000f, -2000f);
        }
    }

    @Test
    void aCellEatsTheFoodItTouchesAndTheFoodIsRefilled() throws Exception {
        try (Node node = server()) {
            node.call("agar-server", "join", List.of(str("alice")), ALICE);
            Row food = node.rows("agar-server", "food").getFirst();
            var foodPos = food.entries().getFirst();
            place(node, "alice-node", component(foodPos, "x"), component(foodPos, "y"), 18);
            await(
                    "the food is eaten",
                    () -> node.rows("agar-server", "food").stream()
                            .noneMatch(f -> f.primaryKey().equals(food.primaryKey())));
            float grown = (float) Math.sqrt(18 * 18 + 6 * 6);
            assertThat(radius(node, "alice-node")).isGreaterThanOrEqualTo(grown - 0.01f);
            assertThat(node.rows("agar-server", "food")).hasSize(180);
        }
    }

    /** Upstream's agar-client reads these tables: ours must be the same (names, types, keys, persistence). */
    @Test
    void itsTablesAreUpstreams() throws Exception {
        String dir = System.getenv("INTERSTICE_UPSTREAM_WASM_DIR");
        assumeTrue(dir != null && Files.exists(Path.of(dir, "agar_server.wasm")), "needs upstream's agar_server.wasm");
        ModuleSchema ours;
        ModuleSchema theirs;
        try (Node a = server();
                Node b = Node.open(NodeConfig.inMemory())) {
            ours = a.modules().stream()
                    .filter(m -> m.name().equals("agar-server"))
                    .findFirst()
                    .orElseThrow();
            b.start();
            theirs = b.load("agar_server.wasm", Files.readAllBytes(Path.of(dir, "agar_server.wasm")));
        }
        assertThat(ours.name()).isEqualTo(theirs.name());
        assertThat(sorted(ours.tables())).isEqualTo(sorted(theirs.tables()));
        for (String type : List.of("Vec2", "Color"))
            assertThat(ours.typeDefinitions().get(type))
                    .isEqualTo(theirs.typeDefinitions().get(type));
        assertThat(ours.reducers().stream().map(r -> r.name()).toList())
                .containsAll(theirs.reducers().stream().map(r -> r.name()).toList());
    }

    private static List<TableSchema> sorted(List<TableSchema> t) {
        return t.stream().sorted(Comparator.comparing(TableSchema::name)).toList();
    }
}
