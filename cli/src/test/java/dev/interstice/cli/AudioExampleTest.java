package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.audio.AudioSettings;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AssemblyScript audio example (built by the Maven build through npm) on a real node, its output to a WAV file:
 * a 440 Hz tone at 48 kHz, paced by the sample rate, without gaps or phase breaks.
 */
class AudioExampleTest {
    static final int RATE = 48_000;

    /** A WAV written by the node: rate, channels and 16-bit samples (header checked whole). */
    record Wav(int rate, int channels, short[] samples) {
        static Wav read(Path f) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(b.getInt(4)).as("RIFF size").isEqualTo(b.limit() - 8);
            assertThat(b.getShort(20)).as("PCM").isEqualTo((short) 1);
            assertThat(b.getShort(34)).as("bits").isEqualTo((short) 16);
            assertThat(b.getInt(40)).as("data size").isEqualTo(b.limit() - 44);
            short[] s = new short[(b.limit() - 44) / 2];
            for (int i = 0; i < s.length; i++) s[i] = b.getShort(44 + 2 * i);
            return new Wav(b.getInt(24), b.getShort(22), s);
        }

        int frames() {
            return samples.length / channels;
        }

        /** Channel {@code c} as floats. */
        double[] channel(int c) {
            double[] out = new double[frames()];
            for (int i = 0; i < out.length; i++) out[i] = samples[i * channels + c] / 32767.0;
            return out;
        }
    }

    /** The magnitudes of the spectrum of {@code x} (length a power of two): an iterative radix-2 FFT. */
    static double[] spectrum(double[] x) {
        int n = x.length;
        double[] re = x.clone();
        double[] im = new double[n];
        for (int i = 1, j = 0; i < n; i++) { // bit-reversal permutation
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double ang = -2 * Math.PI / len;
            for (int i = 0; i < n; i += len)
                for (int k = 0; k < len / 2; k++) {
                    double wr = Math.cos(ang * k);
                    double wi = Math.sin(ang * k);
                    int a = i + k;
                    int b = a + len / 2;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
        }
        double[] mag = new double[n / 2];
        for (int i = 0; i < mag.length; i++) mag[i] = Math.hypot(re[i], im[i]);
        return mag;
    }

    static int peak(double[] mag) {
        int best = 1;
        for (int i = 1; i < mag.length; i++) if (mag[i] > mag[best]) best = i;
        return best;
    }

    @Test
    void theFftFindsAPeakWhereASineIs() {
        double[] x = new double[4096];
        for (int i = 0; i < x.length; i++) x[i] = Math.sin(2 * Math.PI * 1000 * i / RATE);
        assertThat(peak(spectrum(x))).isEqualTo(Math.round(1000f * 4096 / RATE)); // bin 85
    }

    @Test
    void theExamplePlaysA440HzToneAtTheStreamsRateWithoutGaps(@TempDir Path dir) throws Exception {
        Path wav = dir.resolve("tone.wav");
        var logs = new CopyOnWriteArrayList<String>();
        var config = NodeConfig.at(dir.resolve("node"))
                .withLogSink((m, msg) -> logs.add(m + ": " + msg))
                .withAuthorities(AuthorityConfig.headless()
                        .withAudio(AudioSettings.defaults().withDevices(false).withOutputFile(wav)));
        long beforeLoad;
        long afterLoad;
        long end;
        try (Node node = Node.open(config)) {
            beforeLoad = System.nanoTime();
            node.load("audio.wasm", ExampleCommand.exampleWasm("audio"));
            afterLoad = System.nanoTime();
            // run for about a second of wall time (the assertions below do not depend on how long exactly)
            long until = afterLoad + Duration.ofMillis(1200).toNanos();
            while (System.nanoTime() < until) Thread.sleep(50);
        }
        end = System.nanoTime();
        ReplayTest.assertReplaysClean(dir.resolve("node")); // the stream's audio_output calls replay byte for byte
        assertThat(logs).contains("audio: playing 440 Hz on audio stream 1").noneMatch(l -> l.contains("refused"));
        Wav w = Wav.read(wav);
        assertThat(w.rate()).isEqualTo(RATE);
        assertThat(w.channels()).isEqualTo(2);
        // paced by the sample rate: never more than the time allowed (plus the queue the close writes out), and the
        // bulk of it even on a busy machine (a late module makes the file shorter, never holey)
        long most = (end - beforeLoad) * RATE / 1_000_000_000L + 4 * 480;
        long least = (end - afterLoad) * RATE / 1_000_000_000L / 3;
        assertThat((long) w.frames()).isLessThanOrEqualTo(most).isGreaterThan(least);
        assertThat(w.frames() % 480).isZero();
        double[] left = w.channel(0);
        double[] right = w.channel(1);
        assertThat(right).containsExactly(left);
        // no gap and no phase break: no two zero samples in a row, and no step larger than the sine's steepest
        double maxStep = 0.2 * 2 * Math.PI * 440 / RATE * 1.05 + 2.0 / 32767;
        for (int i = 1; i < left.length; i++) {
            assertThat(left[i] == 0 && left[i - 1] == 0)
                    .as("silence at frame %d", i)
                    .isFalse();
            assertThat(Math.abs(left[i] - left[i - 1]))
                    .as("step at frame %d", i)
                    .isLessThanOrEqualTo(maxStep);
        }
        int n = 16_384; // ~0.34 s: bins of 2.93 Hz
        assertThat(left.length).isGreaterThanOrEqualTo(n);
        double[] window = java.util.Arrays.copyOfRange(left, (left.length - n) / 2, (left.length - n) / 2 + n);
        int expected = (int) Math.round(440.0 * n / RATE);
        double[] mag = spectrum(window);
        assertThat(peak(mag)).isBetween(expected - 1, expected + 1);
        assertThat(List.of(left[0], left[600])).containsOnly(0.0); // starts at phase 0, deterministic
        plot(window, mag, n, Path.of("..", "docs", "screenshots", "audio.png"));
    }

    /**
     * The example's "screenshot": 10 ms of the wave (top) and its spectrum up to 2 kHz (bottom, the 440 Hz peak
     * marked), written as a PNG.
     */
    static void plot(double[] wave, double[] mag, int n, Path file) throws IOException {
        int w = 640;
        int h = 360;
        var img = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(new java.awt.Color(16, 16, 40));
        g.fillRect(0, 0, w, h);
        g.setColor(new java.awt.Color(120, 220, 120));
        int samples = RATE / 100; // 10 ms
        for (int x = 1; x < w; x++) {
            int a = (int) ((x - 1) * (long) samples / w);
            int b = (int) (x * (long) samples / w);
            g.drawLine(x - 1, (int) (90 - wave[a] * 80), x, (int) (90 - wave[b] * 80));
        }
        double top = java.util.Arrays.stream(mag).max().orElse(1);
        int bins = (int) (2000.0 * n / RATE);
        g.setColor(new java.awt.Color(240, 180, 60));
        for (int x = 0; x < w; x++) {
            int bin = (int) ((long) x * bins / w);
            int bar = (int) (mag[bin] / top * 150);
            g.drawLine(x, h - 10, x, h - 10 - bar);
        }
        g.setColor(java.awt.Color.WHITE);
        g.drawString("modules/audio: 10 ms of the left channel", 8, 14);
        g.drawString("spectrum 0-2000 Hz: peak at 440 Hz", 8, 196);
        g.dispose();
        java.nio.file.Files.createDirectories(file.getParent());
        javax.imageio.ImageIO.write(img, "png", file.toFile());
    }
}
