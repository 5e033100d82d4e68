package dev.interstice.runtime.authority.file;

import dev.interstice.abi.codec.AuthorityCodec;
import dev.interstice.abi.host.FileCall;
import dev.interstice.storage.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * Serves the File authority's calls against one {@link FileRoot}, immediately (the file system is not
 * transactional: a reducer reads its own writes, and a write stays when the reducer later traps). Every call is
 * bounded by {@link FileLimits}; a refused call changes nothing. Hard-linked regular files (link count above one) are
 * refused for reading, writing and copying: the node cannot tell where the other names are, so one may be outside
 * the root (a module cannot make hard links; only someone with access to the host can).
 */
public final class FileAuthority {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final FileRoot root;
    private final FileLimits limits;

    public FileAuthority(FileRoot root, FileLimits limits) {
        this.root = root;
        this.limits = limits;
    }

    FileRoot root() {
        return root;
    }

    public byte[] handle(FileCall call) {
        try {
            return switch (call) {
                case FileCall.ReadFile c -> AuthorityCodec.bytesOk(read(root.resolve(c.path())));
                case FileCall.WriteFile c -> write(c);
                case FileCall.ListDir c -> AuthorityCodec.dirOk(list(root.resolve(c.path())));
                case FileCall.Metadata c -> AuthorityCodec.metadataOk(metadata(root.resolve(c.path())));
                case FileCall.CreateDir c -> createDir(root.resolve(c.path()), c.recursive());
                case FileCall.RemoveFile c -> removeFile(root.resolveEntry(c.path()));
                case FileCall.RemoveDir c -> removeDir(root.resolveEntry(c.path()), c.recursive());
                case FileCall.Rename c -> rename(root.resolveEntry(c.from()), root.resolveEntry(c.to()));
                case FileCall.Copy c -> copy(root.resolve(c.from()), root.resolveEntry(c.to()), c.recursive());
            };
        } catch (FileRoot.Refused e) {
            return AuthorityCodec.err(e.getMessage());
        }
    }

