package dev.interstice.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.store.Blobs;
import dev.interstice.runtime.store.DirectoryCodeSource;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Modules by content address (issue 21, part 2): the node keeps published code in its content store. */
class ModuleByHashTest {
    static final Node.PublishOptions PLAIN = Node.PublishOptions.DEFAULT;

    static byte[] module(String name) {
        return ModuleFixture.module(name)
                .reducer("noop", List.of(), List.of(), "")
                .build();
    }

    @Test
    void aModuleTheNodeKeepsIsPublishedByItsHashAndVerifiedFirst(@TempDir Path dir) throws Exception {
        byte[] wasm = module("m");
        String hash = Blobs.hash(wasm);
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.load(wasm);
            assertThat(t.node.codeHash("m")).isEqualTo(hash);
            t.node.unload("m");
            assertThat(t.node.collectContent(Duration.ZERO)).isZero(); // an unloaded module's code is kept
            assertThat(t.node.publishByHash(hash, PLAIN).module()).isEqualTo("m");
            t.node.call("m", "noop", List.of());

            String unknown = Blobs.hash(new byte[] {1});
            assertThatThrownBy(() -> t.node.publishByHash(unknown, PLAIN))
                    .isInstanceOf(ModuleException.class)
                    .hasMessageStartingWith("this node has no module code with hash " + unknown);
            assertThatThrownBy(() -> t.node.publishByHash("../../etc/passwd", PLAIN))
                    .isInstanceOf(ModuleException.class)
                    .hasMessageContaining("is not a module hash");

            Path file = dir.resolve("storage/content/sha256")
                    .resolve(hash.substring(0, 2))
                    .resolve(hash.substring(2));
            byte[] damaged = wasm.clone();
            damaged[damaged.length - 1] ^= 1;
            Files.write(file, damaged);
            assertThatThrownBy(() -> t.node.publishByHash(hash, PLAIN))
                    .isInstanceOf(ModuleException.class)
                    .hasMessageContaining("is damaged on this node");

            // a good copy elsewhere (the chain loader) replaces the damaged one
            Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
            Files.write(elsewhere.resolve(hash + ".wasm"), wasm);
            t.node.codeSources(List.of(new DirectoryCodeSource(elsewhere)));
            assertThat(t.node.publishByHash(hash, PLAIN).module()).isEqualTo("m");
            assertThat(Files.readAllBytes(file)).isEqualTo(wasm);
            assertThat(t.node.keptCode(hash)).isEqualTo(wasm);
        }
    }

    @Test
    void aRemovedModulesCodeIsCollected() {
        byte[] wasm = module("gone");
        try (var t = new TestNode()) {
            t.node.load(wasm);
            t.node.remove("gone");
            assertThat(t.node.collectContent(Duration.ZERO)).isEqualTo(1);
            assertThatThrownBy(() -> t.node.publishByHash(Blobs.hash(wasm), PLAIN))
                    .isInstanceOf(ModuleException.class)
                    .hasMessageStartingWith("this node has no module code");
        }
    }
}
