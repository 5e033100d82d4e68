package dev.interstice.abi.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.host.ChildCall;
import dev.interstice.abi.schema.Authority;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** interstice_children's encoding (docs/abi.md §4.5), byte for byte as the AssemblyScript SDK writes it. */
class ChildCodecTest {
    private static byte[] bytes(Object... parts) {
        var w = new PostcardWriter(64);
        for (Object p : parts) {
            if (p instanceof String s) w.writeString(s);
            else w.writeU8((Integer) p);
        }
        return w.toByteArray();
    }

    @Test
    void decodesWhatTheSdkSends() {
        // the same requests as sdk/assemblyscript/test/children.test.js
        assertThat(ChildCodec.decode(bytes(0, 0, 3, 1, 2, 3, 1, "d", 1, 1, "10.0.0.1:5", 1, 0)))
                .usingRecursiveComparison()
                .isEqualTo(new ChildCall.Spawn(
                        new ChildCall.Wasm(new byte[] {1, 2, 3}),
                        new ChildCall.Grant(Optional.of("d"), Optional.of(List.of("10.0.0.1:5")), true),
                        false));
        assertThat(ChildCodec.decode(bytes(0, 1, "ab", 0, 0, 0, 1)))
                .isEqualTo(new ChildCall.Spawn(new ChildCall.Hash("ab"), ChildCall.Grant.none(), true));
        assertThat(ChildCodec.decode(bytes(1, "kid", 1, 5)))
                .isEqualTo(new ChildCall.Revoke("kid", Optional.of(Authority.NETWORK)));
        assertThat(ChildCodec.decode(bytes(1, "kid", 0))).isEqualTo(new ChildCall.Revoke("kid", Optional.empty()));
        assertThat(ChildCodec.decode(bytes(2))).isEqualTo(new ChildCall.ListChildren());
    }

    @Test
    void encodesAndDecodesEveryCallAndTheChildList() {
        var g = new ChildCall.Grant(Optional.of(""), Optional.of(List.of("127.0.0.1/8")), false);
        for (ChildCall c : List.of(
                new ChildCall.Spawn(new ChildCall.Hash("ab"), g, false),
                new ChildCall.Revoke("x", Optional.of(Authority.FILE)),
                new ChildCall.ListChildren()))
            assertThat(ChildCodec.decode(ChildCodec.encode(c))).isEqualTo(c);
        var children = List.of(new ChildCall.Child("kid", g, List.of(Authority.FILE), true, false));
        assertThat(ChildCodec.decodeChildren(ChildCodec.okChildren(children))).isEqualTo(children);
    }

    @Test
    void refusesMalformedRequests() {
        assertThatThrownBy(() -> ChildCodec.decode(bytes(3))).isInstanceOf(AbiDecodeException.class);
        assertThatThrownBy(() -> ChildCodec.decode(bytes(1, "kid", 1, 9))).isInstanceOf(AbiDecodeException.class);
        assertThatThrownBy(() -> ChildCodec.decode(bytes(2, 0))).isInstanceOf(AbiDecodeException.class);
        var w = new PostcardWriter(16);
        w.writeU8(0);
        w.writeU8(1);
        w.writeString("ab");
        w.writeU8(0);
        w.writeU8(1);
        w.writeVarUsize(ChildCodec.MAX_RULES + 1);
        for (int i = 0; i <= ChildCodec.MAX_RULES; i++) w.writeString("1");
        w.writeU8(0);
        w.writeU8(1);
        assertThatThrownBy(() -> ChildCodec.decode(w.toByteArray()))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("at most 64 network rules");
    }
}
