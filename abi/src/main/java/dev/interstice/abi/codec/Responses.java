package dev.interstice.abi.codec;

import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.value.IntersticeValue;
import java.util.List;

/**
 * Host to guest response encodings: the response enums of upstream {@code interstice_abi::host_calls} (ABI 6).
 *
 * <p>Discriminants, checked against upstream source (variant order = postcard discriminant):
 * <ul>
 *   <li>{@code CallReducerResponse}, {@code ScheduleResponse}, {@code UpdateRowResponse}, {@code DeleteRowResponse},
 *       {@code ClearTableResponse}: {@code Ok} 0, {@code Err(String)} 1.</li>
 *   <li>{@code CallQueryResponse}: {@code Ok(IntersticeValue)} 0, {@code Err(String)} 1.</li>
 *   <li>{@code TableScanResponse}, {@code TableIndexScanResponse}: {@code Ok{rows: Vec<Row>}} 0, {@code Err} 1.</li>
 *   <li>{@code TableGetByPrimaryKeyResponse}, {@code InsertRowResponse}: {@code Ok(Option<Row>)} 0, {@code Err} 1.</li>
 *   <li>{@code CurrentNodeId}: a bare {@code String}.</li>
 *   <li>{@code GpuResponse}: None 0, I64 1, TextureFormat 2, Extent2d 3, {@code Err(String)} 4.</li>
 *   <li>{@code AudioResponse}: Ok 0, StreamOpened 1, {@code Err(String)} 2.</li>
 *   <li>{@code ModuleCallResponse}: Ok 0, {@code Err(String)} 1.</li>
 *   <li>File calls answer a per-call enum (ReadFileResponse, WriteFileResponse, ListDirResponse, MetadataResponse,
 *       CreateDirResponse, RemoveFileResponse, RemoveDirResponse, RenameResponse, CopyResponse); every one has a
 *       single Ok variant first, so {@code Err(String)} is 1 for all of them.</li>
 *   <li>Network calls likewise (TcpConnect/TcpListen/TcpSend/TcpClose/UdpBind/UdpSendTo/UdpClose responses):
 *       {@code Err(String)} is 1 for all of them.</li>
 * </ul>
 */
public final class Responses {

    private Responses() {}

    private static final byte[] OK = {0};
    private static final byte[] OK_NONE = {0, 0};

    /** Unit {@code Ok} of CallReducer/Schedule/UpdateRow/DeleteRow/ClearTable responses: {@code [0x00]}. */
    public static byte[] ok() {
        return OK.clone();
    }

    /** {@code Err(message)} of every response enum whose Err is discriminant 1: {@code [0x01, len, utf8...]}. */
    public static byte[] err(String message) {
        return tagged(1, message);
    }

    private static byte[] tagged(int tag, String message) {
        var w = new PostcardWriter(message.length() + 8);
        w.writeU8(tag);
        w.writeString(message);
        return w.toByteArray();
    }

    /** {@code CallQueryResponse::Ok(value)}: {@code [0x00, value...]}. */
    public static byte[] queryOk(IntersticeValue v) {
        var w = new PostcardWriter(64);
        w.writeU8(0);
        Abi.writeValue(w, v);
        return w.toByteArray();
    }

    /**
     * Appends {@code TableScanResponse::Ok{rows}} / {@code TableIndexScanResponse::Ok{rows}} to {@code w} (which is
     * not reset): {@code 0x00}, the row count, then each already-encoded row verbatim.
     */
    public static void rowsOk(PostcardWriter w, List<byte[]> encodedRows) {
        w.writeU8(0);
        int n = encodedRows.size();
        w.writeVarUsize(n);
        for (int i = 0; i < n; i++) w.writeRaw(encodedRows.get(i));
    }

    /**
     * {@code TableGetByPrimaryKeyResponse::Ok(Option<Row>)} and {@code InsertRowResponse::Ok(Option<Row>)}:
     * {@code [0x00, 0x00]} for None (null), {@code [0x00, 0x01, row...]} for Some.
     */
    public static byte[] optionalRowOk(byte[] encodedRowOrNull) {
        if (encodedRowOrNull == null) return OK_NONE.clone();
        byte[] out = new byte[encodedRowOrNull.length + 2];
        out[1] = 1; // Ok(Some(..)): both discriminants, then the row's bytes
        System.arraycopy(encodedRowOrNull, 0, out, 2, encodedRowOrNull.length);
        return out;
    }

    /** The answer to {@code HostCall::CurrentNodeId}: a bare postcard String. */
    public static byte[] nodeId(String id) {
        var w = new PostcardWriter(id.length() + 5);
        w.writeString(id);
        return w.toByteArray();
    }

    /**
     * The {@code Err(message)} variant of the response enum the guest expects for a privileged call of this
     * authority: GPU {@code GpuResponse::Err} = 4, AUDIO {@code AudioResponse::Err} = 2, FILE (every file response)
     * = 1, MODULE {@code ModuleCallResponse::Err} = 1, NETWORK (every network response) = 1. Because every file and
     * network response enum puts Err at 1, the error does not depend on the (unread) sub-call.
     *
     * @throws IllegalArgumentException for {@link Authority#INPUT}: there is no Input host call, so no response enum
     */
    public static byte[] privilegedError(Authority a, String message) {
        return tagged(privilegedErrTag(a), message);
    }

    /** The Err discriminant of the response enum answering a privileged call of authority {@code a}. */
    public static int privilegedErrTag(Authority a) {
        return switch (a) {
            case GPU -> 4;
            case AUDIO -> 2;
            case FILE, MODULE, NETWORK -> 1;
            case INPUT ->
                throw new IllegalArgumentException(
                        "Input has no host call and no response enum (input reaches modules as events only)");
        };
    }
}
