package dev.interstice.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.network.AdminToken;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console's API: who may use it (sessions, CSRF, Host) and what it answers. */
class ConsoleApiTest {
    private final AdminToken token = AdminToken.random();
    private Node node;
    private Console console;
    private ConsoleFixture client;

    @BeforeEach
    void start() throws Exception {
        node = Node.open(NodeConfig.inMemory());
        node.load("hello.wasm", ConsoleFixture.wasm("hello"));
        console = Console.start(node, null, token, ConsoleConfig.at("127.0.0.1", 0));
        client = new ConsoleFixture(console.url());
    }

    @AfterEach
    void stop() {
        if (console != null) console.close();
        if (node != null) node.close();
    }

    @Test
    void withoutASessionEveryRouteButTheLoginIs401() throws Exception {
        assertThat(client.get("node").status()).isEqualTo(401);
        assertThat(client.get("rows?module=hello&table=greetings").status()).isEqualTo(401);
        assertThat(client.post("call", "{\"module\":\"hello\",\"reducer\":\"hello\",\"args\":{\"name\":\"x\"}}", true)
                        .status())
                .isEqualTo(401);
        assertThat(client.get("challenge").status()).isEqualTo(200);
        assertThat(node.rows("hello", "greetings")).isEmpty();
    }

    @Test
    void aWrongProofIs401AndUsesUpItsChallenge() throws Exception {
        var c = client.get("challenge").body();
        String nonce = c.get("nonce").asText();
        var wrong = HexFormat.of()
                .formatHex(Sessions.proof(
                        AdminToken.random().value(), node.id(), HexFormat.of().parseHex(nonce)));
        assertThat(client.post("login", "{\"nonce\":\"" + nonce + "\",\"proof\":\"" + wrong + "\"}", true)
                        .status())
                .isEqualTo(401);
        assertThat(client.cookie).isNull();
        // the right proof for the same (spent) challenge no longer opens a session
        var right = HexFormat.of()
                .formatHex(
                        Sessions.proof(token.value(), node.id(), HexFormat.of().parseHex(nonce)));
        assertThat(client.post("login", "{\"nonce\":\"" + nonce + "\",\"proof\":\"" + right + "\"}", true)
                        .status())
                .isEqualTo(401);
        assertThat(client.post("login", "{\"nonce\":\"zz\",\"proof\":\"not hex\"}", true)
                        .status())
                .isEqualTo(401);
        assertThat(client.get("node").status()).isEqualTo(401);
    }

    @Test
    void aGoodProofOpensASessionUntilLogout() throws Exception {
        var login = client.login(token);
        assertThat(login.status()).isEqualTo(200);
        var info = client.get("node");
        assertThat(info.status()).isEqualTo(200);
        assertThat(info.body().get("id").asText()).isEqualTo(node.id());
        assertThat(client.get("modules").body().get(0).get("name").asText()).isEqualTo("hello");
        assertThat(client.post("logout", "{}", true).status()).isEqualTo(200);
        assertThat(client.get("node").status()).isEqualTo(401);
    }

