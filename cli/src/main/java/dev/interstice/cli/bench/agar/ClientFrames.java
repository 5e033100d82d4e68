package dev.interstice.cli.bench.agar;

import dev.interstice.abi.schema.Authority;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.window.FrameListener;
import dev.interstice.runtime.authority.window.WindowSettings;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.HdrHistogram.Histogram;

/**
 * The real agar-client in a window (Gpu and Input; under Xvfb, Mesa's software renderer), replicating the game like
 * any client node, its frame loop run as fast as it goes: the frame period (render to render, input included) and the
 * render transaction (the module's drawing: its Gpu calls, submit and present). It stays in its lobby, which draws the
 * whole world zoomed out: every cell and all the food in view, the heaviest picture a client draws.
 */
final class ClientFrames implements FrameListener, AutoCloseable {
    static final int WIDTH = 800;
    static final int HEIGHT = 600;
    private final Histogram period = new Histogram(10_000_000, 3);
    private final Histogram render = new Histogram(10_000_000, 3);
    private final Node node;
    private final NodeServer served;
    private volatile boolean measuring;
    private long before;
    private long lastAfter;

    private ClientFrames(Node node, NodeServer served) {
        this.node = node;
        this.served = served;
    }

    /** Opens the window and loads agar-client; fails (IllegalStateException) without a display. */
    static ClientFrames open(Path dir, String serverAddress) throws IOException {
        Node node = Node.open(NodeConfig.at(dir)
                .withLogSink((m, s) -> {})
                .withAuthorities(AuthorityConfig.headless()
                        .withOffered(EnumSet.of(Authority.MODULE, Authority.GPU, Authority.INPUT))
                        .withWindow(WindowSettings.window()
                                .withTitle("agar benchmark")
                                .withSize(WIDTH, HEIGHT)
                                .withFps(WindowSettings.MAX_FPS))));
        try {
            if (node.authorities().gpu().isEmpty())
                throw new IllegalStateException("--window needs a display and a GPU: "
                        + node.authorities().summary());
            var frames = new ClientFrames(
                    node,
                    NodeServer.start(
                            node,
                            NetworkConfig.defaults()
                                    .withNodeName("agar-client-window")
                                    .withNodeAddress(AgarScenario.SERVER_NODE, serverAddress)
                                    .withRemoteCallTtl(Duration.ofMinutes(1))));
            node.authorities().window().orElseThrow().setFrameListener(frames);
            node.load("agar-client.wasm", AgarScenario.wasm("agar-client"));
            return frames;
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    void measuring(boolean on) {
        measuring = on;
    }

    @Override
    public void beforeRender(int width, int height) {
        before = System.nanoTime();
    }

    @Override
    public void afterRender() {
        long now = System.nanoTime();
        if (measuring) {
            render.recordValue(Measure.clampUs(render, now - before));
            if (lastAfter != 0) period.recordValue(Measure.clampUs(period, now - lastAfter));
        }
        lastAfter = now;
    }

    /** The render transaction, per frame. */
    Measure render() {
        return Measure.millis(render);
    }

    /** Render to render. */
    Measure period() {
        return Measure.millis(period);
    }

    String renderer() {
        return node.authorities().summary();
    }

    @Override
    public void close() {
        served.close();
        node.close();
    }
}
