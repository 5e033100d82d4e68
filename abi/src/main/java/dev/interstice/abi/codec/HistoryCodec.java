package dev.interstice.abi.codec;

import dev.interstice.abi.host.HistoryCall;
import java.util.List;

/**
 * The postcard encoding of {@link HistoryCall} and its answers (docs/abi.md §4.6). Requests are an enum
 * ({@code ReadAsOf} 0 … {@code CurrentTx} 8), fields in order; every answer is {@code Ok(T)} 0 / {@code Err(String)} 1.
 */
public final class HistoryCodec {
    private static final int LAST = 8;

    private HistoryCodec() {}

    /** One branch as {@code ListBranches} answers it. */
    public record Branch(String name, long fromTx, int calls) {}

    /** A recorded call the merge could not apply: its position in the branch, its reducer and why. */
    public record Failure(int index, String reducer, String error) {}

    /** What a merge did: the branch, the main-timeline transactions of the calls applied, the calls that failed. */
    public record Merged(String branch, List<Long> applied, List<Failure> failed) {}

    public static HistoryCall decode(byte[] b) {
        var r = new PostcardReader(b);
        HistoryCall c = read(r);
        r.expectEnd();
        return c;
    }

    public static HistoryCall read(PostcardReader r) {
        int tag = Abi.readTag(r, "HistoryCall", LAST);
        return switch (tag) {
            case 0 -> new HistoryCall.ReadAsOf(r.readString(), r.readVarU64());
            case 1 -> new HistoryCall.Fork(r.readString(), r.readVarU64());
            case 2 -> new HistoryCall.Call(r.readString(), r.readString(), Abi.readValue(r));
            case 3 -> new HistoryCall.ReadBranch(r.readString(), r.readString());
            case 4 -> new HistoryCall.Discard(r.readString());
            case 5 -> new HistoryCall.Merge(r.readString());
            case 6 -> new HistoryCall.ListBranches();
            case 7 -> new HistoryCall.LastMerge();
            default -> new HistoryCall.CurrentTx();
        };
    }

    public static byte[] encode(HistoryCall c) {
        var w = new PostcardWriter(64);
        switch (c) {
            case HistoryCall.ReadAsOf a -> {
                w.writeU8(0);
                w.writeString(a.table());
                w.writeVarU64(a.tx());
            }
            case HistoryCall.Fork f -> {
                w.writeU8(1);
                w.writeString(f.branch());
                w.writeVarU64(f.fromTx());
            }
            case HistoryCall.Call x -> {
                w.writeU8(2);
                w.writeString(x.branch());
                w.writeString(x.reducer());
                Abi.writeValue(w, x.input());
            }
            case HistoryCall.ReadBranch x -> {
                w.writeU8(3);
                w.writeString(x.branch());
                w.writeString(x.table());
            }
            case HistoryCall.Discard x -> {
                w.writeU8(4);
                w.writeString(x.branch());
            }
            case HistoryCall.Merge x -> {
                w.writeU8(5);
                w.writeString(x.branch());
            }
            case HistoryCall.ListBranches x -> w.writeU8(6);
            case HistoryCall.LastMerge x -> w.writeU8(7);
            case HistoryCall.CurrentTx x -> w.writeU8(8);
        }
        return w.toByteArray();
    }

    // ---- answers: Ok(T) 0, Err(String) 1 ----

    /** {@code Ok(())}. */
    public static byte[] ok() {
        return Responses.ok();
    }

    public static byte[] err(String message) {
        return Responses.err(message);
    }

    /** {@code Ok(u64)}: a transaction id. */
    public static byte[] okU64(long v) {
        var w = new PostcardWriter(12);
        w.writeU8(0);
        w.writeVarU64(v);
        return w.toByteArray();
    }

    /** {@code Ok(u32)}: a cursor, or the number of calls a merge will replay. */
    public static byte[] okU32(int v) {
        var w = new PostcardWriter(8);
        w.writeU8(0);
        w.writeVarU32(Integer.toUnsignedLong(v));
        return w.toByteArray();
    }

    /** {@code Ok((u32 cursor, u64 tx))}: a past read's cursor and the transaction whose state it reads. */
    public static byte[] okCursorAt(int cursor, long tx) {
        var w = new PostcardWriter(16);
        w.writeU8(0);
        w.writeVarU32(Integer.toUnsignedLong(cursor));
        w.writeVarU64(tx);
        return w.toByteArray();
    }

    /** {@code Ok(Vec<Branch { name, from_tx: u64, calls: u32 }>)}. */
    public static byte[] okBranches(List<Branch> branches) {
        var w = new PostcardWriter(64);
        w.writeU8(0);
        w.writeVarUsize(branches.size());
        for (Branch b : branches) {
            w.writeString(b.name());
            w.writeVarU64(b.fromTx());
            w.writeVarU32(b.calls());
        }
        return w.toByteArray();
    }

    /**
     * {@code Ok(Option<Merged { branch, applied: Vec<u64>, failed: Vec<Failure { index: u32, reducer, error }> }>)}.
     */
    public static byte[] okMerged(Merged m) {
        var w = new PostcardWriter(64);
        w.writeU8(0);
        w.writeBool(m != null);
        if (m != null) {
            w.writeString(m.branch());
            w.writeVarUsize(m.applied().size());
            for (long tx : m.applied()) w.writeVarU64(tx);
            w.writeVarUsize(m.failed().size());
            for (Failure f : m.failed()) {
                w.writeVarU32(f.index());
                w.writeString(f.reducer());
                w.writeString(f.error());
            }
        }
        return w.toByteArray();
    }
}
