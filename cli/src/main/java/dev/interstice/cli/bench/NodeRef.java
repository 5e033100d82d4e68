package dev.interstice.cli.bench;

import dev.interstice.cli.Cli;
import dev.interstice.cli.NodeRegistry;
import dev.interstice.network.AdminToken;

/**
 * The node a benchmark runs against: a name (or node id) from the CLI's registry ({@code nodes.toml}, with its admin
 * token when the registry has it), or a plain {@code host:port}.
 */
record NodeRef(String label, String address, AdminToken token) {

    /** Resolves {@code ref}; {@code token}: an explicit admin token (overrides the registry's), or null. */
    static NodeRef resolve(String ref, String token) {
        AdminToken explicit = token == null || token.isBlank() ? null : AdminToken.of(token.strip());
        var entry = NodeRegistry.lookup(ref);
        if (entry.isPresent()) {
            String t = entry.get().adminToken();
            return new NodeRef(
                    "node '" + entry.get().name() + "'",
                    entry.get().address(),
                    explicit != null ? explicit : t == null ? null : AdminToken.of(t));
        }
        if (ref.matches(".+:\\d{1,5}")) return new NodeRef(ref, ref, explicit);
        throw new IllegalArgumentException(
                "unknown node '" + ref + "': not in the node registry (" + NodeRegistry.file()
                        + ") and not a host:port. Start the benchmark node with: " + Cli.command("example benchmark")
                        + " (registers 'benchmark-example')");
    }
}
