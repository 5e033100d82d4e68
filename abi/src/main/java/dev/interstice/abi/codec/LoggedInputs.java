package dev.interstice.abi.codec;

import dev.interstice.abi.host.AudioCall;
import dev.interstice.abi.host.FileCall;
import dev.interstice.abi.host.NetworkCall;
import dev.interstice.abi.host.gpu.GpuCall;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * The answers a transaction's reducers got from outside the node (File, Audio, Network and Gpu calls), as its log
 * record keeps them ({@code TxRecord.inputs}, log record flag 16), and read back for people. Each is labelled with the
 * call it answered: {@code 0xF7 kind:u8 call:varint} before the answer as the guest got it ({@code kind} 'F', 'A', 'N'
 * or 'G'; {@code call} the call's variant in its enum). No answer starts with 0xF7 (they start with a small
 * discriminant), so a record written before labels existed reads as unlabelled. Three bytes an answer, so that a
 * person reading the log sees "gpu CreateBuffer: id 3" and not bytes.
 */
public final class LoggedInputs {
    private LoggedInputs() {}

    private static final int MARK = 0xF7;

    private static final List<String> FILE = List.of(
            "ReadFile", "WriteFile", "ListDir", "Metadata", "CreateDir", "RemoveFile", "RemoveDir", "Rename", "Copy");
    private static final List<String> NETWORK =
            List.of("TcpConnect", "TcpListen", "TcpSend", "TcpClose", "UdpBind", "UdpSendTo", "UdpClose");
    private static final List<String> AUDIO =
            List.of("OpenOutputStream", "OpenInputStream", "CloseStream", "WriteFramesF32Planar");
    /** By {@link GpuCodec#tag}. */
    private static final List<String> GPU = List.of(
            "GetSurfaceFormat",
            "GetLimits",
            "CreateBuffer",
            "DestroyBuffer",
            "WriteBuffer",
            "CreateTexture",
            "DestroyTexture",
            "DestroyTextureView",
            "WriteTexture",
            "CreateTextureView",
            "CreateSampler",
            "DestroySampler",
            "CreateShaderModule",
            "DestroyShaderModule",
            "CreateBindGroupLayout",
            "DestroyBindGroupLayout",
            "CreateBindGroup",
            "DestroyBindGroup",
            "CreatePipelineLayout",
            "DestroyPipelineLayout",
            "CreateRenderPipeline",
            "DestroyRenderPipeline",
            "CreateComputePipeline",
            "DestroyComputePipeline",
            "CreateCommandEncoder",
            "Submit",
            "BeginRenderPass",
            "EndRenderPass",
            "SetRenderPipeline",
            "SetBindGroup",
            "SetVertexBuffer",
            "SetIndexBuffer",
            "Draw",
            "DrawIndexed",
            "BeginComputePass",
            "EndComputePass",
            "SetComputePipeline",
            "Dispatch",
            "CopyBufferToBuffer",
            "CopyBufferToTexture",
            "CopyTextureToBuffer",
            "GetCurrentSurfaceTexture",
            "GetSurfaceSize",
            "Present",
            "BeginFrame",
            "RequestRedraw");

    /** One logged answer for people: the call it answered ("file ReadFile"; "" when not labelled) and the answer. */
    public record Shown(String call, String answer) {}

    /** {@code answer} labelled with the call it answered. */
    public static byte[] labelled(Object call, byte[] answer) {
        int kind;
        int variant;
        switch (call) {
            case FileCall c -> {
                kind = 'F';
                variant = FILE.indexOf(c.getClass().getSimpleName());
            }
            case NetworkCall c -> {
                kind = 'N';
                variant = NETWORK.indexOf(c.getClass().getSimpleName());
            }
            case AudioCall c -> {
                kind = 'A';
                variant = AUDIO.indexOf(c.getClass().getSimpleName());
            }
            case GpuCall c -> {
                kind = 'G';
                variant = GpuCodec.tag(c);
            }
            default -> throw new IllegalArgumentException("not a call whose answer is logged: " + call);
        }
        var w = new PostcardWriter(answer.length + 4);
        w.writeU8(MARK);
        w.writeU8(kind);
        w.writeVarU32(Math.max(0, variant));
        w.writeRaw(answer);
        return w.toByteArray();
    }

