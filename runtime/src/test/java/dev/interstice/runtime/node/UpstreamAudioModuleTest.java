package dev.interstice.runtime.node;

import static dev.interstice.runtime.node.UpstreamModuleManagerTest.upstream;
import static dev.interstice.runtime.testing.NetFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.audio.AudioSettings;
import dev.interstice.runtime.testing.TestNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upstream's prebuilt audio_example.wasm runs unmodified (skipped when the file is not available). */
class UpstreamAudioModuleTest {
    @Test
    void upstreamsAudioExamplePlaysIntoTheOutputFile(@TempDir Path dir) throws Exception {
        byte[] wasm = upstream("crates/interstice-cli/module_examples/audio_example.wasm");
        assumeTrue(wasm != null, "upstream's prebuilt modules are not available");
        Path out = dir.resolve("out.wav");
        try (var t = new TestNode(NodeConfig.inMemory()
                .withAuthorities(AuthorityConfig.headless()
                        .withAudio(AudioSettings.defaults().withDevices(false).withOutputFile(out))))) {
            t.node.publish("audio_example.wasm", wasm, false);
            String module = t.node.authorities()
                    .holder(dev.interstice.abi.schema.Authority.AUDIO)
                    .orElseThrow();
            // it opens a stereo output and a mono input: the input is refused (no capture device, no input file)
            await(() -> out.toFile().length() >= 44 + 4 * 4800, "0.1 s of its stereo tone");
            assertThat(t.logsOf(module)).contains("Audio module loaded");
            assertThat(t.logsOf(module)).anyMatch(l -> l.startsWith("Audio input open failed"));
            assertThat(t.logsOf(module)).noneMatch(l -> l.startsWith("Audio write failed"));
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(24)).isEqualTo(48_000);
        assertThat(b.getShort(22)).isEqualTo((short) 2);
        assertThat(b.getInt(40)).isEqualTo(b.limit() - 44);
        short peak = 0;
        for (int i = 44; i < b.limit(); i += 2) peak = (short) Math.max(peak, b.getShort(i));
        assertThat(peak / 32767.0).isBetween(0.19, 0.21); // its volume: 0.2
    }
}
