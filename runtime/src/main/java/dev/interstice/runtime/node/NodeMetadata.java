package dev.interstice.runtime.node;

import dev.interstice.storage.AtomicFiles;
import dev.interstice.storage.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

/**
 * What a node keeps about itself in its data directory: its id, the modules loaded (in load order, with their code)
 * and which modules were ever initialised. Every file is replaced atomically.
 */
final class NodeMetadata {
    private final Path dir;
    private String nodeId;
    private final List<String> loaded = new ArrayList<>();
    private final Set<String> initialised = new LinkedHashSet<>();
    /** Modules unloaded with their data kept (their code stays stored too): a later load resumes them. */
    private final Set<String> unloaded = new LinkedHashSet<>();

    private NodeMetadata(Path dir) {
        this.dir = dir;
    }

    static NodeMetadata open(Path dir, String requestedId) {
        var m = new NodeMetadata(dir);
        Path file = dir == null ? null : dir.resolve("node.properties");
        if (file != null && Files.exists(file)) {
            var p = new Properties();
            try (var in = Files.newBufferedReader(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            m.nodeId = p.getProperty("id");
            for (String s : p.getProperty("modules", "").split(",")) if (!s.isBlank()) m.loaded.add(s);
            for (String s : p.getProperty("initialised", "").split(",")) if (!s.isBlank()) m.initialised.add(s);
            for (String s : p.getProperty("unloaded", "").split(",")) if (!s.isBlank()) m.unloaded.add(s);
            if (requestedId != null && !requestedId.equals(m.nodeId))
                throw new IllegalStateException(
                        "data directory " + dir + " belongs to node " + m.nodeId + ", not " + requestedId);
        } else {
            m.nodeId = requestedId != null ? requestedId : UUID.randomUUID().toString();
            m.save();
        }
        return m;
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
        try {
            return Files.readAllBytes(dir.resolve("modules").resolve(module + ".wasm"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the code of module '" + module + "'", e);
        }
    }

    void moduleLoaded(String module, byte[] wasm) {
        if (dir != null) {
            try {
                PrivateFiles.createDirectories(dir.resolve("modules"));
                AtomicFiles.write(dir.resolve("modules").resolve(module + ".wasm"), wasm);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store module '" + module + "'", e);
            }
        }
        if (!loaded.contains(module)) loaded.add(module); // a replacement keeps its place in the load order
        initialised.add(module);
        unloaded.remove(module);
        save();
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
        if (dir != null) {
            try {
                Files.deleteIfExists(dir.resolve("modules").resolve(module + ".wasm"));
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
