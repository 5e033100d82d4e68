package dev.interstice.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The nodes the CLI knows ({@code nodes.toml} in the CLI's data directory, mode 600 since it holds admin tokens):
 * friendly name, address, node id, whether the CLI created it (its data then lives in {@code nodes/<id>/}, or
 * {@code nodes/<data_dir>/} for a node whose id changed when it got its key), the admin token when known, the
 * fingerprint of the node's key (pinned: a node presenting another key is refused) and whether it accepts plaintext
 * on loopback (learnt; unknown until then). Keys this version does not know (written by a newer CLI) are kept as they
 * were and written back, so that running an older CLI never drops, say, a newer one's key pin.
 */
public final class NodeRegistry {
    static final String FILE = "nodes.toml";
    /**
     * Read with the streaming parser: every command reads this file, and an ObjectMapper (its static set-up, type
     * factory, date format) costs a short-lived JVM more than the reading.
     */
    private static final TomlFactory TOML = new TomlFactory();

    /** The registry being read ahead, for the first {@link #load()} of the process to take. */
    private static final AtomicReference<CompletableFuture<NodeRegistry>> AHEAD = new AtomicReference<>();

    /**
     * A registered node. {@code adminToken}: its admin token, if known; {@code scopedToken}: instead, a scoped token
     * ({@code <id>.<secret>}, kept in the file as {@code token_id} and {@code token_secret}); {@code fingerprint}: its
     * pinned key; {@code plaintext}: whether it serves plaintext on loopback (null: unknown); {@code dataDir}: the
     * data directory's name when it is not the node id (a node whose id changed with its new key); {@code unknown}:
     * the entry's keys this version does not know, kept to be written back.
     */
    record Entry(
            String name,
            String address,
            String nodeId,
            boolean local,
            String adminToken,
            String scopedToken,
            Long lastSeen,
            String fingerprint,
            Boolean plaintext,
            String dataDir,
            Map<String, Object> unknown) {
        Entry {
            unknown = unknown == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(unknown));
        }

        Entry(String name, String address, String nodeId, boolean local, String adminToken, Long lastSeen) {
            this(name, address, nodeId, local, adminToken, null, lastSeen, null, null, null, null);
        }

        Entry withName(String n) {
            return new Entry(
                    n,
                    address,
                    nodeId,
                    local,
                    adminToken,
                    scopedToken,
                    lastSeen,
                    fingerprint,
                    plaintext,
                    dataDir,
                    unknown);
        }

        Entry seen(String id, long at) {
            return new Entry(
                    name, address, id, local, adminToken, scopedToken, at, fingerprint, plaintext, dataDir, unknown);
        }

        /** With a scoped token ({@code <id>.<secret>}) instead of an admin token. */
        Entry withScopedToken(String token) {
            return new Entry(
                    name, address, nodeId, local, null, token, lastSeen, fingerprint, plaintext, dataDir, unknown);
        }

        /** With the node's key pinned ({@code fp}: its fingerprint) and whether it accepts plaintext (null: unknown). */
        Entry withKey(String fp, Boolean plain) {
            return new Entry(
                    name, address, nodeId, local, adminToken, scopedToken, lastSeen, fp, plain, dataDir, unknown);
        }

        /** A local node whose id became {@code id} (derived from its new key); its data stays where it was. */
        Entry withNewId(String id) {
            String dir = dataDir != null ? dataDir : nodeId;
            return new Entry(
                    name, address, id, local, adminToken, scopedToken, lastSeen, fingerprint, plaintext, dir, unknown);
        }
    }

    private static final List<String> KNOWN = List.of(
            "name",
            "address",
            "node_id",
            "local",
            "admin_token",
            "token_id",
            "token_secret",
            "last_seen",
            "fingerprint",
            "plaintext",
            "data_dir");

    private final Path home;
    private final List<Entry> nodes;
    /** The file's top-level keys other than {@code nodes}, kept to be written back. */
    private final Map<String, Object> unknown;

    private NodeRegistry(Path home, List<Entry> nodes, Map<String, Object> unknown) {
        this.home = home;
        this.nodes = nodes;
        this.unknown = unknown;
    }

    static NodeRegistry load() {
        var ahead = AHEAD.getAndSet(null);
        if (ahead == null) return load(Paths.home());
        try {
            return ahead.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /**
     * Starts reading the registry ahead: the returned work (run on another thread as the command starts) reads it, and
     * the first {@link #load()} takes that result, waiting if the reading is still under way.
     */
    static Runnable readAhead() {
        var ahead = new CompletableFuture<NodeRegistry>();
        AHEAD.set(ahead);
        return () -> {
            try {
                ahead.complete(load(Paths.home()));
            } catch (RuntimeException e) {
                ahead.completeExceptionally(e);
            }
        };
    }

    static NodeRegistry load(Path home) {
        Path file = home.resolve(FILE);
        var unknown = new LinkedHashMap<String, Object>();
        if (!Files.exists(file)) return new NodeRegistry(home, new ArrayList<>(), unknown);
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.isBlank()) return new NodeRegistry(home, new ArrayList<>(), unknown);
            return new NodeRegistry(home, parse(text, unknown), unknown);
        } catch (IOException e) {
            throw new CliException(
                    "cannot read the node registry " + file + ": " + e.getMessage() + " (fix or delete the file)");
        }
    }

    private static ArrayList<Entry> parse(String text, Map<String, Object> unknown) throws IOException {
        var nodes = new ArrayList<Entry>();
        try (JsonParser p = TOML.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return nodes;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_ARRAY && key.equals("nodes")) {
                    for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        if (t != JsonToken.START_OBJECT)
                            throw new IOException("[[nodes]] holds a value that is not a table");
                        nodes.add(entry(p));
                    }
                } else unknown.put(key, value(p));
            }
        }
        return nodes;
    }

    /** The value the parser is on (a table, an array or a scalar) as maps, lists, strings, numbers and booleans. */
    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            var m = new LinkedHashMap<String, Object>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                p.nextToken();
                m.put(k, value(p));
            }
            return m;
        }
        if (t == JsonToken.START_ARRAY) {
            var l = new ArrayList<Object>();
            while (p.nextToken() != JsonToken.END_ARRAY) l.add(value(p));
            return l;
        }
        return switch (t) {
            case VALUE_TRUE, VALUE_FALSE -> t == JsonToken.VALUE_TRUE;
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            default -> p.getText();
        };
    }

    /** One [[nodes]] table, the parser on its START_OBJECT; keys this version does not know are kept as they are. */
    private static Entry entry(JsonParser p) throws IOException {
        var text = new java.util.HashMap<String, String>();
        var unknown = new LinkedHashMap<String, Object>();
        boolean local = false;
        Boolean plaintext = null;
        Long lastSeen = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if (!KNOWN.contains(key)) {
                unknown.put(key, value(p));
                continue;
            }
            switch (key) {
                case "local" -> local = t == JsonToken.VALUE_TRUE;
                case "plaintext" -> plaintext = t.isBoolean() ? t == JsonToken.VALUE_TRUE : null;
                case "last_seen" -> lastSeen = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : null;
                default -> {
                    if (t.isScalarValue() && t != JsonToken.VALUE_NULL) text.put(key, p.getText());
                    else p.skipChildren();
                }
            }
        }
        for (String required : List.of("name", "address"))
            if (text.get(required) == null) throw new IOException("a [[nodes]] entry has no " + required);
        String id = text.get("token_id");
        String secret = text.get("token_secret");
        return new Entry(
                text.get("name"),
                text.get("address"),
                text.get("node_id"),
                local,
                text.get("admin_token"),
                id == null || secret == null ? null : id + "." + secret,
                lastSeen,
                text.get("fingerprint"),
                plaintext,
                text.get("data_dir"),
                unknown);
    }

    Path home() {
        return home;
    }

    /** Where a node created by the CLI keeps its data. */
    Path dataDir(Entry e) {
        return home.resolve("nodes").resolve(e.dataDir() != null ? e.dataDir() : e.nodeId());
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
                var m = new LinkedHashMap<String, Object>();
                m.put("name", e.name());
                m.put("address", e.address());
                if (e.nodeId() != null) m.put("node_id", e.nodeId());
                m.put("local", e.local());
                if (e.adminToken() != null) m.put("admin_token", e.adminToken());
                if (e.scopedToken() != null) {
                    int dot = e.scopedToken().indexOf('.');
                    m.put("token_id", e.scopedToken().substring(0, dot));
                    m.put("token_secret", e.scopedToken().substring(dot + 1));
                }
                if (e.lastSeen() != null) m.put("last_seen", e.lastSeen());
                if (e.fingerprint() != null) m.put("fingerprint", e.fingerprint());
                if (e.plaintext() != null) m.put("plaintext", e.plaintext());
                if (e.dataDir() != null) m.put("data_dir", e.dataDir());
                e.unknown().forEach(m::putIfAbsent);
                entries.add(m);
            }
            var root = new LinkedHashMap<String, Object>(unknown);
            root.remove("nodes"); // a malformed one read as an unknown value
            if (!entries.isEmpty()) root.put("nodes", entries);
            Files.writeString(
                    tmp,
                    "# Interstice node registry (holds admin and scoped tokens: keep it private)\n"
                            + SchemaToml.write(root),
                    StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException("cannot write the node registry " + file + ": " + e.getMessage());
        }
    }
}
