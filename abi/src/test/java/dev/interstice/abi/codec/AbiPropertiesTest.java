package dev.interstice.abi.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeSchema;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Round trips of random ABI data and the IndexKey ordering laws. */
class AbiPropertiesTest {

    @Provide
    Arbitrary<IntersticeValue> values() {
        return AbiArbitraries.values(4);
    }

    @Provide
    Arbitrary<IndexKey> keys() {
        return AbiArbitraries.keys();
    }

    @Provide
    Arbitrary<IndexKey> smallKeys() {
        return AbiArbitraries.smallKeys();
    }

    @Provide
    Arbitrary<IntersticeType> types() {
        return AbiArbitraries.types(4);
    }

    @Provide
    Arbitrary<ModuleSchema> modules() {
        return AbiArbitraries.modules();
    }

    @Provide
    Arbitrary<NodeSchema> nodes() {
        return AbiArbitraries.nodes();
    }

    @Provide
    Arbitrary<Row> rows() {
        return AbiArbitraries.rows();
    }

    @Provide
    Arbitrary<HostCall> hostCalls() {
        return AbiArbitraries.hostCalls();
    }

    @Provide
    Arbitrary<Abi.CallInput> callInputs() {
        return AbiArbitraries.callInputs();
    }

    static <T> void roundTrips(T value, BiConsumer<PostcardWriter, T> writer, Function<PostcardReader, T> reader) {
        var w = new PostcardWriter(1);
        writer.accept(w, value);
        byte[] bytes = w.toByteArray();
        var r = new PostcardReader(bytes);
        T back = reader.apply(r);
        r.expectEnd();
        assertThat(back).isEqualTo(value);
        // Re-encoding is byte-identical, and a reused writer gives the same bytes.
        w.reset();
        writer.accept(w, back);
        assertThat(Arrays.copyOf(w.buffer(), w.size())).isEqualTo(bytes);
    }

    @Property
    void valuesRoundTrip(@ForAll("values") IntersticeValue v) {
        roundTrips(v, Abi::writeValue, Abi::readValue);
        assertThat(Abi.decodeValue(Abi.encodeValue(v))).isEqualTo(v);
    }

    /** Skipping a value walks exactly its encoding, so the value after it is read intact. */
    @Property
    void skipValueWalksExactlyOneValue(@ForAll("values") IntersticeValue v, @ForAll("values") IntersticeValue after) {
        var w = new PostcardWriter(64);
        Abi.writeValue(w, v);
        Abi.writeValue(w, after);
        var r = new PostcardReader(w.toByteArray());
        Abi.skipValue(r);
        assertThat(Abi.readValue(r)).isEqualTo(after);
        r.expectEnd();
    }

    @Property
    void floatBitsSurvive(@ForAll int f32Bits, @ForAll long f64Bits) {
        var f = (IntersticeValue.F32)
                Abi.decodeValue(Abi.encodeValue(IntersticeValue.f32(Float.intBitsToFloat(f32Bits))));
        assertThat(Float.floatToRawIntBits(f.value())).isEqualTo(f32Bits);
        var d = (IntersticeValue.F64)
                Abi.decodeValue(Abi.encodeValue(IntersticeValue.f64(Double.longBitsToDouble(f64Bits))));
        assertThat(Double.doubleToRawLongBits(d.value())).isEqualTo(f64Bits);
    }

    @Property
    void stringsMatchJavaUtf8(@ForAll("values") IntersticeValue ignored, @ForAll String anyJavaString) {
        // Arbitrary Java strings, lone surrogates included: the byte count and content equal String.getBytes(UTF_8).
        var w = new PostcardWriter(1);
        w.writeString(anyJavaString);
        byte[] expected = anyJavaString.getBytes(StandardCharsets.UTF_8);
        var r = new PostcardReader(w.toByteArray());
        assertThat(r.readVarUsize()).isEqualTo(expected.length);
        assertThat(Arrays.copyOfRange(w.toByteArray(), r.position(), w.size())).isEqualTo(expected);
    }

    @Property
    void rowsRoundTrip(@ForAll("rows") Row row) {
        roundTrips(row, Abi::writeRow, Abi::readRow);
        assertThat(Abi.decodeRow(Abi.encodeRow(row))).isEqualTo(row);
    }

    @Property
    void keysRoundTrip(@ForAll("keys") IndexKey k) {
        roundTrips(k, Abi::writeIndexKey, Abi::readIndexKey);
        assertThat(Abi.decodeIndexKey(Abi.encodeIndexKey(k))).isEqualTo(k);
    }

    @Property
    void typesRoundTrip(@ForAll("types") IntersticeType t) {
        roundTrips(t, Abi::writeType, Abi::readType);
    }

    @Property(tries = 300)
    void moduleSchemasRoundTrip(@ForAll("modules") ModuleSchema s) {
        roundTrips(s, Abi::writeModuleSchema, Abi::readModuleSchema);
        assertThat(Abi.decodeModuleSchema(Abi.encodeModuleSchema(s))).isEqualTo(s);
        // toPublic keeps the schema encodable
        roundTrips(s.toPublic(), Abi::writeModuleSchema, Abi::readModuleSchema);
    }

