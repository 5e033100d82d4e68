package dev.interstice.cli;

import static dev.interstice.cli.CliEndToEndTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.node.NodeIdentity;
import dev.interstice.runtime.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI trusts a node's key on first use, pins it in nodes.toml and refuses a node presenting another key. */
@Timeout(60)
class KeyPinningTest {
    @TempDir
    Path home;

    TestNode t;
    NodeServer server;

    @BeforeEach
    void start() throws Exception {
        System.setProperty("interstice.home", home.toString());
        t = new TestNode();
        server = NodeServer.start(t.node, NetworkConfig.defaults().withNodeName("pinned-node"));
    }

    @AfterEach
    void stop() {
        server.close();
        t.close();
        System.clearProperty("interstice.home");
    }

    private JsonNode entry() throws Exception {
        return new TomlMapper()
                .readTree(Files.readString(home.resolve("nodes.toml")))
                .at("/nodes/0");
    }

    /** Another node (another key) takes over the address: the man in the middle, as far as the CLI can tell. */
    private void replaceTheNode() throws Exception {
        int port = server.port();
        server.close();
        t.close();
        t = new TestNode();
        server = NodeServer.start(
                t.node, NetworkConfig.defaults().withNodeName("pinned-node").withPort(port));
    }

    @Test
    void addPinsTheKeyAndAChangedKeyIsRefusedWithHowToRePin() throws Exception {
        String fp = t.node.identity().fingerprint();
        assertThat(run("node", "add", "n", server.address()).ok().out())
                .contains(fp)
                .contains("pinned");
        assertThat(entry().get("fingerprint").asText()).isEqualTo(fp);
        assertThat(run("node", "ping", "n").ok().out()).contains("pong");
        assertThat(run("node", "show", "n").ok().out())
                .contains("key:       " + fp)
                .contains("TLS 1.3");
        assertThat(entry().get("plaintext").asBoolean(true))
                .as("learnt: this node refuses plaintext")
                .isFalse();

        replaceTheNode();
        String other = t.node.identity().fingerprint();
        String err = run("node", "ping", "n").fails(1).err();
        assertThat(err)
                .contains("key of node 'n' has changed")
                .contains(other)
                .contains(fp)
                .contains("man in the middle")
                .contains("node remove n")
                .contains("node add n " + server.address());
        assertThat(entry().get("fingerprint").asText()).as("still the old pin").isEqualTo(fp);

        run("node", "remove", "n").ok();
        assertThat(run("node", "add", "n", server.address(), "--fingerprint", fp)
                        .fails(1)
                        .err())
                .contains("not the " + fp + " required by --fingerprint");
        run("node", "add", "n", server.address(), "--fingerprint", other).ok();
        run("node", "ping", "n").ok();
    }

    @Test
    void anEntryWithoutAKeyIsPinnedAtItsFirstConnection() throws Exception {
        Files.writeString(
                home.resolve("nodes.toml"),
                "[[nodes]]\nname = \"old\"\naddress = \"" + server.address() + "\"\nlocal = false\n");
        run("node", "ping", "old").ok();
        assertThat(entry().get("fingerprint").asText())
                .isEqualTo(t.node.identity().fingerprint());
        assertThat(entry().get("node_id").asText()).isEqualTo(t.node.id());
        assertThat(NodeIdentity.idOf(t.node.identity().keys().getPublic().getEncoded()))
                .isEqualTo(t.node.id());
    }

    @Test
    void aLocalNodeFromBeforeKeysGetsOneAndTheRegistryFollowsItsNewId() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        run("node", "create", "local", String.valueOf(port)).ok();
        String oldId = entry().get("node_id").asText();
        Path dir = home.resolve("nodes").resolve(oldId);
        Files.delete(dir.resolve(NodeIdentity.FILE)); // as laid out before node keys existed
        Files.writeString(
                home.resolve("nodes.toml"),
                Files.readString(home.resolve("nodes.toml")).replaceAll("fingerprint = \"[^\"]*\"\n", ""));

        var out = new java.io.StringWriter();
        Thread.startVirtualThread(() -> Main.run(
                new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(new java.io.StringWriter(), true),
                "node",
                "start",
                "local",
                "--headless",
                "--insecure-loopback"));
        long until = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (!out.toString().contains("authorities offered") && System.nanoTime() < until) Thread.sleep(20);
        try {
            String newId = entry().get("node_id").asText();
            assertThat(newId).isNotEqualTo(oldId);
            assertThat(out.toString()).contains("node 'local' (" + newId + ") listening");
            assertThat(entry().get("data_dir").asText()).isEqualTo(oldId);
            assertThat(entry().get("plaintext").asBoolean()).isTrue();
            assertThat(entry().get("fingerprint").asText()).startsWith("SHA256:");
            assertThat(run("node", "ping", "local").ok().out()).contains("(" + newId + ")");
            assertThat(run("node", "show", "local").ok().out())
                    .contains("data in " + dir)
                    .contains("through its local socket");
        } finally {
            NodeCommand.RUNNING.forEach(Runnable::run);
        }
    }
}
