package dev.interstice.runtime.node;

import static dev.interstice.runtime.testing.NetFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.AudioCodec;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.host.AudioCall;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.audio.AudioLimits;
import dev.interstice.runtime.authority.audio.AudioSettings;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Audio authority end to end with WAV files: streams, the audio_output / audio_input handlers, and misuse. */
class AudioAuthorityTest {
    static final AudioCall.StreamConfig MONO_1K = new AudioCall.StreamConfig(1000, 1, 10);
    static final float[] BUFFER = {0.5f, -0.5f, 0.25f, -0.25f, 0.75f, -0.75f, 0.1f, -0.1f, 0.9f, -0.9f};

    @TempDir
    Path dir;

    TestNode t;

    @AfterEach
    void close() {
        if (t != null) t.close();
    }

    private TestNode node(AudioSettings audio) {
        return new TestNode(
                NodeConfig.inMemory().withAuthorities(AuthorityConfig.headless().withAudio(audio)));
    }

    private AudioSettings files() {
        return AudioSettings.defaults().withDevices(false).withOutputFile(dir.resolve("out.wav"));
    }

    private static ModuleFixture call(ModuleFixture m, String reducer, AudioCall c) {
        return m.blob(reducer, AudioCodec.encodeHostCall(c))
                .reducer(reducer, List.of(), List.of(), ModuleFixture.hostCallAndLog(reducer));
    }

    /** A module "snd" holding Audio: its audio_output handler writes BUFFER to stream 1 and logs the answer. */
    private static ModuleFixture snd() {
        var m = ModuleFixture.module("snd").authority(Authority.AUDIO);
        call(m, "open", new AudioCall.OpenOutputStream(MONO_1K));
        call(m, "open_in", new AudioCall.OpenInputStream(MONO_1K));
        call(m, "write", new AudioCall.WriteFramesF32Planar(1, 10, 1, List.of(BUFFER)));
        call(m, "close", new AudioCall.CloseStream(1));
        call(m, "write_unknown", new AudioCall.WriteFramesF32Planar(99, 10, 1, List.of(BUFFER)));
        call(m, "write_stereo", new AudioCall.WriteFramesF32Planar(1, 10, 2, List.of(BUFFER, BUFFER)));
        call(m, "write_short", new AudioCall.WriteFramesF32Planar(1, 10, 1, List.of(new float[3])));
        call(m, "open_huge", new AudioCall.OpenOutputStream(new AudioCall.StreamConfig(48_000, 1, 1 << 30)));
        m.blob("tick", "tick:".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .reducer(
                        "more",
                        List.of(),
                        List.of(),
                        "(call $log (i32.const ${tick}) (i32.const ${tick.len}))\n"
                                + ModuleFixture.hostCallAndLog("write"));
        m.blob("evt", "input:".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .reducer(
                        "heard",
                        List.of(),
                        List.of(),
                        "(call $log (i32.const ${evt}) (i32.const ${evt.len}))\n"
                                + "(call $log_hex (local.get $ptr) (local.get $len))")
                .subscribe("more", new SubscriptionEvent.Core(SubscriptionEvent.Simple.AUDIO_OUTPUT))
                .subscribe("heard", new SubscriptionEvent.Core(SubscriptionEvent.Simple.AUDIO_INPUT));
        return m;
    }

    /** Calls {@code reducer} and decodes the answer it logged (not one the audio_output handler logged). */
    private String answer(String reducer) {
        t.node.call("snd", reducer, List.of());
        List<String> lines = t.logsOf("snd");
        for (int i = lines.size() - 1; i >= 0; i--)
            if (lines.get(i).matches("([0-9a-f]{2})+")
                    && (i == 0 || !lines.get(i - 1).equals("tick:")))
                return decode(HexFormat.of().parseHex(lines.get(i)));
        throw new AssertionError("no answer logged");
    }

    /** The answers the audio_output handler logged. */
    private List<String> ticks() {
        var out = new ArrayList<String>();
        List<String> lines = t.logsOf("snd");
        for (int i = 0; i + 1 < lines.size(); i++)
            if (lines.get(i).equals("tick:")) out.add(decode(HexFormat.of().parseHex(lines.get(i + 1))));
        return out;
    }

    static String decode(byte[] answer) {
        var r = new PostcardReader(answer);
        return switch (r.readU8()) {
            case 0 -> "ok";
            case 1 -> "stream " + r.readVarU64();
            default -> "err: " + r.readString();
        };
    }

    /** The 16-bit samples of a WAV file written by the node (header checked). */
    static float[] samples(Path wav) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(4)).isEqualTo(b.limit() - 8); // RIFF size: the file is whole
        int data = b.getInt(40);
        assertThat(data).isEqualTo(b.limit() - 44);
        float[] out = new float[data / 2];
        for (int i = 0; i < out.length; i++) out[i] = b.getShort(44 + 2 * i) / 32767f;
        return out;
    }

