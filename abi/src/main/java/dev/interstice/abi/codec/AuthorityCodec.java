package dev.interstice.abi.codec;

import dev.interstice.abi.host.AudioCall;
import dev.interstice.abi.host.FileCall;
import dev.interstice.abi.host.ModuleCall;
import dev.interstice.abi.host.NetworkCall;
import dev.interstice.abi.value.IntersticeValue;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The postcard forms of the File, Module and Network authorities' calls, answers and events (upstream
 * {@code host_calls/{file,module,network}.rs}, ABI 6). Every answer enum is {@code Ok(..)} 0 / {@code Err(String)} 1;
 * events reach the holder as {@link IntersticeValue}s shaped as upstream's {@code IntersticeType} derive makes them:
 * {@code Enum{name, variant, Struct{variant, fields}}}.
 */
public final class AuthorityCodec {
    private AuthorityCodec() {}

    // ---- calls (guest -> host) ----

    public static FileCall readFileCall(PostcardReader r) {
        int tag = Abi.readTag(r, "FileCall", 8);
        return switch (tag) {
            case 0 -> new FileCall.ReadFile(r.readString());
            case 1 -> new FileCall.WriteFile(r.readString(), readBytes(r), r.readBool());
            case 2 -> new FileCall.ListDir(r.readString());
            case 3 -> new FileCall.Metadata(r.readString());
            case 4 -> new FileCall.CreateDir(r.readString(), r.readBool());
            case 5 -> new FileCall.RemoveFile(r.readString());
            case 6 -> new FileCall.RemoveDir(r.readString(), r.readBool());
            case 7 -> new FileCall.Rename(r.readString(), r.readString());
            default -> new FileCall.Copy(r.readString(), r.readString(), r.readBool());
        };
    }

    public static ModuleCall readModuleCall(PostcardReader r) {
        int tag = Abi.readTag(r, "ModuleCall", 2);
        var node = Abi.readSelection(r);
        return switch (tag) {
            case 0 -> new ModuleCall.Load(node, readBytes(r));
            case 1 -> new ModuleCall.Unload(node, r.readString());
            default -> new ModuleCall.Remove(node, r.readString());
        };
    }

    public static NetworkCall readNetworkCall(PostcardReader r) {
        int tag = Abi.readTag(r, "NetworkCall", 6);
        return switch (tag) {
            case 0 -> new NetworkCall.TcpConnect(r.readString(), r.readU16(), r.readBool(), r.readString());
            case 1 -> new NetworkCall.TcpListen(r.readString(), r.readU16());
            case 2 -> new NetworkCall.TcpSend(r.readVarU64(), readBytes(r));
            case 3 -> new NetworkCall.TcpClose(r.readVarU64());
            case 4 -> new NetworkCall.UdpBind(r.readString(), r.readU16());
            case 5 -> new NetworkCall.UdpSendTo(r.readVarU64(), r.readString(), r.readU16(), readBytes(r));
            default -> new NetworkCall.UdpClose(r.readVarU64());
        };
    }

    /** Writes a call as a guest would (tests and tools): the {@code HostCall} discriminant, then the call. */
    public static byte[] encodeHostCall(Object call) {
        var w = new PostcardWriter(64);
        switch (call) {
            case FileCall c -> {
                w.writeU8(8);
                writeFileCall(w, c);
            }
            case ModuleCall c -> {
                w.writeU8(9);
                w.writeU8(
                        switch (c) {
                            case ModuleCall.Load l -> 0;
                            case ModuleCall.Unload u -> 1;
                            case ModuleCall.Remove r -> 2;
                        });
                Abi.writeSelection(w, c.node());
                switch (c) {
                    case ModuleCall.Load l -> writeBytes(w, l.wasm());
                    case ModuleCall.Unload u -> w.writeString(u.module());
                    case ModuleCall.Remove x -> w.writeString(x.module());
                }
            }
            case NetworkCall c -> {
                w.writeU8(10);
                writeNetworkCall(w, c);
            }
            case AudioCall c -> {
                return AudioCodec.encodeHostCall(c);
            }
            default -> throw new IllegalArgumentException("not an authority call: " + call);
        }
        return w.toByteArray();
    }

    private static void writeFileCall(PostcardWriter w, FileCall c) {
        switch (c) {
            case FileCall.ReadFile x -> {
                w.writeU8(0);
                w.writeString(x.path());
            }
            case FileCall.WriteFile x -> {
                w.writeU8(1);
                w.writeString(x.path());
                writeBytes(w, x.data());
                w.writeBool(x.append());
            }
            case FileCall.ListDir x -> {
                w.writeU8(2);
                w.writeString(x.path());
            }
            case FileCall.Metadata x -> {
                w.writeU8(3);
                w.writeString(x.path());
            }
            case FileCall.CreateDir x -> {
                w.writeU8(4);
                w.writeString(x.path());
                w.writeBool(x.recursive());
            }
            case FileCall.RemoveFile x -> {
                w.writeU8(5);
                w.writeString(x.path());
            }
            case FileCall.RemoveDir x -> {
                w.writeU8(6);
                w.writeString(x.path());
                w.writeBool(x.recursive());
            }
            case FileCall.Rename x -> {
                w.writeU8(7);
                w.writeString(x.from());
                w.writeString(x.to());
            }
            case FileCall.Copy x -> {
                w.writeU8(8);
                w.writeString(x.from());
                w.writeString(x.to());
                w.writeBool(x.recursive());
            }
        }
    }

