package dev.interstice.runtime.authority;

import dev.interstice.abi.codec.ChildCodec;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.abi.host.ChildCall;
import dev.interstice.abi.schema.Authority;
import dev.interstice.runtime.exec.SystemTables;
import dev.interstice.storage.ByteKey;
import dev.interstice.storage.Change;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The node's child modules: for each, the module that spawned it, what it was granted, what of that was revoked and
 * whether it stops with its parent. Kept in the system table {@code __interstice.children} (one row per child, key:
 * its name), written in the same log record as the child's install or the revoking transaction, so a restart finds
 * every child with its grant as it was.
 */
public final class Children {
    /** One child. {@code revoked}: authorities of its grant taken back (they stay taken). */
    public record Child(
            String name, String parent, ChildCall.Grant grant, Set<Authority> revoked, boolean stopWithParent) {
        public Child {
            revoked = revoked.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(revoked));
        }

        /** Whether it may still use {@code a} by its own grant (its parent's may have gone since). */
        public boolean holds(Authority a) {
            return grant.authorities().contains(a) && !revoked.contains(a);
        }

        Child revoke(Set<Authority> more) {
            var r = EnumSet.noneOf(Authority.class);
            r.addAll(revoked);
            r.addAll(more);
            return new Child(name, parent, grant, r, stopWithParent);
        }

        byte[] encode() {
            var w = new PostcardWriter(64);
            w.writeString(parent);
            w.writeRaw(ChildCodec.encodeGrant(grant));
            w.writeVarUsize(revoked.size());
            for (Authority a : revoked) w.writeU8(a.ordinal());
            w.writeBool(stopWithParent);
            return w.toByteArray();
        }

        static Child decode(String name, byte[] row) {
            var r = new PostcardReader(row);
            String parent = r.readString();
            ChildCall.Grant g = ChildCodec.decodeGrant(r);
            int n = r.readVarUsize();
            var revoked = EnumSet.noneOf(Authority.class);
            for (int i = 0; i < n; i++) revoked.add(Authority.values()[r.readU8()]);
            return new Child(name, parent, g, revoked, r.readBool());
        }
    }

    private final Map<String, Child> children = new LinkedHashMap<>();

    /** A child as its row in the log records it ({@link #row}). */
    public static Child decode(String name, byte[] row) {
        return Child.decode(name, row);
    }

    /** Loads the rows the log recovered. */
    public synchronized void recover(Map<ByteKey, byte[]> rows) {
        for (var e : rows.entrySet()) {
            String name = new String(e.getKey().bytes(), StandardCharsets.UTF_8);
            children.put(name, Child.decode(name, e.getValue()));
        }
    }

    /** The child named {@code module}, or null when it is not a child. */
    public synchronized Child get(String module) {
        return children.get(module);
    }

    public synchronized boolean isChild(String module) {
        return children.containsKey(module);
    }

    /** {@code parent}'s children, in the order they were first spawned. */
    public synchronized List<Child> of(String parent) {
        var out = new ArrayList<Child>();
        for (Child c : children.values()) if (c.parent().equals(parent)) out.add(c);
        return out;
    }

    /** Every child, in the order they were first spawned. */
    public synchronized List<Child> all() {
        return List.copyOf(children.values());
    }

    /** Records {@code c} (replacing what was recorded for its name) once its row is committed or about to be. */
    public synchronized void put(Child c) {
        children.put(c.name(), c);
    }

    public synchronized void forget(String module) {
        children.remove(module);
    }

    /** The log's row for {@code c}. */
    public static Change row(Child c) {
        return new Change.Put(SystemTables.CHILDREN, key(c.name()), c.encode());
    }

    /** The log's deletion of {@code module}'s row. */
    public static Change deletion(String module) {
        return new Change.Delete(SystemTables.CHILDREN, key(module));
    }

    private static byte[] key(String module) {
        return module.getBytes(StandardCharsets.UTF_8);
    }
}
