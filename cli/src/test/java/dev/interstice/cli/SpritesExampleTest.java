package dev.interstice.cli;

import static dev.interstice.cli.CliEndToEndTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.authority.gpu.GpuAuthority;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.testing.Displays;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sprites example (the Gpu benchmark scene, all its tables ephemeral) on a node with a real window (Xvfb in CI) and
 * a real GPU pipeline: with its count set small it draws that many sprites over black, frame after frame, counting
 * its frames in its Scene row. Its data directory then replays byte for byte ({@code interstice replay --verify}):
 * every frame changed only ephemeral rows, so each left an origin-only record that the replay runs again, its Gpu
 * calls answered from the log and compared (which calls, in which order, with which answers). Not checked: the call's
 * arguments, and {@code set_count}, a direct call that changed only an ephemeral row and so left no record (the
 * replay draws the default count; docs/operability.md).
 */
@Timeout(180)
class SpritesExampleTest {
    private static final int FRAMES = 40;
    private static final int COUNT = 200;

    @BeforeEach
    void display() {
        Displays.require();
    }

    private final List<String> logs = new CopyOnWriteArrayList<>();

    @Test
    void drawsItsCountOfSpritesForABoundedRunThatReplaysClean(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("node");
        try (Node node = WindowNodes.open(data, "sprites", 320, 240, logs)) {
            node.start();
            node.load("sprites.wasm", ExampleCommand.exampleWasm("sprites"));
            node.call("sprites", "set_count", List.of(IntersticeValue.u32(COUNT)));
            GpuAuthority gpu = node.authorities().gpu().orElseThrow();

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (frame(node) < FRAMES && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(frame(node)).as("frames counted in the Scene row").isGreaterThanOrEqualTo(FRAMES);
            assertThat(gpu.framesPresented()).isGreaterThanOrEqualTo(FRAMES);
            Row scene = node.rows("sprites", "scene").getFirst();
            assertThat(((IntersticeValue.U32) scene.entries().get(3)).value()).isEqualTo(COUNT);
            // the pipeline, uniform buffer and bind group the load hook made (the shader module is id 0)
            for (int field = 0; field < 3; field++) {
                assertThat(((IntersticeValue.U32) scene.entries().get(field)).value())
                        .isPositive();
            }

            GpuAuthority.Frame f = gpu.captureNextFrame().get(20, TimeUnit.SECONDS);
            assertThat(f.width()).isEqualTo(320);
            // 200 sprites of about 2 x 4 pixels over black, some overlapping or at the edge
            assertThat(litPixels(f)).isBetween(100, 320 * 240 / 10);
            assertThat(logs).isEmpty(); // the module logs only its failures
        }
        // the load hook's Gpu objects and every frame's Gpu calls, each an origin-only record, run again and compared
        String out =
                run("replay", "--data-dir", data.toString(), "--verify").ok().out();
        var m = Pattern.compile(
                        "replay matches the log up to tx \\d+: (\\d+) transactions compared byte for byte; (\\d+)"
                                + " re-executed, 0 applied as logged")
                .matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isGreaterThan(FRAMES); // the load and at least FRAMES frames
        assertThat(m.group(2)).isEqualTo(m.group(1));
    }

    /** The frame number the render handler has counted up to (0 before the load hook ran). */
    private static long frame(Node node) {
        List<Row> scene = node.rows("sprites", "scene");
        return scene.isEmpty()
                ? 0
                : ((IntersticeValue.U64) scene.getFirst().entries().get(4)).value();
    }

    private static int litPixels(GpuAuthority.Frame f) {
        byte[] p = f.rgba();
        int lit = 0;
        for (int i = 0; i < p.length; i += 4) if ((p[i] & 0xff) + (p[i + 1] & 0xff) + (p[i + 2] & 0xff) > 30) lit++;
        return lit;
    }
}
