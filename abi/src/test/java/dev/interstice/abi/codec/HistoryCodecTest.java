package dev.interstice.abi.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.host.HistoryCall;
import dev.interstice.abi.value.IntersticeValue;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code interstice_history}'s requests and answers (docs/abi.md §4.6). */
class HistoryCodecTest {
    @Test
    void everyCallRoundTripsWithItsDiscriminant() {
        List<HistoryCall> calls = List.of(
                new HistoryCall.ReadAsOf("cell", 42),
                new HistoryCall.Fork("preview", -1L),
                new HistoryCall.Call("p", "play", new IntersticeValue.Vec(List.of(IntersticeValue.u8(4)))),
                new HistoryCall.ReadBranch("p", "game"),
                new HistoryCall.Discard("p"),
                new HistoryCall.Merge("line"),
                new HistoryCall.ListBranches(),
                new HistoryCall.LastMerge(),
                new HistoryCall.CurrentTx());
        for (int i = 0; i < calls.size(); i++) {
            byte[] b = HistoryCodec.encode(calls.get(i));
            assertThat(b[0]).isEqualTo((byte) i);
            assertThat(HistoryCodec.decode(b)).isEqualTo(calls.get(i));
        }
        // ReadAsOf { "t", 300 }: tag, string, varint
        assertThat(HistoryCodec.encode(new HistoryCall.ReadAsOf("t", 300))).containsExactly(0, 1, 't', 0xAC, 0x02);
    }

    @Test
    void malformedCallsAreRefused() {
        assertThatThrownBy(() -> HistoryCodec.decode(new byte[] {9})).isInstanceOf(AbiDecodeException.class);
        assertThatThrownBy(() -> HistoryCodec.decode(new byte[] {0, 5, 'a'})).isInstanceOf(AbiDecodeException.class);
        assertThatThrownBy(() -> HistoryCodec.decode(new byte[] {6, 0})).isInstanceOf(AbiDecodeException.class);
    }

    @Test
    void answersAreOkOrErr() {
        assertThat(HistoryCodec.okCursorAt(3, 300)).containsExactly(0, 3, 0xAC, 0x02);
        assertThat(HistoryCodec.okBranches(List.of(new HistoryCodec.Branch("a", 7, 2))))
                .containsExactly(0, 1, 1, 'a', 7, 2);
        assertThat(HistoryCodec.okMerged(null)).containsExactly(0, 0);
        assertThat(HistoryCodec.okMerged(
                        new HistoryCodec.Merged("b", List.of(9L), List.of(new HistoryCodec.Failure(1, "p", "x")))))
                .containsExactly(0, 1, 1, 'b', 1, 9, 1, 1, 1, 'p', 1, 'x');
        assertThat(HistoryCodec.err("no")).containsExactly(1, 2, 'n', 'o');
    }
}
