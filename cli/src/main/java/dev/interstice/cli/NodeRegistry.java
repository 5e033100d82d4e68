package dev.interstice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The nodes the CLI knows ({@code nodes.toml} in the CLI's data directory, mode 600 since it holds admin tokens):
 * friendly name, address, node id, whether the CLI created it (its data then lives in {@code nodes/<id>/}), and the
 * admin token when known.
 */
public final class NodeRegistry {
    static final String FILE = "nodes.toml";
    private static final TomlMapper TOML = new TomlMapper();

    record Entry(String name, String address, String nodeId, boolean local, String adminToken, Long lastSeen) {
        Entry withName(String n) {
            return new Entry(n, address, nodeId, local, adminToken, lastSeen);
        }

        Entry seen(String id, long at) {
            return new Entry(name, address, id, local, adminToken, at);
        }
    }

    private final Path home;
    private final List<Entry> nodes;

    private NodeRegistry(Path home, List<Entry> nodes) {
        this.home = home;
        this.nodes = nodes;
    }

    static NodeRegistry load() {
        return load(Paths.home());
    }

    static NodeRegistry load(Path home) {
        Path file = home.resolve(FILE);
        if (!Files.exists(file)) return new NodeRegistry(home, new ArrayList<>());
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.isBlank()) return new NodeRegistry(home, new ArrayList<>());
            var nodes = new ArrayList<Entry>();
            for (JsonNode n : TOML.readTree(text).path("nodes")) nodes.add(entry(n));
            return new NodeRegistry(home, nodes);
        } catch (IOException e) {
            throw new CliException(
                    "cannot read the node registry " + file + ": " + e.getMessage() + " (fix or delete the file)");
        }
    }

    /**
     * Read from the tree rather than bound to the record: every command reads this file, and binding a record
     * (introspecting it, building its deserializer) is work a short-lived JVM pays for on each start.
     */
    private static Entry entry(JsonNode n) throws IOException {
        for (String required : List.of("name", "address"))
            if (text(n, required) == null) throw new IOException("a [[nodes]] entry has no " + required);
        JsonNode lastSeen = n.get("last_seen");
        return new Entry(
                text(n, "name"),
                text(n, "address"),
                text(n, "node_id"),
                n.path("local").asBoolean(false),
                text(n, "admin_token"),
                lastSeen == null || !lastSeen.canConvertToLong() ? null : lastSeen.asLong());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    Path home() {
        return home;
    }

    /** Where a node created by the CLI keeps its data. */
    Path dataDir(Entry e) {
        return home.resolve("nodes").resolve(e.nodeId());
    }

    List<Entry> all() {
        return List.copyOf(nodes);
    }

    /** By name, else by node id. */
    Optional<Entry> find(String ref) {
        for (Entry e : nodes) if (e.name().equals(ref)) return Optional.of(e);
        for (Entry e : nodes) if (ref.equals(e.nodeId())) return Optional.of(e);
        return Optional.empty();
    }

    /** What other packages (the benchmark command) need of a registered node. */
    public record Registered(String name, String address, String adminToken) {}

    /** Looks {@code ref} up (by name, else node id) in the registry at the CLI's data directory. */
    public static Optional<Registered> lookup(String ref) {
        return load().find(ref).map(e -> new Registered(e.name(), e.address(), e.adminToken()));
    }

    /** The registry file, for messages. */
    public static Path file() {
        return Paths.home().resolve(FILE);
    }

    Entry require(String ref) {
        return find(ref)
                .orElseThrow(() -> new CliException("unknown node '" + ref + "'. Known nodes: "
                        + (nodes.isEmpty()
                                ? "none"
                                : String.join(
                                        ", ", nodes.stream().map(Entry::name).toList()))
                        + ". Register it with: " + Cli.command("node add <name> <host:port>")
                        + ", or create one with: " + Cli.command("node create <name> <port>")));
    }

    void add(Entry e) {
        if (find(e.name()).isPresent())
            throw new CliException(
                    "a node named '" + e.name() + "' already exists; choose another name or remove it first");
        nodes.add(e);
    }

    void replace(Entry old, Entry updated) {
        int i = nodes.indexOf(old);
        if (i < 0) throw new CliException("node '" + old.name() + "' is no longer in the registry");
        nodes.set(i, updated);
    }

    void remove(Entry e) {
        nodes.remove(e);
    }

    void save() {
        Path file = home.resolve(FILE);
        try {
            dev.interstice.storage.PrivateFiles.createDirectories(home); // it holds the nodes' data directories
            Path tmp = home.resolve(FILE + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(
                        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            }
            var entries = new ArrayList<Object>();
            for (Entry e : nodes) {
                var m = new java.util.LinkedHashMap<String, Object>();
                m.put("name", e.name());
                m.put("address", e.address());
                if (e.nodeId() != null) m.put("node_id", e.nodeId());
                m.put("local", e.local());
                if (e.adminToken() != null) m.put("admin_token", e.adminToken());
                if (e.lastSeen() != null) m.put("last_seen", e.lastSeen());
                entries.add(m);
            }
            var root = new java.util.LinkedHashMap<String, Object>();
            if (!entries.isEmpty()) root.put("nodes", entries);
            Files.writeString(
                    tmp,
                    "# Interstice node registry (holds admin tokens: keep it private)\n" + SchemaToml.write(root),
                    StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException("cannot write the node registry " + file + ": " + e.getMessage());
        }
    }
}
