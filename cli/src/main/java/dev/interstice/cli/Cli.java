package dev.interstice.cli;

import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkException;
import dev.interstice.network.NodeClient;
import java.time.Duration;

/** Shared helpers: connecting to a registered node, and turning failures into messages that say what to do. */
final class Cli {
    private Cli() {}

    /** A connection to a registered node, authenticated when the registry holds its admin token. */
    record Target(NodeRegistry registry, NodeRegistry.Entry entry, NodeClient client) implements AutoCloseable {
        String label() {
            return "node '" + entry.name() + "' (" + entry.address() + ")";
        }

        /** Refuses {@code what} (e.g. "publishing") unless this connection holds the node's admin credential. */
        void requireAdmin(String what) {
            if (!client.isAdmin())
                throw new CliException(what + " needs the admin credential of " + label() + ", and none is registered; "
                        + "re-add the node with its token: interstice node add <name> <address> --token <token>"
                        + " (the token is in the node's admin.token file)");
        }

        @Override
        public void close() {
            client.close();
        }
    }

    static Target connect(String ref) {
        return connect(ref, Duration.ofSeconds(30));
    }

    static Target connect(String ref, Duration requestTimeout) {
        NodeRegistry reg = NodeRegistry.load();
        NodeRegistry.Entry e = reg.require(ref);
        var opts = NodeClient.Options.client()
                .withRequestTimeout(requestTimeout)
                .withConnectTimeout(Duration.ofSeconds(3));
        if (e.adminToken() != null) opts = opts.withAdminToken(AdminToken.of(e.adminToken()));
        NodeClient c;
        try {
            c = NodeClient.connect(e.address(), opts);
        } catch (NetworkException n) {
            throw new CliException(explain(n, e));
        }
        if (e.nodeId() != null && !e.nodeId().equals(c.nodeId())) {
            c.close();
            throw new CliException("the node at " + e.address() + " is " + c.nodeId() + " ('" + c.nodeName()
                    + "'), not node '" + e.name()
                    + "' (" + e.nodeId() + ") as registered; another node runs on that address. Fix the address with: "
                    + "interstice node remove " + e.name() + " && interstice node add " + e.name() + " <host:port>");
        }
        if (e.nodeId() == null || e.lastSeen() == null || System.currentTimeMillis() - e.lastSeen() > 60_000) {
            reg.replace(e, e.seen(c.nodeId(), System.currentTimeMillis()));
            reg.save();
            e = reg.require(e.name());
        }
        return new Target(reg, e, c);
    }

    static String explain(NetworkException n) {
        return explain(n, null);
    }

    /** The failure's message, naming the registered node and adding what to do where the message does not say it. */
    static String explain(NetworkException n, NodeRegistry.Entry e) {
        String who = e == null ? "" : "node '" + e.name() + "': ";
        String hint = switch (n.kind()) {
            case UNAUTHORIZED ->
                e != null && e.adminToken() == null
                        ? " (no admin token is registered for this node: re-add it with --token)"
                        : e != null
                                ? " (the registered admin token is wrong: re-add the node with the token from its admin.token file)"
                                : "";
            case TIMEOUT ->
                " (check that the node is running and not overloaded: interstice node ping "
                        + (e == null ? "<node>" : e.name()) + ")";
            default -> "";
        };
        return who + n.getMessage() + hint;
    }
}
