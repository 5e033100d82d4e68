package dev.interstice.abi.host;

import dev.interstice.abi.schema.Authority;
import java.util.List;
import java.util.Optional;

/**
 * Our extension of ABI 6 (docs/abi.md §4.5): a module's child modules, sent through the extra import {@code
 * interstice_children}. Upstream's modules never import it. A child is spawned from wasm bytes or a content hash with
 * a {@link Grant}: a part of the caller's own authorities, which the host enforces on every privileged call of the
 * child; a grant can be revoked, at once, by the parent.
 */
public sealed interface ChildCall {
    /** Spawns a child; {@code stopWithParent}: it is unloaded when its parent unloads or is removed. */
    record Spawn(Source source, Grant grant, boolean stopWithParent) implements ChildCall {}

    /** Revokes one authority of a child's grant, or all of it ({@code authority} empty). */
    record Revoke(String child, Optional<Authority> authority) implements ChildCall {}

    /** The caller's children with their grants. */
    record ListChildren() implements ChildCall {}

    /** Where a child's code comes from. */
    sealed interface Source {}

    record Wasm(byte[] bytes) implements Source {}

    /** A blob of the node's content store, by its SHA-256 in lower-case hex. */
    record Hash(String sha256) implements Source {}

    /**
     * What a child may use. {@code file}: a directory below the parent's file root that becomes the child's root
     * (empty: none; "" or "." the parent's whole root); {@code network}: address rules ({@code ip[/prefix][:port]})
     * within the parent's (empty: none); {@code module}: rights over the child's own children only.
     */
    record Grant(Optional<String> file, Optional<List<String>> network, boolean module) {
        public Grant {
            network = network.map(List::copyOf);
        }

        public static Grant none() {
            return new Grant(Optional.empty(), Optional.empty(), false);
        }

        /** The authorities this grant names. */
        public java.util.Set<Authority> authorities() {
            var out = java.util.EnumSet.noneOf(Authority.class);
            if (file.isPresent()) out.add(Authority.FILE);
            if (network.isPresent()) out.add(Authority.NETWORK);
            if (module) out.add(Authority.MODULE);
            return out;
        }
    }

    /** One child as {@link ListChildren} answers: its grant, what of it was revoked, its policy, whether it is loaded. */
    record Child(String name, Grant grant, List<Authority> revoked, boolean stopWithParent, boolean loaded) {
        public Child {
            revoked = List.copyOf(revoked);
        }
    }
}
