package dev.interstice.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.interstice.network.AdminToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node a benchmark runs against: a name (or node id) from the CLI's registry ({@code nodes.toml}, with its admin
 * token when the registry has it), or a plain {@code host:port}.
 */
record NodeRef(String label, String address, AdminToken token) {

    /** Resolves {@code ref}; {@code token}: an explicit admin token (overrides the registry's), or null. */
    static NodeRef resolve(String ref, String token) {
        AdminToken explicit = token == null || token.isBlank() ? null : AdminToken.of(token.strip());
        JsonNode entry = registryEntry(ref);
        if (entry != null) {
            String t = entry.path("admin_token").asText(null);
            return new NodeRef("node '" + entry.path("name").asText() + "'", entry.path("address").asText(),
                    explicit != null ? explicit : t == null ? null : AdminToken.of(t));
        }
        if (ref.matches(".+:\\d{1,5}")) return new NodeRef(ref, ref, explicit);
        throw new IllegalArgumentException("unknown node '" + ref + "': not in the node registry (" + registry()
                + ") and not a host:port. Start the benchmark node with: interstice example benchmark (registers 'benchmark-example')");
    }

    private static JsonNode registryEntry(String ref) {
        Path file = registry();
        if (!Files.isRegularFile(file)) return null;
        JsonNode root;
        try {
            root = new TomlMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the node registry " + file + ": " + e.getMessage());
        }
        JsonNode byId = null;
        for (JsonNode n : root.path("nodes")) {
            if (ref.equals(n.path("name").asText())) return n;
            if (ref.equals(n.path("node_id").asText())) byId = n;
        }
        return byId;
    }

    /**
     * The registry file, where the CLI keeps it ({@code -Dinterstice.home}, {@code INTERSTICE_HOME},
     * {@code $XDG_DATA_HOME/interstice}, or the OS default; see {@code dev.interstice.cli.Paths}).
     */
    static Path registry() {
        String[] explicit = {System.getProperty("interstice.home"), System.getenv("INTERSTICE_HOME")};
        for (String dir : explicit) if (dir != null && !dir.isBlank()) return Path.of(dir, "nodes.toml");
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "interstice", "nodes.toml");
        Path user = Path.of(System.getProperty("user.home"));
        String os = System.getProperty("os.name", "").toLowerCase();
        String appData = System.getenv("APPDATA");
        if (os.contains("mac")) return user.resolve("Library/Application Support/interstice/nodes.toml");
        if (os.contains("win") && appData != null) return Path.of(appData, "interstice", "nodes.toml");
        return user.resolve(".local/share/interstice/nodes.toml");
    }
}