    private byte[] read(FileRoot.Resolved r) throws FileRoot.Refused {
        BasicFileAttributes a = plainFile("read", r);
        if (a.size() > limits.maxReadBytes()) throw tooLarge(r, a.size());
        try (FileChannel ch = FileChannel.open(r.path(), StandardOpenOption.READ, NOFOLLOW)) {
            // read at most one byte past the limit: the file may have grown since it was measured
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min((long) limits.maxReadBytes() + 1, a.size() + 1));
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                if (!buf.hasRemaining() && buf.capacity() <= limits.maxReadBytes()) buf = grow(buf);
            }
            if (buf.position() > limits.maxReadBytes()) throw tooLarge(r, buf.position());
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        } catch (IOException e) {
            throw new FileRoot.Refused(FileErrors.of("read", r, e));
        }
    }

    private ByteBuffer grow(ByteBuffer buf) {
        int cap = (int) Math.min((long) limits.maxReadBytes() + 1, Math.max(4096L, buf.capacity() * 2L));
        return ByteBuffer.allocate(cap).put(buf.flip());
    }

    private FileRoot.Refused tooLarge(FileRoot.Resolved r, long size) {
        return new FileRoot.Refused("cannot read " + r.quoted() + ": it has " + size
                + " bytes, more than the read limit of " + limits.maxReadBytes() + " bytes");
    }

    private byte[] write(FileCall.WriteFile c) throws FileRoot.Refused {
        if (c.data().length > limits.maxWriteBytes())
            throw new FileRoot.Refused("cannot write " + c.data().length + " bytes to '" + FileRoot.shown(c.path())
                    + "': more than the write limit of " + limits.maxWriteBytes() + " bytes per call");
        FileRoot.Resolved r = root.resolve(c.path());
        if (exists(r)) plainFile("write", r);
        try (FileChannel ch = PrivateFiles.open(
                r.path(),
                StandardOpenOption.WRITE,
                StandardOpenOption.CREATE,
                c.append() ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
                NOFOLLOW)) {
            ByteBuffer b = ByteBuffer.wrap(c.data());
            while (b.hasRemaining()) ch.write(b);
        } catch (IOException e) {
            throw new FileRoot.Refused(FileErrors.of("write", r, e));
        }
        return AuthorityCodec.ok();
    }

    private List<FileCall.DirEntry> list(FileRoot.Resolved r) throws FileRoot.Refused {
        var out = new ArrayList<FileCall.DirEntry>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(r.path())) {
            for (Path p : ds) {
                if (out.size() == limits.maxListEntries())
                    throw new FileRoot.Refused("cannot list " + r.quoted() + ": it has more than "
                            + limits.maxListEntries() + " entries (the listing limit)");
                String name = p.getFileName().toString();
                out.add(new FileCall.DirEntry(name, r.isRoot() ? name : r.rel() + "/" + name, typeOf(p)));
            }
        } catch (IOException e) {
            throw new FileRoot.Refused(FileErrors.of("list", r, e));
        }
        out.sort(Comparator.comparing(FileCall.DirEntry::name));
        return out;
    }

    private static FileCall.FileType typeOf(Path p) {
        try {
            return type(Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW));
        } catch (IOException e) {
            return FileCall.FileType.OTHER; // vanished while listing
        }
    }

    private static FileCall.FileType type(BasicFileAttributes a) {
        if (a.isRegularFile()) return FileCall.FileType.FILE;
        if (a.isDirectory()) return FileCall.FileType.DIRECTORY;
        if (a.isSymbolicLink()) return FileCall.FileType.SYMLINK;
        return FileCall.FileType.OTHER;
    }

    private static FileCall.FileMetadata metadata(FileRoot.Resolved r) throws FileRoot.Refused {
        try {
            BasicFileAttributes a = Files.readAttributes(r.path(), BasicFileAttributes.class, NOFOLLOW);
            return new FileCall.FileMetadata(
                    type(a),
                    a.size(),
                    readonly(r.path()),
                    OptionalLong.of(a.creationTime().to(java.util.concurrent.TimeUnit.SECONDS)),
                    OptionalLong.of(a.lastModifiedTime().to(java.util.concurrent.TimeUnit.SECONDS)));
        } catch (IOException e) {
            throw new FileRoot.Refused(FileErrors.of("read the metadata of", r, e));
        }
    }

    /** No one may write it (no write permission bit at all), as upstream's {@code readonly()}. */
    private static boolean readonly(Path p) throws IOException {
        if (!p.getFileSystem().supportedFileAttributeViews().contains("posix")) return !Files.isWritable(p);
        var perms = Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW).permissions();
        return !perms.contains(PosixFilePermission.OWNER_WRITE)
                && !perms.contains(PosixFilePermission.GROUP_WRITE)
                && !perms.contains(PosixFilePermission.OTHERS_WRITE);
    }

    private static byte[] createDir(FileRoot.Resolved r, boolean recursive) throws FileRoot.Refused {
        try {
            if (recursive) PrivateFiles.createDirectories(r.path());
            else Files.createDirectory(r.path(), PrivateFiles.dir(r.path()));
        } catch (IOException e) {
            throw new FileRoot.Refused(FileErrors.of("create the directory", r, e));
        }
        return AuthorityCodec.ok();
    }

    private static byte[] removeFile(FileRoot.Resolved r) throws FileRoot.Refused {
        refuseRoot("remove", r);
        try {
            if (Files.readAttributes(r.path(), BasicFileAttributes.class, NOFOLLOW)
                    .isDirectory())
                throw new FileRoot.Refused(
                        "cannot remove " + r.quoted() + ": it is a directory (remove it as a directory)");
            Files.delete(r.path());
        } catch (IOException e) {
            throw new FileRoot.Refused(FileErrors.of("remove", r, e));
        }
        return AuthorityCodec.ok();
    }

    private static byte[] removeDir(FileRoot.Resolved r, boolean recursive) throws FileRoot.Refused {
        refuseRoot("remove", r);
        try {
            if (!Files.readAttributes(r.path(), BasicFileAttributes.class, NOFOLLOW)
                    .isDirectory())
                throw new FileRoot.Refused("cannot remove " + r.quoted() + ": it is not a directory");
            if (recursive) deleteTree(r.path());
            else Files.delete(r.path());
        } catch (IOException e) {
            throw new FileRoot.Refused(FileErrors.of("remove", r, e));
        }
        return AuthorityCodec.ok();
    }

    /** Deletes a tree without following links (a link inside is removed itself, never what it points to). */
    private static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) throw e;
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static byte[] rename(FileRoot.Resolved from, FileRoot.Resolved to) throws FileRoot.Refused {
        refuseRoot("rename", from);
        refuseRoot("replace", to);
        if (to.path().startsWith(from.path()) && !to.path().equals(from.path()))
            throw new FileRoot.Refused(
                    "cannot move " + from.quoted() + " into itself (" + to.quoted() + " is inside it)");
        try {
            try {
                Files.move(from.path(), to.path(), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from.path(), to.path(), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new FileRoot.Refused(
                    "cannot rename " + from.quoted() + " to " + to.quoted() + ": " + FileErrors.reason(e));
        }
        return AuthorityCodec.ok();
    }

    private byte[] copy(FileRoot.Resolved from, FileRoot.Resolved to, boolean recursive) throws FileRoot.Refused {
        refuseRoot("replace", to);
        try {
            BasicFileAttributes a = Files.readAttributes(from.path(), BasicFileAttributes.class, NOFOLLOW);
            if (a.isDirectory()) {
                if (!recursive)
                    throw new FileRoot.Refused(
                            "cannot copy " + from.quoted() + ": it is a directory (copy it recursively)");
                if (to.path().startsWith(from.path()))
                    throw new FileRoot.Refused(
                            "cannot copy " + from.quoted() + " into itself (" + to.quoted() + " is inside it)");
                List<Path> entries = checkTree(from);
                PrivateFiles.createDirectories(to.path());
                for (Path p : entries)
                    copyEntry(p, to.path().resolve(from.path().relativize(p)));
            } else {
                plainFile("copy", from);
                if (a.size() > limits.maxCopyBytes()) throw copyTooLarge(from, a.size());
                Files.copy(from.path(), to.path(), StandardCopyOption.REPLACE_EXISTING, NOFOLLOW);
            }
        } catch (IOException e) {
            throw new FileRoot.Refused(
                    "cannot copy " + from.quoted() + " to " + to.quoted() + ": " + FileErrors.reason(e));
        }
        return AuthorityCodec.ok();
    }

    /** Every entry below a directory, parents first, once checked: only files, directories, links; within limits. */
    private List<Path> checkTree(FileRoot.Resolved from) throws IOException, FileRoot.Refused {
        var entries = new ArrayList<Path>();
        long total = 0;
        try (var walk = Files.walk(from.path())) { // does not follow links
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.equals(from.path())) continue;
                var r = new FileRoot.Resolved(p, root.relative(p));
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
                if (a.isRegularFile()) {
                    plainFile("copy", r);
                    total += a.size();
                    if (total > limits.maxCopyBytes()) throw copyTooLarge(from, total);
                } else if (a.isOther()) throw notPlain("copy", r);
                entries.add(p);
            }
        }
        return entries;
    }

    /** Copies one entry of a checked tree: a directory is made, a file copied, a link copied as a link. */
    private static void copyEntry(Path src, Path dst) throws IOException {
        if (Files.isDirectory(src, NOFOLLOW)) {
            if (!Files.isDirectory(dst, NOFOLLOW)) Files.createDirectory(dst, PrivateFiles.dir(dst));
        } else Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING, NOFOLLOW);
    }

    private FileRoot.Refused copyTooLarge(FileRoot.Resolved r, long size) {
        return new FileRoot.Refused("cannot copy " + r.quoted() + ": it holds " + size
                + " bytes or more, more than the copy limit of " + limits.maxCopyBytes() + " bytes");
    }

    private static void refuseRoot(String op, FileRoot.Resolved r) throws FileRoot.Refused {
        if (r.isRoot()) throw new FileRoot.Refused("cannot " + op + " the file root itself");
    }

    private static boolean exists(FileRoot.Resolved r) {
        return Files.exists(r.path(), NOFOLLOW);
    }

    /** The attributes of a regular file with one name; refuses directories, devices, pipes, sockets, hard links. */
    private static BasicFileAttributes plainFile(String op, FileRoot.Resolved r) throws FileRoot.Refused {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(r.path(), BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            throw new FileRoot.Refused("cannot " + op + " " + r.quoted() + ": it does not exist");
        } catch (IOException e) {
            throw new FileRoot.Refused(FileErrors.of(op, r, e));
        }
        if (a.isDirectory()) throw new FileRoot.Refused("cannot " + op + " " + r.quoted() + ": it is a directory");
        if (!a.isRegularFile()) throw notPlain(op, r);
        int links = linkCount(r.path());
        if (links > 1)
            throw new FileRoot.Refused("cannot " + op + " " + r.quoted() + ": it has " + links
                    + " hard links, and the File authority refuses hard-linked files (another name may be outside"
                    + " the file root)");
        return a;
    }

    private static FileRoot.Refused notPlain(String op, FileRoot.Resolved r) {
        return new FileRoot.Refused("cannot " + op + " " + r.quoted()
                + ": it is not a regular file (devices, pipes and sockets are refused)");
    }

    private static int linkCount(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:nlink", NOFOLLOW);
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return 1; // a file system without link counts
        }
    }
}
