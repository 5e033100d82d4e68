package dev.interstice.abi.codec;

import static dev.interstice.abi.codec.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.TableRef;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.schema.Version;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bytes produced by real upstream guests (Rust SDK 0.5.0, serde + postcard 1.x), captured by running upstream's
 * prebuilt example modules under Chicory with stub imports: the {@code interstice_describe} output and host calls
 * they made. Decoding them and re-encoding byte-identically shows the codec agrees with upstream on real data.
 */
class UpstreamBytesTest {

    /** hello-example's interstice_describe output (471 bytes). */
    static final String HELLO_DESCRIBE =
            "060D68656C6C6F2D6578616D706C65000001000604696E697400000000000568656C6C6F01046E616D650900010000096772"
                    + "656574696E67730000097363686564756C656400000000000A6F6E5F636F6E6E65637401076E6F64655F696409000000000D"
                    + "6F6E5F646973636F6E6E65637401076E6F64655F69640900000000126F6E5F6772656574696E675F696E73657274010C696E"
                    + "7365727465645F726F770D094772656574696E677300000000010D6765745F6772656574696E6773000A0D09477265657469"
                    + "6E6773010000096772656574696E677301096772656574696E6773094772656574696E67730002086772656574696E670906"
                    + "637573746F6D0D0E54657374437573746F6D54797065026964030101086772656574696E67010100000404696E6974050A6F"
                    + "6E5F636F6E6E6563740E0D6F6E5F646973636F6E6E6563740F126F6E5F6772656574696E675F696E7365727400000D68656C"
                    + "6C6F2D6578616D706C65096772656574696E677302094772656574696E677300094772656574696E67730302696403086772"
                    + "656574696E670906637573746F6D0D0E54657374437573746F6D547970650E54657374437573746F6D54797065000E546573"
                    + "74437573746F6D54797065010376616C0200000000";

    /** caller-example's interstice_describe output (265 bytes). */
    static final String CALLER_DESCRIBE =
            "060E63616C6C65722D6578616D706C6500000101020663616C6C65720000000000136F6E5F696E736572745F677265657469"
                    + "6E6773010C696E7365727465645F726F770D094772656574696E677301010D68656C6C6F2D6578616D706C65010D68656C6C"
                    + "6F2D6578616D706C65096772656574696E67730000000000020663616C6C657205136F6E5F696E736572745F677265657469"
                    + "6E677300010D68656C6C6F2D6578616D706C650D68656C6C6F2D6578616D706C65096772656574696E6773000000010D6865"
                    + "6C6C6F2D6578616D706C650E3132372E302E302E313A38303830010D68656C6C6F2D6578616D706C650D68656C6C6F2D6578"
                    + "616D706C65096772656574696E6773";

    private static ModuleSchema decodeAndCheckReencoding(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        ModuleSchema s = Abi.decodeModuleSchema(b);
        assertThat(Abi.encodeModuleSchema(s)).isEqualTo(b);
        return s;
    }

