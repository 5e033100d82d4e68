package dev.interstice.runtime.authority;

import dev.interstice.abi.schema.Authority;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which authorities a node offers and how far they reach. {@code fileRoot}: the one directory the File authority
 * works in (null: {@code files/} in the node's data directory; a node without one offers no File authority unless
 * given a root). {@code network}: where the Network authority may connect and listen.
 */
public record AuthorityConfig(Set<Authority> offered, Path fileRoot, NetworkPolicy network) {

    public AuthorityConfig {
        offered = offered.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(offered));
    }

    /** What a node without a display offers: Module, File and Network (loopback only). */
    public static AuthorityConfig headless() {
        return new AuthorityConfig(
                EnumSet.of(Authority.MODULE, Authority.FILE, Authority.NETWORK), null, NetworkPolicy.loopbackOnly());
    }

    public boolean offers(Authority a) {
        return offered.contains(a);
    }

    public AuthorityConfig withOffered(Set<Authority> a) {
        return new AuthorityConfig(a, fileRoot, network);
    }

    public AuthorityConfig withFileRoot(Path root) {
        return new AuthorityConfig(offered, root, network);
    }

    public AuthorityConfig withNetwork(NetworkPolicy p) {
        return new AuthorityConfig(offered, fileRoot, p);
    }
}
