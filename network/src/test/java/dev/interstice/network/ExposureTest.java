package dev.interstice.network;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.Row;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.node.NodeIdentity;
import dev.interstice.runtime.testing.ModuleFixture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a connection can claim and see: the caller a guest is shown, the identity a Hello may carry, the public schema. */
@Timeout(30)
class ExposureTest {
    NetNode n;

    @BeforeEach
    void start() {
        n = new NetNode("exposed");
        n.t.node.load(Fixtures.bank().build());
        n.t.node.load(whoami().build());
    }

    @AfterEach
    void stop() {
        n.close();
    }

    /**
     * Module "probe": reducer {@code whoami} inserts its caller (node id, module) into the public table {@code callers}.
     * The row is built from the call input: (len, node id, len, module, ...) with one-byte lengths (names under 128 bytes).
     */
    static ModuleFixture whoami() {
        int row = 40_000;
        String body = """
                (local $n i32) (local $m i32)
                (local.set $n (i32.load8_u (local.get $ptr)))
                (local.set $m (i32.load8_u (i32.add (local.get $ptr) (i32.add (local.get $n) (i32.const 1)))))
                (i32.store (i32.const ROW) (i32.const 0x09020003))
                (memory.copy (i32.const ROW4) (local.get $ptr) (i32.add (local.get $n) (i32.const 1)))
                (i32.store8 (i32.add (i32.const ROW5) (local.get $n)) (i32.const 9))
                (memory.copy (i32.add (i32.const ROW6) (local.get $n)) (i32.add (local.get $ptr) (i32.add (local.get $n) (i32.const 1)))
                    (i32.add (local.get $m) (i32.const 1)))
                (drop (call $insert_row (i32.const ${t:callers}) (i32.const ${t:callers.len}) (i32.const ROW)
                    (i32.add (i32.const 7) (i32.add (local.get $n) (local.get $m))) (i32.const ${resp}) (i32.const 4096)))
                (if (i32.ne (i32.load8_u (i32.const ${resp})) (i32.const 0)) (then unreachable))
                """.replace("ROW4", String.valueOf(row + 4))
                .replace("ROW5", String.valueOf(row + 5))
                .replace("ROW6", String.valueOf(row + 6))
                .replace("ROW", String.valueOf(row));
        return ModuleFixture.module("probe")
                .table(ModuleFixture.simpleTable(
                        "callers",
                        true,
                        Persistence.EPHEMERAL,
                        Visibility.PUBLIC,
                        List.of(
                                new FieldDef("node", IntersticeType.STRING),
                                new FieldDef("module", IntersticeType.STRING)),
                        List.of()))
                .reducer("whoami", List.of(), List.of("callers"), body);
    }

    private List<Row> callers() {
        return n.t.node.rows("probe", "callers");
    }

    private void callWhoami(RawConnection c, String callerModule) throws Exception {
        assertThat(c.read()).isInstanceOf(Message.Welcome.class);
        c.send(new Message.Call(1, "probe", "whoami", callerModule, false, List.of()));
        assertThat(c.read())
                .isInstanceOfSatisfying(
                        Message.Called.class, r -> assertThat(r.id()).isEqualTo(1));
    }

    @Test
    void aClientClaimingTheNodesOwnIdIsStillACliCaller() throws Exception {
        try (var c = RawConnection.hello(n.server.port(), Message.Role.CLIENT, n.t.node.id(), "me")) {
            callWhoami(c, "hello");
        }
        assertThat(callers()).singleElement().extracting(Row::entries).isEqualTo(List.of(str("cli"), str("")));
        try (var admin = n.admin()) {
            admin.call("probe", "whoami", List.of(), false);
        }
        assertThat(callers().getLast().entries()).as("an admin client too").containsExactly(str("cli"), str(""));
    }

    @Test
    void aPeerIsTheVerifiedNodeIdOfItsKeyWithItsCallingModule() throws Exception {
        var other = NodeIdentity.generate();
        try (var c = NodeClient.connect(n.address(), NodeClient.Options.client().asPeer(other, "other"))) {
            assertThat(c.encrypted()).isTrue();
            c.request(id -> new Message.Call(id, "probe", "whoami", "caller", false, List.of()))
                    .get();
        }
        assertThat(callers())
                .singleElement()
                .extracting(Row::entries)
                .isEqualTo(List.of(str(other.id()), str("caller")));
    }