    @Test
    void theHolderIsAskedForFramesAndTheFileHoldsExactlyWhatItWrote() throws IOException {
        t = node(files());
        t.node.publish("snd.wasm", snd().build(), false);
        assertThat(answer("open")).isEqualTo("stream 1");
        Path out = dir.resolve("out.wav");
        await(() -> out.toFile().length() >= 44 + 2 * 200, "200 frames in the file (0.2 s at 1000 Hz)");
        assertThat(answer("close")).isEqualTo("ok");
        await(() -> t.node.authorities().audio().describeStreams().isEmpty(), "the stream to close");
        float[] s = samples(out);
        assertThat(s.length).isGreaterThanOrEqualTo(200).isEqualTo(s.length / 10 * 10); // whole buffers
        for (int i = 0; i < s.length; i++)
            assertThat(s[i]).as("sample %d", i).isCloseTo(BUFFER[i % 10], org.assertj.core.data.Offset.offset(1e-3f));
        // a tick may race the close: the stream is closing (still listed until its file is whole), or gone
        assertThat(ticks())
                .isNotEmpty()
                .allMatch(a -> a.equals("ok")
                        || a.equals("err: audio stream 1 is closed")
                        || a.startsWith("err: audio stream 1 is not"));
        assertThat(t.node.authorities().describe(Authority.AUDIO)).isEqualTo("output to " + out);
    }

    @Test
    void misuseIsAClearErrorAndTheNodeGoesOn() {
        t = node(files());
        t.node.publish("snd.wasm", snd().build(), false);
        assertThat(answer("write_unknown")).startsWith("err: audio stream 99 is not open");
        assertThat(answer("open")).isEqualTo("stream 1");
        assertThat(answer("write_stereo")).isEqualTo("err: audio stream 1 has 1 channel(s); the write says 2");
        assertThat(answer("write_short")).isEqualTo("err: channel 0 of the write holds 3 samples, not 10");
        assertThat(answer("open_huge")).contains("frames_per_buffer 1073741824 is not within 1..16384");
        assertThat(answer("open_in"))
                .isEqualTo("err: audio input stream refused: this node has no capture device" + " and no input file");
        assertThat(answer("close")).isEqualTo("ok");
        await(() -> t.node.authorities().audio().describeStreams().isEmpty(), "the stream to close");
        assertThat(answer("write")).startsWith("err: audio stream 1 is not open");
        // a module without the authority is refused, whatever it asks
        var other = ModuleFixture.module("other");
        call(other, "open", new AudioCall.OpenOutputStream(MONO_1K));
        t.node.publish("other.wasm", other.build(), false);
        t.node.call("other", "open", List.of());
        assertThat(decode(t.hexLogsOf("other").getLast()))
                .isEqualTo("err: module 'other' does not hold the Audio authority (declare it in the module's"
                        + " authorities)");
        assertThat(answer("open")).isEqualTo("stream 2"); // the node goes on
    }

