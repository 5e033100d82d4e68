package dev.interstice.abi.value;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValueTextTest {
    @Test
    void rendersValuesAsTheJsonTheCliPrints() {
        assertThat(ValueText.of(u64(-1))).isEqualTo("18446744073709551615");
        assertThat(ValueText.of(str("al\"ice"))).isEqualTo("\"al\\\"ice\"");
        assertThat(ValueText.of(new IntersticeValue.Vec(List.of(u64(1), IntersticeValue.Option.NONE))))
                .isEqualTo("[1, null]");
        assertThat(ValueText.of(new IntersticeValue.Struct(
                        "Point", List.of(new IntersticeValue.Field("x", new IntersticeValue.I32(-1))))))
                .isEqualTo("{\"x\": -1}");
        assertThat(ValueText.of(new IntersticeValue.Enum("Shape", "Empty", IntersticeValue.VOID)))
                .isEqualTo("\"Empty\"");
        assertThat(ValueText.of(new IntersticeValue.Enum("Shape", "Circle", new IntersticeValue.F64(2.5))))
                .isEqualTo("{\"Circle\": 2.5}");
        assertThat(ValueText.of(new IntersticeValue.F32(Float.NaN))).isEqualTo("\"NaN\"");
        assertThat(ValueText.of(new IntersticeValue.Tuple(
                        List.of(new IntersticeValue.Bool(true), new IntersticeValue.F64(2.5)))))
                .isEqualTo("[true, 2.5]");
    }

    @Test
    void escapesControlAndFormatCharacters() {
        assertThat(ValueText.of(str("a\nb\u001b[31m\u202e"))).isEqualTo("\"a\\nb\\u001b[31m\\u202e\"");
        assertThat(ValueText.visible("tab\there\u0007")).isEqualTo("tab\\there\\u0007");
    }

    @Test
    void cutsLongValues() {
        String text = ValueText.of(str("x".repeat(10_000)));
        assertThat(text).hasSize(ValueText.MAX_CHARS + 1).endsWith("…");
    }
}
