package dev.interstice.abi.codec;

import static dev.interstice.abi.codec.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Bytes from untrusted guests and peers: decoding never throws anything but {@link AbiDecodeException}. */
class AbiMalformedInputTest {

    /** Every top-level decoder, applied to a whole buffer. */
    static final List<Function<byte[], Object>> DECODERS = List.of(
            Abi::decodeValue,
            Abi::decodeRow,
            Abi::decodeIndexKey,
            Abi::decodeModuleSchema,
            Abi::decodeNodeSchema,
            b -> Abi.decodeHostCall(b, 0, b.length),
            b -> whole(b, Abi::readType),
            b -> whole(b, Abi::readCallInput),
            b -> whole(b, Abi::readSubscriptionEvent),
            b -> whole(b, Abi::readTypeDef),
            b -> whole(b, Abi::readIndexQuery));

    static Object whole(byte[] b, Function<PostcardReader, ?> reader) {
        var r = new PostcardReader(b);
        Object o = reader.apply(r);
        r.expectEnd();
        return o;
    }

    /** Decodes with every decoder; only success or AbiDecodeException are allowed. */
    static void onlyCleanOutcomes(byte[] b) {
        for (var d : DECODERS) {
            try {
                var unused = d.apply(b);
            } catch (AbiDecodeException e) {
                assertThat(e.offset()).isBetween(0, b.length);
                assertThat(e.getMessage()).contains("at byte offset " + e.offset());
            }
        }
    }

    @Property(tries = 3000)
    void randomBytesNeverThrowAnythingElse(@ForAll @Size(max = 64) byte[] b) {
        onlyCleanOutcomes(b);
    }

    @Property(tries = 3000)
    void randomBytesWithPlausiblePrefixes(@ForAll("plausible") byte[] b) {
        onlyCleanOutcomes(b);
    }

