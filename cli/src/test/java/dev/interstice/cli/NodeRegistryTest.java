package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeRegistryTest {
    @TempDir
    Path home;

    @Test
    void whatIsSavedIsReadBack() {
        var reg = NodeRegistry.load(home);
        reg.add(new NodeRegistry.Entry("a", "127.0.0.1:1", "id-a", true, "t0ken", 1796505133827L));
        reg.add(new NodeRegistry.Entry("b", "[::1]:2", null, false, null, null));
        reg.save();

        assertThat(NodeRegistry.load(home).all())
                .containsExactly(
                        new NodeRegistry.Entry("a", "127.0.0.1:1", "id-a", true, "t0ken", 1796505133827L),
                        new NodeRegistry.Entry("b", "[::1]:2", null, false, null, null));
    }

    @Test
    void keysItDoesNotKnowAreIgnored() throws Exception {
        Files.writeString(home.resolve(NodeRegistry.FILE), """
                version = 2
                [extra]
                x = [1, 2]
                [[nodes]]
                name = "a"
                address = "127.0.0.1:1"
                labels = ["x"]
                [nodes.meta]
                y = 1
                """);
        assertThat(NodeRegistry.load(home).all())
                .containsExactly(new NodeRegistry.Entry("a", "127.0.0.1:1", null, false, null, null));
    }

    @Test
    void aBrokenFileIsNamedWithTheReason() throws Exception {
        Files.writeString(home.resolve(NodeRegistry.FILE), "[[nodes]]\nname = \"a\"\n");
        assertThatThrownBy(() -> NodeRegistry.load(home))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("cannot read the node registry")
                .hasMessageContaining("has no address")
                .hasMessageContaining("fix or delete the file");

        Files.writeString(home.resolve(NodeRegistry.FILE), "[[nodes]\nname = ");
        assertThatThrownBy(() -> NodeRegistry.load(home))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("cannot read the node registry");
    }
}
