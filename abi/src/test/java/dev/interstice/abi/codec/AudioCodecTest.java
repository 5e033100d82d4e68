package dev.interstice.abi.codec;

import static dev.interstice.abi.codec.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.host.AudioCall;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.value.IntersticeValue;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte-exact forms of the Audio authority's calls and answers (upstream {@code host_calls/audio.rs}, ABI 6). */
class AudioCodecTest {

    private static AudioCall decode(String hex) {
        byte[] b = bytes(hex);
        return ((HostCall.Audio) Abi.decodeHostCall(b, 0, b.length)).call();
    }

    @Test
    void everyCallHasUpstreamsBytes() {
        // Audio = 7; OpenOutputStream 0 {sample_rate 48000 (u32 varint 80 F7 02), channels 2 (u16 varint), 480 (E0 03)}
        var config = new AudioCall.StreamConfig(48_000, 2, 480);
        assertThat(decode("07 00 80 F7 02 02 E0 03")).isEqualTo(new AudioCall.OpenOutputStream(config));
        assertThat(decode("07 01 80 F7 02 01 E0 03"))
                .isEqualTo(new AudioCall.OpenInputStream(new AudioCall.StreamConfig(48_000, 1, 480)));
        assertThat(decode("07 02 AC 02")).isEqualTo(new AudioCall.CloseStream(300));
        // WriteFramesF32Planar 3 {stream_id 1, frames 2, channels 1, data [[0.5, -1.0]] (f32 little-endian)}
        String write = "07 03 01 02 01 01 02 00 00 00 3F 00 00 80 BF";
        var w = (AudioCall.WriteFramesF32Planar) decode(write);
        assertThat(w.streamId()).isEqualTo(1);
        assertThat(w.frames()).isEqualTo(2);
        assertThat(w.channels()).isEqualTo(1);
        assertThat(w.data()).hasSize(1);
        assertThat(w.data().get(0)).containsExactly(0.5f, -1.0f);
        assertThat(AudioCodec.encodeHostCall(w)).isEqualTo(bytes(write));
        for (AudioCall c : List.of(
                new AudioCall.OpenOutputStream(config),
                new AudioCall.OpenInputStream(new AudioCall.StreamConfig(4_294_967_295L, 65_535, 4_294_967_295L)),
                new AudioCall.CloseStream(-1L))) // u64 max
        assertThat(decode(Hex.str(AudioCodec.encodeHostCall(c)))).isEqualTo(c);
    }

    @Test
    void answersHaveUpstreamsBytes() {
        // AudioResponse: Ok 0, StreamOpened{stream_id} 1, Err(String) 2
        assertThat(AudioCodec.ok()).isEqualTo(bytes("00"));
        assertThat(AudioCodec.streamOpened(300)).isEqualTo(bytes("01 AC 02"));
        assertThat(AudioCodec.err("no")).isEqualTo(bytes("02 02 6E 6F"));
    }

    @Test
    void inputEventDataIsAVecOfVecsOfF32() {
        assertThat(AudioCodec.planarValue(List.of(new float[] {0.25f}, new float[0])))
                .isEqualTo(IntersticeValue.vec(
                        IntersticeValue.vec(IntersticeValue.f32(0.25f)), IntersticeValue.vec(List.of())));
    }

    @Test
    void hostileLengthsAreRefusedBeforeAllocating() {
        // one channel claiming 2^31 samples: refused against the 0 bytes present, nothing allocated
        assertThatThrownBy(() -> decode("07 03 01 02 01 01 80 80 80 80 08"))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("exceeding");
        // 8 samples claimed, 12 bytes present (a length below the remaining bytes but above a quarter of them)
        assertThatThrownBy(() -> decode("07 03 01 02 01 01 08 00 00 00 3F 00 00 00 00 00 00 00 00"))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("f32 samples");
        // a channel count far above the bytes present
        assertThatThrownBy(() -> decode("07 03 01 02 01 FF FF FF FF 0F")).isInstanceOf(AbiDecodeException.class);
        assertThatThrownBy(() -> decode("07 04")).isInstanceOf(AbiDecodeException.class); // 4 variants
        assertThatThrownBy(() -> decode("07 00 80 F7 02 FF FF 07 E0 03")) // channels beyond u16
                .isInstanceOf(AbiDecodeException.class);
        assertThatThrownBy(() -> decode("07 02 05 00")).isInstanceOf(AbiDecodeException.class); // trailing byte
    }
}
