package dev.interstice.runtime.authority;

import dev.interstice.abi.schema.Authority;
import dev.interstice.runtime.authority.audio.AudioSettings;
import dev.interstice.runtime.authority.file.FileLimits;
import dev.interstice.runtime.authority.network.NetworkPolicy;
import dev.interstice.runtime.authority.window.WindowSettings;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which authorities a node offers and how far they reach. {@code fileRoot}: the one directory the File authority
 * works in (null: {@code files/} in the node's data directory; a node without one offers no File authority unless
 * given a root). {@code network}: where the Network authority may connect and listen. {@code fileLimits}: how much
 * one File call may read, write, list or copy. {@code window}: the node's window, which Gpu and Input need (see
 * {@link WindowSettings}; none by default). {@code audio}: where the Audio authority's streams go (a sound device or
 * WAV files); Audio is offered only when its output can go somewhere.
 */
public record AuthorityConfig(
        Set<Authority> offered,
        Path fileRoot,
        NetworkPolicy network,
        FileLimits fileLimits,
        WindowSettings window,
        AudioSettings audio) {

    public AuthorityConfig {
        offered = offered.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(offered));
    }

    public AuthorityConfig(Set<Authority> offered, Path fileRoot, NetworkPolicy network, FileLimits fileLimits) {
        this(offered, fileRoot, network, fileLimits, WindowSettings.none(), AudioSettings.defaults());
    }

    public AuthorityConfig(Set<Authority> offered, Path fileRoot, NetworkPolicy network) {
        this(offered, fileRoot, network, FileLimits.defaults());
    }

    /**
     * What a node without a display offers: Module, File, Network (loopback only) and Audio (when there is a sound
     * device or an output file).
     */
    public static AuthorityConfig headless() {
        return new AuthorityConfig(
                EnumSet.of(Authority.MODULE, Authority.FILE, Authority.NETWORK, Authority.AUDIO),
                null,
                NetworkPolicy.loopbackOnly());
    }

    /**
     * Whether the node offers {@code a}; File only with a file root (see {@link #withDefaultFileRoot}), Audio only when
     * its output can go somewhere ({@link AudioSettings#usable}).
     */
    public boolean offers(Authority a) {
        return offered.contains(a)
                && (a != Authority.FILE || fileRoot != null)
                && (a != Authority.AUDIO || audio.usable());
    }

    /** This configuration with its file root defaulted to {@code files/} in {@code dataDir} (when there is one). */
    public AuthorityConfig withDefaultFileRoot(Path dataDir) {
        return fileRoot != null || dataDir == null ? this : withFileRoot(dataDir.resolve("files"));
    }

    public AuthorityConfig withOffered(Set<Authority> a) {
        return new AuthorityConfig(a, fileRoot, network, fileLimits, window, audio);
    }

    public AuthorityConfig withFileRoot(Path root) {
        return new AuthorityConfig(offered, root, network, fileLimits, window, audio);
    }

    public AuthorityConfig withNetwork(NetworkPolicy p) {
        return new AuthorityConfig(offered, fileRoot, p, fileLimits, window, audio);
    }

    public AuthorityConfig withFileLimits(FileLimits l) {
        return new AuthorityConfig(offered, fileRoot, network, l, window, audio);
    }

    public AuthorityConfig withWindow(WindowSettings w) {
        return new AuthorityConfig(offered, fileRoot, network, fileLimits, w, audio);
    }

    public AuthorityConfig withAudio(AudioSettings a) {
        return new AuthorityConfig(offered, fileRoot, network, fileLimits, window, a);
    }
}
