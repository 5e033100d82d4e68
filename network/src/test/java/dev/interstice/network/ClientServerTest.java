package dev.interstice.network;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Requests and replies between a CLI-style client and a node: results, errors, visibility, administration. */
@Timeout(60)
class ClientServerTest {
    NetNode n;

    @BeforeEach
    void start() {
        n = new NetNode("bank-node");
        n.t.node.load(Fixtures.bank().build());
        n.t.node.load(Fixtures.secret().build());
    }

    @AfterEach
    void stop() {
        n.close();
    }

    @Test
    void callsQueriesSchemaAndRows() {
        try (var c = n.client()) {
            assertThat(c.nodeId()).isEqualTo(n.t.node.id());
            assertThat(c.nodeName()).isEqualTo("bank-node");
            assertThat(c.isAdmin()).isFalse();
            Message.Called called = c.call("bank", "record", List.of(), true);
            assertThat(called.acknowledged()).as("in-memory node").isEqualTo(Acknowledged.NOT_PERSISTED);
            assertThat(called.txId()).isPositive();
            assertThat(c.query("bank", "total", List.of())).isEqualTo(u64(42));
            assertThat(c.rows("bank", "ledger")).containsExactly(Fixtures.ENTRY);
            var schema = c.schema(false);
            assertThat(schema.name()).isEqualTo("bank-node");
            assertThat(schema.address()).isEqualTo(n.address());
            assertThat(schema.modules()).extracting(ModuleSchema::name).containsExactly("bank");
            assertThat(schema.modules().getFirst().tables())
                    .extracting(t -> t.name())
                    .containsExactly("ledger");
            c.call("bank", "add", List.of(u64(5), str("five")), false);
            assertThat(Fixtures.loggedArgs(n.t.hexLogsOf("bank").getLast())).containsExactly(u64(5), str("five"));
            assertThat(Fixtures.loggedCaller(n.t.hexLogsOf("bank").getLast())).isEqualTo("cli");
            assertThat(c.ping()).isPositive();
        }
    }

    @Test
    void durabilityIsReported(@TempDir Path dir) throws Exception {
        try (var d = new NetNode("durable", NodeConfig.at(dir), 0, cfg -> cfg)) {
            d.t.node.load(Fixtures.bank().build());
            try (var c = d.client()) {
                assertThat(c.call("bank", "record", List.of(), true).acknowledged())
                        .isEqualTo(Acknowledged.DURABLE);
                Message.Called fast = c.call("bank", "record", List.of(), false);
                assertThat(fast.acknowledged()).isEqualTo(Acknowledged.FAST);
                assertThat(fast.lsn()).isPositive();
                assertThat(c.call("bank", "add", List.of(u64(1), str("x")), true)
                                .acknowledged())
                        .isEqualTo(Acknowledged.NOT_PERSISTED);
            }
        }
    }

