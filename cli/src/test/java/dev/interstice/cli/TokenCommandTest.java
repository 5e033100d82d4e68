package dev.interstice.cli;

import static dev.interstice.cli.CliEndToEndTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.network.TokenStore;
import dev.interstice.runtime.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code interstice token create|list|revoke} and a registry entry holding a scoped token, through Main.run. */
@Timeout(60)
class TokenCommandTest {
    @TempDir
    Path home;

    TestNode t;
    NodeServer server;
    final AdminToken token = AdminToken.random();

    @BeforeEach
    void start() throws Exception {
        System.setProperty("interstice.home", home.toString());
        t = new TestNode();
        t.node.load(CliEndToEndTest.bank().build());
        t.node.load(CliEndToEndTest.secret().build());
        server = NodeServer.start(
                t.node,
                NetworkConfig.defaults()
                        .withNodeName("bank-node")
                        .withAdminToken(token)
                        .withTokens(TokenStore.open(home.resolve("node-data"))));
        run("node", "add", "admin", server.address(), "--token", token.value()).ok();
    }

    @AfterEach
    void stop() {
        server.close();
        t.close();
        System.clearProperty("interstice.home");
    }

    @Test
    void createListUseAndRevokeAToken() throws Exception {
        var created = run("token", "create", "admin", "--allow", "call:secret,rows:bank", "--expires", "7d")
                .ok()
                .out();
        assertThat(created).contains("created token tk_", "call on secret; rows on bank", "expires 20");
        String credential = created.lines()
                .filter(l -> l.startsWith("tk_") && l.contains("."))
                .findFirst()
                .orElseThrow();
        String id = credential.substring(0, credential.indexOf('.'));
        String secret = credential.substring(credential.indexOf('.') + 1);

        String listed = run("token", "list", "admin").ok().out();
        assertThat(listed)
                .contains(id, "call on secret; rows on bank", "not since start")
                .doesNotContain(secret);

        assertThat(run("node", "add", "scoped", server.address(), "--token", credential)
                        .ok()
                        .out())
                .contains("(with token " + id + ")")
                .doesNotContain(secret);
        JsonNode toml = new TomlMapper().readTree(Files.readString(home.resolve("nodes.toml")));
        assertThat(toml.at("/nodes/1/token_id").asText()).isEqualTo(id);
        assertThat(toml.at("/nodes/1/token_secret").asText()).isEqualTo(secret);
        assertThat(toml.at("/nodes/1/admin_token").isMissingNode()).isTrue();
        assertThat(run("node", "show", "scoped").ok().out()).contains("scoped token " + id + " registered");

        // what it allows, a private module's reducer included; what it does not, named
        run("call_reducer", "scoped", "secret", "poke").ok();
        run("rows", "scoped", "bank", "vault").ok();
        run("call_query", "scoped", "bank", "total").ok(); // public, as for anyone
        assertThat(run("remove", "scoped", "bank").fails(1).err())
                .contains("permission denied: this connection's token '" + id
                        + "' does not allow 'remove' on module 'bank' (it allows: call on secret; rows on bank)");
        assertThat(run("token", "list", "scoped").fails(1).err())
                .contains("permission denied: listing tokens needs the admin credential");
        assertThat(run("token", "list", "admin").ok().out()).doesNotContain("not since start");

        assertThat(run("token", "revoke", "admin", id).ok().out()).contains("revoked token " + id);
        assertThat(run("token", "list", "admin").ok().out()).doesNotContain(id);
        assertThat(run("call_reducer", "scoped", "secret", "poke").fails(1).err())
                .contains("the token credential for node 'bank-node' was refused")
                .contains("(the registered token " + id + " was refused: ask the node's admin for a token");
        assertThat(run("token", "revoke", "admin", id).fails(1).err()).contains("has no token '" + id + "'");
        assertThat(Files.readString(home.resolve("node-data").resolve(TokenStore.FILE)))
                .doesNotContain(secret);
    }

    @Test
    void badPermissionsAndExpiriesAreUsageErrors() {
        assertThat(run("token", "create", "admin", "--allow", "steal:bank")
                        .fails(2)
                        .err())
                .contains("unknown action 'steal'")
                .contains("call, query, rows, subscribe, publish, remove");
        assertThat(run("token", "create", "admin", "--allow", "call:bank", "--expires", "soon")
                        .fails(2)
                        .err())
                .contains("neither a duration");
        assertThat(run("token", "create", "admin", "--allow", "call:bank", "--expires", "2001-01-01T00:00:00Z")
                        .fails(1)
                        .err())
                .contains("has already passed");
        assertThat(TokenCommand.expiry("7d", Instant.EPOCH)).isEqualTo(Instant.parse("1970-01-08T00:00:00Z"));
        assertThat(run("node", "add", "x", server.address(), "--token", "tk_12.short")
                        .fails(2)
                        .err())
                .contains("--token");
        assertThat(run("token", "list", "admin").ok().out()).contains("has no tokens");
    }
}
