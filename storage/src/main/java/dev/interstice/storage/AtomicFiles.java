package dev.interstice.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Small crash-safe file helpers (also usable by the runtime for its own metadata files). */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Replaces {@code target} with {@code data} atomically and durably: writes {@code <name>.tmp} in the same
     * directory, fsyncs it, renames it over the target and fsyncs the directory. After a crash the file holds
     * either the old or the new content.
     */
    public static void write(Path target, byte[] data) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = PrivateFiles.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, ByteBuffer.wrap(data));
            ch.force(true);
        }
        move(tmp, target);
        fsyncDirectory(parentOf(target));
    }

    /** Renames atomically (replacing the target). Does not fsync the directory. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("file system cannot rename atomically: " + from + " -> " + to, e);
        }
    }

    /** fsyncs a directory so that creates/renames/deletes of its entries survive a crash. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open directories; Linux can, and there a failure is real.
            if (System.getProperty("os.name", "").toLowerCase().contains("win")) return;
            throw e;
        }
    }

    /** Creates the directory (and missing parents, all mode 700) and fsyncs every parent whose entries changed. */
    static void createDirectoriesDurably(Path dir) throws IOException {
        dir = dir.toAbsolutePath();
        if (Files.isDirectory(dir)) return;
        Path parent = dir.getParent();
        if (parent != null) createDirectoriesDurably(parent);
        try {
            Files.createDirectory(dir, PrivateFiles.dir(dir));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) throw e;
            return;
        }
        if (parent != null) fsyncDirectory(parent);
    }

    static void deleteIfExists(Path p) throws IOException {
        try {
            Files.deleteIfExists(p);
        } catch (NoSuchFileException ignored) {
            // raced with another delete
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }

    static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) position += ch.write(buf, position);
    }

    static Path parentOf(Path p) {
        Path parent = p.toAbsolutePath().getParent();
        if (parent == null) throw new IllegalArgumentException("no parent directory: " + p);
        return parent;
    }
}
