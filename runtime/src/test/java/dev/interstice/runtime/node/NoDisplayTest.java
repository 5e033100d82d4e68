package dev.interstice.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A node without a display says at start-up that Gpu and Input are unavailable and why, and publish says so too. */
class NoDisplayTest {
    @Test
    void withoutDisplayGpuAndInputAreNotOfferedAndPublishSaysWhy() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var pb = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        NoDisplayNodeMain.class.getName())
                .redirectErrorStream(true);
        pb.environment().remove("DISPLAY");
        pb.environment().remove("WAYLAND_DISPLAY");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out)
                .contains("SUMMARY authorities offered: Module; not offered: Gpu, Audio, Input, File, Network"
                        + " (Gpu and Input: no display: DISPLAY is not set)")
                .contains("WINDOW false")
                .contains("REFUSED module 'game' needs the Input authority, which this node does not offer"
                        + " (it offers: Module); Input needs the node's window: no display: DISPLAY is not set");
    }
}
