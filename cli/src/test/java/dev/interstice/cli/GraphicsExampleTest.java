package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.runtime.authority.gpu.GpuAuthority;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.testing.Displays;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AssemblyScript graphics example on a node with a real window (Xvfb in CI) and a real GPU pipeline: the frame
 * read back from the window's surface shows the triangle over the clear colour, at the window's size, also after a
 * resize, and the module's input handler receives the resize (the SDK declares the window events for it). Writes the
 * screenshot docs/screenshots/graphics.png. The node keeps a log, which replays clean without a window or GPU.
 */
class GraphicsExampleTest {
    /** The example's clear colour (0.05, 0.05, 0.2) in 8-bit channels. */
    private static final int[] BACKGROUND = {13, 13, 51};

    @BeforeEach
    void display() {
        Displays.require();
    }

    /** The graphics module's log lines. */
    private final List<String> logs = new CopyOnWriteArrayList<>();

    @Test
    void drawsTheTurningTriangleAtTheWindowsSizeAlsoAfterAResize(@TempDir Path dir) throws Exception {
        try (Node node = WindowNodes.open(dir.resolve("node"), "graphics", 320, 240, logs)) {
            node.start();
            node.load("graphics.wasm", ExampleCommand.exampleWasm("graphics"));
            GpuAuthority gpu = node.authorities().gpu().orElseThrow();

            GpuAuthority.Frame f = gpu.captureNextFrame().get(20, TimeUnit.SECONDS);
            assertThat(f.width()).isEqualTo(320);
            assertThat(f.height()).isEqualTo(240);
            writePng(f, Path.of("..", "docs", "screenshots", "graphics.png"));
            assertBackground(f, 2, 2);
            assertBackground(f, 317, 237);
            assertTriangleCentre(f);
            // an equilateral triangle of circumradius 0.7, its width scaled by 240/320: 11.9% of the frame
            assertThat(coveredFraction(f)).isBetween(0.09, 0.15);

            node.authorities().window().orElseThrow().resize(480, 200);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            do f = gpu.captureNextFrame().get(20, TimeUnit.SECONDS);
            while (f.width() != 480 && System.nanoTime() < deadline);
            assertThat(f.width()).isEqualTo(480);
            assertThat(f.height()).isEqualTo(200);
            assertTriangleCentre(f);
            // the same triangle, its width scaled by 200/480: it keeps its shape (6.6% of the wider frame)
            assertThat(coveredFraction(f)).isBetween(0.05, 0.085);
            // (the resized frame may be only the second: the loop goes on presenting)
            while ((gpu.framesPresented() <= 2 || !logs.contains("window resized to 480x200"))
                    && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(gpu.framesPresented()).isGreaterThan(2);
            assertThat(logs).contains("window resized to 480x200");
        }
        // the load hook's Gpu answers (its objects' ids, the surface's format) are fed back by the replay's stand-in
        ReplayTest.assertReplaysClean(dir.resolve("node"));
    }

    private static int[] rgb(GpuAuthority.Frame f, int x, int y) {
        int i = (y * f.width() + x) * 4;
        byte[] p = f.rgba();
        return new int[] {p[i] & 0xff, p[i + 1] & 0xff, p[i + 2] & 0xff};
    }

    private static boolean isBackground(int[] c) {
        for (int k = 0; k < 3; k++) if (Math.abs(c[k] - BACKGROUND[k]) > 2) return false;
        return true;
    }

    private static void assertBackground(GpuAuthority.Frame f, int x, int y) {
        assertThat(rgb(f, x, y))
                .as("pixel %d,%d", x, y)
                .satisfies(c -> assertThat(isBackground(c)).isTrue());
    }

    /** The centre lies inside the triangle at every angle, where the three vertex colours blend to a grey. */
    private static void assertTriangleCentre(GpuAuthority.Frame f) {
        int[] c = rgb(f, f.width() / 2, f.height() / 2);
        assertThat(isBackground(c))
                .as("centre %s", java.util.Arrays.toString(c))
                .isFalse();
        for (int k = 0; k < 3; k++)
            assertThat(c[k]).as("channel %d of the centre", k).isBetween(40, 140);
    }

    private static double coveredFraction(GpuAuthority.Frame f) {
        long covered = 0;
        for (int y = 0; y < f.height(); y++)
            for (int x = 0; x < f.width(); x++) if (!isBackground(rgb(f, x, y))) covered++;
        return (double) covered / ((long) f.width() * f.height());
    }

    static void writePng(GpuAuthority.Frame f, Path file) throws java.io.IOException {
        var img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < f.height(); y++)
            for (int x = 0; x < f.width(); x++) {
                int[] c = rgb(f, x, y);
                img.setRGB(x, y, c[0] << 16 | c[1] << 8 | c[2]);
            }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }
}
