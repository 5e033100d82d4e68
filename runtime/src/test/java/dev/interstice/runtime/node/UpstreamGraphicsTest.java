package dev.interstice.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.schema.Authority;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.gpu.GpuAuthority;
import dev.interstice.runtime.authority.window.WindowSettings;
import dev.interstice.runtime.testing.Displays;
import dev.interstice.runtime.testing.TestNode;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Upstream's Gpu and Input modules (built by its Rust SDK) on our node's window, unmodified. Their binaries are not
 * ours to commit: point INTERSTICE_UPSTREAM_WASM_DIR at a directory holding graphics_example.wasm, graphics.wasm and
 * input.wasm.
 */
@EnabledIfEnvironmentVariable(named = "INTERSTICE_UPSTREAM_WASM_DIR", matches = ".+")
class UpstreamGraphicsTest {
    @BeforeEach
    void display() {
        Displays.require();
    }

    static TestNode windowNode() {
        return new TestNode(NodeConfig.inMemory()
                .withAuthorities(AuthorityConfig.headless()
                        .withOffered(EnumSet.of(Authority.MODULE, Authority.GPU, Authority.INPUT))
                        .withWindow(
                                WindowSettings.window().withTitle("upstream").withSize(320, 240))));
    }

    @Test
    void upstreamsGraphicsExampleDrawsItsTriangle() throws Exception {
        try (var t = windowNode()) {
            t.node.start();
            var schema = t.node.load("graphics_example.wasm", UpstreamModuleTest.wasm("graphics_example.wasm"));
            GpuAuthority gpu = t.node.authorities().gpu().orElseThrow();
            var f = gpu.captureNextFrame().get(20, TimeUnit.SECONDS);
            assertThat(covered(f)).as("pixels unlike the corner").isGreaterThan(0.02);
            assertThat(t.logsOf(schema.name())).noneMatch(l -> l.contains("Failed"));
        }
    }

    @Test
    void upstreamsCompositorAndInputModulesLoadAndRun() throws Exception {
        try (var t = windowNode()) {
            t.node.start();
            var input = t.node.load("input.wasm", UpstreamModuleTest.wasm("input.wasm"));
            var graphics = t.node.load("graphics.wasm", UpstreamModuleTest.wasm("graphics.wasm"));
            GpuAuthority gpu = t.node.authorities().gpu().orElseThrow();
            gpu.captureNextFrame().get(20, TimeUnit.SECONDS);
            t.node.authorities().window().orElseThrow().resize(300, 200);
            long before = gpu.framesPresented();
            LifecycleTest.await(() -> gpu.framesPresented() > before + 3);
            assertThat(t.logsOf(graphics.name())).noneMatch(l -> l.contains("Failed") || l.contains("rror"));
            assertThat(t.logsOf(input.name())).noneMatch(l -> l.contains("Failed") || l.contains("rror"));
        }
    }

    private static double covered(GpuAuthority.Frame f) {
        byte[] p = f.rgba();
        long n = 0;
        for (int i = 0; i < p.length; i += 4) if (p[i] != p[0] || p[i + 1] != p[1] || p[i + 2] != p[2]) n++;
        return (double) n / (p.length / 4);
    }
}