    /** Random bytes biased towards small discriminants and lengths, so decoders get deep into the structure. */
    @Provide
    Arbitrary<byte[]> plausible() {
        return net.jqwik.api.Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(
                                6, net.jqwik.api.Arbitraries.integers().between(0, 15)),
                        net.jqwik.api.Tuple.of(
                                1, net.jqwik.api.Arbitraries.integers().between(0, 255)))
                .list()
                .ofMaxSize(200)
                .map(l -> {
                    byte[] out = new byte[l.size()];
                    for (int i = 0; i < out.length; i++) out[i] = (byte) (int) l.get(i);
                    return out;
                });
    }

    @Provide
    Arbitrary<IntersticeValue> values() {
        return AbiArbitraries.values(4);
    }

    @Provide
    Arbitrary<ModuleSchema> modules() {
        return AbiArbitraries.modules();
    }

    @Provide
    Arbitrary<HostCall> hostCalls() {
        return AbiArbitraries.hostCalls();
    }

    @Provide
    Arbitrary<Row> rows() {
        return AbiArbitraries.rows();
    }

    @Provide
    Arbitrary<IndexKey> keys() {
        return AbiArbitraries.keys();
    }

    static <T> byte[] encode(T v, BiConsumer<PostcardWriter, T> writer) {
        var w = new PostcardWriter();
        writer.accept(w, v);
        return w.toByteArray();
    }

    static <T> void truncationsAndMutationsFailCleanly(byte[] full, Function<PostcardReader, T> reader, long seed) {
        for (int cut = 0; cut < full.length; cut++) {
            var r = new PostcardReader(full, 0, cut);
            assertThatThrownBy(() -> {
                        var unused = reader.apply(r);
                        r.expectEnd();
                    })
                    .isInstanceOf(AbiDecodeException.class);
        }
        var rnd = new java.util.Random(seed);
        for (int i = 0; i < Math.min(40, full.length * 4); i++) {
            byte[] m = full.clone();
            int flips = 1 + rnd.nextInt(3);
            for (int f = 0; f < flips; f++) m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
            onlyCleanOutcomes(m);
        }
    }

    @Property(tries = 200)
    void valuesTruncatedOrMutated(@ForAll("values") IntersticeValue v, @ForAll long seed) {
        truncationsAndMutationsFailCleanly(encode(v, Abi::writeValue), Abi::readValue, seed);
    }

    @Property(tries = 100)
    void moduleSchemasTruncatedOrMutated(@ForAll("modules") ModuleSchema s, @ForAll long seed) {
        truncationsAndMutationsFailCleanly(encode(s, Abi::writeModuleSchema), Abi::readModuleSchema, seed);
    }

    @Property(tries = 200)
    void hostCallsTruncatedOrMutated(@ForAll("hostCalls") HostCall c, @ForAll long seed) {
        truncationsAndMutationsFailCleanly(encode(c, Abi::writeHostCall), Abi::readHostCall, seed);
    }

    @Property(tries = 200)
    void rowsAndKeysTruncatedOrMutated(@ForAll("rows") Row row, @ForAll("keys") IndexKey k, @ForAll long seed) {
        truncationsAndMutationsFailCleanly(encode(row, Abi::writeRow), Abi::readRow, seed);
        truncationsAndMutationsFailCleanly(encode(k, Abi::writeIndexKey), Abi::readIndexKey, seed);
    }

    // ------------------------------------------------------------------ nesting depth

    private static byte[] repeat(String unitHex, int times, String tailHex) {
        var out = new ByteArrayOutputStream();
        byte[] unit = bytes(unitHex);
        for (int i = 0; i < times; i++) out.writeBytes(unit);
        out.writeBytes(bytes(tailHex));
        return out.toByteArray();
    }

    @Test
    void valueNestingIsLimitedTo128() {
        IntersticeValue v = IntersticeValue.VOID;
        for (int i = 0; i < Abi.MAX_DEPTH; i++) v = IntersticeValue.some(v);
        assertThat(Abi.decodeValue(Abi.encodeValue(v))).isEqualTo(v); // 128 containers: fine
        IntersticeValue deeper = IntersticeValue.vec(v); // 129
        assertThatThrownBy(() -> Abi.decodeValue(Abi.encodeValue(deeper)))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessage("value nested deeper than 128 levels at byte offset 257");
        // Option(Some(...)) = 0B 01, a hundred thousand times: rejected, no StackOverflowError
        assertThatThrownBy(() -> Abi.decodeValue(repeat("0B 01", 100_000, "00")))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("nested deeper than 128 levels");
        assertThatThrownBy(() -> Abi.decodeValue(repeat("0A 01", 100_000, "00"))) // Vec of one
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("nested deeper than 128 levels");
        assertThatThrownBy(() -> Abi.decodeValue(repeat("0E 00 00", 100_000, "00"))) // Enum{"", "", ...}
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("nested deeper than 128 levels");
        assertThatThrownBy(() -> Abi.decodeValue(repeat("0D 00 01 00", 100_000, "00"))) // Struct{"", [{"", ...}]}
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("nested deeper than 128 levels");
        // Row entries and call arguments count from depth 1
        assertThatThrownBy(() -> Abi.decodeRow(Hex.concat(bytes("00 01"), repeat("0C 01", 200, "00"))))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("nested deeper");
    }

    @Test
    void keyAndTypeNestingIsLimited() {
        assertThatThrownBy(() -> Abi.decodeIndexKey(repeat("07 01", 100_000, "00 00")))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("index key nested deeper than 128 levels");
        assertThatThrownBy(() -> Abi.decodeIndexKey(repeat("08 01", 100_000, "00 00")))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("index key nested deeper than 128 levels");
        assertThatThrownBy(() -> whole(repeat("0A", 100_000, "00"), Abi::readType))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("type nested deeper than 128 levels");
        assertThatThrownBy(() -> whole(repeat("0C 01", 100_000, "00"), Abi::readType))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("type nested deeper than 128 levels");
        IntersticeType t = IntersticeType.U8;
        for (int i = 0; i < Abi.MAX_DEPTH; i++) t = new IntersticeType.Option(t);
        assertThat(whole(AbiMalformedInputTest.encode(t, Abi::writeType), Abi::readType))
                .isEqualTo(t);
    }

    // ------------------------------------------------------------------ specific errors

    @Test
    void unknownDiscriminantsNameTheirType() {
        assertThatThrownBy(() -> Abi.decodeValue(bytes("0F")))
                .hasMessage("an IntersticeValue discriminant, found unknown discriminant 15 at byte offset 0");
        assertThatThrownBy(() -> Abi.decodeValue(bytes("FF FF FF FF 0F")))
                .hasMessageContaining("unknown discriminant 4294967295");
        assertThatThrownBy(() -> Abi.decodeIndexKey(bytes("09"))).hasMessageContaining("IndexKey discriminant");
        assertThatThrownBy(() -> Abi.decodeIndexKey(bytes("07 02"))).hasMessageContaining("Option tag");
        assertThatThrownBy(() -> Abi.decodeValue(bytes("0B 02")))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessage("an Option tag 0x00 or 0x01 for an IntersticeValue::Option, found 0x02 at byte offset 1");
        assertThatThrownBy(() -> whole(bytes("0E"), Abi::readType)).hasMessageContaining("IntersticeType discriminant");
        assertThatThrownBy(() -> whole(bytes("10"), Abi::readSubscriptionEvent))
                .hasMessageContaining("SubscriptionEventSchema");
        assertThatThrownBy(() -> whole(bytes("02 00 00"), Abi::readTypeDef)).hasMessageContaining("IntersticeTypeDef");
        assertThatThrownBy(() -> whole(bytes("06 00 01"), Abi::readIndexQuery)).hasMessageContaining("IndexQuery");
        assertThatThrownBy(() -> whole(bytes("02"), Abi::readSelection))
                .hasMessageContaining("NodeSelection/ModuleSelection");
        // ModuleSchema: abi 6, name "", version 0.0.0, visibility 2 -> unknown ModuleVisibility
        assertThatThrownBy(() -> Abi.decodeModuleSchema(bytes("06 00 00 00 00 02")))
                .hasMessage("a ModuleVisibility discriminant, found unknown discriminant 2 at byte offset 5");
    }

    @Test
    void badBoolsStringsAndLengthsInsideStructures() {
        assertThatThrownBy(() -> Abi.decodeValue(bytes("08 02")))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessage("invalid bool byte 0x02 (expected 0x00 or 0x01) at byte offset 1");
        assertThatThrownBy(() -> Abi.decodeValue(bytes("09 02 C3 28")))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("valid UTF-8")
                .hasMessageContaining("at byte offset 3");
        // Vec claiming 2^32-1 elements with 0 bytes left: rejected before any allocation
        assertThatThrownBy(() -> Abi.decodeValue(bytes("0A FF FF FF FF 0F")))
                .hasMessage("length 4294967295 exceeding the 0 remaining byte(s) at byte offset 1");
        assertThatThrownBy(() -> Abi.decodeValue(bytes("02 80 80 80 80 80 00")))
                .hasMessageContaining("longer than 5 bytes");
        assertThatThrownBy(() -> Abi.decodeValue(bytes("02 FF FF FF FF 1F")))
                .hasMessageContaining("overflowing 32 bits");
        assertThatThrownBy(() -> Abi.decodeValue(bytes("00 00")))
                .hasMessageContaining("1 trailing byte(s) at byte offset 1");
        // ModuleSchema with abi_version 65536 (u16 overflow)
        assertThatThrownBy(() -> Abi.decodeModuleSchema(bytes("80 80 04"))).hasMessageContaining("overflowing 16 bits");
    }

    @Test
    void hugeClaimedLengthsDoNotAllocateBeyondTheInput() {
        // Vecs nested 120 deep, each claiming ~1 000 000 elements in a 1 000 000-byte input: every claim is within
        // the remaining bytes, so pre-sizing each level's array would hold ~480 MB at once. Arrays must instead grow
        // with the elements actually decoded.
        int n = 1_000_000;
        var out = new ByteArrayOutputStream();
        for (int i = 0; i < 120; i++) {
            out.write(0x0A);
            var w = new PostcardWriter();
            w.writeVarUsize(n - 1000);
            out.writeBytes(w.toByteArray());
        }
        byte[] b = Arrays.copyOf(out.toByteArray(), n); // the rest are Void (00) elements
        long before = usedHeap();
        assertThatThrownBy(() -> Abi.decodeValue(b)).isInstanceOf(AbiDecodeException.class);
        assertThat(usedHeap() - before).isLessThan(256L << 20);
    }

    private static long usedHeap() {
        var rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