    @Test
    void helloExampleSchema() {
        ModuleSchema s = decodeAndCheckReencoding(HELLO_DESCRIBE);
        assertThat(HexFormat.of().parseHex(HELLO_DESCRIBE)).hasSize(471);
        assertThat(s.abiVersion()).isEqualTo(ModuleSchema.ABI_VERSION);
        assertThat(s.name()).isEqualTo("hello-example");
        assertThat(s.version()).isEqualTo(new Version(0, 0, 1));
        assertThat(s.visibility()).isEqualTo(Visibility.PUBLIC);
        assertThat(s.reducers())
                .extracting(r -> r.name())
                .containsExactly("init", "hello", "scheduled", "on_connect", "on_disconnect", "on_greeting_insert");
        var greetings = new TableRef(Selection.CURRENT, Selection.CURRENT, "greetings");
        assertThat(s.reducer("hello").orElseThrow().inserts()).containsExactly(greetings);
        assertThat(s.reducer("hello").orElseThrow().arguments())
                .containsExactly(new FieldDef("name", IntersticeType.STRING));
        var q = s.query("get_greetings").orElseThrow();
        assertThat(q.returnType()).isEqualTo(new IntersticeType.Vec(new IntersticeType.Named("Greetings")));
        assertThat(q.reads()).containsExactly(greetings);
        var t = s.table("greetings").orElseThrow();
        assertThat(t.typeName()).isEqualTo("Greetings");
        assertThat(t.primaryKey()).isEqualTo(new FieldDef("id", IntersticeType.U64));
        assertThat(t.primaryKeyAutoInc()).isTrue();
        assertThat(t.indexes()).containsExactly(new IndexSchema("greeting", IndexSchema.Type.BTREE, true, false));
        assertThat(t.persistence()).isEqualTo(Persistence.LOGGED);
        assertThat(s.subscriptions())
                .extracting(x -> x.event())
                .containsExactly(
                        new SubscriptionEvent.Core(SubscriptionEvent.Simple.LOAD),
                        new SubscriptionEvent.Core(SubscriptionEvent.Simple.CONNECT),
                        new SubscriptionEvent.Core(SubscriptionEvent.Simple.DISCONNECT),
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.INSERT,
                                Selection.CURRENT,
                                "hello-example",
                                "greetings"));
        assertThat(s.typeDefinitions().get("TestCustomType"))
                .isEqualTo(new TypeDef.Struct("TestCustomType", List.of(new FieldDef("val", IntersticeType.U32))));
        assertThat(s.authorities()).isEmpty();
    }

    @Test
    void callerExampleSchema() {
        ModuleSchema s = decodeAndCheckReencoding(CALLER_DESCRIBE);
        assertThat(s.visibility()).isEqualTo(Visibility.PRIVATE);
        var remote = new TableRef(Selection.other("hello-example"), Selection.other("hello-example"), "greetings");
        assertThat(s.reducer("on_insert_greetings").orElseThrow().reads()).containsExactly(remote);
        assertThat(s.subscriptions().get(1).event())
                .isEqualTo(new SubscriptionEvent.Table(
                        SubscriptionEvent.TableEventKind.INSERT,
                        Selection.other("hello-example"),
                        "hello-example",
                        "greetings"));
        assertThat(s.nodeDependencies()).extracting(d -> d.address()).containsExactly("127.0.0.1:8080");
        assertThat(s.replicatedTables()).extracting(r -> r.table()).containsExactly("greetings");
    }

    @Test
    void hostCallsAndRowsMadeByUpstreamGuests() {
        // hello-example's hello("Bob") passed this row to interstice_insert_row (auto-inc key placeholder 0).
        assertThat(Abi.decodeRow(bytes("03 00 02 09 0B 48 65 6C 6C 6F 2C 20 42 6F 62 21 0D 0E 54 65 73 74 43 75 73 74"
                        + " 6F 6D 54 79 70 65 01 03 76 61 6C 02 00")))
                .isEqualTo(new Row(
                        IntersticeValue.u64(0),
                        List.of(
                                IntersticeValue.str("Hello, Bob!"),
                                new IntersticeValue.Struct(
                                        "TestCustomType",
                                        List.of(new IntersticeValue.Field("val", IntersticeValue.u32(0)))))));
        // hello-example's init: ctx.schedule("scheduled", 1000)
        assertThat(Abi.decodeHostCall(bytes("01 09 73 63 68 65 64 75 6C 65 64 E8 07"), 0, 13))
                .isEqualTo(new HostCall.Schedule("scheduled", 1000));
        // hello-example's get_greetings: a scan of its own table
        byte[] scan = bytes("03 00 09 67 72 65 65 74 69 6E 67 73");
        assertThat(Abi.decodeHostCall(scan, 0, scan.length))
                .isEqualTo(new HostCall.TableScan(Selection.CURRENT, "greetings"));
        // caller-example's load: remote hello("Client !")
        byte[] call = bytes("00 01 0D 68 65 6C 6C 6F 2D 65 78 61 6D 70 6C 65 01 0D 68 65 6C 6C 6F 2D 65 78 61 6D 70 6C"
                + " 65 05 68 65 6C 6C 6F 0A 01 09 08 43 6C 69 65 6E 74 20 21");
        assertThat(Abi.decodeHostCall(call, 0, call.length))
                .isEqualTo(new HostCall.CallReducer(
                        Selection.other("hello-example"),
                        Selection.other("hello-example"),
                        "hello",
                        IntersticeValue.vec(IntersticeValue.str("Client !"))));
        // Privileged calls: Audio(OpenOutputStream{48000 Hz, 2 channels (u16 varint), 480 frames}),
        // Network(UdpBind{"0.0.0.0", port 0}), Module(Unload{Current, "x"}).
        assertThat(Abi.decodeHostCall(bytes("07 00 80 F7 02 02 E0 03"), 0, 8))
                .isEqualTo(new HostCall.Audio(new dev.interstice.abi.host.AudioCall.OpenOutputStream(
                        new dev.interstice.abi.host.AudioCall.StreamConfig(48_000, 2, 480))));
        assertThat(Abi.decodeHostCall(bytes("0A 04 07 30 2E 30 2E 30 2E 30 00"), 0, 11))
                .isEqualTo(new HostCall.Network(new dev.interstice.abi.host.NetworkCall.UdpBind("0.0.0.0", 0)));
        assertThat(Abi.decodeHostCall(bytes("09 01 00 01 78"), 0, 5))
                .isEqualTo(new HostCall.Module(new dev.interstice.abi.host.ModuleCall.Unload(Selection.CURRENT, "x")));
    }
}
