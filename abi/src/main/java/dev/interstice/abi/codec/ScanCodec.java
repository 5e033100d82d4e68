package dev.interstice.abi.codec;

import dev.interstice.abi.host.IndexQuery;
import dev.interstice.abi.host.ScanCall;
import dev.interstice.abi.value.IndexKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The postcard encoding of {@link ScanCall} and its answers (docs/abi.md §4.2). Requests: {@code Open { module_selection,
 * table_name, index: Option<{ index_name, prefix: Vec<IndexKey>, query: Option<IndexQuery> }> }} 0, {@code Next {
 * cursor: u32, max_rows: u32 }} 1, {@code Close { cursor: u32 }} 2. Answers: {@code Opened(u32)} 0 / {@code Err} 1;
 * {@code Page { rows: Vec<Row>, done: bool }} 0 / {@code Err} 1; {@code Ok} 0 / {@code Err} 1.
 */
public final class ScanCodec {
    private ScanCodec() {}

    public static ScanCall decode(byte[] b) {
        var r = new PostcardReader(b);
        ScanCall c = read(r);
        r.expectEnd();
        return c;
    }

    public static ScanCall read(PostcardReader r) {
        return switch (Abi.readTag(r, "ScanCall", 2)) {
            case 0 -> {
                var module = Abi.readSelection(r);
                String table = r.readString();
                ScanCall.IndexScan index = null;
                if (r.readBool()) {
                    String name = r.readString();
                    int n = r.readVarUsize();
                    var prefix = new ArrayList<IndexKey>();
                    for (int i = 0; i < n; i++) prefix.add(Abi.readIndexKey(r));
                    IndexQuery q = r.readBool() ? Abi.readIndexQuery(r) : null;
                    index = new ScanCall.IndexScan(name, prefix, q);
                }
                yield new ScanCall.Open(module, table, index);
            }
            case 1 -> new ScanCall.Next((int) r.readVarU32(), (int) r.readVarU32());
            default -> new ScanCall.Close((int) r.readVarU32());
        };
    }

    public static byte[] encode(ScanCall c) {
        var w = new PostcardWriter(64);
        switch (c) {
            case ScanCall.Open o -> {
                w.writeU8(0);
                Abi.writeSelection(w, o.module());
                w.writeString(o.table());
                w.writeBool(o.index() != null);
                if (o.index() != null) {
                    w.writeString(o.index().index());
                    w.writeVarUsize(o.index().prefix().size());
                    for (IndexKey k : o.index().prefix()) Abi.writeIndexKey(w, k);
                    w.writeBool(o.index().query() != null);
                    if (o.index().query() != null)
                        Abi.writeIndexQuery(w, o.index().query());
                }
            }
            case ScanCall.Next n -> {
                w.writeU8(1);
                w.writeVarU32(Integer.toUnsignedLong(n.cursor()));
                w.writeVarU32(Integer.toUnsignedLong(n.maxRows()));
            }
            case ScanCall.Close x -> {
                w.writeU8(2);
                w.writeVarU32(Integer.toUnsignedLong(x.cursor()));
            }
        }
        return w.toByteArray();
    }

    /** {@code Opened(cursor)}. */
    public static byte[] opened(int cursor) {
        var w = new PostcardWriter(8);
        w.writeU8(0);
        w.writeVarU32(Integer.toUnsignedLong(cursor));
        return w.toByteArray();
    }

    /** {@code Page { rows, done }} from the rows' encodings. */
    public static void page(PostcardWriter w, List<byte[]> rows, boolean done) {
        Responses.rowsOk(w, rows);
        w.writeBool(done);
    }
}
