package dev.interstice.abi.codec;

import static dev.interstice.abi.codec.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostcardPrimitivesTest {

    private static byte[] write(Consumer<PostcardWriter> body) {
        var w = new PostcardWriter(1); // tiny: exercises growth
        body.accept(w);
        return w.toByteArray();
    }

    private static <T> T read(String hex, Function<PostcardReader, T> body) {
        var r = new PostcardReader(bytes(hex));
        T v = body.apply(r);
        r.expectEnd();
        return v;
    }

    private static void rejects(String hex, Function<PostcardReader, ?> body, String messagePart) {
        assertThatThrownBy(() -> read(hex, body))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining(messagePart);
    }

    // Unsigned LEB128: 7 bits per byte, low group first, high bit = "more follows".
    @ParameterizedTest(name = "u32 {0} -> {1}")
    @CsvSource({
        "0,          00",
        "1,          01",
        "127,        7F", // largest one-byte value
        "128,        80 01", // 128 = 0b1_0000000 -> 0x00|0x80, 0x01
        "300,        AC 02", // 300 = 0b10_0101100 -> 0x2C|0x80, 0x02
        "16383,      FF 7F", // 2^14-1: two full groups
        "16384,      80 80 01", // 2^14: third byte
        "4294967295, FF FF FF FF 0F", // 2^32-1: 4 full groups + 4 bits
    })
    void varU32(long v, String hex) {
        assertThat(write(w -> w.writeVarU32(v))).isEqualTo(bytes(hex));
        assertThat(PostcardPrimitivesTest.<Long>read(hex, PostcardReader::readVarU32))
                .isEqualTo(v);
    }

    @Test
    void varU64Edges() {
        assertThat(write(w -> w.writeVarU64(0))).isEqualTo(bytes("00"));
        assertThat(write(w -> w.writeVarU64(0xFFFF_FFFFL + 1))).isEqualTo(bytes("80 80 80 80 10")); // 2^32
        // 2^64-1: nine full 7-bit groups (63 bits) then the last bit
        assertThat(write(w -> w.writeVarU64(-1L))).isEqualTo(bytes("FF FF FF FF FF FF FF FF FF 01"));
        assertThat(read("FF FF FF FF FF FF FF FF FF 01", PostcardReader::readVarU64))
                .isEqualTo(-1L);
        assertThat(write(w -> w.writeVarU64(Long.MIN_VALUE))).isEqualTo(bytes("80 80 80 80 80 80 80 80 80 01"));
    }

    @Test
    void varUsizeAndU16() {
        assertThat(write(w -> w.writeVarUsize(16384))).isEqualTo(bytes("80 80 01"));
        assertThat(write(w -> w.writeU16(65535))).isEqualTo(bytes("FF FF 03")); // 2^16-1: 7+7+2 bits
        assertThat(read("FF FF 03", PostcardReader::readU16)).isEqualTo(65535);
        rejects("FF FF 04", PostcardReader::readU16, "overflowing 16 bits");
        rejects("80 80 80 00", PostcardReader::readU16, "longer than 3 bytes");
        assertThatThrownBy(() -> new PostcardWriter().writeU16(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PostcardWriter().writeVarUsize(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PostcardWriter().writeVarU32(1L << 32))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PostcardWriter().writeVarU32(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PostcardWriter().writeU8(256)).isInstanceOf(IllegalArgumentException.class);
    }

    // zigzag: n >= 0 -> 2n, n < 0 -> -2n-1; then varint.
    @ParameterizedTest(name = "i32 {0} -> {1}")
    @CsvSource({
        "0,           00",
        "-1,          01",
        "1,           02",
        "-64,         7F", // zigzag 127
        "64,          80 01", // zigzag 128
        "2147483647,  FE FF FF FF 0F", // zigzag 2^32-2
        "-2147483648, FF FF FF FF 0F", // zigzag 2^32-1
    })
    void zigzagI32(int v, String hex) {
        assertThat(write(w -> w.writeI32(v))).isEqualTo(bytes(hex));
        assertThat(read(hex, PostcardReader::readI32)).isEqualTo(v);
    }

    @ParameterizedTest(name = "i64 {0} -> {1}")
    @CsvSource({
        "0,                    00",
        "-1,                   01",
        "-150,                 AB 02", // zigzag 299 = 0x12B
        "9223372036854775807,  FE FF FF FF FF FF FF FF FF 01", // zigzag 2^64-2
        "-9223372036854775808, FF FF FF FF FF FF FF FF FF 01", // zigzag 2^64-1
    })
    void zigzagI64(long v, String hex) {
        assertThat(write(w -> w.writeI64(v))).isEqualTo(bytes(hex));
        assertThat(read(hex, PostcardReader::readI64)).isEqualTo(v);
    }

    @Test
    void floatsAreLittleEndianRawBits() {
        assertThat(write(w -> w.writeF32(1.5f))).isEqualTo(bytes("00 00 C0 3F")); // 0x3FC00000
        assertThat(write(w -> w.writeF32(-0.0f))).isEqualTo(bytes("00 00 00 80")); // sign bit only
        assertThat(write(w -> w.writeF32(Float.NaN))).isEqualTo(bytes("00 00 C0 7F")); // canonical quiet NaN
        assertThat(write(w -> w.writeF64(-2.0))).isEqualTo(bytes("00 00 00 00 00 00 00 C0"));
        assertThat(write(w -> w.writeF64(-0.0))).isEqualTo(bytes("00 00 00 00 00 00 00 80"));
        assertThat(write(w -> w.writeF64(Double.NaN))).isEqualTo(bytes("00 00 00 00 00 00 F8 7F"));

        float oddNan = Float.intBitsToFloat(0x7FC0_0001);
        assertThat(write(w -> w.writeF32(oddNan))).isEqualTo(bytes("01 00 C0 7F"));
        assertThat(Float.floatToRawIntBits(read("01 00 C0 7F", PostcardReader::readF32)))
                .isEqualTo(0x7FC0_0001);
        double oddNan64 = Double.longBitsToDouble(0xFFF0_0000_0000_0001L);
        assertThat(Double.doubleToRawLongBits(read("01 00 00 00 00 00 F0 FF", PostcardReader::readF64)))
                .isEqualTo(Double.doubleToRawLongBits(oddNan64));
        assertThat(1 / read("00 00 00 80", PostcardReader::readF32)).isEqualTo(Float.NEGATIVE_INFINITY);
        rejects("00 00 C0", PostcardReader::readF32, "4 bytes of f32");
        rejects("00 00 00 00 00 00 F8", PostcardReader::readF64, "8 bytes of f64");
    }

    @Test
    void bool() {
        assertThat(write(w -> {
                    w.writeBool(true);
                    w.writeBool(false);
                }))
                .isEqualTo(bytes("01 00"));
        assertThat(read("01", PostcardReader::readBool)).isTrue();
        assertThat(read("00", PostcardReader::readBool)).isFalse();
        rejects("02", PostcardReader::readBool, "invalid bool byte 0x02");
        rejects("FF", PostcardReader::readBool, "invalid bool byte 0xFF");
    }

    @ParameterizedTest(name = "string {0}")
    @CsvSource(
            delimiter = ';',
            value = {
                "'';                00",
                "hi;                02 68 69",
                "é;                 02 C3 A9", // U+00E9: 2-byte UTF-8
                "€;                 03 E2 82 AC", // U+20AC: 3-byte
                "😀;                04 F0 9F 98 80", // U+1F600 (non-BMP, a surrogate pair in Java): 4-byte
                "a😀b;              06 61 F0 9F 98 80 62",
                "\uFFFF;            03 EF BF BF",
                "\uD800\uDC00;      04 F0 90 80 80", // U+10000, smallest 4-byte code point
                "\uDBFF\uDFFF;      04 F4 8F BF BF", // U+10FFFF, largest code point
            })
    void strings(String s, String hex) {
        assertThat(write(w -> w.writeString(s))).isEqualTo(bytes(hex));
        assertThat(read(hex, PostcardReader::readString)).isEqualTo(s);
    }

    @Test
    void longStringsAndLengthPrefixGrowth() {
        String ascii128 = "x".repeat(128);
        assertThat(write(w -> w.writeString(ascii128)))
                .isEqualTo(Hex.concat(bytes("80 01"), ascii128.getBytes(StandardCharsets.US_ASCII)));
        // 120 ASCII chars then 5 euro signs: 125 chars (1-byte prefix guess) but 135 UTF-8 bytes (2-byte prefix)
        String mixed = "a".repeat(120) + "€".repeat(5);
        byte[] utf8 = mixed.getBytes(StandardCharsets.UTF_8);
        assertThat(utf8).hasSize(135);
        assertThat(write(w -> {
                    w.writeU8(7);
                    w.writeString(mixed);
                }))
                .isEqualTo(Hex.concat(bytes("07 87 01"), utf8));
        for (int n : new int[] {0, 1, 127, 128, 16383, 16384, 70000}) {
            String s = "é".repeat(n / 2) + "z".repeat(n % 2) + "😀";
            byte[] enc = write(w -> w.writeString(s));
            var r = new PostcardReader(enc);
            assertThat(r.readString()).isEqualTo(s);
            assertThat(r.atEnd()).isTrue();
        }
    }

    @Test
    void loneSurrogatesAreWrittenAsQuestionMarkLikeGetBytes() {
        for (String s : new String[] {"\uD800", "a\uDC00b", "\uD83D", "x\uD83Dy\uDE00"}) {
            assertThat(write(w -> w.writeString(s)))
                    .isEqualTo(Hex.concat(
                            new byte[] {(byte) s.getBytes(StandardCharsets.UTF_8).length},
                            s.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void invalidUtf8IsRejected() {
        rejects("02 C3 28", PostcardReader::readString, "bad continuation byte 0x28");
        rejects("02 C0 80", PostcardReader::readString, "invalid lead byte 0xC0"); // overlong NUL
        rejects("03 E0 80 80", PostcardReader::readString, "bad continuation byte 0x80"); // overlong 3-byte
        rejects("03 ED A0 80", PostcardReader::readString, "bad continuation byte 0xA0"); // surrogate U+D800
        rejects("04 F4 90 80 80", PostcardReader::readString, "bad continuation byte 0x90"); // > U+10FFFF
        rejects("04 F0 80 80 80", PostcardReader::readString, "bad continuation byte 0x80"); // overlong 4-byte
        rejects("01 F5", PostcardReader::readString, "invalid lead byte 0xF5");
        rejects("01 80", PostcardReader::readString, "invalid lead byte 0x80"); // stray continuation
        rejects("02 E2 82", PostcardReader::readString, "truncated sequence");
        rejects("03 F0 9F 98", PostcardReader::readString, "truncated sequence");
        rejects("05 61 62", PostcardReader::readString, "length 5 exceeding the 2 remaining byte(s)");
    }

    @Test
    void overlongAndOverflowingVarintsAreRejected() {
        rejects("80 80 80 80 80 00", PostcardReader::readVarU32, "longer than 5 bytes");
        rejects("FF FF FF FF 10", PostcardReader::readVarU32, "overflowing 32 bits"); // 2^32
        rejects("FF FF FF FF 7F", PostcardReader::readI32, "overflowing 32 bits");
        rejects("80 80 80 80 80 80 80 80 80 80 00", PostcardReader::readVarU64, "longer than 10 bytes");
        rejects("FF FF FF FF FF FF FF FF FF 02", PostcardReader::readVarU64, "overflowing 64 bits"); // 2^64
        rejects("FF FF FF FF FF FF FF FF FF 03", PostcardReader::readI64, "overflowing 64 bits");
        rejects("80", PostcardReader::readVarU32, "unexpected end of input");
        rejects("80 80", PostcardReader::readVarU64, "unexpected end of input");
        rejects("", PostcardReader::readU8, "unexpected end of input");
    }

    @Test
    void nonMinimalVarintsAreAcceptedLikePostcard() {
        assertThat(PostcardPrimitivesTest.<Long>read("80 00", PostcardReader::readVarU32))
                .isEqualTo(0L);
        assertThat(PostcardPrimitivesTest.<Long>read("FF 80 80 80 00", PostcardReader::readVarU32))
                .isEqualTo(127L);
        assertThat(PostcardPrimitivesTest.<Long>read("81 80 80 80 80 80 80 80 80 00", PostcardReader::readVarU64))
                .isEqualTo(1L);
    }

    @Test
    void lengthsAreBoundedByRemainingBytes() {
        rejects("03 00 00", PostcardReader::readVarUsize, "length 3 exceeding the 2 remaining byte(s)");
        rejects("FF FF FF FF FF FF FF FF FF 01", PostcardReader::readVarUsize, "length 18446744073709551615");
        var r = new PostcardReader(bytes("02 00 00"));
        assertThat(r.readVarUsize()).isEqualTo(2);
        assertThat(r.remaining()).isEqualTo(2);
    }

    @Test
    void offsetsAreRelativeToTheSlice() {
        byte[] b = bytes("AA BB 01 00 CC");
        var r = new PostcardReader(b, 2, 2);
        assertThat(r.position()).isZero();
        assertThat(r.readU8()).isEqualTo(1);
        assertThat(r.position()).isEqualTo(1);
        assertThat(r.readBool()).isFalse();
        assertThatThrownBy(r::readU8)
                .isInstanceOf(AbiDecodeException.class)
                .satisfies(e -> assertThat(((AbiDecodeException) e).offset()).isEqualTo(2))
                .hasMessageContaining("at byte offset 2");
        var r2 = new PostcardReader(b, 2, 3);
        r2.readU8();
        assertThatThrownBy(r2::expectEnd)
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("2 trailing byte(s) at byte offset 1");
        var bad = new PostcardReader(bytes("00 00 05"), 2, 1);
        assertThatThrownBy(bad::readBool)
                .isInstanceOf(AbiDecodeException.class)
                .hasMessage("invalid bool byte 0x05 (expected 0x00 or 0x01) at byte offset 0");
    }

    @Test
    void writerResetBufferAndRaw() {
        var w = new PostcardWriter(2);
        w.writeRaw(bytes("01 02 03 04 05"));
        w.writeRaw(bytes("AA BB CC"), 1, 1);
        assertThat(w.size()).isEqualTo(6);
        assertThat(java.util.Arrays.copyOf(w.buffer(), w.size())).isEqualTo(bytes("01 02 03 04 05 BB"));
        byte[] backing = w.buffer();
        w.reset();
        assertThat(w.size()).isZero();
        w.writeVarU32(300);
        assertThat(w.buffer()).isSameAs(backing);
        assertThat(w.toByteArray()).isEqualTo(bytes("AC 02"));
    }
}
