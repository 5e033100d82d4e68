package dev.interstice.console;

import static dev.interstice.abi.value.IntersticeValue.bool;
import static dev.interstice.abi.value.IntersticeValue.f64;
import static dev.interstice.abi.value.IntersticeValue.i32;
import static dev.interstice.abi.value.IntersticeValue.i64;
import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.abi.value.IntersticeValue.u8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.value.IntersticeValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueJsonTest {
    static final TypeDef POINT = new TypeDef.Struct(
            "Point",
            List.of(
                    new FieldDef("x", IntersticeType.I32),
                    new FieldDef("label", new IntersticeType.Option(IntersticeType.STRING))));
    static final TypeDef SHAPE = new TypeDef.Enum(
            "Shape",
            List.of(
                    new FieldDef("Empty", IntersticeType.VOID),
                    new FieldDef("Dot", new IntersticeType.Named("Point")),
                    new FieldDef(
                            "Line",
                            new IntersticeType.Tuple(
                                    List.of(new IntersticeType.Named("Point"), new IntersticeType.Named("Point"))))));
    final ValueJson j = new ValueJson(Map.of("Point", POINT, "Shape", SHAPE));

    IntersticeValue arg(String text, IntersticeType t) {
        return j.parseArgument(text, t);
    }

    @Test
    void scalars() {
        assertThat(arg("7", IntersticeType.U8)).isEqualTo(u8(7));
        assertThat(arg("4294967295", IntersticeType.U32)).isEqualTo(u32(0xFFFF_FFFFL));
        assertThat(arg("-5", IntersticeType.I32)).isEqualTo(i32(-5));
        assertThat(arg("-9223372036854775808", IntersticeType.I64)).isEqualTo(i64(Long.MIN_VALUE));
        assertThat(arg("true", IntersticeType.BOOL)).isEqualTo(bool(true));
        assertThat(arg("1.5", IntersticeType.F64)).isEqualTo(f64(1.5));
        assertThat(arg("NaN", IntersticeType.F64)).isEqualTo(f64(Double.NaN));
        assertThat(arg("null", IntersticeType.VOID)).isEqualTo(IntersticeValue.VOID);
    }

    @Test
    void u64BeyondDoublePrecisionIsExact() {
        assertThat(arg("18446744073709551615", IntersticeType.U64)).isEqualTo(u64(-1));
        assertThat(arg("\"18446744073709551615\"", IntersticeType.U64)).isEqualTo(u64(-1));
        assertThat(arg("9007199254740993", IntersticeType.U64)).isEqualTo(u64(9007199254740993L));
        assertThat(j.fromJson(ValueJson.toJson(u64(-1)), IntersticeType.U64, ""))
                .isEqualTo(u64(-1));
        assertThat(ValueJson.render(u64(-1))).isEqualTo("18446744073709551615");
        assertThat(ValueJson.render(u64(9007199254740993L))).isEqualTo("9007199254740993");
    }

    @Test
    void stringsMayBePlainText() {
        assertThat(arg("hello world", IntersticeType.STRING)).isEqualTo(str("hello world"));
        assertThat(arg("42", IntersticeType.STRING)).isEqualTo(str("42"));
        assertThat(arg("\"quoted \\\"json\\\"\"", IntersticeType.STRING)).isEqualTo(str("quoted \"json\""));
        assertThat(arg("plain", new IntersticeType.Option(IntersticeType.STRING)))
                .isEqualTo(IntersticeValue.some(str("plain")));
        assertThat(arg("null", new IntersticeType.Option(IntersticeType.STRING)))
                .isEqualTo(IntersticeValue.none());
    }

    @Test
    void compositeValues() {
        var vec = new IntersticeType.Vec(new IntersticeType.Option(IntersticeType.U32));
        assertThat(arg("[1, null, 3]", vec))
                .isEqualTo(IntersticeValue.vec(
                        IntersticeValue.some(u32(1)), IntersticeValue.none(), IntersticeValue.some(u32(3))));
        var tuple = new IntersticeType.Tuple(List.of(IntersticeType.STRING, IntersticeType.BOOL));
        assertThat(arg("[\"a\", false]", tuple)).isEqualTo(IntersticeValue.tuple(str("a"), bool(false)));
        var point = new IntersticeType.Named("Point");
        var p = new IntersticeValue.Struct(
                "Point",
                List.of(
                        new IntersticeValue.Field("x", i32(3)),
                        new IntersticeValue.Field("label", IntersticeValue.none())));
        assertThat(arg("{\"x\": 3}", point))
                .as("a missing Option field is None")
                .isEqualTo(p);
        var shape = new IntersticeType.Named("Shape");
        assertThat(arg("Empty", shape)).isEqualTo(new IntersticeValue.Enum("Shape", "Empty", IntersticeValue.VOID));
        assertThat(arg("\"Empty\"", shape)).isEqualTo(new IntersticeValue.Enum("Shape", "Empty", IntersticeValue.VOID));
        assertThat(arg("{\"Dot\": {\"x\": 3, \"label\": null}}", shape))
                .isEqualTo(new IntersticeValue.Enum("Shape", "Dot", p));
        var line = new IntersticeValue.Enum("Shape", "Line", IntersticeValue.tuple(p, p));
        assertThat(arg("{\"Line\": [{\"x\": 3}, {\"x\": 3}]}", shape)).isEqualTo(line);
        // and back
        assertThat(ValueJson.render(line)).isEqualTo("{\"Line\":[{\"x\":3,\"label\":null},{\"x\":3,\"label\":null}]}");
        assertThat(ValueJson.render(new IntersticeValue.Enum("Shape", "Empty", IntersticeValue.VOID)))
                .isEqualTo("\"Empty\"");
        assertThat(j.fromJson(ValueJson.toJson(line), shape, "")).isEqualTo(line);
        assertThat(ValueJson.render(f64(Double.POSITIVE_INFINITY))).isEqualTo("\"Infinity\"");
        assertThat(ValueJson.render(IntersticeValue.f32(0.1f))).isEqualTo("0.1");
    }

    @Test
    void mismatchesSayWhereAndWhy() {
        assertThatThrownBy(() -> arg("256", IntersticeType.U8))
                .hasMessageContaining("expects u8: 256 is out of range 0..255");
        assertThatThrownBy(() -> arg("-1", IntersticeType.U64)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> arg("1.5", IntersticeType.U32)).hasMessageContaining("expects u32 (an integer)");
        assertThatThrownBy(() -> arg("abc", IntersticeType.I64))
                .hasMessageContaining("expects i64 (an integer), got string \"abc\"");
        assertThatThrownBy(() -> arg("yes", IntersticeType.BOOL)).hasMessageContaining("expects bool");
        assertThatThrownBy(() -> arg("[1, \"x\"]", new IntersticeType.Vec(IntersticeType.U32)))
                .hasMessageContaining("[1] expects u32");
        assertThatThrownBy(() -> arg("{\"y\": 1}", new IntersticeType.Named("Point")))
                .hasMessageContaining("missing field 'x'");
        assertThatThrownBy(() -> arg("{\"x\": 1, \"z\": 2}", new IntersticeType.Named("Point")))
                .hasMessageContaining("no field 'z'");
        assertThatThrownBy(() -> arg("Circle", new IntersticeType.Named("Shape")))
                .hasMessageContaining("no variant 'Circle'")
                .hasMessageContaining("Empty, Dot, Line");
        assertThatThrownBy(() -> arg("Dot", new IntersticeType.Named("Shape"))).hasMessageContaining("carries a Point");
        assertThatThrownBy(() -> arg("{\"x\": ", new IntersticeType.Named("Point")))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> arg("{\"Line\": [{\"x\": 1}]}", new IntersticeType.Named("Shape")))
                .hasMessageContaining("tuple of 2");
        assertThatThrownBy(() -> arg("1", new IntersticeType.Named("Nope"))).hasMessageContaining("does not define");
    }
}