    @Test
    void aFullStreamRefusesMoreAndUnloadingTheHolderClosesItsStreams() throws IOException {
        t = node(files());
        var m = snd();
        t.node.publish("snd.wasm", m.build(), false);
        assertThat(answer("open")).isEqualTo("stream 1");
        // four buffers fit (the queue's bound); written faster than the file takes them, a fifth is refused
        var answers = new ArrayList<String>();
        for (int i = 0; i < 8; i++) answers.add(answer("write"));
        assertThat(answers).anyMatch(a -> a.startsWith("err: audio stream 1 is full"));
        t.node.unload("snd");
        assertThat(t.node.authorities().audio().describeStreams()).isEmpty();
        assertThat(samples(dir.resolve("out.wav")).length % 10).isZero(); // finalised, whole buffers
    }

    @Test
    void theStreamLimitRefusesMoreAndAClosedStreamFreesItsPlace() {
        t = node(files().withLimits(new AudioLimits(2, 4, 8, 384_000, 16_384)));
        t.node.publish("snd.wasm", snd().build(), false);
        assertThat(answer("open")).isEqualTo("stream 1");
        assertThat(answer("open")).isEqualTo("stream 2");
        assertThat(answer("open"))
                .isEqualTo("err: too many audio streams open (the limit is 2 per module): close one" + " first");
        assertThat(answer("close")).isEqualTo("ok");
        await(() -> t.node.authorities().audio().describeStreams().size() == 1, "stream 1 to close");
        assertThat(answer("open")).isEqualTo("stream 3");
        assertThat(dir.resolve("out-3.wav")).exists(); // later output streams get numbered files
    }

    @Test
    void inputFromAWavFileArrivesAtTheHoldersHandler() throws IOException {
        Path in = dir.resolve("in.wav");
        var b = ByteBuffer.allocate(44 + 2 * 30).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + 60).put("WAVEfmt ".getBytes()).putInt(16);
        b.putShort((short) 1)
                .putShort((short) 1)
                .putInt(1000)
                .putInt(2000)
                .putShort((short) 2)
                .putShort((short) 16);
        b.put("data".getBytes()).putInt(60);
        for (int i = 0; i < 30; i++) b.putShort((short) (i * 1000));
        Files.write(in, b.array());
        t = node(files().withInputFile(in));
        t.node.publish("snd.wasm", snd().build(), false);
        assertThat(answer("open_in")).isEqualTo("stream 1");
        await(() -> inputs().size() == 3, "three buffers of 10 frames");
        var first = inputs().getFirst();
        assertThat(first.getFirst()).isEqualTo(IntersticeValue.u64(1));
        var channels = ((IntersticeValue.Vec) first.get(1)).items();
        assertThat(channels).hasSize(1);
        var samples = ((IntersticeValue.Vec) channels.getFirst()).items();
        assertThat(samples).hasSize(10);
        assertThat(samples.get(3)).isEqualTo(IntersticeValue.f32(3000 / 32768f));
    }

    private List<List<IntersticeValue>> inputs() {
        var out = new ArrayList<List<IntersticeValue>>();
        List<String> lines = t.logsOf("snd");
        for (int i = 0; i + 1 < lines.size(); i++)
            if (lines.get(i).equals("input:"))
                out.add(Abi.readCallInput(new PostcardReader(HexFormat.of().parseHex(lines.get(i + 1))))
                        .args());
        return out;
    }

    @Test
    void withoutADeviceOrAFileAudioIsNotOfferedAndSaysWhy() {
        t = node(AudioSettings.defaults().withDevices(false));
        assertThat(t.node.authorities().summary())
                .contains("not offered: Gpu, Audio (no sound output device in use and no --audio-out file), Input");
        assertThatThrownBy(() -> t.node.publish("snd.wasm", snd().build(), false))
                .isInstanceOf(ModuleException.class)
                .hasMessageContaining("needs the Audio authority, which this node does not offer")
                .hasMessageContaining("Audio needs a sound output device or an output file (--audio-out)");
    }
}
