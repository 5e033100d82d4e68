package dev.interstice.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node is its key: the id is derived from it, it is kept private, and it survives restarts. */
class NodeIdentityTest {
    @TempDir
    Path dir;

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    @Test
    void theIdIsTheKeysHashAndStaysAcrossRestarts() throws Exception {
        String id;
        String fingerprint;
        try (Node n = Node.open(NodeConfig.at(dir))) {
            id = n.id();
            fingerprint = n.identity().fingerprint();
            byte[] spki = n.identity().keys().getPublic().getEncoded();
            String hex = HexFormat.of().formatHex(sha256(spki), 0, 16);
            assertThat(id)
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                    .isEqualTo(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                            + hex.substring(16, 20) + "-" + hex.substring(20));
            assertThat(fingerprint)
                    .isEqualTo("SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(sha256(spki)));
            assertThat(n.identity().keys().getPublic().getAlgorithm()).isIn("Ed25519", "EdDSA");
        }
        try (Node n = Node.open(NodeConfig.at(dir))) {
            assertThat(n.id()).isEqualTo(id);
            assertThat(n.identity().fingerprint()).isEqualTo(fingerprint);
        }
        try (Node n = Node.open(NodeConfig.at(dir).withNodeId(id))) {
            assertThat(n.id()).isEqualTo(id);
        }
        assertThatThrownBy(() -> Node.open(NodeConfig.at(dir).withNodeId("someone-else")))
                .hasMessageContaining("belongs to node " + id);
    }

    @Test
    void theKeyFileIsPrivate() throws Exception {
        Node.open(NodeConfig.at(dir)).close();
        Path key = dir.resolve(NodeIdentity.FILE);
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(key)).contains("BEGIN PRIVATE KEY");
    }

    @Test
    void aDataDirectoryFromBeforeKeysGetsAKeyAndTheKeysId() throws Exception {
        String old = "5b0f3d52-1c1a-4f0e-9f7e-2a7c1b3d4e5f";
        Node.open(NodeConfig.at(dir)).close();
        Files.delete(dir.resolve(NodeIdentity.FILE));
        Files.writeString(
                dir.resolve("node.properties"),
                "id=" + old + "\nmodules=\ninitialised=\nunloaded=\n",
                StandardCharsets.UTF_8);
        String id;
        try (Node n = Node.open(NodeConfig.at(dir).withNodeId(old))) { // as registered before the switch
            id = n.id();
            assertThat(id)
                    .isNotEqualTo(old)
                    .isEqualTo(NodeIdentity.idOf(n.identity().keys().getPublic().getEncoded()));
        }
        var p = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("node.properties"))) {
            p.load(in);
        }
        assertThat(p.getProperty("id")).isEqualTo(id);
        try (Node n = Node.open(NodeConfig.at(dir))) {
            assertThat(n.id()).isEqualTo(id);
        }
    }

    @Test
    void inMemoryNodesGetAnEphemeralKey() {
        try (Node a = Node.open(NodeConfig.inMemory());
                Node b = Node.open(NodeConfig.inMemory())) {
            assertThat(a.id()).isEqualTo(a.identity().id()).isNotEqualTo(b.id());
        }
    }
}
