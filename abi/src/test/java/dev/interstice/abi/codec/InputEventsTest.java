package dev.interstice.abi.codec;

import static dev.interstice.abi.codec.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.value.IntersticeValue;
import org.junit.jupiter.api.Test;

/** InputEvent values encode as upstream's derive makes them (postcard IntersticeValue bytes). */
class InputEventsTest {
    private static byte[] encode(IntersticeValue v) {
        var w = new PostcardWriter(64);
        Abi.writeValue(w, v);
        return w.toByteArray();
    }

    @Test
    void aKeyPressIsAnEnumOfStructsOfEnums() {
        // Enum(14) "InputEvent" "Key" Struct(13) "Key" 3 fields:
        //   "device_id" U32(2) 0; "physical_key" Enum "PhysicalKey" "Code" Enum "KeyCode" "KeyA" Void(0);
        //   "state" Enum "ElementState" "Pressed" Void
        String hex = "0E 0A 496E7075744576656E74 03 4B6579 0D 03 4B6579 03"
                + " 09 6465766963655F6964 02 00"
                + " 0C 706879736963616C5F6B6579 0E 0B 506879736963616C4B6579 04 436F6465"
                + " 0E 07 4B6579436F6465 04 4B657941 00"
                + " 05 7374617465 0E 0C 456C656D656E745374617465 07 50726573736564 00";
        assertThat(encode(InputEvents.key(0, "KeyA", 30, true))).isEqualTo(bytes(hex));
    }

    @Test
    void unnamedKeysCarryTheirScanCodeAndDeltasAreTuples() {
        var unknown = (IntersticeValue.Enum) InputEvents.key(1, null, 300, false);
        var fields = ((IntersticeValue.Struct) unknown.value()).fields();
        assertThat(fields.get(1).value())
                .isEqualTo(new IntersticeValue.Enum("PhysicalKey", "Unidentified", IntersticeValue.u32(300)));
        assertThat(fields.get(2).value())
                .isEqualTo(new IntersticeValue.Enum("ElementState", "Released", IntersticeValue.VOID));
        var wheel = (IntersticeValue.Enum) InputEvents.mouseWheel(2, 0, -40);
        assertThat(((IntersticeValue.Struct) wheel.value()).fields().get(1).value())
                .isEqualTo(IntersticeValue.tuple(IntersticeValue.f64(0), IntersticeValue.f64(-40)));
        assertThat(((IntersticeValue.Enum) InputEvents.added(3)).variant()).isEqualTo("Added");
    }

    @Test
    void theWindowExtensionVariantsAreShapedLikeUpstreamsOnes() {
        assertThat(InputEvents.windowResized(640, 480))
                .isEqualTo(new IntersticeValue.Enum(
                        "InputEvent",
                        "WindowResized",
                        new IntersticeValue.Struct(
                                "WindowResized",
                                java.util.List.of(
                                        new IntersticeValue.Field("width", IntersticeValue.u32(640)),
                                        new IntersticeValue.Field("height", IntersticeValue.u32(480))))));
        assertThat(((IntersticeValue.Struct) ((IntersticeValue.Enum) InputEvents.windowFocused(true)).value()).fields())
                .containsExactly(new IntersticeValue.Field("focused", IntersticeValue.bool(true)));
        assertThat(InputEvents.closeRequested())
                .isEqualTo(new IntersticeValue.Enum("InputEvent", "CloseRequested", IntersticeValue.VOID));
        assertThat(InputEvents.EXTENSION_VARIANTS)
                .containsExactlyInAnyOrder("WindowResized", "WindowFocused", "CloseRequested")
                .doesNotContain(InputEvents.variant(InputEvents.added(0)));
    }
}
