package dev.interstice.abi.codec;

import static dev.interstice.abi.codec.Hex.bytes;
import static dev.interstice.abi.value.IntersticeValue.bool;
import static dev.interstice.abi.value.IntersticeValue.f32;
import static dev.interstice.abi.value.IntersticeValue.f64;
import static dev.interstice.abi.value.IntersticeValue.i32;
import static dev.interstice.abi.value.IntersticeValue.i64;
import static dev.interstice.abi.value.IntersticeValue.none;
import static dev.interstice.abi.value.IntersticeValue.some;
import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.tuple;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.abi.value.IntersticeValue.u8;
import static dev.interstice.abi.value.IntersticeValue.vec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.host.IndexQuery;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleDependency;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeDependency;
import dev.interstice.abi.schema.NodeSchema;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.ReplicatedTable;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.SubscriptionSchema;
import dev.interstice.abi.schema.TableRef;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.schema.Version;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Golden vectors written by hand from the postcard rules (discriminant = varint of the variant index in upstream
 * declaration order; see docs/abi.md). Each vector is checked in both directions, and every strict prefix of it must
 * fail to decode with {@link AbiDecodeException}.
 */
class AbiGoldenTest {

    /** Every golden encoding checked by this class, for the truncation test. */
    static final List<Golden<?>> ALL = new ArrayList<>();

    record Golden<T>(String name, T value, byte[] bytes, Function<PostcardReader, T> reader) {}

    private static <T> void golden(String hex, T value, BiConsumer<PostcardWriter, T> writer,
                                   Function<PostcardReader, T> reader) {
        var w = new PostcardWriter(4);
        writer.accept(w, value);
        assertThat(Hex.str(w.toByteArray())).as("encoding of %s", value).isEqualTo(Hex.str(bytes(hex)));
        var r = new PostcardReader(bytes(hex));
        T back = reader.apply(r);
        r.expectEnd();
        assertThat(back).as("decoding of %s", hex).isEqualTo(value);
        ALL.add(new Golden<>(String.valueOf(value), value, bytes(hex), reader));
    }

    private static void value(String hex, IntersticeValue v) {
        golden(hex, v, Abi::writeValue, Abi::readValue);
        assertThat(Abi.encodeValue(v)).isEqualTo(bytes(hex));
        assertThat(Abi.decodeValue(bytes(hex))).isEqualTo(v);
    }

    private static void key(String hex, IntersticeValue v) {
        IndexKey k = new IndexKey(v);
        golden(hex, k, Abi::writeIndexKey, Abi::readIndexKey);
        assertThat(Abi.encodeIndexKey(k)).isEqualTo(bytes(hex));
        assertThat(Abi.decodeIndexKey(bytes(hex))).isEqualTo(k);
    }

    private static void type(String hex, IntersticeType t) {
        golden(hex, t, Abi::writeType, Abi::readType);
    }

    private static void hostCall(String hex, HostCall c) {
        golden(hex, c, Abi::writeHostCall, Abi::readHostCall);
        assertThat(Abi.decodeHostCall(bytes(hex), 0, bytes(hex).length)).isEqualTo(c);
    }

