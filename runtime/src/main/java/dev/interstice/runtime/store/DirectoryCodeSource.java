package dev.interstice.runtime.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Module code kept in a directory as {@code <dir>/<sha256>.wasm} (e.g. a shared or mounted folder of modules). */
public record DirectoryCodeSource(Path dir) implements CodeSource {
    @Override
    public String describe() {
        return "directory " + dir;
    }

    @Override
    public byte[] fetch(String hash) throws IOException {
        if (!Blobs.isHash(hash)) throw new IOException("not a SHA-256: " + hash);
        Path f = dir.resolve(hash + ".wasm");
        try (InputStream in = Files.newInputStream(f)) {
            return CodeChain.readBounded(in, f.toString());
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
