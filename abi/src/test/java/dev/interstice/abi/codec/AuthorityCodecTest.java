package dev.interstice.abi.codec;

import static dev.interstice.abi.codec.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.host.FileCall;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.host.ModuleCall;
import dev.interstice.abi.host.NetworkCall;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.value.IntersticeValue;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Byte-exact forms of the File, Module and Network authorities' calls, answers and events (upstream ABI 6). */
class AuthorityCodecTest {

    private static HostCall decode(String hex) {
        byte[] b = bytes(hex);
        return Abi.decodeHostCall(b, 0, b.length);
    }

    @Test
    void callsWithBytesDecodeTheirPayload() {
        // File(WriteFile{path "f", data [1, 2], append true})
        var write = (FileCall.WriteFile) ((HostCall.File) decode("08 01 01 66 02 01 02 01")).call();
        assertThat(write.path()).isEqualTo("f");
        assertThat(write.data()).containsExactly(1, 2);
        assertThat(write.append()).isTrue();
        // Module(Load{Current, wasm [0x00, 0x61]})
        var load = (ModuleCall.Load) ((HostCall.Module) decode("09 00 00 02 00 61")).call();
        assertThat(load.node()).isEqualTo(Selection.CURRENT);
        assertThat(load.wasm()).containsExactly(0x00, 0x61);
        // Network(TcpConnect{ip "1", port 8080 (u16 varint 90 3F), tls false, server_name ""})
        assertThat(((HostCall.Network) decode("0A 00 01 31 90 3F 00 00")).call())
                .isEqualTo(new NetworkCall.TcpConnect("1", 8080, false, ""));
        // Network(UdpSendTo{handle 3, ip "1", port 9, data [7]})
        var send = (NetworkCall.UdpSendTo) ((HostCall.Network) decode("0A 05 03 01 31 09 01 07")).call();
        assertThat(send.handle()).isEqualTo(3);
        assertThat(send.port()).isEqualTo(9);
        assertThat(send.data()).containsExactly(7);
    }

    @Test
    void encodingRoundTripsEveryCallWithBytes() {
        for (Object c : List.of(
                new FileCall.WriteFile("a/b", new byte[] {9, 8}, false),
                new ModuleCall.Load(Selection.other("peer"), new byte[] {0, 0x61, 0x73, 0x6d}),
                new NetworkCall.TcpSend(1L << 40, new byte[] {1}),
                new NetworkCall.UdpSendTo(2, "127.0.0.1", 65535, new byte[0]))) {
            byte[] b = AuthorityCodec.encodeHostCall(c);
            HostCall back = Abi.decodeHostCall(b, 0, b.length);
            Object call = switch (back) {
                case HostCall.File f -> f.call();
                case HostCall.Module m -> m.call();
                case HostCall.Network n -> n.call();
                default -> back;
            };
            assertThat(AuthorityCodec.encodeHostCall(call)).isEqualTo(b);
        }
    }

    @Test
    void malformedCallsAreRefused() {
        assertThatThrownBy(() -> decode("08 09")).isInstanceOf(AbiDecodeException.class); // FileCall has 9 variants
        assertThatThrownBy(() -> decode("0A 00 01 31 FF FF 07 00 00")) // port beyond u16
                .isInstanceOf(AbiDecodeException.class);
        assertThatThrownBy(() -> decode("08 01 01 66 7F 01")) // data longer than the buffer
                .isInstanceOf(AbiDecodeException.class);
    }

    @Test
    void answersHaveUpstreamBytes() {
        assertThat(AuthorityCodec.handleOk(300)).isEqualTo(bytes("00 AC 02"));
        assertThat(AuthorityCodec.bytesOk(new byte[] {5})).isEqualTo(bytes("00 01 05"));
        assertThat(AuthorityCodec.dirOk(List.of(new FileCall.DirEntry("x", "d/x", FileCall.FileType.DIRECTORY))))
                .isEqualTo(bytes("00 01 01 78 03 64 2F 78 01"));
        assertThat(AuthorityCodec.metadataOk(new FileCall.FileMetadata(
                        FileCall.FileType.FILE, 3, false, OptionalLong.empty(), OptionalLong.of(1))))
                .isEqualTo(bytes("00 00 03 00 00 01 01"));
        assertThat(AuthorityCodec.err("no")).isEqualTo(bytes("01 02 6E 6F"));
    }

    @Test
    void eventsAreShapedAsUpstreamsDerive() {
        assertThat(AuthorityCodec.networkEvent(
                        "Received",
                        AuthorityCodec.field("handle", IntersticeValue.u64(4)),
                        AuthorityCodec.field("data", AuthorityCodec.bytesValue(new byte[] {(byte) 0xFF}))))
                .isEqualTo(new IntersticeValue.Enum(
                        "NetworkEvent",
                        "Received",
                        new IntersticeValue.Struct(
                                "Received",
                                List.of(
                                        new IntersticeValue.Field("handle", IntersticeValue.u64(4)),
                                        new IntersticeValue.Field(
                                                "data", IntersticeValue.vec(IntersticeValue.u8(255)))))));
        assertThat(AuthorityCodec.removeRequest("n1", "m"))
                .isEqualTo(new IntersticeValue.Enum(
                        "ModuleEvent",
                        "RemoveRequest",
                        new IntersticeValue.Struct(
                                "RemoveRequest",
                                List.of(
                                        new IntersticeValue.Field("node_id", IntersticeValue.str("n1")),
                                        new IntersticeValue.Field("module_name", IntersticeValue.str("m"))))));
    }
}