    @Property(tries = 100)
    void nodeSchemasRoundTrip(@ForAll("nodes") NodeSchema s) {
        roundTrips(s, Abi::writeNodeSchema, Abi::readNodeSchema);
    }

    @Property
    void hostCallsRoundTrip(@ForAll("hostCalls") HostCall c) {
        roundTrips(c, Abi::writeHostCall, Abi::readHostCall);
    }

    @Property
    void callInputsRoundTrip(@ForAll("callInputs") Abi.CallInput in) {
        roundTrips(in, (w, x) -> Abi.writeCallInput(w, x.context(), x.args()), Abi::readCallInput);
    }

    // ------------------------------------------------------------------ IndexKey ordering

    @Property
    void orderingIsAntisymmetricAndConsistentWithEquals(
            @ForAll("smallKeys") IndexKey a, @ForAll("smallKeys") IndexKey b) {
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
        assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
        @SuppressWarnings("SelfComparison") // reflexivity is the property under test
        int self = a.compareTo(a);
        assertThat(self).isZero();
    }

    @Property
    void orderingIsTransitive(
            @ForAll("smallKeys") IndexKey a, @ForAll("smallKeys") IndexKey b, @ForAll("smallKeys") IndexKey c) {
        List<IndexKey> sorted = new java.util.ArrayList<>(List.of(a, b, c));
        sorted.sort(null);
        assertThat(sorted.get(0).compareTo(sorted.get(1))).isLessThanOrEqualTo(0);
        assertThat(sorted.get(1).compareTo(sorted.get(2))).isLessThanOrEqualTo(0);
        assertThat(sorted.get(0).compareTo(sorted.get(2))).isLessThanOrEqualTo(0);
        if (a.compareTo(b) <= 0 && b.compareTo(c) <= 0)
            assertThat(a.compareTo(c)).isLessThanOrEqualTo(0);
        if (a.compareTo(b) == 0 && b.compareTo(c) == 0) assertThat(a).isEqualTo(c);
    }

    @Property
    void orderingMatchesUpstreamRankModel(@ForAll("smallKeys") IndexKey a, @ForAll("smallKeys") IndexKey b) {
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Integer.signum(model(a.value(), b.value())));
    }

    @Property
    void orderingMatchesModelOnWideKeys(@ForAll("keys") IndexKey a, @ForAll("keys") IndexKey b) {
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Integer.signum(model(a.value(), b.value())));
    }

    /**
     * Independent model of upstream {@code impl Ord for IndexKey}: rank U8 0 < U32 1 < U64 2 < I32 3 < I64 4 < Bool 5
     * < String 6 < Option 7 < Tuple 8 across variants, then the natural Rust order of the payload (u64 unsigned,
     * str by bytes, None < Some, tuples lexicographic then by length).
     */
    static int model(IntersticeValue a, IntersticeValue b) {
        List<Class<?>> rank = List.of(
                IntersticeValue.U8.class,
                IntersticeValue.U32.class,
                IntersticeValue.U64.class,
                IntersticeValue.I32.class,
                IntersticeValue.I64.class,
                IntersticeValue.Bool.class,
                IntersticeValue.Str.class,
                IntersticeValue.Option.class,
                IntersticeValue.Tuple.class);
        int ra = rank.indexOf(a.getClass());
        int rb = rank.indexOf(b.getClass());
        if (ra != rb) return ra - rb;
        return switch (a) {
            case IntersticeValue.U8 x -> x.value() - ((IntersticeValue.U8) b).value();
            case IntersticeValue.U32 x ->
                BigInteger.valueOf(x.value()).compareTo(BigInteger.valueOf(((IntersticeValue.U32) b).value()));
            case IntersticeValue.U64 x ->
                new BigInteger(Long.toUnsignedString(x.value()))
                        .compareTo(new BigInteger(Long.toUnsignedString(((IntersticeValue.U64) b).value())));
            case IntersticeValue.I32 x ->
                BigInteger.valueOf(x.value()).compareTo(BigInteger.valueOf(((IntersticeValue.I32) b).value()));
            case IntersticeValue.I64 x ->
                BigInteger.valueOf(x.value()).compareTo(BigInteger.valueOf(((IntersticeValue.I64) b).value()));
            case IntersticeValue.Bool x -> (x.value() ? 1 : 0) - (((IntersticeValue.Bool) b).value() ? 1 : 0);
            case IntersticeValue.Str x ->
                Arrays.compareUnsigned(
                        x.value().getBytes(StandardCharsets.UTF_8),
                        ((IntersticeValue.Str) b).value().getBytes(StandardCharsets.UTF_8));
            case IntersticeValue.Option x -> {
                IntersticeValue y = ((IntersticeValue.Option) b).value();
                if (x.value() == null || y == null) yield (x.value() == null ? 0 : 1) - (y == null ? 0 : 1);
                yield model(x.value(), y);
            }
            case IntersticeValue.Tuple x -> {
                List<IntersticeValue> l = x.items();
                List<IntersticeValue> r = ((IntersticeValue.Tuple) b).items();
                for (int i = 0; i < Math.min(l.size(), r.size()); i++) {
                    int c = model(l.get(i), r.get(i));
                    if (c != 0) yield c;
                }
                yield l.size() - r.size();
            }
            default -> throw new AssertionError(a);
        };
    }
}
