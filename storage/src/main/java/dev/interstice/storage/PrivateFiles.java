package dev.interstice.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A node's data (rows, log, snapshots, module code, admin token) is readable by its owner only: directories are
 * created mode 700 and files 600, as part of their creation, so no umask can widen them. On file systems without
 * POSIX permissions (Windows) files are created as usual.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<?>[] NONE = new FileAttribute<?>[0];

    private PrivateFiles() {}

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The attributes that create a file with mode 600 (none without POSIX permissions). */
    public static FileAttribute<?>[] file(Path p) {
        return posix(p) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : NONE;
    }

    /** The attributes that create a directory with mode 700 (none without POSIX permissions). */
    public static FileAttribute<?>[] dir(Path p) {
        return posix(p) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIR)} : NONE;
    }

    /** Opens a file; if {@code options} create it, it is created mode 600. */
    public static FileChannel open(Path p, OpenOption... options) throws IOException {
        return FileChannel.open(p, Set.of(options), file(p));
    }

    /** Creates a directory and its missing parents, each mode 700 (existing ones are left as they are). */
    public static void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir, dir(dir));
    }

    /**
     * Makes an existing tree private: every directory 700, every regular file 600 (symbolic links are not followed).
     * Only entries whose mode differs are changed.
     */
    public static void restrict(Path root) throws IOException {
        if (!posix(root) || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                set(d, DIR);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                if (a.isRegularFile()) set(f, FILE);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void set(Path p, Set<PosixFilePermission> mode) throws IOException {
        if (!Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(mode))
            Files.setPosixFilePermissions(p, mode);
    }
}
