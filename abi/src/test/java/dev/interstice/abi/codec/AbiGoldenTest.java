package dev.interstice.abi.codec;

import static dev.interstice.abi.codec.Hex.bytes;
import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Golden vectors written by hand from the postcard rules (discriminant = varint of the variant index in upstream
 * declaration order; see docs/abi.md). Most live in {@code testdata/golden/postcard.json}, shared with the SDK's tests
 * (so the JavaScript encoders are held to the same bytes); the Java-only cases (privileged calls, responses, error
 * messages) are here. Each vector is checked in both directions, and every strict prefix of it must fail to decode with
 * {@link AbiDecodeException}.
 */
class AbiGoldenTest {

    /** Every golden encoding checked by this class, for the truncation test. */
    static final List<Golden<?>> ALL = new ArrayList<>();

    record Golden<T>(String name, T value, byte[] bytes, Function<PostcardReader, T> reader) {}

    private static <T> void golden(
            String hex, T value, BiConsumer<PostcardWriter, T> writer, Function<PostcardReader, T> reader) {
        var w = new PostcardWriter(4);
        writer.accept(w, value);
        assertThat(Hex.str(w.toByteArray())).as("encoding of %s", value).isEqualTo(Hex.str(bytes(hex)));
        var r = new PostcardReader(bytes(hex));
        T back = reader.apply(r);
        r.expectEnd();
        assertThat(back).as("decoding of %s", hex).isEqualTo(value);
        ALL.add(new Golden<>(String.valueOf(value), value, bytes(hex), reader));
    }

    /** Checks every shared vector of a category in both directions. */
    private static <T> void shared(
            String category,
            Function<JsonNode, T> fromJson,
            BiConsumer<PostcardWriter, T> writer,
            Function<PostcardReader, T> reader) {
        for (var v : GoldenJson.vectors(category))
            golden(Hex.str(v.bytes()), fromJson.apply(v.value()), writer, reader);
    }

    @Test
    void intersticeValueEveryVariant() {
        shared("value", GoldenJson::value, Abi::writeValue, Abi::readValue);
        for (var v : GoldenJson.vectors("value")) {
            IntersticeValue value = GoldenJson.value(v.value());
            assertThat(Abi.encodeValue(value)).isEqualTo(v.bytes());
            assertThat(Abi.decodeValue(v.bytes())).isEqualTo(value);
        }
    }

    @Test
    void indexKeyEveryVariantUsesItsOwnDiscriminants() {
        shared("index_key", GoldenJson::key, Abi::writeIndexKey, Abi::readIndexKey);
        for (var v : GoldenJson.vectors("index_key")) {
            IndexKey k = GoldenJson.key(v.value());
            assertThat(Abi.encodeIndexKey(k)).isEqualTo(v.bytes());
            assertThat(Abi.decodeIndexKey(v.bytes())).isEqualTo(k);
        }
    }

    @Test
    void rowAndCallInput() {
        shared("row", GoldenJson::row, Abi::writeRow, Abi::readRow);
        for (var v : GoldenJson.vectors("row")) {
            Row row = GoldenJson.row(v.value());
            assertThat(Abi.decodeRow(Abi.encodeRow(row))).isEqualTo(row);
        }
        shared(
                "call_input",
                GoldenJson::callInput,
                (w, x) -> Abi.writeCallInput(w, x.context(), x.args()),
                Abi::readCallInput);
        assertThatThrownBy(() -> Abi.readCallInput(new PostcardReader(bytes("00 00 0C 00"))))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("IntersticeValue::Vec (discriminant 10)")
                .hasMessageContaining("found discriminant 12 at byte offset 2");
    }

    @Test
    void intersticeTypeEveryVariant() {
        shared("type", GoldenJson::type, Abi::writeType, Abi::readType);
    }

    @Test
    void typeDefBothVariants() {
        shared("type_def", GoldenJson::typeDef, Abi::writeTypeDef, Abi::readTypeDef);
    }

    @Test
    void selectionBothVariants() {
        shared("selection", GoldenJson::selection, Abi::writeSelection, Abi::readSelection);
    }