    private static void writeNetworkCall(PostcardWriter w, NetworkCall c) {
        switch (c) {
            case NetworkCall.TcpConnect x -> {
                w.writeU8(0);
                w.writeString(x.ip());
                w.writeU16(x.port());
                w.writeBool(x.tls());
                w.writeString(x.serverName());
            }
            case NetworkCall.TcpListen x -> {
                w.writeU8(1);
                w.writeString(x.bindIp());
                w.writeU16(x.port());
            }
            case NetworkCall.TcpSend x -> {
                w.writeU8(2);
                w.writeVarU64(x.handle());
                writeBytes(w, x.data());
            }
            case NetworkCall.TcpClose x -> {
                w.writeU8(3);
                w.writeVarU64(x.handle());
            }
            case NetworkCall.UdpBind x -> {
                w.writeU8(4);
                w.writeString(x.bindIp());
                w.writeU16(x.port());
            }
            case NetworkCall.UdpSendTo x -> {
                w.writeU8(5);
                w.writeVarU64(x.handle());
                w.writeString(x.ip());
                w.writeU16(x.port());
                writeBytes(w, x.data());
            }
            case NetworkCall.UdpClose x -> {
                w.writeU8(6);
                w.writeVarU64(x.handle());
            }
        }
    }

    // ---- answers (host -> guest) ----

    /** {@code Ok} of a unit answer (WriteFile, CreateDir, ..., ModuleCallResponse, TcpSend, ...). */
    public static byte[] ok() {
        return Responses.ok();
    }

    /** {@code Err(message)} of any answer enum of these authorities. */
    public static byte[] err(String message) {
        return Responses.err(message);
    }

    /** {@code Ok(handle)} of TcpConnect, TcpListen and UdpBind. */
    public static byte[] handleOk(long handle) {
        var w = new PostcardWriter(12);
        w.writeU8(0);
        w.writeVarU64(handle);
        return w.toByteArray();
    }

    /** {@code ReadFileResponse::Ok(bytes)}. */
    public static byte[] bytesOk(byte[] data) {
        var w = new PostcardWriter(data.length + 8);
        w.writeU8(0);
        writeBytes(w, data);
        return w.toByteArray();
    }

    /** {@code ListDirResponse::Ok(entries)}. */
    public static byte[] dirOk(List<FileCall.DirEntry> entries) {
        var w = new PostcardWriter(64);
        w.writeU8(0);
        w.writeVarUsize(entries.size());
        for (FileCall.DirEntry e : entries) {
            w.writeString(e.name());
            w.writeString(e.path());
            w.writeU8(e.type().ordinal());
        }
        return w.toByteArray();
    }

    /** {@code MetadataResponse::Ok(metadata)}. */
    public static byte[] metadataOk(FileCall.FileMetadata m) {
        var w = new PostcardWriter(32);
        w.writeU8(0);
        w.writeU8(m.type().ordinal());
        w.writeVarU64(m.length());
        w.writeBool(m.readonly());
        writeOptionalLong(w, m.createdMs());
        writeOptionalLong(w, m.modifiedMs());
        return w.toByteArray();
    }

    // ---- events (host -> holder's subscription reducer) ----

    /** {@code FileEvent::Created/Modified/Deleted{path}}; {@code variant} is one of those three names. */
    public static IntersticeValue fileEvent(String variant, String path) {
        return event("FileEvent", variant, field("path", IntersticeValue.str(path)));
    }

    public static IntersticeValue fileRenamed(String from, String to) {
        return event(
                "FileEvent", "Renamed", field("from", IntersticeValue.str(from)), field("to", IntersticeValue.str(to)));
    }

    /** {@code ModuleEvent::LoadRequest{node_id, module_name, wasm_binary}}. */
    public static IntersticeValue loadRequest(String nodeId, String module, byte[] wasm) {
        return event(
                "ModuleEvent",
                "LoadRequest",
                field("node_id", IntersticeValue.str(nodeId)),
                field("module_name", IntersticeValue.str(module)),
                field("wasm_binary", bytesValue(wasm)));
    }

    /** {@code ModuleEvent::RemoveRequest{node_id, module_name}}. */
    public static IntersticeValue removeRequest(String nodeId, String module) {
        return event(
                "ModuleEvent",
                "RemoveRequest",
                field("node_id", IntersticeValue.str(nodeId)),
                field("module_name", IntersticeValue.str(module)));
    }

    /**
     * A {@code NetworkEvent} variant with its fields in upstream's order: Connected{handle},
     * ConnectFailed{handle,error}, Accepted{listener,handle,peer_ip,peer_port}, Received{handle,data},
     * UdpReceived{handle,peer_ip,peer_port,data}, Closed{handle}, Failed{handle,error}.
     */
    public static IntersticeValue networkEvent(String variant, IntersticeValue.Field... fields) {
        return event("NetworkEvent", variant, fields);
    }

    public static IntersticeValue.Field field(String name, IntersticeValue value) {
        return new IntersticeValue.Field(name, value);
    }

    /** {@code Vec<u8>} as upstream converts it: a Vec of U8 values. */
    public static IntersticeValue bytesValue(byte[] data) {
        var items = new ArrayList<IntersticeValue>(data.length);
        for (byte b : data) items.add(IntersticeValue.u8(b & 0xFF));
        return IntersticeValue.vec(items);
    }

    private static IntersticeValue event(String type, String variant, IntersticeValue.Field... fields) {
        return new IntersticeValue.Enum(type, variant, new IntersticeValue.Struct(variant, List.of(fields)));
    }

    private static byte[] readBytes(PostcardReader r) {
        return r.readBytes(r.readVarUsize());
    }

    private static void writeBytes(PostcardWriter w, byte[] b) {
        w.writeVarUsize(b.length);
        w.writeRaw(b);
    }

    private static void writeOptionalLong(PostcardWriter w, OptionalLong v) {
        w.writeU8(v.isPresent() ? 1 : 0);
        if (v.isPresent()) w.writeVarU64(v.getAsLong());
    }
}
