package dev.interstice.abi.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.host.AudioCall;
import dev.interstice.abi.host.FileCall;
import dev.interstice.abi.host.NetworkCall;
import dev.interstice.abi.host.gpu.GpuCall;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Logged answers: labelled with their call, fed back unchanged, and shown to people. */
class LoggedInputsTest {
    private static LoggedInputs.Shown shown(Object call, byte[] answer) {
        byte[] logged = LoggedInputs.labelled(call, answer);
        assertThat(LoggedInputs.answer(logged)).isEqualTo(answer); // what a replay feeds back
        return LoggedInputs.show(logged);
    }

    @Test
    void eachAuthoritysAnswersReadAsTheirCallAndOutcome() {
        assertThat(shown(
                        new FileCall.ReadFile("a.txt"),
                        AuthorityCodec.bytesOk("hello\n".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(new LoggedInputs.Shown("file ReadFile", "ok: 6 bytes \"hello\\n\""));
        assertThat(shown(new FileCall.ReadFile("b"), AuthorityCodec.bytesOk(new byte[] {0, 1, 2})))
                .isEqualTo(new LoggedInputs.Shown("file ReadFile", "ok: 3 bytes"));
        assertThat(shown(new FileCall.RemoveFile("x"), AuthorityCodec.err("it does not exist")))
                .isEqualTo(new LoggedInputs.Shown("file RemoveFile", "error: it does not exist"));
        assertThat(shown(new NetworkCall.TcpConnect("127.0.0.1", 80, false, ""), AuthorityCodec.handleOk(7)))
                .isEqualTo(new LoggedInputs.Shown("network TcpConnect", "ok: handle 7"));
        assertThat(shown(new AudioCall.CloseStream(3), AudioCodec.ok()))
                .isEqualTo(new LoggedInputs.Shown("audio CloseStream", "ok"));
        assertThat(shown(new GpuCall.GetSurfaceSize(), GpuCodec.extent2d(640, 480)))
                .isEqualTo(new LoggedInputs.Shown("gpu GetSurfaceSize", "640x480"));
        assertThat(shown(new GpuCall.RequestRedraw(), GpuCodec.err("lost")))
                .isEqualTo(new LoggedInputs.Shown("gpu RequestRedraw", "error: lost"));
    }

    @Test
    void anAnswerLoggedBeforeLabelsExistedReplaysAsItIsAndShowsAsHex() {
        byte[] old = AuthorityCodec.handleOk(5);
        assertThat(LoggedInputs.answer(old)).isEqualTo(old);
        assertThat(LoggedInputs.show(old)).isEqualTo(new LoggedInputs.Shown("", "0x0005"));
        assertThat(List.of(AuthorityCodec.ok(), GpuCodec.none(), AudioCodec.streamOpened(1)))
                .allSatisfy(a -> assertThat(a[0] & 0xFF).isLessThan(0xF7));
    }
}
