package dev.interstice.webgpu;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Finds and loads Dawn's shared library once per process: {@code -Dinterstice.webgpu.library=PATH} (or the
 * environment variable {@code INTERSTICE_WEBGPU_LIBRARY}) names one; otherwise the copy packed into this jar is
 * extracted next to the user's cache ({@code ~/.cache/interstice/natives}, keyed by size so a new build replaces it).
 */
public final class DawnLibrary {
    private static final String RESOURCE = "natives/linux-x86_64/libwebgpu_wrapper.so";
    private static Wgpu loaded;
    private static String failure;

    private DawnLibrary() {}

    /** The binding, or an exception saying why WebGPU is unavailable on this machine. */
    public static synchronized Wgpu load() {
        if (loaded != null) return loaded;
        if (failure != null) throw new UnavailableException(failure);
        try {
            Path lib = locate();
            loaded = new Wgpu(SymbolLookup.libraryLookup(lib, Arena.global()));
            return loaded;
        } catch (IOException | RuntimeException e) {
            failure = "cannot load Dawn (WebGPU): " + e.getMessage();
            throw new UnavailableException(failure);
        }
    }

    private static Path locate() throws IOException {
        String given = System.getProperty("interstice.webgpu.library", System.getenv("INTERSTICE_WEBGPU_LIBRARY"));
        if (given != null && !given.isBlank()) return Path.of(given);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64")))
            throw new IOException("this build ships Dawn for linux-x86_64 only (this is " + os + "-" + arch + ")");
        try (InputStream in = DawnLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null)
                throw new IOException(
                        "the jar holds no " + RESOURCE + " (built with -DskipNpm before Dawn was fetched?)");
            long size = resourceSize();
            Path dir = Path.of(System.getProperty("user.home"), ".cache", "interstice", "natives", "dawn-" + size);
            Path target = dir.resolve("libwebgpu_dawn.so");
            if (Files.isRegularFile(target) && Files.size(target) == size) return target;
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "dawn", ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        }
    }

    private static long resourceSize() throws IOException {
        var url = DawnLibrary.class.getResource(RESOURCE);
        if (url == null) return -1;
        var conn = url.openConnection();
        return conn.getContentLengthLong();
    }

    /** WebGPU cannot be used on this machine; the message says why. */
    public static final class UnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UnavailableException(String message) {
            super(message);
        }
    }
}
