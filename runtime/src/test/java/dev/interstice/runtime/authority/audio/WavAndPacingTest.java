package dev.interstice.runtime.authority.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.host.AudioCall;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAV sink and source, and how an output stream is paced by its sample rate (times given, never measured). */
class WavAndPacingTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    @Test
    void aWavFileIsValidAfterEveryWriteAndReadsBack() throws IOException {
        Path f = dir.resolve("out.wav");
        var w = new WavWriter(f, 48_000, 2);
        w.write(new float[] {0.5f, -0.5f, 1.5f, Float.NaN}, 0, 2);
        // not closed yet: the header already describes the 2 frames written
        ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(h.getInt(4)).isEqualTo(36 + 8);
        assertThat(h.getInt(40)).isEqualTo(8);
        assertThat(h.getInt(24)).isEqualTo(48_000);
        assertThat(h.getShort(22)).isEqualTo((short) 2);
        try (var r = new WavReader(f)) {
            assertThat(r.sampleRate).isEqualTo(48_000);
            assertThat(r.channels).isEqualTo(2);
            assertThat(r.framesLeft()).isEqualTo(2);
            float[] s = r.read(10);
            assertThat(s).hasSize(4);
            assertThat(s[0]).isCloseTo(0.5f, org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(s[1]).isCloseTo(-0.5f, org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(s[2]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f)); // clamped
            assertThat(s[3]).isZero(); // NaN written as silence
        }
        w.close();
        assertThat(Files.size(f)).isEqualTo(44 + 8);
    }

    @Test
    void theReaderRefusesWhatIsNotA16BitOrFloatWav() throws IOException {
        Path junk = Files.write(dir.resolve("junk.wav"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> new WavReader(junk))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a WAV");
        Path f = dir.resolve("8bit.wav");
        new WavWriter(f, 8000, 1).close();
        byte[] b = Files.readAllBytes(f);
        b[34] = 8; // bits per sample
        Files.write(f, b);
        assertThatThrownBy(() -> new WavReader(f))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("8-bit");
    }

    @Test
    void theClockCountsFramesDueAtTheSampleRate() {
        var c = new SampleClock(48_000);
        assertThat(c.due(5 * MS)).isZero(); // not started
        c.start(0);
        assertThat(c.due(10 * MS)).isEqualTo(480);
        c.advance(480);
        assertThat(c.due(10 * MS)).isZero();
        assertThat(c.nanosUntil(480, 10 * MS)).isEqualTo(10 * MS);
        c.slip(100 * MS); // late: nothing owed for the time the stream had nothing
        assertThat(c.due(100 * MS)).isZero();
        assertThat(c.due(105 * MS)).isEqualTo(240);
    }

    /** A ramp the test can recognise anywhere: sample i of the stream is {@code i / 100000}. */
    private static List<float[]> buffer(int first, int frames) {
        float[] ch = new float[frames];
        for (int i = 0; i < frames; i++) ch[i] = (first + i) / 100_000f;
        return List.of(ch);
    }

    @Test
    void aWavStreamIsPacedByItsRateAndALateModuleLeavesNoGap() throws IOException {
        Path f = dir.resolve("paced.wav");
        var sink = new WavFileSink(f, 48_000, 1);
        var s = new AudioStream(1, null, new AudioCall.StreamConfig(48_000, 1, 480), sink, null, 4);
        s.activate();
        int next = 0;
        for (int i = 0; i < 3; i++) {
            assertThat(s.reserve(480)).isNull();
            s.enqueue(buffer(next, 480));
            next += 480;
        }
        assertThat(s.reserve(960)).contains("is full"); // 3 buffers queued, room for one more
        s.pump(0); // starts: two buffers were queued
        assertThat(sink.framesWritten()).isZero();
        s.pump(5 * MS);
        assertThat(sink.framesWritten()).isEqualTo(240);
        s.pump(20 * MS);
        assertThat(sink.framesWritten()).isEqualTo(960);
        // the module is late: at 100 ms 4800 frames are due, 1440 were written; the file gets them all, no silence
        s.pump(100 * MS);
        assertThat(sink.framesWritten()).isEqualTo(1440);
        // it catches up: the clock continues from 100 ms, not from 0 (no burst, no gap)
        for (int i = 0; i < 2; i++) {
            assertThat(s.reserve(480)).isNull();
            s.enqueue(buffer(next, 480));
            next += 480;
        }
        s.pump(105 * MS);
        assertThat(sink.framesWritten()).isEqualTo(1440 + 240);
        s.close(); // writes what is queued
        assertThat(sink.framesWritten()).isEqualTo(next);
        try (var r = new WavReader(f)) {
            float[] all = r.read(10_000);
            var off = new ArrayList<Integer>();
            for (int i = 0; i < all.length; i++) if (Math.abs(all[i] - i / 100_000f) > 1e-4f) off.add(i);
            assertThat(all).hasSize(next);
            assertThat(off).isEmpty();
        }
    }

    @Test
    void aWavInputDeliversWholeBuffersAtItsRateUntilItsEnd() throws IOException {
        Path f = dir.resolve("in.wav");
        try (var w = new WavWriter(f, 1000, 2)) {
            float[] s = new float[2 * 25];
            for (int i = 0; i < 25; i++) {
                s[2 * i] = i / 100f;
                s[2 * i + 1] = -i / 100f;
            }
            w.write(s, 0, 25);
        }
        var source = new WavFileSource(new WavReader(f), 0);
        var s = new AudioStream(2, null, new AudioCall.StreamConfig(1000, 2, 10), null, source, 4);
        s.activate();
        assertThat(s.readInput(5 * MS)).isNull(); // 5 frames due of 10
        List<float[]> first = s.readInput(10 * MS);
        assertThat(first).hasSize(2);
        assertThat(first.get(0)[3]).isCloseTo(0.03f, org.assertj.core.data.Offset.offset(1e-3f));
        assertThat(first.get(1)[3]).isCloseTo(-0.03f, org.assertj.core.data.Offset.offset(1e-3f));
        assertThat(s.readInput(100 * MS)).isNotNull(); // frames 10..19
        assertThat(s.readInput(100 * MS)).isNull(); // 5 frames left: not a whole buffer
        s.close();
    }

    @Test
    void laterOutputFilesAreNumbered() {
        assertThat(AudioAuthority.numbered(Path.of("/x/out.wav"), 2)).isEqualTo(Path.of("/x/out-2.wav"));
        assertThat(AudioAuthority.numbered(Path.of("out"), 3)).isEqualTo(Path.of("out-3"));
    }
}
