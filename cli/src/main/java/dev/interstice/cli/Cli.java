package dev.interstice.cli;

import dev.interstice.network.Addresses;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkException;
import dev.interstice.network.NodeClient;
import dev.interstice.network.NodeKeyChangedException;
import dev.interstice.network.TokenCredential;
import java.time.Duration;

/** Shared helpers: connecting to a registered node, and turning failures into messages that say what to do. */
public final class Cli {
    private Cli() {}

    /**
     * How the user runs this CLI, for the commands hints suggest: the launcher sets {@code interstice.command} to
     * {@code ./interstice} when it is not on PATH, say; default {@code interstice}.
     */
    public static String command() {
        String c = System.getProperty("interstice.command");
        return c == null || c.isBlank() ? "interstice" : c;
    }

    /** {@code command() + " " + args}: a command line to suggest. */
    public static String command(String args) {
        return command() + " " + args;
    }

    /** A connection to a registered node, authenticated when the registry holds its admin token. */
    record Target(NodeRegistry registry, NodeRegistry.Entry entry, NodeClient client) implements AutoCloseable {
        String label() {
            return "node '" + entry.name() + "' (" + entry.address() + ")";
        }

        /**
         * Refuses {@code what} (e.g. "publishing") unless this connection holds the node's admin credential, or a scoped
         * token (the node then decides, naming what the token lacks).
         */
        void requireAdmin(String what) {
            if (!client.isAdmin() && client.tokenId() == null)
                throw new CliException(what + " needs the admin credential of " + label() + ", and none is registered; "
                        + "re-add the node with its token: " + command("node add <name> <address> --token <token>")
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
        var opts = withCredential(
                secured(
                        NodeClient.Options.client()
                                .withRequestTimeout(requestTimeout)
                                .withConnectTimeout(Duration.ofSeconds(3)),
                        reg,
                        e),
                e);
        NodeClient c;
        try {
            c = NodeClient.connect(e.address(), opts);
        } catch (NetworkException n) {
            throw new CliException(explain(n, e));
        }
        var learnt = learnt(e, c);
        if (learnt != e) {
            reg.replace(e, learnt);
            reg.save();
            e = learnt;
        }
        if (e.nodeId() != null && !e.nodeId().equals(c.nodeId())) {
            c.close();
            throw new CliException("the node at " + e.address() + " is " + c.nodeId() + " ('" + c.nodeName()
                    + "'), not node '" + e.name()
                    + "' (" + e.nodeId() + ") as registered; another node runs on that address. Fix the address with: "
                    + command("node remove " + e.name()) + " && " + command("node add " + e.name() + " <host:port>"));
        }
        if (e.nodeId() == null || e.lastSeen() == null || System.currentTimeMillis() - e.lastSeen() > 60_000) {
            reg.replace(e, e.seen(c.nodeId(), System.currentTimeMillis()));
            reg.save();
            e = reg.require(e.name());
        }
        return new Target(reg, e, c);
    }

    /** The options authenticating with what the registry holds for {@code e}: its admin token or a scoped token. */
    static NodeClient.Options withCredential(NodeClient.Options opts, NodeRegistry.Entry e) {
        if (e.adminToken() != null) return opts.withAdminToken(AdminToken.of(e.adminToken()));
        if (e.scopedToken() != null) return opts.withToken(TokenCredential.parse(e.scopedToken()));
        return opts;
    }

    static String explain(NetworkException n) {
        return explain(n, null);
    }

    /**
     * How to reach a registered node: TLS checking its pinned key, or plaintext when its address is a loopback one
     * and it was not found to refuse plaintext. A node whose key is not pinned yet is reached with TLS, to pin it.
     */
    static NodeClient.Options secured(NodeClient.Options opts, NodeRegistry.Entry e) {
        return opts.withPinnedKey(e.fingerprint())
                .withPlaintextOnLoopback(e.fingerprint() != null && !Boolean.FALSE.equals(e.plaintext()));
    }

    /** The local socket's file in a node's data directory ({@code node start}, docs/security.md). */
    static final String LOCAL_SOCKET = "node.sock";

    /**
     * As {@link #secured(NodeClient.Options, NodeRegistry.Entry)}, and through the node's local socket first when it is
     * a local node whose socket file exists (no TLS handshake: the file is this user's only); TCP when that fails.
     */
    static NodeClient.Options secured(NodeClient.Options opts, NodeRegistry reg, NodeRegistry.Entry e) {
        var tcp = secured(opts, e);
        return e.local() && e.nodeId() != null
                ? tcp.withLocalSocket(reg.dataDir(e).resolve(LOCAL_SOCKET))
                : tcp;
    }

    /** The entry with what connection {@code c} taught: the key to pin (first use) and whether plaintext is served. */
    static NodeRegistry.Entry learnt(NodeRegistry.Entry e, NodeClient c) {
        if (c.local()) return e; // the local socket says nothing of the node's key or of what its TCP port serves
        String fp = e.fingerprint() == null ? c.keyFingerprint() : e.fingerprint();
        Boolean plaintext = e.plaintext();
        if (!c.encrypted()) plaintext = true;
        else if (e.fingerprint() != null && loopback(e.address())) plaintext = false; // tried plaintext: refused
        return java.util.Objects.equals(fp, e.fingerprint()) && java.util.Objects.equals(plaintext, e.plaintext())
                ? e
                : e.withKey(fp, plaintext);
    }

    private static boolean loopback(String address) {
        try {
            return java.net.InetAddress.getByName(Addresses.parse(address).getHostString())
                    .isLoopbackAddress();
        } catch (java.io.IOException | IllegalArgumentException ex) {
            return false;
        }
    }

    /** The failure's message, naming the registered node and adding what to do where the message does not say it. */
    static String explain(NetworkException n, NodeRegistry.Entry e) {
        String who = e == null ? "" : "node '" + e.name() + "': ";
        if (n.getCause() instanceof NodeKeyChangedException k)
            return "@@@ the key of " + (e == null ? "the node" : "node '" + e.name() + "'") + " has changed @@@\n"
                    + (e == null ? "" : "it answers at " + e.address() + " ") + "with key " + k.actual()
                    + ", but " + k.expected() + " is pinned for it. Someone may be intercepting the connection (a man"
                    + " in the middle), or the node was re-created with a new key. The connection was refused."
                    + (e == null
                            ? ""
                            : "\nIf you trust the new key, re-pin it: " + command("node remove " + e.name()) + " && "
                                    + command("node add " + e.name() + " " + e.address()
                                            + (e.adminToken() == null ? "" : " --token <token>")
                                            + " --fingerprint " + k.actual()));
        String hint = switch (n.kind()) {
            case UNAUTHORIZED -> e == null ? "" : unauthorizedHint(n, e);
            case TIMEOUT ->
                " (check that the node is running and not overloaded: "
                        + command("node ping " + (e == null ? "<node>" : e.name())) + ")";
            case UNREACHABLE -> e == null ? "" : " (" + startHint(e) + ")";
            default -> "";
        };
        return who + n.getMessage() + hint;
    }

    /** What to do about a refused credential: re-add the node with a working one (a token's refusals say enough). */
    private static String unauthorizedHint(NetworkException n, NodeRegistry.Entry e) {
        String readd = command("node remove " + e.name()) + " && "
                + command("node add " + e.name() + " " + e.address() + " --token <token>");
        if (e.scopedToken() != null)
            return n.getMessage().startsWith("permission denied")
                    ? ""
                    : " (the registered token "
                            + TokenCredential.parse(e.scopedToken()).id()
                            + " was refused: ask the node's admin for a token and re-add the node with it: " + readd
                            + ")";
        return (e.adminToken() != null
                        ? " (the registered admin token is wrong"
                        : " (no admin token is registered for this node")
                + ": re-add it with the token from its admin.token file: " + readd + ")";
    }

    /** An unexpected failure in words: file errors say what happened to which file; no Java class names. */
    static String describe(Exception e) {
        return switch (e) {
            case java.nio.file.NoSuchFileException f -> "no such file or directory: " + f.getFile();
            case java.nio.file.AccessDeniedException f -> "permission denied: " + f.getFile();
            case java.nio.file.FileAlreadyExistsException f -> "already exists: " + f.getFile();
            case java.nio.file.NotDirectoryException f -> "not a directory: " + f.getFile();
            case java.nio.file.DirectoryNotEmptyException f -> "directory not empty: " + f.getFile();
            case java.nio.file.FileSystemException f ->
                f.getFile() + ": " + (f.getReason() == null ? "file system error" : f.getReason());
            default ->
                e.getMessage() == null
                        ? "an unexpected internal error (run with INTERSTICE_DEBUG=1 for details)"
                        : e.getMessage();
        };
    }

    /** How to get a registered node running: an example's command, a local node's, or where a remote one lives. */
    static String startHint(NodeRegistry.Entry e) {
        String suffix = "-example";
        if (e.name().endsWith(suffix)) {
            String example = e.name().substring(0, e.name().length() - suffix.length());
            if (ExampleCommand.PORTS.containsKey(example))
                return "is it running? start it with: " + command("example " + example);
        }
        return e.local()
                ? "is it running? start it with: " + command("node start " + e.name())
                : "is it running? it was added with 'node add': start it where it runs, e.g. with: "
                        + command("node start <name>");
    }
}
