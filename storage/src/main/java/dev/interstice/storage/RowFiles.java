package dev.interstice.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Stateful tables: {@code rows/<enc(module)>/<enc(table)>/<hex(key)>.row}, one file per row.
 *
 * <pre>
 * row file := magic:u32 "ISRW" keyLen:u32 key rowLen:u32 row crc:u32     crc = CRC32C of everything before it
 * </pre>
 *
 * Keys longer than {@value #MAX_HEX_KEY} bytes would exceed file name limits: their file is
 * {@code ~<sha256(key) hex>.row} (the key itself is always inside the file).
 */
final class RowFiles {
    private RowFiles() {}

    static final int MAGIC = 0x57525349; // "ISRW" little endian
    static final int MAX_HEX_KEY = 120;
    static final String SUFFIX = ".row";
    static final String TMP_SUFFIX = ".tmp";
    private static final HexFormat HEX = HexFormat.of();

    /** Directory of a stateful table. Names keep [A-Za-z0-9_-]; every other UTF-8 byte becomes %XX. */
    static Path tableDir(Path rowsRoot, TableId id) {
        return rowsRoot.resolve(encodeName(id.module())).resolve(encodeName(id.table()));
    }

    static String encodeName(String s) {
        if (s.isEmpty()) return "%";
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                sb.append(c);
            } else {
                sb.append('%').append(HEX.toHexDigits(b));
            }
        }
        return sb.toString();
    }

    static String fileName(byte[] key) {
        if (key.length <= MAX_HEX_KEY) return HEX.formatHex(key) + SUFFIX;
        try {
            return "~" + HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(key)) + SUFFIX;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] encode(byte[] key, byte[] row) {
        Bytes.Sink s = new Bytes.Sink(16 + key.length + row.length);
        s.u32(MAGIC).u32(key.length).bytes(key).u32(row.length).bytes(row);
        s.u32(Bytes.crc32c(s.buf, 0, s.len));
        return Arrays.copyOf(s.buf, s.len);
    }

    /** Decodes a row file; returns {key, row} or throws StorageCorruptionException naming the file. */
    static byte[][] decode(Path file, byte[] b) {
        try {
            if (b.length < 16) throw new Bytes.FormatException("file too short (" + b.length + " bytes)");
            int crc = Bytes.getInt(b, b.length - 4);
            if (Bytes.crc32c(b, 0, b.length - 4) != crc) throw new Bytes.FormatException("CRC mismatch");
            Bytes.Source in = new Bytes.Source(b, 0, b.length - 4);
            if (in.u32() != MAGIC) throw new Bytes.FormatException("bad magic");
            int kl = in.u32();
            if (kl < 0 || kl > b.length) throw new Bytes.FormatException("bad key length");
            byte[] key = Arrays.copyOfRange(b, in.pos, in.pos + kl);
            in.pos += kl;
            int rl = in.u32();
            if (rl < 0 || in.pos + rl != in.limit) throw new Bytes.FormatException("bad row length");
            byte[] row = Arrays.copyOfRange(b, in.pos, in.pos + rl);
            if (!fileName(key).equals(file.getFileName().toString()))
                throw new Bytes.FormatException("file name does not match the key inside");
            return new byte[][] {key, row};
        } catch (Bytes.FormatException e) {
            throw new StorageCorruptionException(file, 0, "bad row file: " + e.getMessage());
        }
    }

    /** Writes a row file atomically: tmp, fsync, rename. The caller fsyncs the directory once per batch. */
    static void write(Path dir, byte[] key, byte[] row) throws IOException {
        String name = fileName(key);
        Path target = dir.resolve(name);
        Path tmp = dir.resolve(name + TMP_SUFFIX);
        try (FileChannel ch = PrivateFiles.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(encode(key, row)));
            ch.force(false);
        }
        AtomicFiles.move(tmp, target);
    }

    static void delete(Path dir, byte[] key) throws IOException {
        AtomicFiles.deleteIfExists(dir.resolve(fileName(key)));
    }

    static boolean isRowFile(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(SUFFIX);
    }

    /** Deletes a directory tree (no fsync). */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                AtomicFiles.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) throw exc;
                AtomicFiles.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes every file in a directory (not subdirectories' contents). */
    static void deleteAllFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p)) deleteTree(p);
                else AtomicFiles.deleteIfExists(p);
            }
        }
    }
}
