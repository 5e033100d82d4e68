package dev.interstice.network;

import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.network.ReplicaFixtures.REPLICA;
import static dev.interstice.network.ReplicaFixtures.events;
import static dev.interstice.network.ReplicaFixtures.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Replicas of another node's table: filled by a snapshot, kept current by its events, surviving restarts. */
@Timeout(120)
class ReplicaTest {

    static List<Long> replica(Node n) {
        try {
            return ids(n.rows("copy", REPLICA));
        } catch (RuntimeException notThereYet) {
            return List.of();
        }
    }

    static List<Long> source(NetNode bank) {
        return ids(bank.t.node.rows("bank", "ledger"));
    }

    static Optional<List<Long>> scanned(List<String> copyLogs) {
        return copyLogs.stream()
                .filter(l -> l.matches("([0-9a-f]{2})+"))
                .map(l -> ReplicaFixtures.scannedIds(HexFormat.of().parseHex(l)))
                .filter(Objects::nonNull)
                .findFirst();
    }

    static long syncs(List<String> copyLogs) {
        return copyLogs.stream().filter("synced"::equals).count();
    }

    /** The guest's hex log lines decoded as text (error answers carry their message in UTF-8). */
    static String text(List<String> lines) {
        var out = new StringBuilder();
        for (String l : lines)
            out.append(l.matches("([0-9a-f]{2})*") ? new String(HexFormat.of().parseHex(l), StandardCharsets.UTF_8) : l)
                    .append('\n');
        return out.toString();
    }

    @Test
    void aReplicaIsFilledBySnapshotKeptCurrentAndReadOnly() {
        try (var bank = new NetNode("bank-node");
                var app = new NetNode("app-node")) {
            bank.t.node.load(ReplicaFixtures.bank());
            for (int i = 0; i < 3; i++) bank.t.node.call("bank", "record", List.of());
            app.t.node.load(ReplicaFixtures.copy(bank.address(), false));
            NetNode.await("snapshot in the replica", () -> replica(app.t.node).equals(List.of(0L, 1L, 2L)));
            NetNode.await("sync hook", () -> syncs(app.t.logsOf("copy")) == 1);
            assertThat(events(app.t.logsOf("copy"), "inserted"))
                    .as("the snapshot's rows are not inserts")
                    .isEmpty();

            bank.t.node.call("bank", "record", List.of());
            NetNode.await("insert", () -> replica(app.t.node).equals(List.of(0L, 1L, 2L, 3L)));
            NetNode.await(
                    "insert handler",
                    () -> events(app.t.logsOf("copy"), "inserted").equals(List.of(3L)));
            // the handler logs its input, then scans and logs the answer: the scan line can come a moment later
            NetNode.await(
                    "insert handler's scan", () -> scanned(app.t.logsOf("copy")).isPresent());
            List<Long> seen = scanned(app.t.logsOf("copy")).orElseThrow();
            assertThat(seen)
                    .as("the insert handler sees the row in the replica")
                    .isEqualTo(List.of(0L, 1L, 2L, 3L));

            bank.t.node.call("bank", "bump", List.of());
            NetNode.await(
                    "update",
                    () -> app.t
                            .node
                            .rows("copy", REPLICA)
                            .get(1)
                            .entries()
                            .getFirst()
                            .equals(u64(11)));
            NetNode.await(
                    "update handler",
                    () -> events(app.t.logsOf("copy"), "updated").equals(List.of(1L)));
            bank.t.node.call("bank", "drop1", List.of());
            NetNode.await("delete", () -> replica(app.t.node).equals(List.of(0L, 2L, 3L)));
            bank.t.node.call("bank", "wipe", List.of());
            NetNode.await("deletes", () -> replica(app.t.node).isEmpty());
            NetNode.await(
                    "delete handlers",
                    () -> events(app.t.logsOf("copy"), "deleted").size() == 4);
            assertThat(events(app.t.logsOf("copy"), "deleted")).containsExactly(1L, 0L, 2L, 3L);

            int before = app.t.logsOf("copy").size();
            app.t.node.call("copy", "write", List.of());
            app.t.node.call("copy", "peek", List.of());
            var logs = app.t.logsOf("copy");
            String answers = text(logs.subList(before, logs.size()));
            assertThat(answers).contains("'" + REPLICA + "' is the replica of bank-node.bank.ledger and is read-only");
            assertThat(answers)
                    .contains("reducer 'peek' of module 'copy' did not declare read access to table"
                            + " 'bank-node.bank.ledger'");
            assertThat(replica(app.t.node)).isEmpty();
            assertThat(syncs(app.t.logsOf("copy"))).as("sync fires once").isEqualTo(1);
        }
    }

