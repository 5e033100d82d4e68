package dev.interstice.abi.codec;

import dev.interstice.abi.host.AudioCall;
import dev.interstice.abi.value.IntersticeValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The postcard forms of the Audio authority's calls and answers (upstream {@code host_calls/audio.rs}, ABI 6) and the
 * {@code audio_input} event's arguments. Sample data is read with its length checked against the bytes present
 * before anything is allocated (a hostile length cannot make the host allocate more than the call's own size).
 */
public final class AudioCodec {
    private AudioCodec() {}

    /** The HostCall discriminant of Audio. */
    static final int HOST_CALL_TAG = 7;

    public static AudioCall readAudioCall(PostcardReader r) {
        int tag = Abi.readTag(r, "AudioCall", 3);
        return switch (tag) {
            case 0 -> new AudioCall.OpenOutputStream(readConfig(r));
            case 1 -> new AudioCall.OpenInputStream(readConfig(r));
            case 2 -> new AudioCall.CloseStream(r.readVarU64());
            default -> {
                long stream = r.readVarU64();
                long frames = r.readVarU32("a u32 varint (frames)") & 0xFFFFFFFFL;
                int channels = r.readU16();
                yield new AudioCall.WriteFramesF32Planar(stream, frames, channels, readPlanar(r));
            }
        };
    }

    private static AudioCall.StreamConfig readConfig(PostcardReader r) {
        long rate = r.readVarU32("a u32 varint (sample_rate)") & 0xFFFFFFFFL;
        int channels = r.readU16();
        long frames = r.readVarU32("a u32 varint (frames_per_buffer)") & 0xFFFFFFFFL;
        return new AudioCall.StreamConfig(rate, channels, frames);
    }

    /** {@code Vec<Vec<f32>>}: each inner length is checked against the remaining bytes (4 per sample) first. */
    private static List<float[]> readPlanar(PostcardReader r) {
        int n = r.readVarUsize(); // every channel takes at least its one-byte length: n <= remaining
        var out = new ArrayList<float[]>(Math.min(n, 64));
        for (int c = 0; c < n; c++) {
            int at = r.mark();
            int len = r.readVarUsize();
            if ((long) len * 4 > r.remaining())
                throw r.errorAt(
                        "length " + len + " f32 samples (" + (long) len * 4 + " bytes) exceeding the " + r.remaining()
                                + " remaining byte(s)",
                        at);
            float[] samples = new float[len];
            for (int i = 0; i < len; i++) samples[i] = r.readF32();
            out.add(samples);
        }
        return out;
    }

    /** Writes a call as a guest would: the {@code HostCall} discriminant (7), then the call. */
    public static byte[] encodeHostCall(AudioCall call) {
        var w = new PostcardWriter(32);
        w.writeU8(HOST_CALL_TAG);
        switch (call) {
            case AudioCall.OpenOutputStream o -> {
                w.writeU8(0);
                writeConfig(w, o.config());
            }
            case AudioCall.OpenInputStream o -> {
                w.writeU8(1);
                writeConfig(w, o.config());
            }
            case AudioCall.CloseStream c -> {
                w.writeU8(2);
                w.writeVarU64(c.streamId());
            }
            case AudioCall.WriteFramesF32Planar x -> {
                w.writeU8(3);
                w.writeVarU64(x.streamId());
                w.writeVarU32(x.frames());
                w.writeU16(x.channels());
                w.writeVarUsize(x.data().size());
                for (float[] ch : x.data()) {
                    w.writeVarUsize(ch.length);
                    for (float s : ch) w.writeF32(s);
                }
            }
        }
        return w.toByteArray();
    }

    private static void writeConfig(PostcardWriter w, AudioCall.StreamConfig c) {
        w.writeVarU32(c.sampleRate());
        w.writeU16(c.channels());
        w.writeVarU32(c.framesPerBuffer());
    }

    // ---- answers (AudioResponse: Ok 0, StreamOpened{stream_id} 1, Err(String) 2) ----

    public static byte[] ok() {
        return new byte[] {0};
    }

    public static byte[] streamOpened(long streamId) {
        var w = new PostcardWriter(12);
        w.writeU8(1);
        w.writeVarU64(streamId);
        return w.toByteArray();
    }

    public static byte[] err(String message) {
        return Responses.privilegedError(dev.interstice.abi.schema.Authority.AUDIO, message);
    }

    // ---- the audio_input event: arguments (stream_id u64, data Vec<Vec<f32>>) as upstream converts them ----

    /** {@code data} as upstream's {@code Vec<Vec<f32>>} into {@code IntersticeValue}: a Vec of Vecs of F32. */
    public static IntersticeValue planarValue(List<float[]> data) {
        var channels = new ArrayList<IntersticeValue>(data.size());
        for (float[] ch : data) {
            var samples = new ArrayList<IntersticeValue>(ch.length);
            for (float s : ch) samples.add(IntersticeValue.f32(s));
            channels.add(IntersticeValue.vec(samples));
        }
        return IntersticeValue.vec(channels);
    }
}
