package dev.interstice.runtime.node;

import dev.interstice.storage.AtomicFiles;
import dev.interstice.storage.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node keeps about itself in its data directory: its key and id, the modules loaded (in load order, with their
 * code) and which modules were ever initialised. Every file is replaced atomically.
 */
final class NodeMetadata {
    private static final Logger log = LoggerFactory.getLogger(NodeMetadata.class);
    private final Path dir;
    private NodeIdentity identity;
    private String nodeId;
    private final List<String> loaded = new ArrayList<>();
    private final Set<String> initialised = new LinkedHashSet<>();
    /** Modules unloaded with their data kept (their code stays stored too): a later load resumes them. */
    private final Set<String> unloaded = new LinkedHashSet<>();
    /** A node without a data directory keeps code in memory (current, staged, previous). */
    private final Map<String, byte[]> memoryCode = new HashMap<>();

    private final Map<String, byte[]> memoryNext = new HashMap<>();
    private final Map<String, byte[]> memoryPrevious = new HashMap<>();

    private NodeMetadata(Path dir) {
        this.dir = dir;
    }

    /**
     * Opens (or lays out) {@code dir}. The node id is its key's ({@link NodeIdentity}): a directory with an id but no
     * key (written before keys existed) gets a key and switches to the key's id, saying so once. {@code requestedId}
     * (the id a caller expects, or null) must be that id or the one stored before the switch. An in-memory node gets
     * an ephemeral key; there {@code requestedId}, when given, is used as the id as is (tests pin ids for replay).
     */
    static NodeMetadata open(Path dir, String requestedId) {
        var m = new NodeMetadata(dir);
        if (dir == null) {
            m.identity = NodeIdentity.generate();
            m.nodeId = requestedId != null ? requestedId : m.identity.id();
            return m;
        }
        Path file = dir.resolve("node.properties");
        boolean hadKey = NodeIdentity.exists(dir);
        if (Files.exists(file)) {
            var p = new Properties();
            try (var in = Files.newBufferedReader(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            String stored = p.getProperty("id");
            for (String s : p.getProperty("modules", "").split(",")) if (!s.isBlank()) m.loaded.add(s);
            for (String s : p.getProperty("initialised", "").split(",")) if (!s.isBlank()) m.initialised.add(s);
            for (String s : p.getProperty("unloaded", "").split(",")) if (!s.isBlank()) m.unloaded.add(s);
            m.identity = NodeIdentity.loadOrCreate(dir);
            m.nodeId = m.identity.id();
            if (requestedId != null && !requestedId.equals(stored) && !requestedId.equals(m.nodeId))
                throw new IllegalStateException(
                        "data directory " + dir + " belongs to node " + m.nodeId + ", not " + requestedId);
            if (!m.nodeId.equals(stored)) {
                log.info(
                        "node {} now has {} key ({}): its id is derived from the key, so it becomes {}",
                        stored,
                        hadKey ? "a" : "a new",
                        m.identity.fingerprint(),
                        m.nodeId);
                m.save();
            }
        } else {
            m.identity = NodeIdentity.loadOrCreate(dir);
            m.nodeId = m.identity.id();
            if (requestedId != null && !requestedId.equals(m.nodeId))
                throw new IllegalStateException("a new node's id is derived from its key (" + m.nodeId
                        + "); it cannot be chosen (" + requestedId + ")");
            m.save();
        }
        return m;
    }

    /**
     * The load order a stopped node's {@code node.properties} names, read only: its loaded modules, then those
     * unloaded with their data kept ({@code unloaded} receives those).
     */
    static List<String> loadOrder(Path dir, Set<String> unloaded) throws IOException {
        var p = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("node.properties"))) {
            p.load(in);
        }
        var out = new ArrayList<String>();
        for (String s : p.getProperty("modules", "").split(",")) if (!s.isBlank()) out.add(s);
        for (String s : p.getProperty("unloaded", "").split(","))
            if (!s.isBlank()) {
                out.add(s);
                unloaded.add(s);
            }
        return out;
    }

    /**
     * Lays out a new data directory's metadata for a node holding {@code code} (module to its code, in load order), of
     * which {@code unloaded} are unloaded with their data kept, all initialised: what {@link Replay} opens at a
     * snapshot. The directory holds the node's key already.
     */
    static void layOut(Path dir, Map<String, byte[]> code, Set<String> unloaded) throws IOException {
        var m = new NodeMetadata(dir);
        m.identity = NodeIdentity.loadOrCreate(dir);
        m.nodeId = m.identity.id();
        PrivateFiles.createDirectories(dir.resolve("modules"));
        for (var e : code.entrySet()) {
            AtomicFiles.write(m.code(e.getKey(), ""), e.getValue());
            (unloaded.contains(e.getKey()) ? m.unloaded : m.loaded).add(e.getKey());
            m.initialised.add(e.getKey());
        }
        m.save();
    }

    NodeIdentity identity() {
        return identity;
    }

    String nodeId() {
        return nodeId;
    }

    List<String> loadedModules() {
        return List.copyOf(loaded);
    }

    List<String> unloadedModules() {
        return List.copyOf(unloaded);
    }

    boolean isUnloaded(String module) {
        return unloaded.contains(module);
    }

    boolean wasInitialised(String module) {
        return initialised.contains(module);
    }

