package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    void keysItDoesNotKnowAreKeptAndWrittenBack() throws Exception {
        // as a newer CLI might write it: an older one that saves the registry must not drop what it does not know
        Files.writeString(home.resolve(NodeRegistry.FILE), """
                version = 2
                [extra]
                x = [1, 2]
                [[nodes]]
                name = "a"
                address = "127.0.0.1:1"
                labels = ["x"]
                pin_policy = "strict"
                [nodes.meta]
                y = 1.5
                z = true
                """);
        var reg = NodeRegistry.load(home);
        var a = reg.require("a");
        assertThat(a.name()).isEqualTo("a");
        assertThat(a.address()).isEqualTo("127.0.0.1:1");
        assertThat(a.unknown())
                .containsOnlyKeys("labels", "pin_policy", "meta")
                .containsEntry("labels", List.of("x"))
                .containsEntry("meta", Map.of("y", 1.5, "z", true));

        reg.replace(a, a.seen("id-a", 7L));
        reg.add(new NodeRegistry.Entry("b", "[::1]:2", null, false, null, null));
        reg.save();

        var again = NodeRegistry.load(home);
        assertThat(again.require("a").unknown()).isEqualTo(a.unknown());
        assertThat(again.require("a").nodeId()).isEqualTo("id-a");
        assertThat(again.require("b").unknown()).isEmpty();
        String text = Files.readString(home.resolve(NodeRegistry.FILE));
        assertThat(text).contains("version = 2", "[extra]", "x = [1, 2]", "pin_policy = \"strict\"");
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