    @Test
    void subscriptionEventEveryVariant() {
        shared("subscription_event", GoldenJson::event, Abi::writeSubscriptionEvent, Abi::readSubscriptionEvent);
    }

    @Test
    void indexQueryEveryVariant() {
        shared("index_query", GoldenJson::indexQuery, Abi::writeIndexQuery, Abi::readIndexQuery);
    }

    private static void hostCall(String hex, HostCall c) {
        golden(hex, c, Abi::writeHostCall, Abi::readHostCall);
        assertThat(Abi.decodeHostCall(bytes(hex), 0, bytes(hex).length)).isEqualTo(c);
    }

    @Test
    void hostCallEveryVariant() {
        for (var v : GoldenJson.vectors("host_call")) hostCall(Hex.str(v.bytes()), GoldenJson.hostCall(v.value()));
        // Gpu = 6, decoded whole (RequestRedraw 45; Submit 25 {encoder 3}): GpuCodecTest has every variant.
        hostCall("06 2D", new HostCall.Gpu(new dev.interstice.abi.host.gpu.GpuCall.RequestRedraw()));
        hostCall("06 19 03", new HostCall.Gpu(new dev.interstice.abi.host.gpu.GpuCall.Submit(3)));
        // Audio = 7, decoded whole (CloseStream 2 {stream_id 5}).
        hostCall("07 02 05", new HostCall.Audio(new dev.interstice.abi.host.AudioCall.CloseStream(5)));
        // File = 8 (ReadFile 0 {path "a"}), Module = 9 (Remove 2 {Other("n"), "m"}), Network = 10 (TcpClose 3 {7}).
        hostCall("08 00 01 61", new HostCall.File(new dev.interstice.abi.host.FileCall.ReadFile("a")));
        hostCall(
                "09 02 01 01 6E 01 6D",
                new HostCall.Module(new dev.interstice.abi.host.ModuleCall.Remove(Selection.other("n"), "m")));
        hostCall("0A 03 07", new HostCall.Network(new dev.interstice.abi.host.NetworkCall.TcpClose(7)));
    }

    @Test
    void everyHostCallIsConsumedWhole() {
        // HostCall::Module(ModuleCall::Unload{node_selection Current, module_name "m"}), then one byte too many
        assertThat(Abi.decodeHostCall(bytes("09 01 00 01 6D"), 0, 5))
                .isEqualTo(new HostCall.Module(new dev.interstice.abi.host.ModuleCall.Unload(Selection.CURRENT, "m")));
        assertThatThrownBy(() -> Abi.decodeHostCall(bytes("09 01 00 01 6D 00"), 0, 6))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("trailing");
        // Gpu and Audio calls too (Gpu RequestRedraw 45; Audio CloseStream 2 {5}), now that both are decoded whole
        assertThatThrownBy(() -> Abi.decodeHostCall(bytes("06 2D 00"), 0, 3))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("trailing");
        assertThatThrownBy(() -> Abi.decodeHostCall(bytes("07 02 05 00"), 0, 4))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("trailing");
        assertThatThrownBy(() -> Abi.decodeHostCall(bytes("0B 00"), 0, 2))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("trailing");
        assertThatThrownBy(() -> Abi.decodeHostCall(bytes("0C"), 0, 1))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessage("a HostCall discriminant, found unknown discriminant 12 at byte offset 0");
    }

