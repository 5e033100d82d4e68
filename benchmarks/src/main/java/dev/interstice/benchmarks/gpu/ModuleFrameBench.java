package dev.interstice.benchmarks.gpu;

import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.window.FrameListener;
import dev.interstice.runtime.authority.window.WindowSettings;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Frame times of a module drawing in a node's window (a real X window: under Xvfb, Mesa's llvmpipe through Dawn's
 * OpenGL backend), the window's frame loop run as fast as it goes ({@code --fps 1000}): the frame period (from one
 * frame's render to the next, input polling included) and the render transaction's time (the module's {@code render}
 * reducer: its Gpu calls, the submit and the present).
 *
 * <pre>
 * DISPLAY=:99 java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     dev.interstice.benchmarks.gpu.ModuleFrameBench [graphics|sprites] [frames] [sprites]
 * </pre>
 * Defaults: the graphics example, 1000 frames after 100 of warm-up, 800x600; {@code sprites} draws 10,000 sprites.
 */
public final class ModuleFrameBench {
    private ModuleFrameBench() {}

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        String module = args.length > 0 ? args[0] : "graphics";
        int frames = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int sprites = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        var period = new Histogram(10_000_000, 3);
        var render = new Histogram(10_000_000, 3);
        var done = new CountDownLatch(1);
        try (Node node = Node.open(NodeConfig.inMemory()
                .withLogSink((m, s) -> {})
                .withAuthorities(AuthorityConfig.headless()
                        .withOffered(EnumSet.of(Authority.MODULE, Authority.GPU, Authority.INPUT))
                        .withWindow(WindowSettings.window()
                                .withTitle("frame-bench")
                                .withSize(800, 600)
                                .withFps(WindowSettings.MAX_FPS))))) {
            var gpu = node.authorities().gpu().orElseThrow();
            node.authorities().window().orElseThrow().setFrameListener(new FrameListener() {
                long seen = -100;
                long before;
                long lastAfter;

                @Override
                public void beforeRender(int width, int height) {
                    before = System.nanoTime();
                }

                @Override
                public void afterRender() {
                    long now = System.nanoTime();
                    if (seen >= 0 && seen < frames) {
                        render.recordValue((now - before) / 1000);
                        period.recordValue((now - lastAfter) / 1000);
                    }
                    lastAfter = now;
                    if (++seen == frames) done.countDown();
                }
            });
            node.start();
            node.load(module + ".wasm", wasm(module));
            if (module.equals("sprites")) node.call("sprites", "set_count", List.of(IntersticeValue.u32(sprites)));
            if (!done.await(10, TimeUnit.MINUTES)) throw new IllegalStateException("frames did not come");
            System.out.printf(
                    Locale.ROOT,
                    "%s%s on %s, 800x600 window, %d frames:%n",
                    module,
                    module.equals("sprites") ? " (" + sprites + ")" : "",
                    gpu.backend(),
                    frames);
            GpuFrameBench.report("  frame period", period);
            GpuFrameBench.report("  render tx", render);
        }
    }

    private static byte[] wasm(String name) throws java.io.IOException {
        try (InputStream in = ModuleFrameBench.class.getResourceAsStream("/modules/" + name + ".wasm")) {
            if (in == null) throw new IllegalStateException("no module " + name + " (build the example modules)");
            return in.readAllBytes();
        }
    }
}