    @Test
    void aPeerDeclaringAnotherNodesIdIsRefused() throws Exception {
        String victim = NodeIdentity.generate().id();
        // over plaintext (allowed for clients on loopback) a node id cannot be verified at all
        try (var c = RawConnection.hello(n.server.port(), Message.Role.PEER, victim, "other")) {
            assertThat(c.drain())
                    .singleElement()
                    .isInstanceOfSatisfying(
                            Message.Reject.class,
                            r -> assertThat(r.reason()).contains("must connect with TLS and present its key"));
        }
        // over TLS, with a key that is not the victim's: the id in the Hello is not the key's
        var impostor = NodeIdentity.generate();
        var opts = NodeClient.Options.client().asPeer(impostor, "other").withDeclaredNodeId(victim);
        assertThatThrownBy(() -> NodeClient.connect(n.address(), opts))
                .isInstanceOfSatisfying(
                        NetworkException.class, e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.PROTOCOL))
                .hasMessageContaining("refused the connection")
                .hasMessageContaining("the node id in the handshake (" + victim + ") is not the id of the key");
        assertThat(callers()).isEmpty();
    }

    @Test
    void aPeerClaimingTheNodesOwnIdIsRefused() throws Exception {
        try (var c = RawConnection.hello(n.server.port(), Message.Role.PEER, n.t.node.id(), "me")) {
            assertThat(c.drain())
                    .singleElement()
                    .isInstanceOfSatisfying(
                            Message.Reject.class,
                            r -> assertThat(r.reason()).contains("this is node " + n.t.node.id() + " itself"));
        }
        var opts = NodeClient.Options.client().asPeer(n.t.node.identity(), "me");
        assertThatThrownBy(() -> NodeClient.connect(n.address(), opts))
                .isInstanceOfSatisfying(
                        NetworkException.class, e -> assertThat(e.errorKind()).isEqualTo(ErrorKind.PROTOCOL))
                .hasMessageContaining("refused the connection")
                .hasMessageContaining("itself");
        assertThat(callers()).isEmpty();
    }

    @Test
    void longNodeIdsAndNamesInHelloAreRefused() throws Exception {
        String id128 = "i".repeat(ServerSession.MAX_NODE_ID_BYTES);
        String name256 = "é".repeat(ServerSession.MAX_NODE_NAME_BYTES / 2);
        try (var c = RawConnection.hello(n.server.port(), Message.Role.CLIENT, id128, name256)) {
            assertThat(c.read()).as("at the limits").isInstanceOf(Message.Welcome.class);
        }
        try (var c = RawConnection.hello(n.server.port(), Message.Role.PEER, id128 + "i", "x")) {
            assertThat(c.drain())
                    .singleElement()
                    .isInstanceOfSatisfying(
                            Message.Reject.class,
                            r -> assertThat(r.reason())
                                    .contains("node id")
                                    .contains("129 bytes")
                                    .contains("at most 128"));
        }
        try (var c = RawConnection.hello(n.server.port(), Message.Role.CLIENT, "", name256 + "x")) {
            assertThat(c.drain())
                    .singleElement()
                    .isInstanceOfSatisfying(
                            Message.Reject.class,
                            r -> assertThat(r.reason())
                                    .contains("node name")
                                    .contains("257 bytes")
                                    .contains("at most 256"));
        }
        var opts = NodeClient.Options.client().withDeclaredNodeId("p".repeat(1000));
        assertThatThrownBy(() -> NodeClient.connect(n.address(), opts))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("node id")
                .hasMessageContaining("1000 bytes");
        try (var c = n.client()) {
            assertThat(c.query("bank", "total", List.of())).isEqualTo(u64(42));
        }
    }

    @Test
    void thePublicSchemaNamesNoPrivateTable() {
        // bank's reducer "hide" declares access to its private table "vault"
        assertThat(n.t.node
                        .schema("bank")
                        .orElseThrow()
                        .reducer("hide")
                        .orElseThrow()
                        .inserts())
                .extracting(r -> r.table())
                .contains("vault");
        try (var c = n.client()) {
            var schema = c.schema(false);
            assertThat(schema.modules()).extracting(m -> m.name()).containsExactly("bank", "probe");
            assertThat(new String(Abi.encodeNodeSchema(schema), StandardCharsets.ISO_8859_1))
                    .doesNotContain("vault");
            assertThat(schema.toString()).doesNotContain("vault");
            assertThat(schema.modules()
                            .getFirst()
                            .reducer("record")
                            .orElseThrow()
                            .inserts())
                    .extracting(r -> r.table())
                    .containsExactly("ledger");
        }
        assertThat(n.t.node.publicSchema("x", "a:1").toString()).doesNotContain("vault");
    }
}