    @Test
    void intersticeValueEveryVariant() {
        value("00", IntersticeValue.VOID);                      // Void = 0
        value("01 C8", u8(200));                                // U8 = 1, one raw byte
        value("01 FF", u8(255));
        value("02 AC 02", u32(300));                            // U32 = 2, varint(300) = AC 02
        value("02 FF FF FF FF 0F", u32(0xFFFF_FFFFL));
        value("03 AC 02", u64(300));                            // U64 = 3
        value("03 FF FF FF FF FF FF FF FF FF 01", u64(-1L));    // 2^64-1
        value("04 01", i32(-1));                                // I32 = 4, zigzag(-1) = 1
        value("04 FF FF FF FF 0F", i32(Integer.MIN_VALUE));     // zigzag = 2^32-1
        value("05 AB 02", i64(-150));                           // I64 = 5, zigzag(-150) = 299 = AB 02
        value("05 FE FF FF FF FF FF FF FF FF 01", i64(Long.MAX_VALUE));
        value("06 00 00 C0 3F", f32(1.5f));                     // F32 = 6, 0x3FC00000 little-endian
        value("06 00 00 C0 7F", f32(Float.NaN));
        value("06 00 00 00 80", f32(-0.0f));
        value("07 00 00 00 00 00 00 00 C0", f64(-2.0));         // F64 = 7, 0xC000000000000000 LE
        value("07 00 00 00 00 00 00 F8 7F", f64(Double.NaN));
        value("08 01", bool(true));                             // Bool = 8
        value("08 00", bool(false));
        value("09 02 68 69", str("hi"));                        // String = 9, len 2, "hi"
        value("09 04 F0 9F 98 80", str("😀"));
        value("0A 02 01 01 08 00", vec(u8(1), bool(false)));    // Vec = 10, len 2, U8(1), Bool(false)
        value("0A 00", vec());
        value("0B 00", none());                                 // Option = 11, None = 0
        value("0B 01 01 07", some(u8(7)));                      // Some = 1, then U8(7)
        value("0B 01 0B 00", some(none()));
        value("0C 02 04 00 09 00", tuple(i32(0), str("")));     // Tuple = 12, len 2 (a Vec underneath)
        value("0C 00", tuple());
        // Struct = 13 {name "P", fields: len 1, Field{name "x", value U32(5)}}
        value("0D 01 50 01 01 78 02 05",
                new IntersticeValue.Struct("P", List.of(new IntersticeValue.Field("x", u32(5)))));
        value("0D 00 00", new IntersticeValue.Struct("", List.of()));
        // Enum = 14 {name "E", variant "A", value Void}
        value("0E 01 45 01 41 00", new IntersticeValue.Enum("E", "A", IntersticeValue.VOID));
        value("0E 01 45 01 42 0C 02 01 01 01 02",
                new IntersticeValue.Enum("E", "B", tuple(u8(1), u8(2))));
    }

    @Test
    void indexKeyEveryVariantUsesItsOwnDiscriminants() {
        key("00 05", u8(5));                                    // IndexKey::U8 = 0
        key("01 80 01", u32(128));                              // U32 = 1
        key("02 00", u64(0));                                   // U64 = 2
        key("02 FF FF FF FF FF FF FF FF FF 01", u64(-1L));
        key("03 03", i32(-2));                                  // I32 = 3, zigzag(-2) = 3
        key("04 FF FF FF FF FF FF FF FF FF 01", i64(Long.MIN_VALUE)); // I64 = 4, zigzag(MIN) = 2^64-1
        key("05 00", bool(false));                              // Bool = 5
        key("06 01 6B", str("k"));                              // String = 6
        key("07 00", none());                                   // Option = 7, None
        key("07 01 00 01", some(u8(1)));                        // Some(IndexKey::U8(1))
        key("08 02 01 01 06 01 61", tuple(u32(1), str("a")));   // Tuple = 8, len 2
        key("08 01 07 01 08 00", tuple(some(tuple())));
    }

    @Test
    void rowAndCallInput() {
        // Row{primary_key: U64(1), entries: [String "a", Bool true]}
        Row row = new Row(u64(1), List.of(str("a"), bool(true)));
        golden("03 01 | 02 | 09 01 61 | 08 01", row, Abi::writeRow, Abi::readRow);
        assertThat(Abi.decodeRow(Abi.encodeRow(row))).isEqualTo(row);
        golden("00 | 00", new Row(IntersticeValue.VOID, List.of()), Abi::writeRow, Abi::readRow);

        // (RawReducerContext{caller_node_id "n", caller_module_name ""}, IntersticeValue::Vec([U32(7)]))
        var input = new Abi.CallInput(new CallContext("n", ""), List.of(u32(7)));
        golden("01 6E | 00 | 0A 01 02 07", input,
                (w, x) -> Abi.writeCallInput(w, x.context(), x.args()), Abi::readCallInput);
        golden("00 00 0A 00", new Abi.CallInput(new CallContext("", ""), List.of()),
                (w, x) -> Abi.writeCallInput(w, x.context(), x.args()), Abi::readCallInput);
        assertThatThrownBy(() -> Abi.readCallInput(new PostcardReader(bytes("00 00 0C 00"))))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("IntersticeValue::Vec (discriminant 10)")
                .hasMessageContaining("found discriminant 12 at byte offset 2");
    }

