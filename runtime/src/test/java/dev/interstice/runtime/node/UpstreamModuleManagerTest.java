package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.runtime.node.LifecycleTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.interstice.abi.codec.AuthorityCodec;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.testing.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Upstream's module_manager (module_defaults), unmodified, registers, loads, unloads and removes an app: upstream's
 * hello_example. Their binaries are not ours to commit: they are read from INTERSTICE_UPSTREAM_WASM_DIR or from the
 * local mirror of upstream's repository; the test is skipped when neither has them.
 */
class UpstreamModuleManagerTest {
    private static final Path MIRROR = Path.of("/work/.mirror/Naloween+interstice/repo");

    static byte[] upstream(String path) {
        String dir = System.getenv("INTERSTICE_UPSTREAM_WASM_DIR");
        try {
            Path file = dir == null
                    ? null
                    : Path.of(dir, Path.of(path).getFileName().toString());
            if (file != null && Files.isRegularFile(file)) return Files.readAllBytes(file);
            if (!Files.isDirectory(MIRROR)) return null;
            Process p = new ProcessBuilder("git", "-C", MIRROR.toString(), "show", "HEAD:" + path)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            byte[] b = p.getInputStream().readAllBytes();
            return p.waitFor() == 0 && b.length > 0 ? b : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Test
    void moduleManagerRegistersLoadsUnloadsAndRemovesAnApp() throws Exception {
        byte[] manager = upstream("crates/interstice-cli/module_defaults/module_manager.wasm");
        byte[] hello = upstream("crates/interstice-cli/module_examples/hello_example.wasm");
        assumeTrue(manager != null && hello != null, "upstream's prebuilt modules are not available");
        try (var t = new TestNode()) {
            String mm = t.node.publish("module_manager.wasm", manager, false).module();
            String app = t.node.describe(hello).name();
            t.node.call(
                    mm, "register_app", List.of(str(app), AuthorityCodec.bytesValue(hello), IntersticeValue.none()));
            assertThat(t.node.schema(app)).isEmpty();

            t.node.call(mm, "load_app", List.of(str(app)));
            await(() -> t.node.schema(app).isPresent());
            t.node.call(app, "hello", List.of(str("JVM")));
            assertThat(t.node.rows(app, "greetings")).hasSize(1);

            t.node.call(mm, "unload_app", List.of(str(app)));
            await(() -> t.node.schema(app).isEmpty());
            assertThat(t.node.unloadedModules()).containsExactly(app);
            t.node.call(mm, "load_app", List.of(str(app)));
            await(() -> t.node.schema(app).isPresent());
            assertThat(t.node.rows(app, "greetings")).hasSize(1); // resumed with its data

            t.node.call(mm, "remove_app", List.of(str(app)));
            await(() -> t.node.schema(app).isEmpty());
            assertThat(t.node.unloadedModules()).isEmpty();
            assertThat(t.node.rows(mm, "app")).isEmpty();
        }
    }
}