    @Test
    void errorsCarryTheirKindAndAReadableMessage() {
        try (var c = n.client()) {
            assertThatThrownBy(() -> c.call("bank", "nope", List.of(), false))
                    .isInstanceOfSatisfying(
                            NetworkException.class,
                            e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.NOT_FOUND))
                    .hasMessageContaining("no reducer 'nope'");
            assertThatThrownBy(() -> c.call("bank", "add", List.of(str("x")), false))
                    .isInstanceOfSatisfying(
                            NetworkException.class,
                            e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.BAD_ARGUMENTS));
            assertThatThrownBy(() -> c.call("bank", "boom", List.of(), false))
                    .isInstanceOfSatisfying(
                            NetworkException.class,
                            e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.TRAP));
            assertThatThrownBy(() -> c.query("bank", "nope", List.of()))
                    .isInstanceOfSatisfying(
                            NetworkException.class,
                            e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.NOT_FOUND));
            // the connection is still fine after errors
            assertThat(c.query("bank", "total", List.of())).isEqualTo(u64(42));
        }
    }

    @Test
    void privateModulesAndTablesAnswerExactlyLikeMissingOnes() {
        try (var c = n.client()) {
            String missing = messageOf(() -> c.call("ghost", "poke", List.of(), false));
            String hidden = messageOf(() -> c.call("secret", "poke", List.of(), false));
            assertThat(hidden).isEqualTo(missing.replace("ghost", "secret"));
            assertThat(messageOf(() -> c.query("secret", "peek", List.of())))
                    .isEqualTo(
                            messageOf(() -> c.query("ghost", "peek", List.of())).replace("ghost", "secret"));
            assertThat(messageOf(() -> c.rows("bank", "vault")))
                    .isEqualTo(messageOf(() -> c.rows("bank", "nothing")).replace("nothing", "vault"));
            assertThat(messageOf(() -> c.rows("secret", "notes"))).contains("no module 'secret'");
            assertThatThrownBy(() -> c.schema(true))
                    .isInstanceOfSatisfying(
                            NetworkException.class,
                            e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.UNAUTHORIZED));
        }
        try (var a = n.admin()) {
            assertThat(a.isAdmin()).isTrue();
            a.call("secret", "poke", List.of(), false);
            a.call("bank", "hide", List.of(), false);
            assertThat(a.rows("bank", "vault")).containsExactly(Fixtures.ENTRY);
            assertThat(a.schema(true).modules()).extracting(ModuleSchema::name).containsExactly("bank", "secret");
            assertThat(a.schema(false).modules()).extracting(ModuleSchema::name).containsExactly("bank");
        }
    }

    static String messageOf(Runnable r) {
        try {
            r.run();
        } catch (NetworkException e) {
            assertThat(e.errorKind()).isEqualTo(ErrorKind.NOT_FOUND);
            return e.getMessage();
        }
        throw new AssertionError("expected NOT_FOUND");
    }

    @Test
    void publishAndRemoveNeedTheAdminCredential() {
        byte[] wasm = Fixtures.bank().build();
        try (var c = n.client()) {
            assertThatThrownBy(() -> c.publish("bank.wasm", wasm, false, java.time.Duration.ofSeconds(30)))
                    .isInstanceOfSatisfying(
                            NetworkException.class,
                            e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.UNAUTHORIZED))
                    .hasMessageContaining("admin credential");
            assertThatThrownBy(() -> c.remove("bank"))
                    .isInstanceOfSatisfying(
                            NetworkException.class,
                            e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.UNAUTHORIZED));
        }
        assertThat(n.t.node.schema("bank")).isPresent();
        assertThatThrownBy(() -> NodeClient.connect(
                        n.address(), NodeClient.Options.client().withAdminToken(AdminToken.random())))
                .isInstanceOfSatisfying(
                        NetworkException.class, e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.UNAUTHORIZED))
                .hasMessageContaining("refused");
        try (var a = n.admin()) {
            a.remove("bank");
            assertThat(n.t.node.schema("bank")).isEmpty();
            assertThatThrownBy(() -> a.remove("bank"))
                    .isInstanceOfSatisfying(
                            NetworkException.class,
                            e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.NOT_FOUND));
            Message.Published p = a.publish("bank.wasm", wasm, false, java.time.Duration.ofSeconds(30));
            assertThat(p.module()).isEqualTo("bank");
            assertThat(p.version().toString()).isEqualTo("0.1.0");
            assertThat(p.replaced()).isFalse();
            assertThat(a.query("bank", "total", List.of())).isEqualTo(u64(42));
            assertThatThrownBy(() -> a.publish(
                            "junk.wasm", new byte[] {0, 'a', 's', 'm', 9}, false, java.time.Duration.ofSeconds(30)))
                    .isInstanceOfSatisfying(
                            NetworkException.class,
                            e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.INVALID_MODULE))
                    .hasMessageContaining("junk.wasm");
        }
    }

    @Test
    void republishingComparesSchemas() {
        try (var a = n.admin()) {
            a.call("bank", "record", List.of(), false);
            // same schema: compatible, replaced in place with its rows kept
            Message.Published same =
                    a.publish("bank.wasm", Fixtures.bank().build(), false, java.time.Duration.ofSeconds(30));
            assertThat(same.replaced()).isTrue();
            assertThat(n.t.node.rows("bank", "ledger")).hasSize(1);
            // incompatible: a column changes type
            var changed = dev.interstice.runtime.testing.ModuleFixture.module("bank")
                    .table(dev.interstice.runtime.testing.ModuleFixture.simpleTable(
                            "ledger",
                            true,
                            dev.interstice.abi.schema.Persistence.LOGGED,
                            dev.interstice.abi.schema.Visibility.PUBLIC,
                            List.of(new dev.interstice.abi.schema.FieldDef(
                                    "amount", dev.interstice.abi.schema.IntersticeType.STRING)),
                            List.of()));
            assertThatThrownBy(() -> a.publish("bank2.wasm", changed.build(), false, java.time.Duration.ofSeconds(30)))
                    .isInstanceOfSatisfying(
                            NetworkException.class,
                            e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.INCOMPATIBLE))
                    .hasMessageContaining("column 'amount' changed type u64 -> String")
                    .hasMessageContaining("table 'vault' removed");
            assertThat(n.t.node.rows("bank", "ledger")).hasSize(1);
            // an explicit reset replaces it and drops the data
            Message.Published p = a.publish("bank2.wasm", changed.build(), true, java.time.Duration.ofSeconds(30));
            assertThat(p.replaced()).isTrue();
            assertThat(n.t.node.rows("bank", "ledger")).isEmpty();
            assertThat(n.t.node.schema("bank").orElseThrow().table("vault")).isEmpty();
        }
    }

    @Test
    void manyRequestsInFlightOnOneConnection() throws Exception {
        try (var small = new NetNode("small", NodeConfig.inMemory(), 0, cfg -> cfg.withMaxInFlight(8))) {
            small.t.node.load(Fixtures.bank().build());
            try (var c = NodeClient.connect(
                    small.address(), NodeClient.Options.client().withMaxInFlight(512))) {
                var futures = new ArrayList<CompletableFuture<Message.Reply>>();
                for (int i = 0; i < 2000; i++) {
                    if (i % 2 == 0)
                        futures.add(c.request(id -> new Message.Call(id, "bank", "record", "", false, List.of())));
                    else futures.add(c.request(id -> new Message.Query(id, "bank", "total", "", List.of())));
                }
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                        .get();
                long lastTx = 0;
                for (int i = 0; i < futures.size(); i++) {
                    Message.Reply r = futures.get(i).get();
                    assertThat(r.id()).isEqualTo(i + 1);
                    if (i % 2 == 0) {
                        long tx = ((Message.Called) r).txId();
                        assertThat(tx).as("handled in order").isGreaterThan(lastTx);
                        lastTx = tx;
                    } else assertThat(((Message.QueryResult) r).value()).isEqualTo(u64(42));
                }
                assertThat(small.t.node.rows("bank", "ledger")).hasSize(1000);
                assertThat(c.inFlight()).isZero();
            }
        }
    }

    @Test
    void aReadPipelinedBehindCallsSeesThemWhileOtherConnectionsKeepTheNodeBusy() throws Exception {
        try (var busy = n.client();
                var c = n.client()) {
            var flood = new ArrayList<CompletableFuture<Message.Reply>>();
            for (int i = 0; i < 3000; i++)
                flood.add(busy.request(id -> new Message.Call(id, "bank", "record", "", false, List.of())));
            for (int round = 1; round <= 20; round++) {
                for (int i = 0; i < 10; i++)
                    c.request(id -> new Message.Call(id, "bank", "record", "", false, List.of()));
                var rows = c.request(id -> new Message.GetRows(id, "bank", "ledger"))
                        .get();
                // the 10 calls sent before the read on this connection ran before it, whatever the other connection did
                var ledger = ((Message.RowsResult) rows).rows();
                assertThat(ledger.size()).as("round " + round).isGreaterThanOrEqualTo(10 * round);
            }
            CompletableFuture.allOf(flood.toArray(CompletableFuture[]::new)).get();
            assertThat(n.t.node.rows("bank", "ledger")).hasSize(3000 + 200);
        }
    }

    @Test
    void onlyTheHandshakeOpensAConnection() {
        assertThat(n.server.connections()).isZero();
        try (var _ = n.client()) {
            NetNode.await("session registered", () -> n.server.connections() == 1);
        }
        NetNode.await("session closed", () -> n.server.connections() == 0);
    }
}
