package dev.interstice.runtime.authority.file;

import dev.interstice.storage.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The File authority's one directory. Turns a guest path (relative, '/'-separated) into a host path inside it, or
 * refuses it saying why: absolute paths, {@code ..} above the root, NUL and backslash, and any path that goes through
 * a symbolic link leading out of the root (at any component) or nowhere (dangling, looping). Existing components are
 * resolved to their real paths, so the answer names no link a later swap could redirect; the final component is then
 * opened without following links.
 */
public final class FileRoot {
    /** Longest guest path accepted, in UTF-8 bytes (as the usual PATH_MAX). */
    static final int MAX_PATH_BYTES = 4096;

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    /** A refused path or operation; the message is what the guest reads. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A guest path inside the root: {@code path} on the host, {@code rel} the normalised guest path ('' is the root),
     * used in answers, errors and events.
     */
    record Resolved(Path path, String rel) {
        boolean isRoot() {
            return rel.isEmpty();
        }

        /** How errors name it. */
        String quoted() {
            return rel.isEmpty() ? "the file root" : "'" + rel + "'";
        }
    }

    private final Path root;

    /** Creates the directory (mode 700) when missing. */
    public FileRoot(Path dir) throws IOException {
        PrivateFiles.createDirectories(dir);
        this.root = dir.toRealPath();
    }

    Path path() {
        return root;
    }

    /**
     * The directory {@code guest} inside this root as a root of its own (a child module's, docs/security.md): resolved
     * as every guest path is (no {@code ..} above the root, no link leading out), created (mode 700) when missing,
     * refused when it is anything but a directory. Its real path is kept, so renaming or relinking the name later
     * moves nothing.
     */
    public FileRoot subRoot(String guest) throws Refused {
        Resolved r = resolve(guest);
        try {
            if (!Files.exists(r.path(), NOFOLLOW)) PrivateFiles.createDirectories(r.path());
            if (!Files.isDirectory(r.path(), NOFOLLOW))
                throw new Refused(r.quoted() + " is not a directory, so it cannot be a file root");
            return new FileRoot(r.path());
        } catch (IOException e) {
            throw new Refused(FileErrors.of("create the directory", r, e));
        }
    }

    /** Where this root is on the host (for messages to the node's operator). */
    public Path hostPath() {
        return root;
    }

    /** The guest path with every existing component resolved (symbolic links inside the root are followed). */
    Resolved resolve(String guest) throws Refused {
        List<String> parts = normalise(guest);
        return new Resolved(walk(guest, parts, parts.size()), String.join("/", parts));
    }

    /**
     * The guest path with its parent resolved and its last component left as it is (not followed): for operations on
     * the entry itself (remove, rename, copy target), which must act on a link, never on what it points to.
     */
    Resolved resolveEntry(String guest) throws Refused {
        List<String> parts = normalise(guest);
        if (parts.isEmpty()) return new Resolved(root, "");
        Path parent = walk(guest, parts, parts.size() - 1);
        return new Resolved(host(guest, parent, parts.getLast()), String.join("/", parts));
    }

    /** The root-relative, '/'-separated name of a host path inside the root. */
    String relative(Path p) {
        Path r = root.relativize(p);
        var parts = new ArrayList<String>();
        for (Path c : r) parts.add(c.toString());
        return String.join("/", parts);
    }

    private Path walk(String guest, List<String> parts, int count) throws Refused {
        Path p = root;
        for (int i = 0; i < count; i++) {
            Path next = host(guest, p, parts.get(i));
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(next, BasicFileAttributes.class, NOFOLLOW);
            } catch (NoSuchFileException e) {
                for (int j = i + 1; j < count; j++) next = host(guest, next, parts.get(j));
                return next; // the rest does not exist yet: no links in it
            } catch (IOException e) {
                throw new Refused("path '" + shown(guest) + "' cannot be read: " + FileErrors.reason(e));
            }
            if (a.isSymbolicLink()) next = followLink(guest, next);
            p = next;
        }
        return p;
    }

    private Path followLink(String guest, Path link) throws Refused {
        Path real;
        try {
            real = link.toRealPath();
        } catch (FileSystemException e) {
            throw new Refused("path '" + shown(guest) + "' goes through a symbolic link that leads nowhere or loops ("
                    + FileErrors.reason(e) + ")");
        } catch (IOException e) {
            throw new Refused("path '" + shown(guest) + "' goes through a symbolic link that cannot be followed");
        }
        if (!real.startsWith(root)) throw outside(guest, "through a symbolic link");
        return real;
    }

    private static Path host(String guest, Path dir, String name) throws Refused {
        try {
            return dir.resolve(name);
        } catch (InvalidPathException e) {
            throw new Refused("path '" + shown(guest) + "' cannot be represented on this node's file system");
        }
    }

    /** The path's components without '.', with '..' applied; refuses what would leave the root. */
    public static List<String> normalise(String guest) throws Refused {
        if (guest.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES)
            throw new Refused("a path longer than " + MAX_PATH_BYTES + " bytes is refused");
        if (guest.indexOf('\0') >= 0) throw new Refused("path '" + shown(guest) + "' contains a NUL character");
        if (guest.indexOf('\\') >= 0)
            throw new Refused("path '" + guest
                    + "' contains a backslash; separate directories with '/' (paths are the same on" + " every node)");
        if (guest.startsWith("/") || guest.matches("^[A-Za-z]:.*")) throw outside(guest, "absolute paths are refused");
        var parts = new ArrayList<String>();
        for (String c : guest.split("/", -1)) {
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) {
                if (parts.isEmpty()) throw outside(guest, "'..' above the root");
                parts.removeLast();
            } else parts.add(c);
        }
        return parts;
    }

    private static Refused outside(String guest, String why) {
        return new Refused("path '" + shown(guest) + "' is outside the file root (" + why
                + "; paths are relative to the module's file root)");
    }

    /** A guest path as errors show it: control characters escaped. */
    static String shown(String guest) {
        var sb = new StringBuilder(guest.length());
        guest.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", c));
            else sb.appendCodePoint(c);
        });
        return sb.toString();
    }
}