    @Test
    void responses() {
        assertThat(Responses.ok()).isEqualTo(bytes("00")); // Ok = 0 (unit)
        assertThat(Responses.err("no")).isEqualTo(bytes("01 02 6E 6F")); // Err = 1, String "no"
        assertThat(Responses.queryOk(u64(300))).isEqualTo(bytes("00 03 AC 02")); // Ok(IntersticeValue::U64(300))
        assertThat(Responses.optionalRowOk(null)).isEqualTo(bytes("00 00")); // Ok(None)
        byte[] row = Abi.encodeRow(new Row(u64(1), List.of(str("a")))); // 03 01 01 09 01 61
        assertThat(Responses.optionalRowOk(row)).isEqualTo(bytes("00 01 03 01 01 09 01 61")); // Ok(Some(row))
        var w = new PostcardWriter();
        w.writeU8(0xEE); // rowsOk appends, it does not reset
        Responses.rowsOk(w, List.of(row, row)); // Ok{rows: [row, row]}
        assertThat(w.toByteArray()).isEqualTo(bytes("EE 00 02 03 01 01 09 01 61 03 01 01 09 01 61"));
        var empty = new PostcardWriter();
        Responses.rowsOk(empty, List.of());
        assertThat(empty.toByteArray()).isEqualTo(bytes("00 00"));
        assertThat(Responses.nodeId("n1")).isEqualTo(bytes("02 6E 31")); // bare String
        assertThat(Responses.nodeId("")).isEqualTo(bytes("00"));

        // GpuResponse: None 0, I64 1, TextureFormat 2, Extent2d 3, Err 4
        assertThat(Responses.privilegedError(Authority.GPU, "x")).isEqualTo(bytes("04 01 78"));
        // AudioResponse: Ok 0, StreamOpened 1, Err 2
        assertThat(Responses.privilegedError(Authority.AUDIO, "x")).isEqualTo(bytes("02 01 78"));
        // every File*Response / ModuleCallResponse / Network *Response: Ok 0, Err 1
        assertThat(Responses.privilegedError(Authority.FILE, "x")).isEqualTo(bytes("01 01 78"));
        assertThat(Responses.privilegedError(Authority.MODULE, "x")).isEqualTo(bytes("01 01 78"));
        assertThat(Responses.privilegedError(Authority.NETWORK, "x")).isEqualTo(bytes("01 01 78"));
        assertThatThrownBy(() -> Responses.privilegedError(Authority.INPUT, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        // results are fresh arrays
        Responses.ok()[0] = 9;
        assertThat(Responses.ok()).isEqualTo(bytes("00"));
    }

    @Test
    void moduleSchemaComplete() {
        shared("module_schema", GoldenJson::moduleSchema, Abi::writeModuleSchema, Abi::readModuleSchema);
        for (var v : GoldenJson.vectors("module_schema")) {
            assertThat(Abi.encodeModuleSchema(GoldenJson.moduleSchema(v.value())))
                    .isEqualTo(v.bytes());
            assertThat(Abi.decodeModuleSchema(v.bytes())).isEqualTo(GoldenJson.moduleSchema(v.value()));
        }
    }

    @Test
    void nodeSchema() {
        shared("node_schema", GoldenJson::nodeSchema, Abi::writeNodeSchema, Abi::readNodeSchema);
        for (var v : GoldenJson.vectors("node_schema")) {
            var node = GoldenJson.nodeSchema(v.value());
            assertThat(Abi.decodeNodeSchema(Abi.encodeNodeSchema(node))).isEqualTo(node);
        }
    }

    @Test
    void everyStrictPrefixOfEveryGoldenVectorFailsCleanly() {
        // Run the other golden tests' vectors again (JUnit may order this test first).
        intersticeValueEveryVariant();
        indexKeyEveryVariantUsesItsOwnDiscriminants();
        rowAndCallInput();
        intersticeTypeEveryVariant();
        typeDefBothVariants();
        selectionBothVariants();
        subscriptionEventEveryVariant();
        indexQueryEveryVariant();
        hostCallEveryVariant();
        moduleSchemaComplete();
        nodeSchema();
        assertThat(ALL).hasSizeGreaterThan(100);
        for (Golden<?> g : ALL) {
            for (int cut = 0; cut < g.bytes().length; cut++) {
                var r = new PostcardReader(g.bytes(), 0, cut);
                int c = cut;
                assertThatThrownBy(() -> {
                            var unused = g.reader().apply(r);
                            r.expectEnd();
                        })
                        .as("%s truncated to %d bytes", g.name(), c)
                        .isInstanceOf(AbiDecodeException.class);
            }
        }
    }
}
