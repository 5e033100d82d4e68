package dev.interstice.runtime.testing;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/** Assembles WebAssembly text (WAT) into binary modules for test fixtures. */
public final class Wat {

    // wat2wasm runs as a wasm guest itself (~15 ms warm): assemble each distinct text once per JVM.
    private static final ConcurrentHashMap<String, byte[]> CACHE = new ConcurrentHashMap<>();

    private Wat() {}

    /** Assembles WAT text; throws IllegalArgumentException with wat2wasm's diagnostics if it does not assemble. */
    public static byte[] assemble(String watText) {
        return CACHE.computeIfAbsent(watText, Wat::doAssemble).clone();
    }

    /**
     * Loads a {@code .wat} file from the test classpath (e.g. {@code "engine/loop.wat"}) and assembles it.
     */
    public static byte[] resource(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) {
            cl = Wat.class.getClassLoader();
        }
        try (InputStream in = cl.getResourceAsStream(p)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + p);
            }
            return assemble(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read test resource " + p, e);
        }
    }

    private static byte[] doAssemble(String watText) {
        try {
            return Wat2Wasm.parse(watText);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("WAT does not assemble: " + e.getMessage() + "\n" + watText, e);
        }
    }
}