    /** The answer as the guest got it, without its label (a replay feeds it back). */
    public static byte[] answer(byte[] logged) {
        if (!isLabelled(logged)) return logged;
        var r = new PostcardReader(logged);
        r.readU8();
        r.readU8();
        r.readVarU32();
        return java.util.Arrays.copyOfRange(logged, r.position(), logged.length);
    }

    private static boolean isLabelled(byte[] logged) {
        return logged.length >= 3 && (logged[0] & 0xFF) == MARK;
    }

    /** A logged answer for people; bytes it cannot read are shown in hex. */
    public static Shown show(byte[] logged) {
        if (!isLabelled(logged)) return new Shown("", hex(logged));
        var r = new PostcardReader(logged);
        r.readU8();
        int kind = r.readU8();
        int variant = (int) r.readVarU32();
        byte[] answer = answer(logged);
        List<String> names = switch (kind) {
            case 'F' -> FILE;
            case 'N' -> NETWORK;
            case 'A' -> AUDIO;
            case 'G' -> GPU;
            default -> List.of();
        };
        String kindName = switch (kind) {
            case 'F' -> "file";
            case 'N' -> "network";
            case 'A' -> "audio";
            case 'G' -> "gpu";
            default -> "call";
        };
        String call = kindName + " " + (variant < names.size() ? names.get(variant) : "#" + variant);
        try {
            return new Shown(
                    call, answerText(kind, names.isEmpty() ? "" : call.substring(kindName.length() + 1), answer));
        } catch (RuntimeException e) {
            return new Shown(call, hex(answer));
        }
    }

    private static String answerText(int kind, String call, byte[] answer) {
        var r = new PostcardReader(answer);
        if (kind == 'G')
            return switch (GpuCodec.decodeResponse(answer)) {
                case dev.interstice.abi.host.gpu.GpuResponse.None x -> "ok";
                case dev.interstice.abi.host.gpu.GpuResponse.I64 x -> "id " + x.value();
                case dev.interstice.abi.host.gpu.GpuResponse.Format x -> "format " + x.format();
                case dev.interstice.abi.host.gpu.GpuResponse.Extent2d x -> x.width() + "x" + x.height();
                case dev.interstice.abi.host.gpu.GpuResponse.Err x -> "error: " + x.message();
            };
        int tag = r.readU8();
        if (kind == 'A')
            return switch (tag) {
                case 0 -> "ok";
                case 1 -> "stream " + r.readVarU64();
                default -> "error: " + r.readString();
            };
        if (tag != 0) return "error: " + r.readString();
        return switch (call) {
            case "ReadFile" -> {
                byte[] data = r.readBytes(r.readVarUsize());
                yield "ok: " + data.length + " bytes" + preview(data);
            }
            case "ListDir" -> "ok: " + r.readVarUsize() + " entries";
            case "Metadata" ->
                "ok: " + List.of("file", "dir", "symlink").get(Math.min(2, r.readU8())) + ", " + r.readVarU64()
                        + " bytes";
            case "TcpConnect", "TcpListen", "UdpBind" -> "ok: handle " + r.readVarU64();
            default -> "ok";
        };
    }

    /** The start of a file's bytes when they read as text. */
    private static String preview(byte[] data) {
        if (data.length == 0) return "";
        String s = new String(data, 0, Math.min(data.length, 48), StandardCharsets.UTF_8);
        if (!s.chars().allMatch(c -> c >= 0x20 && c != 0xFFFD || c == '\n' || c == '\t')) return "";
        return " \"" + s.replace("\n", "\\n").replace("\t", "\\t") + (data.length > 48 ? "..." : "") + "\"";
    }

    private static String hex(byte[] b) {
        return "0x" + HexFormat.of().formatHex(b);
    }
}