    @Test
    void intersticeTypeEveryVariant() {
        type("00", IntersticeType.VOID);
        type("01", IntersticeType.U8);
        type("02", IntersticeType.U32);
        type("03", IntersticeType.U64);
        type("04", IntersticeType.I32);
        type("05", IntersticeType.I64);
        type("06", IntersticeType.F32);
        type("07", IntersticeType.F64);
        type("08", IntersticeType.BOOL);
        type("09", IntersticeType.STRING);
        type("0A 01", new IntersticeType.Vec(IntersticeType.U8));           // Vec = 10, Box<U8>
        type("0B 09", new IntersticeType.Option(IntersticeType.STRING));    // Option = 11
        type("0C 02 02 08", new IntersticeType.Tuple(List.of(IntersticeType.U32, IntersticeType.BOOL))); // Tuple = 12
        type("0C 00", new IntersticeType.Tuple(List.of()));
        type("0D 01 54", new IntersticeType.Named("T"));                    // Named = 13
        type("0A 0B 0D 01 41", new IntersticeType.Vec(new IntersticeType.Option(new IntersticeType.Named("A"))));
    }

    @Test
    void typeDefBothVariants() {
        // Struct = 0 {name "S", fields [FieldDef{name "a", field_type U8}]}
        golden("00 01 53 01 01 61 01",
                new TypeDef.Struct("S", List.of(new FieldDef("a", IntersticeType.U8))),
                Abi::writeTypeDef, Abi::readTypeDef);
        // Enum = 1 {name "E", variants [A: Void, B: U32]}
        golden("01 01 45 02 01 41 00 01 42 02",
                new TypeDef.Enum("E", List.of(new FieldDef("A", IntersticeType.VOID), new FieldDef("B", IntersticeType.U32))),
                Abi::writeTypeDef, Abi::readTypeDef);
    }

    @Test
    void selectionBothVariants() {
        golden("00", Selection.CURRENT, Abi::writeSelection, Abi::readSelection);          // Current = 0
        golden("01 02 61 62", Selection.other("ab"), Abi::writeSelection, Abi::readSelection); // Other("ab") = 1
    }

    private static void event(String hex, SubscriptionEvent e) {
        golden(hex, e, Abi::writeSubscriptionEvent, Abi::readSubscriptionEvent);
    }

    @Test
    void subscriptionEventEveryVariant() {
        // Insert = 0 {node_selection Current, module_name "m", table_name "t"}
        event("00 00 01 6D 01 74", new SubscriptionEvent.Table(SubscriptionEvent.TableEventKind.INSERT, Selection.CURRENT, "m", "t"));
        // Update = 1 {node_selection Other("n"), ...}
        event("01 01 01 6E 01 6D 01 74", new SubscriptionEvent.Table(SubscriptionEvent.TableEventKind.UPDATE, Selection.other("n"), "m", "t"));
        event("02 00 01 6D 01 74", new SubscriptionEvent.Table(SubscriptionEvent.TableEventKind.DELETE, Selection.CURRENT, "m", "t"));
        // ReplicaSync = 3 {node_name "n", module_name "m", table_name "t"}
        event("03 01 6E 01 6D 01 74", new SubscriptionEvent.ReplicaSync("n", "m", "t"));
        event("04", new SubscriptionEvent.Core(SubscriptionEvent.Simple.INIT));
        event("05", new SubscriptionEvent.Core(SubscriptionEvent.Simple.LOAD));
        event("06", new SubscriptionEvent.Core(SubscriptionEvent.Simple.INPUT));
        event("07", new SubscriptionEvent.Core(SubscriptionEvent.Simple.AUDIO_OUTPUT));
        event("08", new SubscriptionEvent.Core(SubscriptionEvent.Simple.AUDIO_INPUT));
        event("09", new SubscriptionEvent.Core(SubscriptionEvent.Simple.RENDER));
        event("0A", new SubscriptionEvent.Core(SubscriptionEvent.Simple.NETWORK));
        // File = 11 {path "/p", recursive true}
        event("0B 02 2F 70 01", new SubscriptionEvent.File("/p", true));
        event("0C", new SubscriptionEvent.Core(SubscriptionEvent.Simple.MODULE_LOAD));
        event("0D", new SubscriptionEvent.Core(SubscriptionEvent.Simple.MODULE_REMOVE));
        event("0E", new SubscriptionEvent.Core(SubscriptionEvent.Simple.CONNECT));
        event("0F", new SubscriptionEvent.Core(SubscriptionEvent.Simple.DISCONNECT));
    }

