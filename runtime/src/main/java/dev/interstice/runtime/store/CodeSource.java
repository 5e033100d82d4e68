package dev.interstice.runtime.store;

import java.io.IOException;

/**
 * One place the node may fetch module code from by its SHA-256 when its own content store lacks it: a peer, a
 * directory, a URL (docs/store.md, "Modules by content address"). {@link CodeChain} asks the places in order and
 * verifies what they answer, so a source need not be trusted.
 */
public interface CodeSource {
    /** Where, for messages: {@code peer 10.0.0.2:7000}, {@code directory /srv/wasm}, {@code https://...}. */
    String describe();

    /**
     * The bytes this place holds under {@code hash} (not yet verified), or null when it has none. Throws with the
     * reason when the place could not be asked or answered badly (unreachable, refused, too large).
     */
    byte[] fetch(String hash) throws IOException;
}
