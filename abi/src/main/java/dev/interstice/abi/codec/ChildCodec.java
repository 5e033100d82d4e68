package dev.interstice.abi.codec;

import dev.interstice.abi.host.ChildCall;
import dev.interstice.abi.schema.Authority;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The postcard encoding of {@link ChildCall} and its answers (docs/abi.md §4.5). Requests: {@code Spawn} 0 (source:
 * {@code Wasm(Vec<u8>)} 0 / {@code Hash(String)} 1, grant, bool), {@code Revoke} 1 (String, {@code Option<Authority>}),
 * {@code List} 2. A grant is {@code (Option<String>, Option<Vec<String>>, bool)}. Answers are {@code Ok(T)} 0 /
 * {@code Err(String)} 1; {@code List} answers {@code Ok(Vec<(String, Grant, Vec<Authority>, bool, bool)>)}.
 */
public final class ChildCodec {
    /** Most network rules one grant may carry. */
    public static final int MAX_RULES = 64;

    private ChildCodec() {}

    public static ChildCall decode(byte[] b) {
        var r = new PostcardReader(b);
        ChildCall c = switch (Abi.readTag(r, "ChildCall", 2)) {
            case 0 -> {
                ChildCall.Source s = Abi.readTag(r, "ChildCall source", 1) == 0
                        ? new ChildCall.Wasm(r.readBytes(r.readVarUsize()))
                        : new ChildCall.Hash(r.readString());
                yield new ChildCall.Spawn(s, readGrant(r), r.readBool());
            }
            case 1 -> new ChildCall.Revoke(r.readString(), r.readBool() ? Optional.of(authority(r)) : Optional.empty());
            default -> new ChildCall.ListChildren();
        };
        r.expectEnd();
        return c;
    }

    public static byte[] encode(ChildCall c) {
        var w = new PostcardWriter(64);
        switch (c) {
            case ChildCall.Spawn s -> {
                w.writeU8(0);
                switch (s.source()) {
                    case ChildCall.Wasm x -> {
                        w.writeU8(0);
                        w.writeVarUsize(x.bytes().length);
                        w.writeRaw(x.bytes());
                    }
                    case ChildCall.Hash h -> {
                        w.writeU8(1);
                        w.writeString(h.sha256());
                    }
                }
                writeGrant(w, s.grant());
                w.writeBool(s.stopWithParent());
            }
            case ChildCall.Revoke v -> {
                w.writeU8(1);
                w.writeString(v.child());
                w.writeBool(v.authority().isPresent());
                v.authority().ifPresent(a -> w.writeU8(a.ordinal()));
            }
            case ChildCall.ListChildren l -> w.writeU8(2);
        }
        return w.toByteArray();
    }

    private static Authority authority(PostcardReader r) {
        return Authority.values()[Abi.readTag(r, "Authority", Authority.values().length - 1)];
    }

    static ChildCall.Grant readGrant(PostcardReader r) {
        Optional<String> file = r.readBool() ? Optional.of(r.readString()) : Optional.empty();
        Optional<List<String>> net = Optional.empty();
        if (r.readBool()) {
            int n = r.readVarUsize();
            if (n > MAX_RULES) throw r.error("at most " + MAX_RULES + " network rules in a grant, found " + n);
            var rules = new ArrayList<String>(n);
            for (int i = 0; i < n; i++) rules.add(r.readString());
            net = Optional.of(rules);
        }
        return new ChildCall.Grant(file, net, r.readBool());
    }

    static void writeGrant(PostcardWriter w, ChildCall.Grant g) {
        w.writeBool(g.file().isPresent());
        g.file().ifPresent(w::writeString);
        w.writeBool(g.network().isPresent());
        g.network().ifPresent(rules -> {
            w.writeVarUsize(rules.size());
            rules.forEach(w::writeString);
        });
        w.writeBool(g.module());
    }

    /** A grant alone (the node's system table keeps it so). */
    public static byte[] encodeGrant(ChildCall.Grant g) {
        var w = new PostcardWriter(32);
        writeGrant(w, g);
        return w.toByteArray();
    }

    public static ChildCall.Grant decodeGrant(PostcardReader r) {
        return readGrant(r);
    }

    // ---- answers ----

    public static byte[] ok() {
        return Responses.ok();
    }

    public static byte[] err(String message) {
        return Responses.err(message);
    }

    public static byte[] okChildren(List<ChildCall.Child> children) {
        var w = new PostcardWriter(64);
        w.writeU8(0);
        w.writeVarUsize(children.size());
        for (var c : children) {
            w.writeString(c.name());
            writeGrant(w, c.grant());
            w.writeVarUsize(c.revoked().size());
            for (Authority a : c.revoked()) w.writeU8(a.ordinal());
            w.writeBool(c.stopWithParent());
            w.writeBool(c.loaded());
        }
        return w.toByteArray();
    }

    /** Inverse of {@link #okChildren} (tests, tools). */
    public static List<ChildCall.Child> decodeChildren(byte[] answer) {
        var r = new PostcardReader(answer);
        if (r.readU8() != 0) throw r.error("not an Ok answer");
        int n = r.readVarUsize();
        var out = new ArrayList<ChildCall.Child>(n);
        for (int i = 0; i < n; i++) {
            String name = r.readString();
            ChildCall.Grant g = readGrant(r);
            int k = r.readVarUsize();
            var revoked = new ArrayList<Authority>(k);
            for (int j = 0; j < k; j++) revoked.add(authority(r));
            out.add(new ChildCall.Child(name, g, revoked, r.readBool(), r.readBool()));
        }
        r.expectEnd();
        return out;
    }
}