    private static void query(String hex, IndexQuery q) {
        golden(hex, q, Abi::writeIndexQuery, Abi::readIndexQuery);
    }

    @Test
    void indexQueryEveryVariant() {
        IndexKey one = new IndexKey(u8(1));                    // IndexKey::U8(1) = 00 01
        query("00 00 01", new IndexQuery.Eq(one));             // Eq = 0
        query("01 00 01", new IndexQuery.Lt(one));             // Lt = 1
        query("02 00 01", new IndexQuery.Lte(one));            // Lte = 2
        query("03 00 01", new IndexQuery.Gt(one));             // Gt = 3
        query("04 00 01", new IndexQuery.Gte(one));            // Gte = 4
        // Range = 5 {min U32(1), max U32(2), include_min true, include_max false}
        query("05 01 01 01 02 01 00",
                new IndexQuery.Range(new IndexKey(u32(1)), new IndexKey(u32(2)), true, false));
    }

    @Test
    void hostCallEveryVariant() {
        // CallReducer = 0 (CallReducerRequest{node_selection Current, module_selection Other("m"),
        //   reducer_name "r", input Vec([String "x"])})
        hostCall("00 | 00 | 01 01 6D | 01 72 | 0A 01 09 01 78",
                new HostCall.CallReducer(Selection.CURRENT, Selection.other("m"), "r", vec(str("x"))));
        // Schedule = 1 {reducer_name "r", delay_ms u64 1000 = E8 07}
        hostCall("01 01 72 E8 07", new HostCall.Schedule("r", 1000));
        hostCall("01 00 FF FF FF FF FF FF FF FF FF 01", new HostCall.Schedule("", -1L));
        // CallQuery = 2 {Other("n"), Current, "q", Vec([])}
        hostCall("02 01 01 6E 00 01 71 0A 00",
                new HostCall.CallQuery(Selection.other("n"), Selection.CURRENT, "q", vec()));
        // TableScan = 3 {module_selection Current, table_name "t"}
        hostCall("03 00 01 74", new HostCall.TableScan(Selection.CURRENT, "t"));
        // TableGetByPrimaryKey = 4 {Current, "t", IndexKey::U64(1) = 02 01}
        hostCall("04 00 01 74 02 01", new HostCall.TableGetByPrimaryKey(Selection.CURRENT, "t", new IndexKey(u64(1))));
        // TableIndexScan = 5 {Other("m"), "t", field "f", IndexQuery::Eq(IndexKey::String("a"))}
        hostCall("05 01 01 6D 01 74 01 66 00 06 01 61",
                new HostCall.TableIndexScan(Selection.other("m"), "t", "f", new IndexQuery.Eq(new IndexKey(str("a")))));
        // Privileged: only the discriminant. Gpu = 6, Audio = 7, File = 8, Module = 9, Network = 10.
        hostCall("06", new HostCall.Privileged(Authority.GPU));
        hostCall("07", new HostCall.Privileged(Authority.AUDIO));
        hostCall("08", new HostCall.Privileged(Authority.FILE));
        hostCall("09", new HostCall.Privileged(Authority.MODULE));
        hostCall("0A", new HostCall.Privileged(Authority.NETWORK));
        // CurrentNodeId = 11 (unit variant)
        hostCall("0B", new HostCall.CurrentNodeId());
        assertThatThrownBy(() -> Abi.writeHostCall(new PostcardWriter(), new HostCall.Privileged(Authority.INPUT)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void privilegedCallsLeaveTheirPayloadUnread() {
        // HostCall::Audio(AudioCall::CloseStream{stream_id: 5}): Audio = 7, CloseStream = 2, stream_id u64 5.
        byte[] b = bytes("07 02 05");
        var r = new PostcardReader(b);
        assertThat(Abi.readHostCall(r)).isEqualTo(new HostCall.Privileged(Authority.AUDIO));
        assertThat(r.position()).isEqualTo(1);
        assertThat(Abi.decodeHostCall(b, 0, b.length)).isEqualTo(new HostCall.Privileged(Authority.AUDIO));
        // HostCall::Module(ModuleCall::Unload{node_selection Current, module_name "m"}): 09 01 00 01 6D
        assertThat(Abi.decodeHostCall(bytes("09 01 00 01 6D"), 0, 5)).isEqualTo(new HostCall.Privileged(Authority.MODULE));
        // Non-privileged calls must be consumed exactly by decodeHostCall.
        assertThatThrownBy(() -> Abi.decodeHostCall(bytes("0B 00"), 0, 2))
                .isInstanceOf(AbiDecodeException.class).hasMessageContaining("trailing");
        assertThatThrownBy(() -> Abi.decodeHostCall(bytes("0C"), 0, 1))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessage("a HostCall discriminant, found unknown discriminant 12 at byte offset 0");
    }

    @Test
    void responses() {
        assertThat(Responses.ok()).isEqualTo(bytes("00"));                          // Ok = 0 (unit)
        assertThat(Responses.err("no")).isEqualTo(bytes("01 02 6E 6F"));            // Err = 1, String "no"
        assertThat(Responses.queryOk(u64(300))).isEqualTo(bytes("00 03 AC 02"));    // Ok(IntersticeValue::U64(300))
        assertThat(Responses.optionalRowOk(null)).isEqualTo(bytes("00 00"));        // Ok(None)
        byte[] row = Abi.encodeRow(new Row(u64(1), List.of(str("a"))));            // 03 01 01 09 01 61
        assertThat(Responses.optionalRowOk(row)).isEqualTo(bytes("00 01 03 01 01 09 01 61")); // Ok(Some(row))
        var w = new PostcardWriter();
        w.writeU8(0xEE); // rowsOk appends, it does not reset
        Responses.rowsOk(w, List.of(row, row));                                      // Ok{rows: [row, row]}
        assertThat(w.toByteArray()).isEqualTo(bytes("EE 00 02 03 01 01 09 01 61 03 01 01 09 01 61"));
        var empty = new PostcardWriter();
        Responses.rowsOk(empty, List.of());
        assertThat(empty.toByteArray()).isEqualTo(bytes("00 00"));
        assertThat(Responses.nodeId("n1")).isEqualTo(bytes("02 6E 31"));             // bare String
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

    /** One of each schema component. */
    static ModuleSchema smallModule() {
        var ref = new TableRef(Selection.CURRENT, Selection.CURRENT, "t");
        return new ModuleSchema(6, "m", new Version(1, 2, 3), Visibility.PUBLIC,
                List.of(new ReducerSchema("r", List.of(new FieldDef("a", IntersticeType.U32)), List.of(ref),
                        List.of(), List.of(), List.of())),
                List.of(new QuerySchema("q", List.of(), new IntersticeType.Vec(IntersticeType.U8), List.of())),
                List.of(new TableSchema("t", "T", Visibility.PRIVATE, List.of(new FieldDef("v", IntersticeType.STRING)),
                        new FieldDef("id", IntersticeType.U64), true,
                        List.of(new IndexSchema("v", IndexSchema.Type.BTREE, true, false)), Persistence.STATEFUL)),
                List.of(new SubscriptionSchema("r", new SubscriptionEvent.Core(SubscriptionEvent.Simple.INIT))),
                Map.of("T", new TypeDef.Struct("T", List.of(new FieldDef("id", IntersticeType.U64),
                        new FieldDef("v", IntersticeType.STRING)))),
                List.of(Authority.FILE),
                List.of(new ModuleDependency("d", new Version(0, 1, 0))),
                List.of(new NodeDependency("n", "h:1")),
                List.of(new ReplicatedTable("n", "m2", "t2")));
    }

    static final String SMALL_MODULE_HEX = """
            06                      abi_version u16 6
            01 6D                   name "m"
            01 02 03                version {major 1, minor 2, patch 3}
            00                      visibility Public
            01                      reducers: 1
              01 72                   name "r"
              01 01 61 02             arguments: [a: U32]
              01 00 00 01 74          reads: [{Current, Current, "t"}]
              00 00 00                inserts, updates, deletes: []
            01                      queries: 1
              01 71                   name "q"
              00                      arguments: []
              0A 01                   return_type Vec<U8>
              00                      reads: []
            01                      tables: 1
              01 74                   name "t"
              01 54                   type_name "T"
              01                      visibility Private
              01 01 76 09             fields: [v: String]
              02 69 64 03             primary_key id: U64
              01                      primary_key_auto_inc true
              01 01 76 01 01 00       indexes: [{field_name "v", BTree, unique true, auto_inc false}]
              01                      persistence Stateful
            01 01 72 04             subscriptions: [{reducer_name "r", event Init}]
            01                      type_definitions: 1 entry
              01 54                   key "T"
              00 01 54 02             Struct {name "T", fields: 2
              02 69 64 03               id: U64
              01 76 09                  v: String}
            01 03                   authorities: [File]
            01 01 64 00 01 00       module_dependencies: [{"d", 0.1.0}]
            01 01 6E 03 68 3A 31    node_dependencies: [{"n", "h:1"}]
            01 01 6E 02 6D 32 02 74 32  replicated_tables: [{"n", "m2", "t2"}]
            """;

    static String stripComments(String annotated) {
        var sb = new StringBuilder();
        for (String line : annotated.split("\n")) {
            for (String tok : line.trim().split("\\s+")) {
                if (tok.matches("[0-9A-F]{2}")) sb.append(tok).append(' ');
                else break;
            }
        }
        return sb.toString().trim();
    }

    @Test
    void moduleSchemaComplete() {
        String hex = stripComments(SMALL_MODULE_HEX);
        golden(hex, smallModule(), Abi::writeModuleSchema, Abi::readModuleSchema);
        assertThat(Abi.encodeModuleSchema(smallModule())).isEqualTo(bytes(hex));
        assertThat(Abi.decodeModuleSchema(bytes(hex))).isEqualTo(smallModule());
    }

    @Test
    void nodeSchema() {
        String module = stripComments(SMALL_MODULE_HEX);
        // NodeSchema{name "node", address "127.0.0.1:1" (11 bytes), modules: [small module]}
        String hex = "04 6E 6F 64 65 | 0B 31 32 37 2E 30 2E 30 2E 31 3A 31 | 01 " + module;
        var node = new NodeSchema("node", "127.0.0.1:1", List.of(smallModule()));
        golden(hex, node, Abi::writeNodeSchema, Abi::readNodeSchema);
        assertThat(Abi.decodeNodeSchema(Abi.encodeNodeSchema(node))).isEqualTo(node);
        golden("00 00 00", new NodeSchema("", "", List.of()), Abi::writeNodeSchema, Abi::readNodeSchema);
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
                    g.reader().apply(r);
                    r.expectEnd();
                }).as("%s truncated to %d bytes", g.name(), c).isInstanceOf(AbiDecodeException.class);
            }
        }
    }
}