    byte[] moduleCode(String module) {
        if (dir == null) return memoryCode.get(module);
        try {
            return Files.readAllBytes(code(module, ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the code of module '" + module + "'", e);
        }
    }

    /** The version a publish replaced (kept for a rollback), or null. */
    byte[] previousCode(String module) {
        if (dir == null) return memoryPrevious.get(module);
        try {
            Path p = code(module, ".prev");
            return Files.exists(p) ? Files.readAllBytes(p) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the previous code of module '" + module + "'", e);
        }
    }

    /**
     * Records a module as loaded with {@code wasm} staged as its next code ({@code <module>.next.wasm}): it becomes
     * the module's code with {@link #codeCommitted}, once the log holds the publish (and its code's hash).
     */
    void moduleLoaded(String module, byte[] wasm) {
        if (dir != null) {
            try {
                PrivateFiles.createDirectories(dir.resolve("modules"));
                AtomicFiles.write(code(module, ".next"), wasm);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store module '" + module + "'", e);
            }
        } else memoryNext.put(module, wasm);
        if (!loaded.contains(module)) loaded.add(module); // a replacement keeps its place in the load order
        initialised.add(module);
        unloaded.remove(module);
        save();
    }

    /**
     * The staged code of {@code module} is now its code (the log holds its hash): the code it replaces is kept as the
     * previous version ({@code <module>.prev.wasm}). Each rename is atomic; recovery finishes an interrupted one.
     */
    void codeCommitted(String module) {
        if (dir == null) {
            byte[] next = memoryNext.remove(module);
            byte[] cur = memoryCode.put(module, next);
            if (cur != null) memoryPrevious.put(module, cur);
            return;
        }
        try {
            Path cur = code(module, "");
            if (Files.exists(cur))
                Files.move(
                        cur,
                        code(module, ".prev"),
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            Files.move(code(module, ".next"), cur, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(dir.resolve("modules"));
            keepVersion(Files.readAllBytes(cur));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store module '" + module + "'", e);
        }
    }

    /**
     * At open: makes each module's code the version the log names ({@code hashes}: module -> SHA-256, from the code
     * system table). A publish interrupted before its record was durable leaves a staged file the log does not name
     * (dropped); one interrupted after it leaves the staged file the log names (it becomes the code).
     */
    void recoverCode(Map<String, byte[]> hashes) {
        if (dir == null) return;
        var modules = new LinkedHashSet<>(loaded);
        modules.addAll(unloaded);
        try {
            for (String m : modules) {
                Path cur = code(m, "");
                Path next = code(m, ".next");
                byte[] h = hashes.get(m);
                boolean nextNamed =
                        Files.exists(next) && h != null && Arrays.equals(h, sha256(Files.readAllBytes(next)));
                boolean curNamed =
                        Files.exists(cur) && (h == null || Arrays.equals(h, sha256(Files.readAllBytes(cur))));
                if (nextNamed && !curNamed || !Files.exists(cur) && Files.exists(next)) codeCommitted(m);
                else Files.deleteIfExists(next);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover the modules' code in " + dir, e);
        }
    }

    /**
     * Keeps every version of code that ran here, by its SHA-256 ({@code modules/versions/<hex>.wasm}), so that a
     * replay of the log can load the version each publish record names ({@link Replay}).
     */
    private void keepVersion(byte[] code) throws IOException {
        Path versions = dir.resolve("modules").resolve("versions");
        Path p = versions.resolve(HexFormat.of().formatHex(sha256(code)) + ".wasm");
        if (Files.exists(p)) return;
        PrivateFiles.createDirectories(versions);
        AtomicFiles.write(p, code);
    }

    /** The code whose SHA-256 is {@code hash} among the versions kept here (or the current or previous ones), or null. */
    static byte[] version(Path dataDir, byte[] hash) throws IOException {
        Path modules = dataDir.resolve("modules");
        Path kept = modules.resolve("versions").resolve(HexFormat.of().formatHex(hash) + ".wasm");
        if (Files.exists(kept)) return Files.readAllBytes(kept);
        if (!Files.isDirectory(modules)) return null;
        try (var ds = Files.newDirectoryStream(modules, "*.wasm")) { // code published before versions were kept
            for (Path p : ds) {
                byte[] code = Files.readAllBytes(p);
                if (Arrays.equals(sha256(code), hash)) return code;
            }
        }
        return null;
    }

    static byte[] sha256(byte[] code) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(code);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path code(String module, String suffix) {
        return dir.resolve("modules").resolve(module + suffix + ".wasm");
    }

    /** Out of the loaded list; its code and its initialised mark stay, as its data does. */
    void moduleUnloaded(String module) {
        loaded.remove(module);
        unloaded.add(module);
        save();
    }

    void moduleRemoved(String module) {
        loaded.remove(module);
        unloaded.remove(module);
        initialised.remove(module);
        save();
        memoryCode.remove(module);
        memoryPrevious.remove(module);
        if (dir != null) {
            try {
                for (String suffix : new String[] {"", ".next", ".prev"}) Files.deleteIfExists(code(module, suffix));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void save() {
        if (dir == null) return;
        var p = new StringBuilder();
        p.append("id=").append(nodeId).append('\n');
        p.append("modules=").append(String.join(",", loaded)).append('\n');
        p.append("initialised=").append(String.join(",", initialised)).append('\n');
        p.append("unloaded=").append(String.join(",", unloaded)).append('\n');
        try {
            PrivateFiles.createDirectories(dir);
            AtomicFiles.write(
                    dir.resolve("node.properties"), p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write node metadata in " + dir, e);
        }
    }
}
