package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.ModuleFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scoped tokens: every request type against every kind of credential (anonymous, admin, a token with the action, one
 * with another action, one for another module, an expired one, a revoked one), revocation on an open connection, and
 * secrets that never reach a log or a listing.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScopedTokenTest {
    /** The node's clock for expiries: moved forward by the expired cases only. */
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));

    final TokenStore tokens = TokenStore.inMemory(() -> now.get());
    NetNode n;
    NodeClient admin;

    @BeforeAll
    void start() {
        n = new NetNode("scoped", NodeConfig.inMemory(), 0, c -> c.withTokens(tokens));
        n.t.node.load(Fixtures.bank().build());
        n.t.node.load(Fixtures.secret().build());
        admin = n.admin();
    }

    @AfterAll
    void stop() {
        admin.close();
        n.close();
    }

    enum Cred {
        ANONYMOUS,
        ADMIN,
        WITH_ACTION,
        OTHER_ACTION,
        OTHER_MODULE,
        EXPIRED,
        REVOKED
    }

    /**
     * One request type: its name, the action it needs beyond what is public (null: none), the module it acts on,
     * whether an anonymous connection may send it (a public thing), whether only the admin may, and how to make it.
     */
    record Req(
            String name,
            Action action,
            String module,
            boolean isPublic,
            boolean adminOnly,
            LongFunction<Message.Request> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    static byte[] scratch() {
        return ModuleFixture.module("scratch")
                .reducer("noop", List.of(), List.of(), "")
                .build();
    }

    /** The bank module's code, for the publish request. */
    private static final byte[] BANK = Fixtures.bank().build();

    static List<Req> requests() {
        List<IntersticeValue> none = List.of();
        return List.of(
                new Req("ping", null, null, true, false, Message.Ping::new),
                new Req("info", null, null, true, false, Message.GetInfo::new),
                new Req("public schema", null, null, true, false, id -> new Message.GetSchema(id, false)),
                new Req(
                        "call public",
                        Action.CALL,
                        "bank",
                        true,
                        false,
                        id -> new Message.Call(id, "bank", "record", "", false, none)),
                new Req(
                        "call private",
                        Action.CALL,
                        "secret",
                        false,
                        false,
                        id -> new Message.Call(id, "secret", "poke", "", false, none)),
                new Req(
                        "query public",
                        Action.QUERY,
                        "bank",
                        true,
                        false,
                        id -> new Message.Query(id, "bank", "total", "", none)),
                new Req(
                        "query private",
                        Action.QUERY,
                        "secret",
                        false,
                        false,
                        id -> new Message.Query(id, "secret", "peek", "", none)),
                new Req(
                        "rows public",
                        Action.ROWS,
                        "bank",
                        true,
                        false,
                        id -> new Message.GetRows(id, "bank", "ledger")),
                new Req(
                        "rows private",
                        Action.ROWS,
                        "bank",
                        false,
                        false,
                        id -> new Message.GetRows(id, "bank", "vault")),
                new Req(
                        "rows page private",
                        Action.ROWS,
                        "bank",
                        false,
                        false,
                        id -> new Message.GetRowsPage(id, "bank", "vault", List.of(), null, 10)),
                new Req(
                        "read log of a module",
                        Action.ROWS,
                        "bank",
                        false,
                        false,
                        id -> new Message.ReadLog(id, 0, "bank", "", 10)),
                new Req("read whole log", null, null, false, true, id -> new Message.ReadLog(id, 0, "", "", 10)),
                new Req(
                        "rows as of public",
                        Action.ROWS,
                        "bank",
                        true,
                        false,
                        id -> new Message.GetRowsAsOf(id, "bank", "ledger", 1, 0)),
                new Req(
                        "rows as of private",
                        Action.ROWS,
                        "bank",
                        false,
                        false,
                        id -> new Message.GetRowsAsOf(id, "bank", "vault", 1, 0)),
                new Req("rewind", null, null, false, true, id -> new Message.Rewind(id, "bank", 1)),
                new Req("branches", null, null, false, true, id -> new Message.Branches(id, "bank", "")),
                new Req(
                        "subscribe public",
                        Action.SUBSCRIBE,
                        "bank",
                        true,
                        false,
                        id -> new Message.Subscribe(id, "bank", "ledger", "", 0)),
                new Req(
                        "subscribe private",
                        Action.SUBSCRIBE,
                        "bank",
                        false,
                        false,
                        id -> new Message.Subscribe(id, "bank", "vault", "", 0)),
                new Req(
                        "publish",
                        Action.PUBLISH,
                        "bank",
                        false,
                        false,
                        id -> new Message.Publish(id, "bank.wasm", BANK, false)),
                new Req(
                        "rollback",
                        Action.REMOVE,
                        "scratch",
                        false,
                        false,
                        id -> new Message.Rollback(id, "scratch", true)),
                new Req("unload", Action.REMOVE, "scratch", false, false, id -> new Message.Unload(id, "scratch")),
                new Req("remove", Action.REMOVE, "scratch", false, false, id -> new Message.Remove(id, "scratch")),
                new Req(
                        "create token",
                        null,
                        null,
                        false,
                        true,
                        id -> new Message.CreateToken(id, List.of(Grant.parse("call:bank")), 0)),
                new Req("list tokens", null, null, false, true, Message.ListTokens::new),
                new Req("supervision", null, null, false, true, Message.GetSupervision::new),
                new Req("revoke token", null, null, false, true, id -> new Message.RevokeToken(id, "tk_00000000")));
    }

    Stream<Arguments> matrix() {
        var out = new ArrayList<Arguments>();
        for (Req r : requests()) for (Cred c : Cred.values()) out.add(Arguments.of(r, c));
        return out.stream();
    }

    /** How a request ended: its reply, or the failure of the request (e.g. the connection closed by the node). */
    record Outcome(Message.Reply reply, String failure) {
        /** Refused: the connection failed, UNAUTHORIZED, or the NOT_FOUND a private thing answers as a missing one. */
        boolean refused() {
            return failure != null
                    || (reply instanceof Message.Error e
                            && (e.kind() == ErrorKind.UNAUTHORIZED
                                    || (e.kind() == ErrorKind.NOT_FOUND
                                            && (e.message().startsWith("no module '")
                                                    || e.message().contains("has no table '")))));
        }

        String text() {
            return failure != null ? failure : reply instanceof Message.Error e ? e.message() : reply.toString();
        }
    }

    static Outcome send(NodeClient c, LongFunction<Message.Request> make) throws InterruptedException {
        try {
            return new Outcome(c.request(make::apply).get(20, TimeUnit.SECONDS), null);
        } catch (ExecutionException e) {
            return new Outcome(null, e.getCause().getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no reply", e);
        }
    }

    NodeClient connectWith(ScopedToken t) {
        return NodeClient.connect(n.address(), NodeClient.Options.client().withToken(t.credential()));
    }

    ScopedToken token(String... grants) {
        return tokens.create(
                Stream.of(grants).map(Grant::parse).toList(), now.get().plus(Duration.ofHours(1)));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("matrix")
    void everyRequestTypeIsCheckedForEveryCredential(Req r, Cred cred) throws Exception {
        if (n.t.node.schema("scratch").isEmpty()) n.t.node.publish("scratch.wasm", scratch(), false);
        Action needed = r.action() != null ? r.action() : Action.CALL;
        String module = r.module() != null ? r.module() : "bank";
        Action other = needed == Action.CALL ? Action.QUERY : Action.CALL;
        ScopedToken token = switch (cred) {
            case ANONYMOUS, ADMIN -> null;
            case WITH_ACTION, EXPIRED, REVOKED -> token(needed + ":" + module);
            case OTHER_ACTION -> token(other + ":" + module);
            case OTHER_MODULE -> token(needed + ":elsewhere");
        };
        NodeClient c = switch (cred) {
            case ANONYMOUS -> n.client();
            case ADMIN -> n.admin();
            default -> connectWith(token);
        };
        try {
            if (cred == Cred.EXPIRED) now.set(now.get().plus(Duration.ofHours(2)));
            if (cred == Cred.REVOKED) admin.revokeToken(token.id());
            Outcome o = send(c, r.make());

            boolean allowed = switch (cred) {
                case ADMIN -> true;
                case ANONYMOUS, OTHER_ACTION, OTHER_MODULE -> r.isPublic();
                case WITH_ACTION -> !r.adminOnly();
                case EXPIRED, REVOKED -> false;
            };
            if (allowed) {
                assertThat(o.refused()).as(o.text()).isFalse();
                return;
            }
            assertThat(o.refused()).as(o.text()).isTrue();
            switch (cred) {
                case EXPIRED ->
                    assertThat(o.text())
                            .contains("permission denied: this connection's token '" + token.id() + "' expired at");
                case REVOKED ->
                    assertThat(o.text()).contains("this connection's token '" + token.id() + "' was revoked");
                case ANONYMOUS -> {
                    if (r.adminOnly()) assertThat(o.text()).contains("permission denied", "needs the admin credential");
                    else if (r.action() == Action.PUBLISH
                            || r.action() == Action.REMOVE
                            || r.name().startsWith("read log")) // no module's existence to hide: the log is private
                    assertThat(o.text())
                                .contains(
                                        "permission denied",
                                        "needs the admin credential",
                                        "or a token allowing '" + r.action() + "' on");
                    else assertThat(((Message.Error) o.reply()).kind()).isEqualTo(ErrorKind.NOT_FOUND); // as missing
                }
                default -> {
                    assertThat(((Message.Error) o.reply()).kind()).isEqualTo(ErrorKind.UNAUTHORIZED);
                    if (r.adminOnly())
                        assertThat(o.text())
                                .contains("needs the admin credential", "this connection's token '" + token.id() + "'");
                    else if (r.action() == Action.PUBLISH)
                        assertThat(o.text())
                                .startsWith("permission denied: this connection's token '" + token.id()
                                        + "' does not allow 'publish' on ")
                                .contains("(it allows: " + Grant.describe(token.grants()) + ")");
                    else
                        assertThat(o.text())
                                .isEqualTo("permission denied: this connection's token '" + token.id()
                                        + "' does not allow '" + needed + "' on module '" + module + "' (it allows: "
                                        + Grant.describe(token.grants()) + ")");
                }
            }
        } finally {
            c.close();
        }
    }

    @Test
    void withThePermissionAMissingTableOrReducerIsNotFoundNotDenied() throws Exception {
        try (var c = connectWith(token("rows:secret", "call:secret", "subscribe:secret"))) {
            for (LongFunction<Message.Request> r : List.<LongFunction<Message.Request>>of(
                    id -> new Message.GetRows(id, "secret", "nothing"),
                    id -> new Message.GetRowsPage(id, "secret", "nothing", List.of(), null, 5),
                    id -> new Message.Subscribe(id, "secret", "nothing", "", 0),
                    id -> new Message.Call(id, "secret", "nothing", "", false, List.of()))) {
                var reply = (Message.Error) send(c, r).reply();
                assertThat(reply.kind()).as(reply.message()).isEqualTo(ErrorKind.NOT_FOUND);
                assertThat(reply.message()).contains("nothing").doesNotContain("permission denied");
            }
        }
    }

    @Test
    void aTokenSeesTheFullSchemaOfItsModulesOnly() {
        try (var c = connectWith(token("call:secret"))) {
            var names =
                    c.schema(true).modules().stream().map(ModuleSchema::name).toList();
            assertThat(names).contains("secret", "bank");
            ModuleSchema bank = c.schema(true).modules().stream()
                    .filter(m -> m.name().equals("bank"))
                    .findFirst()
                    .orElseThrow();
            assertThat(bank.table("vault")).isEmpty(); // the public view of a module it has no action on
        }
        try (var c = connectWith(token("call:bank"))) {
            var names =
                    c.schema(true).modules().stream().map(ModuleSchema::name).toList();
            assertThat(names).doesNotContain("secret");
        }
    }

    @Test
    void aRevokedTokenEndsItsSubscriptionsAndItsNextRequestIsRefused() throws Exception {
        ScopedToken t = token("subscribe:bank");
        var pushed = new LinkedBlockingQueue<Message>();
        try (var c = NodeClient.connect(
                n.address(),
                NodeClient.Options.client().withToken(t.credential()).withListener(pushed::add, reason -> {}))) {
            Outcome sub = send(c, id -> new Message.Subscribe(id, "bank", "vault", "", 0));
            assertThat(sub.reply()).isInstanceOf(Message.Subscribed.class);
            admin.revokeToken(t.id());
            Outcome next = send(c, Message.Ping::new);
            assertThat(next.refused()).isTrue();
            assertThat(next.text()).contains("this connection's token '" + t.id() + "' was revoked");
            NetNode.await(
                    "the Closing",
                    () -> pushed.stream()
                            .anyMatch(m -> m instanceof Message.Closing cl
                                    && cl.reason().contains("was revoked")));
            NetNode.await("the connection to close", () -> !c.isOpen());
        }
        assertThatThrownBy(() -> connectWith(t))
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("was refused");
    }

    @Test
    void theSecretNeverReachesTheLogOrAListing() throws Exception {
        var logger = (Logger) org.slf4j.LoggerFactory.getLogger("dev.interstice");
        Level before = logger.getLevel();
        var log = new ListAppender<ILoggingEvent>();
        log.start();
        logger.addAppender(log);
        logger.setLevel(Level.DEBUG);
        try {
            var created = admin.createToken(List.of(Grant.parse("call:bank"), Grant.parse("query:*")), null);
            String secret = created.credential().substring(created.credential().indexOf('.') + 1);
            assertThat(created.credential()).startsWith(created.token().tokenId() + ".");
            try (var c = NodeClient.connect(
                    n.address(), NodeClient.Options.client().withToken(TokenCredential.parse(created.credential())))) {
                assertThat(send(c, id -> new Message.Query(id, "secret", "peek", "", List.of()))
                                .refused())
                        .isFalse();
            }
            assertThatThrownBy(() -> NodeClient.connect(
                            n.address(),
                            NodeClient.Options.client()
                                    .withToken(
                                            TokenCredential.of(created.token().tokenId(), "ab".repeat(32)))))
                    .hasMessageContaining("was refused");
            var listed = admin.listTokens().stream()
                    .filter(t -> t.tokenId().equals(created.token().tokenId()))
                    .findFirst()
                    .orElseThrow();
            assertThat(listed.toString()).doesNotContain(secret);
            assertThat(listed.lastUsedMs()).isPositive();
            assertThat(created.toString()).doesNotContain(secret);
            assertThat(log.list).isNotEmpty();
            for (ILoggingEvent e : log.list) assertThat(e.getFormattedMessage()).doesNotContain(secret);
        } finally {
            logger.detachAppender(log);
            logger.setLevel(before);
        }
    }

    @Test
    void tokensAreKeptInAPrivateFileAndARevokedSecretLeavesIt(@TempDir Path dir) throws Exception {
        var store = TokenStore.open(dir);
        ScopedToken t = store.create(List.of(Grant.parse("rows:bank")), null);
        ScopedToken u =
                store.create(List.of(Grant.parse("call:*")), Instant.now().plus(Duration.ofDays(7)));
        Path file = dir.resolve(TokenStore.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        var reopened = TokenStore.open(dir);
        assertThat(reopened.find(t.id())).hasValueSatisfying(x -> {
            assertThat(x.grants()).isEqualTo(t.grants());
            assertThat(x.credential().value()).isEqualTo(t.credential().value());
        });
        assertThat(reopened.find(u.id()).orElseThrow().expiresAt())
                .isEqualTo(u.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(reopened.revoke(t.id())).isTrue();
        assertThat(Files.readString(file)).doesNotContain(t.credential().value().substring(12));
        assertThat(TokenStore.open(dir).find(t.id())).isEmpty();
    }

    /** A node of protocol 1.3 would take a token id after the proof for trailing bytes: the client does not send it. */
    @Test
    void aScopedTokenIsNotSentToANodeOlderThanTokens() throws Exception {
        try (var old = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (var s = old.accept()) {
                    dev.interstice.network.wire.Frames.read(s.getInputStream(), 1 << 16); // the Hello
                    dev.interstice.network.wire.Frames.write(
                            s.getOutputStream(),
                            dev.interstice.network.wire.MessageCodec.encode(
                                    new Message.Welcome(1, 3, "old-id", "old", new byte[32], 1 << 20, 8)));
                    s.getInputStream().read(); // until the client closes
                } catch (Exception ignored) {
                    // the test asserts on the client's side
                }
            });
            ScopedToken t = token("call:bank");
            assertThatThrownBy(() -> NodeClient.connect(
                            "127.0.0.1:" + old.getLocalPort(),
                            NodeClient.Options.client().withToken(t.credential())))
                    .isInstanceOf(NetworkException.class)
                    .hasMessageContaining("speaks protocol 1.3, which has no scoped tokens")
                    .hasMessageContaining("use its admin token, or update the node");
        }
    }

    @Test
    void anAdminAuthenticateIsTheSameBytesAsBeforeAndATokenIdTravelsAfterTheProof() throws Exception {
        byte[] proof = new byte[32];
        byte[] admin = dev.interstice.network.wire.MessageCodec.encode(new Message.Authenticate(7, proof));
        assertThat(admin).hasSize(1 + 1 + 1 + 32); // type, id, length, proof: as protocol 1.3
        var scoped = (Message.Authenticate) dev.interstice.network.wire.MessageCodec.decode(
                dev.interstice.network.wire.MessageCodec.encode(new Message.Authenticate(7, proof, "tk_1234abcd")));
        assertThat(scoped.tokenId()).isEqualTo("tk_1234abcd");
    }
}