    @Test
    void aStateChangingCallWithoutTheCsrfHeaderIs403AndChangesNothing() throws Exception {
        client.login(token);
        var r = client.post("call", "{\"module\":\"hello\",\"reducer\":\"hello\",\"args\":{\"name\":\"x\"}}", false);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body().get("error").asText()).contains(Console.CSRF_HEADER);
        assertThat(node.rows("hello", "greetings")).isEmpty();
        assertThat(client.post("remove", "{\"module\":\"hello\"}", false).status())
                .isEqualTo(403);
        assertThat(node.schema("hello")).isPresent();
    }

    @Test
    void aSessionUnusedForItsIdleTimeIsOver() {
        var clock = new AtomicLong();
        var config = ConsoleConfig.at("127.0.0.1", 0).withSessionIdle(Duration.ofMinutes(30));
        var sessions = new Sessions(token, "node", config, clock::get);
        String nonce = sessions.challenge();
        String session = sessions.login(
                        nonce,
                        HexFormat.of()
                                .formatHex(Sessions.proof(
                                        token.value(), "node", HexFormat.of().parseHex(nonce))))
                .orElseThrow();
        clock.addAndGet(Duration.ofMinutes(29).toNanos());
        assertThat(sessions.touch(session)).isTrue(); // used: alive for another 30 minutes
        clock.addAndGet(Duration.ofMinutes(29).toNanos());
        assertThat(sessions.touch(session)).isTrue();
        clock.addAndGet(Duration.ofMinutes(31).toNanos());
        assertThat(sessions.touch(session)).isFalse();
        assertThat(sessions.touch(session)).isFalse();
    }

    @Test
    void aChallengeExpiresAfterAMinute() {
        var clock = new AtomicLong();
        var sessions = new Sessions(token, "node", ConsoleConfig.at("127.0.0.1", 0), clock::get);
        String nonce = sessions.challenge();
        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(sessions.login(
                        nonce,
                        HexFormat.of()
                                .formatHex(Sessions.proof(
                                        token.value(), "node", HexFormat.of().parseHex(nonce)))))
                .isEmpty();
    }

    @Test
    void aBadArgumentIsA400NamingItAndAGoodCallCommits() throws Exception {
        client.login(token);
        var bad = client.post("call", "{\"module\":\"hello\",\"reducer\":\"hello\",\"args\":{\"name\":42}}", true);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("error").asText()).contains("name");
        var missing = client.post("call", "{\"module\":\"hello\",\"reducer\":\"hello\",\"args\":{}}", true);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().get("error").asText()).contains("missing argument 'name'");
        var ok = client.post("call", "{\"module\":\"hello\",\"reducer\":\"hello\",\"args\":{\"name\":\"web\"}}", true);
        assertThat(ok.status()).isEqualTo(200);
        var rows = client.get("rows?module=hello&table=greetings");
        assertThat(rows.body().get("rows").get(0).get("greeting").asText()).isEqualTo("Hello, web!");
        var filtered = client.get(
                "rows?module=hello&table=greetings&where=%5B%7B%22field%22%3A%22greeting%22%2C%22op%22%3A%22%3D%22%2C%22value%22%3A%22nope%22%7D%5D");
        assertThat(filtered.body().get("rows")).isEmpty();
    }

    @Test
    void rowsSortByAnIndexedFieldAndPageByKey() throws Exception {
        client.login(token);
        for (String n : new String[] {"c", "a", "b"})
            node.call("hello", "hello", java.util.List.of(new dev.interstice.abi.value.IntersticeValue.Str(n)));
        var byKey = client.get("rows?module=hello&table=greetings&limit=2").body();
        assertThat(byKey.get("rows").findValuesAsText("greeting")).containsExactly("Hello, c!", "Hello, a!");
        assertThat(byKey.get("more").asBoolean()).isTrue();
        var next = client.get("rows?module=hello&table=greetings&limit=2&after=" + byKey.get("last"))
                .body();
        assertThat(next.get("rows").findValuesAsText("greeting")).containsExactly("Hello, b!");
        assertThat(next.get("more").asBoolean()).isFalse();
        var sorted =
                client.get("rows?module=hello&table=greetings&sort=greeting").body();
        assertThat(sorted.get("rows").findValuesAsText("greeting"))
                .containsExactly("Hello, a!", "Hello, b!", "Hello, c!");
        assertThat(client.get("rows?module=hello&table=greetings&sort=custom").status())
                .isEqualTo(400);
    }

    @Test
    void publishAndRemoveChangeTheNode() throws Exception {
        client.login(token);
        var upload = java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.url + "api/publish?label=bw"))
                .header("Cookie", client.cookie)
                .header(Console.CSRF_HEADER, "1")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(ConsoleFixture.wasm("benchmark-workload")))
                .build();
        var published = client.send(upload);
        assertThat(published.status()).isEqualTo(200);
        assertThat(published.body().get("module").asText()).isEqualTo("benchmark-workload");
        assertThat(node.schema("benchmark-workload")).isPresent();
        var garbage = java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.url + "api/publish"))
                .header("Cookie", client.cookie)
                .header(Console.CSRF_HEADER, "1")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[] {0, 'a', 's', 'm', 9}))
                .build();
        assertThat(client.send(garbage).status()).isEqualTo(400);
        assertThat(client.post("remove", "{\"module\":\"benchmark-workload\"}", true)
                        .status())
                .isEqualTo(200);
        assertThat(node.schema("benchmark-workload")).isEmpty();
        assertThat(client.post("remove", "{\"module\":\"nope\"}", true).status())
                .isEqualTo(404);
    }

    @Test
    void anotherHostNameIsRefusedOnLoopback() throws Exception {
        try (var s = new Socket("127.0.0.1", console.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/challenge HTTP/1.1\r\nHost: rebound.example:" + console.port()
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 421");
        }
    }
}