    /**
     * The replicating node is killed (SIGKILL) while the source changes, and the source changes more (deletes
     * included) while it is down; after the restart its replica equals the source and its subscribers got exactly
     * the changes the persisted replica had missed (replayed on it they give the source): no row twice, no delete
     * lost.
     */
    @Test
    void aKilledReplicatingNodeResumesWithoutDuplicatesOrLostDeletes(@TempDir Path dir) throws Exception {
        try (var bank = new NetNode("bank-node")) {
            bank.t.node.load(ReplicaFixtures.bank());
            bank.t.node.call("bank", "burst", List.of());
            var child = ReplicaNodeMain.launch(dir, bank.address());
            try {
                child.await("READY");
                child.await("LOG copy synced");
                for (int i = 0; i < 20; i++) {
                    bank.t.node.call("bank", "burst", List.of());
                    if (i == 10) child.process().destroyForcibly(); // mid-stream
                    if (i % 7 == 3) bank.t.node.call("bank", "wipe", List.of());
                }
            } finally {
                child.process().destroyForcibly();
                child.process().waitFor(10, TimeUnit.SECONDS);
            }
            bank.t.node.call("bank", "wipe", List.of()); // deletes the replica has not seen
            bank.t.node.call("bank", "burst", List.of());
            List<Long> expected = source(bank);

            var logs = new CopyOnWriteArrayList<String>();
            Node node = Node.openDeferred(NodeConfig.at(dir).withLogSink((m, msg) -> {
                if (m.equals("copy")) logs.add(msg);
            }));
            try {
                List<Long> persisted = replica(node);
                assertThat(persisted).as("the replica survived the kill").isNotEmpty();
                try (var server = NodeServer.start(node, NetNode.fast().withNodeName("app-node"))) {
                    NetNode.await(
                            "replica equals the source", () -> replica(node).equals(expected));
                    // the subscribers got the missed changes: the exact events (resumed) or the net difference
                    // (snapshot); replayed on the persisted replica they give the source, without a duplicate insert or
                    // a delete of a row not there
                    NetNode.await(
                            "the missed changes delivered",
                            () -> replay(logs, persisted).equals(Set.copyOf(expected)));
                    bank.t.node.call("bank", "record", List.of());
                    NetNode.await(
                            "and it follows the events again",
                            () -> replica(node).equals(source(bank)));
                }
            } finally {
                node.close();
            }
        }
    }

    /** Replays the inserts and deletes the copy module's handlers logged (in order) on {@code start}. */
    static Set<Long> replay(List<String> copyLogs, List<Long> start) {
        var rows = new HashSet<>(start);
        List<String> lines = List.copyOf(copyLogs);
        for (int i = 0; i + 1 < lines.size(); i++) {
            String marker = lines.get(i);
            if (!marker.equals("inserted") && !marker.equals("deleted")) continue;
            long id = events(lines.subList(i, i + 2), marker).getFirst();
            if (marker.equals("inserted"))
                assertThat(rows.add(id)).as("insert of %d delivered once", id).isTrue();
            else
                assertThat(rows.remove(id))
                        .as("delete of %d: a row the replica had", id)
                        .isTrue();
        }
        return rows;
    }

    /** The source node restarts (a new stream epoch): the replica follows by a snapshot, then by events. */
    @Test
    void aReplicaFollowsARestartedSource(@TempDir Path dir) {
        try (var app = new NetNode("app-node")) {
            int port;
            try (var first = new NetNode("bank-node", NodeConfig.at(dir), 0, c -> c)) {
                port = first.server.port();
                first.t.node.load(ReplicaFixtures.bank());
                for (int i = 0; i < 3; i++) first.t.node.call("bank", "record", List.of());
                app.t.node.load(ReplicaFixtures.copy(first.address(), false));
                NetNode.await("replica", () -> replica(app.t.node).equals(List.of(0L, 1L, 2L)));
            }
            try (var second = new NetNode("bank-node", NodeConfig.at(dir), port, c -> c)) {
                second.t.node.call("bank", "drop1", List.of());
                second.t.node.call("bank", "record", List.of());
                NetNode.await("replica follows", () -> replica(app.t.node).equals(List.of(0L, 2L, 3L)));
                second.t.node.call("bank", "record", List.of());
                NetNode.await("and its rows", () -> replica(app.t.node).equals(List.of(0L, 2L, 3L, 4L)));
                // the insert hook runs in its own transaction, after the replica row is applied
                NetNode.await(
                        "and its events",
                        () -> events(app.t.logsOf("copy"), "inserted").size() == 2);
                assertThat(events(app.t.logsOf("copy"), "deleted")).containsExactly(1L);
                assertThat(events(app.t.logsOf("copy"), "inserted")).containsExactly(3L, 4L);
                assertThat(syncs(app.t.logsOf("copy"))).isEqualTo(1);
            }
        }
    }

