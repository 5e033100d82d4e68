package dev.interstice.cli.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A node image on disk: {@code bin/main.wasm} (required, the module loaded first), {@code usr/lib/*.wasm} (loaded
 * after it, by name), {@code etc/node.toml} ({@link ImageConfig}, optional) and {@code data/} (optional: a node's
 * {@code storage/} and the module state of its {@code node.properties}). Its {@link #hash} is a SHA-256 over every
 * file's path and content, so the same image has the same hash as a directory and as an archive.
 */
public record Image(Path root, String hash, ImageConfig config, Path main, List<Path> libraries, Path data) {
    public static final String MAIN = "bin/main.wasm";
    public static final String LIBRARIES = "usr/lib";
    public static final String CONFIG = "etc/node.toml";
    public static final String DATA = "data";

    /** Limits on an archive's contents: a tar from elsewhere must not fill the disk. */
    static final long MAX_BYTES = 4L << 30;

    static final int MAX_FILES = 100_000;

    /** Opens an image directory, or a tar archive unpacked into {@code scratch} (an empty directory). */
    public static Image open(Path source, Path scratch) throws IOException {
        Path root;
        if (Files.isDirectory(source)) root = source;
        else if (Files.isRegularFile(source)) {
            unpack(source, scratch);
            root = scratch;
        } else throw new IOException("no image at " + source + " (a directory or a .tar archive)");
        Path main = root.resolve(MAIN);
        if (!Files.isRegularFile(main))
            throw new IOException(source + " is not an image: it has no " + MAIN + " (the module started first)");
        List<Path> libs = new ArrayList<>();
        Path lib = root.resolve(LIBRARIES);
        if (Files.isDirectory(lib))
            try (Stream<Path> s = Files.list(lib)) {
                s.filter(p -> p.getFileName().toString().endsWith(".wasm"))
                        .sorted()
                        .forEach(libs::add);
            }
        Path conf = root.resolve(CONFIG);
        ImageConfig config = Files.isRegularFile(conf)
                ? ImageConfig.parse(Files.readString(conf))
                : new ImageConfig("", ImageConfig.DEFAULT_PORT, List.of());
        Path data = root.resolve(DATA);
        return new Image(root, hash(root), config, main, libs, Files.isDirectory(data) ? data : null);
    }

    /**
     * Writes an image's modules and configuration into {@code root}: {@code main} as {@link #MAIN}, every other module
     * of {@code modules} (name to code) as {@code usr/lib/<name>.wasm}, and {@code config} as {@link #CONFIG}.
     */
    public static void write(Path root, String main, Map<String, byte[]> modules, ImageConfig config)
            throws IOException {
        for (var m : modules.entrySet()) {
            Path to = m.getKey().equals(main)
                    ? root.resolve(MAIN)
                    : root.resolve(LIBRARIES).resolve(m.getKey() + ".wasm");
            Files.createDirectories(to.getParent());
            Files.write(to, m.getValue());
        }
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve(CONFIG), config.toToml());
    }

    /** {@code sha256:<hex>} over every regular file, by relative path: {@code path NUL size:u64 BE content}. */
    public static String hash(Path root) throws IOException {
        MessageDigest sha = sha256();
        for (String rel : files(root)) {
            Path p = root.resolve(rel);
            sha.update(rel.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            long size = Files.size(p);
            for (int i = 7; i >= 0; i--) sha.update((byte) (size >>> (8 * i)));
            try (InputStream in = Files.newInputStream(p)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    /** Writes the directory {@code root} as a tar archive whose bytes depend only on the files (sorted, no times). */
    public static void pack(Path root, OutputStream out) throws IOException {
        try (var tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (String rel : files(root)) {
                Path p = root.resolve(rel);
                var e = new TarArchiveEntry(rel);
                e.setSize(Files.size(p));
                e.setMode(0100644);
                e.setLastModifiedTime(FileTime.fromMillis(0));
                tar.putArchiveEntry(e);
                Files.copy(p, tar);
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
    }

    /** Relative paths ('/'-separated) of the regular files under {@code root}, sorted. */
    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        }
    }

    /** Unpacks regular files and directories only, each strictly inside {@code into}; refuses anything else. */
    private static void unpack(Path archive, Path into) throws IOException {
        Path base = into.toAbsolutePath().normalize();
        long bytes = 0;
        int files = 0;
        try (var tar = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                String name = e.getName();
                Path target = base.resolve(name).normalize();
                if (name.startsWith("/") || !target.startsWith(base) || target.equals(base) && !e.isDirectory())
                    throw new IOException(archive + ": entry '" + name + "' points outside the image");
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                if (!e.isFile())
                    throw new IOException(archive + ": entry '" + name + "' is not a regular file or directory");
                if (++files > MAX_FILES) throw new IOException(archive + ": more than " + MAX_FILES + " files");
                bytes += e.getSize();
                if (bytes > MAX_BYTES) throw new IOException(archive + ": more than " + (MAX_BYTES >> 30) + " GiB");
                Files.createDirectories(target.getParent());
                Files.copy(tar, target);
            }
        } catch (IllegalArgumentException malformed) {
            throw new IOException(archive + " is not a tar archive: " + malformed.getMessage(), malformed);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
