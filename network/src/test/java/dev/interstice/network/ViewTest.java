package dev.interstice.network;

import static dev.interstice.network.ReplicaFixtures.events;
import static dev.interstice.runtime.testing.ViewModules.doc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.TableRef;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.ViewModules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A table with a view (docs.docs: a row is its owner's) seen from two peer nodes and from clients: each peer's replica,
 * snapshot and events hold only its own rows, a row moving between owners arrives as a delete at one and an insert at
 * the other, clients read only the rows owned by "cli", the admin reads all.
 */
@Timeout(120)
class ViewTest {
    static final String REPLICA = "__replica__docs_node__docs__docs";
    static final TableRef THERE = new TableRef(Selection.other("docs-node"), Selection.other("docs"), "docs");

    /** Module "mirror": replicates docs-node.docs.docs and logs each event it gets (marker line, then its input). */
    static byte[] mirror(String docsAddress) {
        var row = List.of(new FieldDef("row", new IntersticeType.Named("doc")));
        var f = ModuleFixture.module("mirror").type(ViewModules.DOC);
        for (String marker : List.of("inserted", "updated", "deleted"))
            f.blob(marker, marker.getBytes(StandardCharsets.UTF_8));
        f.subscribe("on_insert", on(SubscriptionEvent.TableEventKind.INSERT))
                .reducer(handler("on_insert", row), log("inserted"))
                .subscribe("on_update", on(SubscriptionEvent.TableEventKind.UPDATE))
                .reducer(
                        handler(
                                "on_update",
                                List.of(new FieldDef("old", new IntersticeType.Named("doc")), row.getFirst())),
                        log("updated"))
                .subscribe("on_delete", on(SubscriptionEvent.TableEventKind.DELETE))
                .reducer(handler("on_delete", row), log("deleted"));
        return f.nodeDependency("docs-node", docsAddress)
                .replicate("docs-node", "docs", "docs")
                .build();
    }

    private static ReducerSchema handler(String name, List<FieldDef> args) {
        return new ReducerSchema(name, args, List.of(THERE), List.of(), List.of(), List.of());
    }

    private static SubscriptionEvent on(SubscriptionEvent.TableEventKind kind) {
        return new SubscriptionEvent.Table(kind, Selection.other("docs-node"), "docs", "docs");
    }

    private static String log(String marker) {
        return "(call $log (i32.const ${" + marker + "}) (i32.const ${" + marker + ".len}))"
                + "(call $log_hex (local.get $ptr) (local.get $len))";
    }

    static List<Long> replica(Node n) {
        try {
            return ReplicaFixtures.ids(n.rows("mirror", REPLICA));
        } catch (RuntimeException notThereYet) {
            return List.of();
        }
    }

    static List<Long> ids(List<Row> rows) {
        return ReplicaFixtures.ids(rows);
    }

    @Test
    void peersAndClientsSeeOnlyTheRowsTheViewAdmitsThemThroughEveryPath() {
        try (var docs = new NetNode("docs-node");
                var b = new NetNode("b-node");
                var c = new NetNode("c-node")) {
            String bId = b.t.node.id();
            String cId = c.t.node.id();
            var f = ViewModules.docs();
            ViewModules.insert(f, "b1", doc(1, 10, bId));
            ViewModules.insert(f, "c2", doc(2, 20, cId));
            ViewModules.insert(f, "b3", doc(3, 30, bId));
            ViewModules.insert(f, "cli4", doc(4, 40, "cli"));
            ViewModules.update(f, "touch1", doc(1, 11, bId));
            ViewModules.update(f, "give2toB", doc(2, 20, bId));
            ViewModules.update(f, "give2toC", doc(2, 21, cId));
            ViewModules.delete(f, "drop3", 3);
            ViewModules.insert(f, "clash", doc(5, 21, "cli")); // n = 21 is row 2's, c's
            docs.t.node.load(f.build());
            for (String r : List.of("b1", "c2", "b3", "cli4")) docs.t.node.call("docs", r, List.of());

            b.t.node.load(mirror(docs.address()));
            c.t.node.load(mirror(docs.address()));
            NetNode.await("b's snapshot", () -> replica(b.t.node).equals(List.of(1L, 3L)));
            NetNode.await("c's snapshot", () -> replica(c.t.node).equals(List.of(2L)));

            for (String r : List.of("touch1", "give2toB", "give2toC", "drop3")) docs.t.node.call("docs", r, List.of());
            NetNode.await(
                    "b's last event",
                    () -> events(b.t.logsOf("mirror"), "deleted").contains(3L));
            NetNode.await(
                    "c's last event",
                    () -> events(c.t.logsOf("mirror"), "inserted").size() == 1);
            var bLogs = b.t.logsOf("mirror");
            assertThat(events(bLogs, "updated")).as("b: its row changed").containsExactly(1L);
            assertThat(events(bLogs, "inserted"))
                    .as("b: row 2 entered its view")
                    .containsExactly(2L);
            assertThat(events(bLogs, "deleted"))
                    .as("b: row 2 left it, row 3 was deleted")
                    .containsExactly(2L, 3L);
            var cLogs = c.t.logsOf("mirror");
            assertThat(events(cLogs, "updated"))
                    .as("c sees no change of b's rows")
                    .isEmpty();
            assertThat(events(cLogs, "deleted")).as("c: row 2 left its view").containsExactly(2L);
            assertThat(events(cLogs, "inserted")).as("c: row 2 came back").containsExactly(2L);
            NetNode.await("b's replica", () -> replica(b.t.node).equals(List.of(1L)));
            NetNode.await("c's replica", () -> replica(c.t.node).equals(List.of(2L)));
            assertThat(b.t.node.rows("mirror", REPLICA).getFirst().entries().getFirst())
                    .isEqualTo(IntersticeValue.u64(11));

            try (var client = docs.client();
                    var admin = docs.admin()) {
                assertThat(ids(client.rows("docs", "docs")))
                        .as("a client is 'cli'")
                        .containsExactly(4L);
                assertThat(ids(client.rowsPage("docs", "docs", List.of(), null, 1)))
                        .containsExactly(4L);
                assertThat(ids(admin.rows("docs", "docs"))).as("the admin").containsExactly(1L, 2L, 4L);
                var created = admin.createToken(List.of(Grant.parse("rows:docs")), null);
                try (var scoped = NodeClient.connect(
                        docs.address(),
                        NodeClient.Options.client().withToken(TokenCredential.parse(created.credential())))) {
                    assertThat(ids(scoped.rows("docs", "docs")))
                            .as("a scoped token reads as a client")
                            .containsExactly(4L);
                }

                var row2 = new IntersticeValue.Struct(
                        "doc",
                        List.of(
                                new IntersticeValue.Field("id", IntersticeValue.u64(2)),
                                new IntersticeValue.Field("n", IntersticeValue.u64(21)),
                                new IntersticeValue.Field("owner", IntersticeValue.str(cId))));
                assertThatThrownBy(() -> client.query("docs", "mine", List.of(row2)))
                        .as("the view is no oracle")
                        .hasMessageContaining("is a table's view");

                client.call("docs", "clash", List.of(), true);
                String answer = docs.t.hexLogsOf("docs").stream()
                        .map(x -> new String(x, StandardCharsets.UTF_8))
                        .filter(s -> s.contains("unique index"))
                        .findFirst()
                        .orElseThrow();
                assertThat(answer).contains("already used by another row").doesNotContain("primary key");
            }

            // the view reads table "open": changing it changes what every peer sees, with no change to docs' rows
            docs.t.node.call("docs", "open_all", List.of());
            NetNode.await("b sees all", () -> replica(b.t.node).equals(List.of(1L, 2L, 4L)));
            NetNode.await("c sees all", () -> replica(c.t.node).equals(List.of(1L, 2L, 4L)));
            docs.t.node.call("docs", "close_all", List.of());
            NetNode.await("b sees its own again", () -> replica(b.t.node).equals(List.of(1L)));
            NetNode.await("c sees its own again", () -> replica(c.t.node).equals(List.of(2L)));
            NetNode.await(
                    "c's deletes", () -> events(c.t.logsOf("mirror"), "deleted").size() == 3);
            assertThat(events(c.t.logsOf("mirror"), "deleted"))
                    .as("rows leaving c's view arrive as deletes")
                    .containsExactlyInAnyOrder(2L, 1L, 4L);
            assertThat(events(c.t.logsOf("mirror"), "inserted"))
                    .as("rows entering c's view arrive as inserts")
                    .containsExactlyInAnyOrder(2L, 1L, 4L);
        }
    }
    /**
     * A new version adds the view, and its load hook inserts a row of c's in the publish's own transaction, which
     * commits before the streams learn of the new version: b never receives that row, not even for a moment.
     */
    @Test
    void aViewAddedByANewVersionAppliesFromItsFirstTransaction() {
        try (var docs = new NetNode("docs-node");
                var b = new NetNode("b-node")) {
            String bId = b.t.node.id();
            var v1 = ViewModules.docs(Visibility.PUBLIC, ViewModules.OPEN_OR_OWNER, java.util.Map.of());
            ViewModules.insert(v1, "b1", doc(1, 10, bId));
            ViewModules.insert(v1, "c9", doc(9, 90, "someone else"));
            docs.t.node.load(v1.build());
            docs.t.node.call("docs", "b1", List.of());
            b.t.node.load(mirror(docs.address()));
            NetNode.await("b's snapshot", () -> replica(b.t.node).equals(List.of(1L)));

            var v2 = ViewModules.docs();
            ViewModules.insert(v2, "b1", doc(1, 10, bId));
            ViewModules.insert(v2, "c9", doc(9, 90, "someone else"));
            v2.subscribe("on_load", new SubscriptionEvent.Core(SubscriptionEvent.Simple.LOAD))
                    .reducer("on_load", List.of(), List.of("docs"), ModuleFixture.insertOrTrap("docs", "c9"));
            ViewModules.update(v2, "touch1", doc(1, 11, bId));
            docs.t.node.publish("docs.wasm", v2.build(), false);
            assertThat(ids(docs.t.node.rows("docs", "docs"))).containsExactly(1L, 9L);
            docs.t.node.call("docs", "touch1", List.of()); // b's: it arrives after anything sent before it
            NetNode.await(
                    "b's update", () -> events(b.t.logsOf("mirror"), "updated").equals(List.of(1L)));
            assertThat(events(b.t.logsOf("mirror"), "inserted"))
                    .as("row 9 was not sent to b")
                    .isEmpty();
            assertThat(replica(b.t.node)).containsExactly(1L);
            docs.t.node.call("docs", "open_all", List.of()); // then everything is b's to see: row 9 arrives now
            NetNode.await("b sees all", () -> replica(b.t.node).equals(List.of(1L, 9L)));
            // the mirror's insert hook runs in its own transaction, after the replica row is applied
            NetNode.await(
                    "b's insert event",
                    () -> !events(b.t.logsOf("mirror"), "inserted").isEmpty());
            assertThat(events(b.t.logsOf("mirror"), "deleted"))
                    .as("row 9 was never sent before the view let it through")
                    .isEmpty();
            assertThat(events(b.t.logsOf("mirror"), "inserted")).containsExactly(9L);
        }
    }
}
