package dev.interstice.abi.codec;

import dev.interstice.abi.host.StoreCall;
import java.util.List;

/**
 * The postcard encoding of {@link StoreCall} and its answers (docs/abi.md §4.4). Requests are an enum in the WIT's
 * order ({@code New} 0 … {@code CalculateTotalSize} 13), fields in order, content as {@code Vec<u8>}, content refs as
 * their hash string. Every answer is {@code Ok(T)} 0 / {@code Err(String)} 1, T the WIT's result type.
 */
public final class StoreCodec {
    private static final int LAST = 13;

    private StoreCodec() {}

    public static StoreCall decode(byte[] b) {
        var r = new PostcardReader(b);
        StoreCall c = read(r);
        r.expectEnd();
        return c;
    }

    public static StoreCall read(PostcardReader r) {
        int tag = Abi.readTag(r, "StoreCall", LAST);
        if (tag == 0) return new StoreCall.New();
        String store = r.readString();
        return switch (tag) {
            case 1 -> new StoreCall.Store(store, bytes(r));
            case 2 -> new StoreCall.Get(store, r.readString());
            case 3 -> new StoreCall.Exists(store, r.readString());
            case 4 -> new StoreCall.Label(store, r.readString(), r.readString());
            case 5 -> new StoreCall.GetByLabel(store, r.readString());
            case 6 -> new StoreCall.RemoveLabel(store, r.readString());
            case 7 -> new StoreCall.RemoveFromLabel(store, r.readString(), r.readString());
            case 8 -> new StoreCall.StoreAtLabel(store, r.readString(), bytes(r));
            case 9 -> new StoreCall.ReplaceContentAtLabel(store, r.readString(), bytes(r));
            case 10 -> new StoreCall.ReplaceAtLabel(store, r.readString(), r.readString());
            case 11 -> new StoreCall.ListLabels(store);
            case 12 -> new StoreCall.ListAllContent(store);
            default -> new StoreCall.CalculateTotalSize(store);
        };
    }

    private static byte[] bytes(PostcardReader r) {
        return r.readBytes(r.readVarUsize());
    }

    public static byte[] encode(StoreCall c) {
        var w = new PostcardWriter(64);
        switch (c) {
            case StoreCall.New n -> w.writeU8(0);
            case StoreCall.Store s -> content(strings(w, 1, s.store()), s.content());
            case StoreCall.Get g -> strings(w, 2, g.store(), g.hash());
            case StoreCall.Exists e -> strings(w, 3, e.store(), e.hash());
            case StoreCall.Label l -> strings(w, 4, l.store(), l.label(), l.hash());
            case StoreCall.GetByLabel g -> strings(w, 5, g.store(), g.label());
            case StoreCall.RemoveLabel l -> strings(w, 6, l.store(), l.label());
            case StoreCall.RemoveFromLabel l -> strings(w, 7, l.store(), l.label(), l.hash());
            case StoreCall.StoreAtLabel s -> content(strings(w, 8, s.store(), s.label()), s.content());
            case StoreCall.ReplaceContentAtLabel s -> content(strings(w, 9, s.store(), s.label()), s.content());
            case StoreCall.ReplaceAtLabel l -> strings(w, 10, l.store(), l.label(), l.hash());
            case StoreCall.ListLabels l -> strings(w, 11, l.store());
            case StoreCall.ListAllContent l -> strings(w, 12, l.store());
            case StoreCall.CalculateTotalSize t -> strings(w, 13, t.store());
        }
        return w.toByteArray();
    }

    private static PostcardWriter strings(PostcardWriter w, int tag, String... fields) {
        w.writeU8(tag);
        for (String f : fields) w.writeString(f);
        return w;
    }

    private static void content(PostcardWriter w, byte[] b) {
        w.writeVarUsize(b.length);
        w.writeRaw(b);
    }

    // ---- answers: Ok(T) 0, Err(String) 1 ----

    /** {@code Ok(())}. */
    public static byte[] ok() {
        return Responses.ok();
    }

    /** {@code Err(message)}. */
    public static byte[] err(String message) {
        return Responses.err(message);
    }

    /** {@code Ok(String)}: a store id or a content ref. */
    public static byte[] okString(String s) {
        var w = new PostcardWriter(s.length() + 8);
        w.writeU8(0);
        w.writeString(s);
        return w.toByteArray();
    }

    /** {@code Ok(Option<String>)}. */
    public static byte[] okOptionalString(String s) {
        var w = new PostcardWriter(80);
        w.writeU8(0);
        w.writeBool(s != null);
        if (s != null) w.writeString(s);
        return w.toByteArray();
    }

    /** {@code Ok(Vec<u8>)}. */
    public static byte[] okBytes(byte[] b) {
        var w = new PostcardWriter(b.length + 8);
        w.writeU8(0);
        w.writeVarUsize(b.length);
        w.writeRaw(b);
        return w.toByteArray();
    }

    public static byte[] okBool(boolean b) {
        return new byte[] {0, (byte) (b ? 1 : 0)};
    }

    /** {@code Ok(u64)}. */
    public static byte[] okU64(long v) {
        var w = new PostcardWriter(12);
        w.writeU8(0);
        w.writeVarU64(v);
        return w.toByteArray();
    }

    /** {@code Ok(Vec<String>)}. */
    public static byte[] okStrings(List<String> items) {
        var w = new PostcardWriter(64);
        w.writeU8(0);
        w.writeVarUsize(items.size());
        for (String s : items) w.writeString(s);
        return w.toByteArray();
    }
}
