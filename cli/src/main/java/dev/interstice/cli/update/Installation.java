package dev.interstice.cli.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * An installed interstice, laid out by {@code scripts/install.sh}: {@code PREFIX/lib/interstice/<version>/} per
 * version, {@code current} and {@code previous} symbolic links to two of them, {@code PREFIX/bin/interstice} through
 * {@code current}. Switching versions is one rename of a new link over {@code current}: a command started meanwhile
 * runs one version or the other, never a mix.
 */
public record Installation(Path prefix) {
    public Path root() {
        return prefix.resolve("lib").resolve("interstice");
    }

    /**
     * The installation the running command belongs to, from the directory its launcher runs it from (the
     * {@code interstice.repo} property: an installed version's directory, or a checkout).
     */
    public static Optional<Installation> ofRunningCommand() {
        String app = System.getProperty("interstice.repo");
        if (app == null) return Optional.empty();
        try {
            Path root = Path.of(app).toRealPath().getParent();
            if (root == null || !Files.isSymbolicLink(root.resolve("current"))) return Optional.empty();
            Path lib = root.getParent();
            return lib == null || lib.getParent() == null
                    ? Optional.empty()
                    : Optional.of(new Installation(lib.getParent()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The version {@code current} points to. */
    public ReleaseVersion current() {
        return link("current")
                .orElseThrow(() -> new UpdateException("no interstice is installed under " + prefix + " (no "
                        + root().resolve("current") + "); install one with install.sh --prefix " + prefix));
    }

    /** The version the last update or install replaced, if it is still there. */
    public Optional<ReleaseVersion> previous() {
        return link("previous")
                .filter(v -> Files.isExecutable(versionDir(v).resolve("bin").resolve("interstice")));
    }

    public Path versionDir(ReleaseVersion v) {
        return root().resolve(v.toString());
    }

    private Optional<ReleaseVersion> link(String name) {
        Path l = root().resolve(name);
        if (!Files.isSymbolicLink(l)) return Optional.empty();
        try {
            return Optional.of(
                    ReleaseVersion.parse(Files.readSymbolicLink(l).getFileName().toString()));
        } catch (IOException | UpdateException e) {
            return Optional.empty();
        }
    }

    /** Points {@code name} (current or previous) at version {@code v}, atomically. */
    public void point(String name, ReleaseVersion v) {
        Path tmp = root().resolve("." + name + "-" + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, Path.of(v.toString()));
            Files.move(tmp, root().resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UpdateException("cannot switch " + root().resolve(name) + " to " + v + ": " + e.getMessage(), e);
        }
    }
}
