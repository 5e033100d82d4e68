package dev.interstice.network;

import dev.interstice.storage.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key each peer link verified first, per address (trust on first use, as the CLI pins keys in nodes.toml): a
 * link refuses another key at that address afterwards. Kept in {@code <data dir>/known_peers} (one
 * {@code address fingerprint} line each, mode 600) so that a restart does not trust anew; in memory for a node
 * without a data directory. Re-pin by removing the address's line while the node is stopped, or name the key with
 * {@link NetworkConfig#withNodeKey}. Thread-safe.
 */
public final class PeerKeys {
    public static final String FILE = "known_peers";
    private static final Logger log = LoggerFactory.getLogger(PeerKeys.class);

    private final Path file; // null: in memory
    private final Map<String, String> byAddress = new LinkedHashMap<>();

    private PeerKeys(Path file) {
        this.file = file;
    }

    public static PeerKeys inMemory() {
        return new PeerKeys(null);
    }

    /** The pins kept in {@code dir}'s {@value #FILE} (none yet if it does not exist). */
    public static PeerKeys open(Path dir) {
        var keys = new PeerKeys(dir.resolve(FILE));
        try {
            if (Files.exists(keys.file))
                for (String line : Files.readAllLines(keys.file, StandardCharsets.UTF_8)) {
                    String[] f = line.strip().split("\\s+");
                    if (line.isBlank() || line.startsWith("#")) continue;
                    if (f.length != 2 || !dev.interstice.runtime.module.NodeKeys.isFingerprint(f[1]))
                        throw new IllegalArgumentException(keys.file + ": not 'address fingerprint': " + line.strip());
                    keys.byAddress.put(f[0], f[1]);
                }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + keys.file + ": " + e.getMessage(), e);
        }
        return keys;
    }

    /** The fingerprint pinned for {@code address}, or null. */
    public synchronized String get(String address) {
        return byAddress.get(address);
    }

    /** Pins {@code fingerprint} for {@code address} unless one is pinned already; the pinned one. */
    synchronized String pinFirst(String address, String fingerprint) {
        String had = byAddress.putIfAbsent(address, fingerprint);
        if (had != null) return had;
        try {
            save();
        } catch (UncheckedIOException e) {
            log.warn("the key of {} is pinned for this run only: {}", address, e.getMessage());
        }
        return fingerprint;
    }

    private void save() {
        if (file == null) return;
        var text = new StringBuilder("# Interstice: the key each peer address presented first (address fingerprint)\n");
        byAddress.forEach((a, f) -> text.append(a).append(' ').append(f).append('\n'));
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try {
            PrivateFiles.createDirectories(file.getParent());
            Files.deleteIfExists(tmp);
            try (var ch = PrivateFiles.open(
                    tmp, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