    /** A compatible replacement keeps the replica; a reset or a removal drops it, and a new load fills it again. */
    @Test
    void aReplicaFollowsItsModuleThroughReplaceResetAndRemove(@TempDir Path dir) {
        try (var bank = new NetNode("bank-node");
                var app = new NetNode("app-node", NodeConfig.at(dir), 0, c -> c)) {
            bank.t.node.load(ReplicaFixtures.bank());
            for (int i = 0; i < 3; i++) bank.t.node.call("bank", "record", List.of());
            byte[] copy = ReplicaFixtures.copy(bank.address(), false);
            app.t.node.load(copy);
            NetNode.await("replica", () -> replica(app.t.node).equals(List.of(0L, 1L, 2L)));

            app.t.node.publish("copy.wasm", copy, false);
            assertThat(replica(app.t.node))
                    .as("kept by a compatible replacement")
                    .isEqualTo(List.of(0L, 1L, 2L));
            bank.t.node.call("bank", "record", List.of());
            NetNode.await("and kept current", () -> replica(app.t.node).equals(List.of(0L, 1L, 2L, 3L)));

            app.t.node.publish("copy.wasm", copy, true);
            NetNode.await("refilled after a reset", () -> replica(app.t.node).equals(List.of(0L, 1L, 2L, 3L)));
            bank.t.node.call("bank", "record", List.of());
            NetNode.await("and kept current again", () -> replica(app.t.node).size() == 5);

            app.t.node.remove("copy");
            app.t.node.load(copy);
            NetNode.await("refilled after a removal", () -> replica(app.t.node).equals(source(bank)));
            bank.t.node.call("bank", "drop1", List.of());
            NetNode.await(
                    "and kept current once more", () -> replica(app.t.node).equals(source(bank)));
        }
    }

    /** On restart the network is up before the load hooks run: a remote call made by a load hook is delivered. */
    @Test
    void aRemoteCallFromALoadHookIsDeliveredOnRestart(@TempDir Path dir) throws Exception {
        try (var bank = new NetNode("bank-node")) {
            bank.t.node.load(ReplicaFixtures.bank());
            try (var app = new NetNode("app-node", NodeConfig.at(dir), 0, c -> c)) {
                app.t.node.load(ReplicaFixtures.copy(bank.address(), true));
                NetNode.await("the first load's call", () -> source(bank).size() == 1);
            }
            Node node = Node.openDeferred(NodeConfig.at(dir).withLogSink((m, msg) -> {}));
            try (var server = NodeServer.start(node, NetNode.fast().withNodeName("app-node"))) {
                NetNode.await("the restart's load call", () -> source(bank).size() == 2);
            } finally {
                node.close();
            }
        }
    }

    /** A module's call to a node that is down waits in its link and is delivered once that node is back. */
    @Test
    void aCallToANodeThatIsDownIsDeliveredWhenItComesBack(@TempDir Path dir) {
        Path bankDir = dir.resolve("bank");
        int port;
        String address;
        try (var bank = new NetNode("bank-node", NodeConfig.at(bankDir), 0, c -> c)) {
            port = bank.server.port();
            address = bank.address();
            bank.t.node.load(ReplicaFixtures.bank());
        }
        try (var app = new NetNode("app-node", NodeConfig.at(dir.resolve("app")), 0, c -> c)) {
            app.t.node.load(ReplicaFixtures.copy(address, true)); // bank-node is down: the load hook's call waits
            try (var bank = new NetNode("bank-node", NodeConfig.at(bankDir), port, c -> c)) {
                NetNode.await("the queued call arrives", () -> source(bank).size() == 1);
                NetNode.await("and the replica fills", () -> replica(app.t.node).equals(source(bank)));
            }
        }
    }
}
