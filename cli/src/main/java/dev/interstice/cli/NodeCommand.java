package dev.interstice.cli;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeSchema;
import dev.interstice.cli.image.OwnImage;
import dev.interstice.network.Addresses;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NetworkException;
import dev.interstice.network.NodeClient;
import dev.interstice.network.NodeKeyChangedException;
import dev.interstice.network.NodeServer;
import dev.interstice.network.TokenCredential;
import dev.interstice.network.TokenStore;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.node.BranchLimits;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.node.SupervisionPolicy;
import dev.interstice.runtime.store.CodeSource;
import dev.interstice.runtime.store.DirectoryCodeSource;
import dev.interstice.runtime.store.UrlCodeSource;
import dev.interstice.storage.LogRetention;
import dev.interstice.storage.StorageCorruptionException;
import dev.interstice.storage.StorageLockedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code interstice node ...}: the registry of known nodes, and running local ones. */
@Command(
        name = "node",
        mixinStandardHelpOptions = true,
        description = "Manage the nodes this CLI knows (nodes.toml) and run local ones.")
final class NodeCommand implements Runnable {
    /** The subcommands, in help order; Main registers only the one being run (see Main.COMMANDS). */
    static final Map<String, Class<?>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("add", Add.class);
        SUBCOMMANDS.put("create", Create.class);
        SUBCOMMANDS.put("list", ListNodes.class);
        SUBCOMMANDS.put("remove", Remove.class);
        SUBCOMMANDS.put("rename", Rename.class);
        SUBCOMMANDS.put("show", Show.class);
        SUBCOMMANDS.put("start", Start.class);
        SUBCOMMANDS.put("ping", Ping.class);
        SUBCOMMANDS.put("schema", Schema.class);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    abstract static class Sub implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        static void checkName(String name) {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*"))
                throw CliException.usage(
                        "'" + name + "' is not a valid node name: use letters, digits, '-', '_' and '.'");
        }

        static String checkAddress(String address) {
            try {
                InetSocketAddress a = Addresses.parse(address);
                return Addresses.format(a.getHostString(), a.getPort());
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Register a node running elsewhere.")
    static final class Add extends Sub {
        @Parameters(index = "0", paramLabel = "<name>")
        String name;

        @Parameters(index = "1", paramLabel = "<address>", description = "host:port")
        String address;

        @Option(
                names = "--token",
                paramLabel = "<token>",
                description =
                        "The node's admin token (its data dir's admin.token), to publish and remove; or a scoped token tk_<id>.<secret> (interstice token create), for what it allows.")
        String token;

        @Option(
                names = "--fingerprint",
                paramLabel = "<SHA256:...>",
                description = "The fingerprint the node's key must have (its 'node show'); without it the key the node"
                        + " presents now is trusted and pinned.")
        String fingerprint;

        @Override
        public Integer call() {
            checkName(name);
            String addr = checkAddress(address);
            boolean scoped = token != null && token.strip().startsWith(TokenCredential.PREFIX);
            try {
                if (scoped) token = TokenCredential.parse(token).value();
                else if (token != null) AdminToken.of(token);
            } catch (IllegalArgumentException bad) {
                throw CliException.usage("--token: " + bad.getMessage());
            }
            if (fingerprint != null && !fingerprint.matches("SHA256:[A-Za-z0-9+/]{43}"))
                throw CliException.usage("--fingerprint must look like SHA256: and 43 base64 characters, as 'node show'"
                        + " prints it, not '" + fingerprint + "'");
            var reg = NodeRegistry.load();
            if (reg.find(name).isPresent())
                throw new CliException(
                        "a node named '" + name + "' already exists; choose another name or remove it first");
            String pinned = fingerprint;
            String id = null;
            var opts = NodeClient.Options.client()
                    .withPlaintextOnLoopback(false) // TLS: the key is what is pinned
                    .withPinnedKey(fingerprint)
                    .withConnectTimeout(Duration.ofSeconds(3));
            try (var c = NodeClient.connect(addr, opts)) {
                pinned = c.keyFingerprint();
                id = c.nodeId();
                out().println("the key of node '" + name + "' (" + id + ") at " + addr + " has fingerprint " + pinned
                        + (fingerprint == null ? "; pinned (trusted on first use)" : "; as required"));
            } catch (NetworkException n) {
                if (n.getCause() instanceof NodeKeyChangedException k)
                    throw new CliException("the node at " + addr + " presented key " + k.actual() + ", not the "
                            + k.expected() + " required by --fingerprint; it was not added");
                // not running yet, or not answering as a node: registered all the same, as before keys existed
                out().println("node '" + name + "' does not answer now (" + n.getMessage() + "); "
                        + (pinned == null ? "its key will be pinned when it is first reached" : "its key is pinned"));
            }
            var entry =
                    new NodeRegistry.Entry(name, addr, id, false, scoped ? null : token, null).withKey(pinned, null);
            reg.add(scoped ? entry.withScopedToken(token) : entry);
            reg.save();
            out().println("added node '" + name + "' at " + addr
                    + (token == null
                            ? ""
                            : scoped
                                    ? " (with token "
                                            + TokenCredential.parse(token).id() + ")"
                                    : " (with its admin token)"));
            return 0;
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description =
                    "Create a local node: a new node id, its data directory and admin token. Run it with: ${sys:interstice.command:-interstice} node start <name>")
    static final class Create extends Sub {
        @Parameters(index = "0", paramLabel = "<name>")
        String name;

        @Parameters(index = "1", paramLabel = "<port>")
        int port;

        @Option(
                names = "--host",
                defaultValue = "127.0.0.1",
                description = "Address other nodes use to reach it (default ${DEFAULT-VALUE}).")
        String host;

        @Override
        public Integer call() {
            checkName(name);
            if (port < 1 || port > 65535) throw CliException.usage("port " + port + " is out of range 1-65535");
            var reg = NodeRegistry.load();
            if (reg.find(name).isPresent())
                throw new CliException(
                        "a node named '" + name + "' already exists; choose another name or remove it first");
            String address = checkAddress(Addresses.format(host, port));
            for (var e : reg.all())
                if (e.local() && e.address().equals(address))
                    throw new CliException(
                            "local node '" + e.name() + "' already uses " + address + "; choose another port");
            // the node's id is its key's: lay the data directory out (key included) in a new directory, then name it
            Path fresh = reg.home().resolve("nodes").resolve(".new-" + UUID.randomUUID());
            String id;
            String fp;
            try (Node node = Node.open(NodeConfig.at(fresh))) {
                id = node.id();
                fp = node.identity().fingerprint();
            }
            var entryWithoutToken = new NodeRegistry.Entry(name, address, id, true, null, null);
            Path dir = reg.dataDir(entryWithoutToken);
            try {
                Files.move(fresh, dir);
            } catch (IOException ex) {
                throw new CliException("cannot create the data directory " + dir + ": " + ex.getMessage());
            }
            AdminToken token = AdminToken.loadOrCreate(dir);
            reg.add(new NodeRegistry.Entry(name, address, id, true, token.value(), null).withKey(fp, null));
            reg.save();
            out().println("created node '" + name + "' (" + id + ") at " + address);
            out().println("key:  " + fp);
            out().println("data: " + dir);
            out().println("start it with: " + Cli.command("node start " + name));
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the registered nodes: which run on this machine and which answer now.")
    static final class ListNodes extends Sub {
        @Override
        public Integer call() {
            var reg = NodeRegistry.load();
            if (reg.all().isEmpty()) {
                out().println("no nodes registered (add one with: " + Cli.command("node add <name> <host:port>")
                        + ", or: " + Cli.command("node create <name> <port>") + ")");
                return 0;
            }
            var rows = new ArrayList<List<String>>();
            var statuses = NodeStatus.of(reg.all());
            for (int i = 0; i < reg.all().size(); i++) {
                var e = reg.all().get(i);
                rows.add(List.of(
                        e.name(),
                        e.address(),
                        e.nodeId() == null ? "-" : e.nodeId(),
                        e.local() ? "local" : "remote",
                        e.adminToken() == null ? "no" : "yes",
                        e.lastSeen() == null
                                ? "never"
                                : Instant.ofEpochMilli(e.lastSeen()).toString(),
                        statuses.get(i).machine(),
                        statuses.get(i).status()));
            }
            TextTable.print(
                    out(),
                    List.of("NAME", "ADDRESS", "NODE ID", "KIND", "ADMIN", "LAST SEEN", "MACHINE", "STATUS"),
                    rows);
            return 0;
        }
    }

    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = "Forget a node (a local node's data is kept unless --delete-data).")
    static final class Remove extends Sub {
        @Parameters(index = "0", paramLabel = "<name|id>")
        String ref;

        @Option(names = "--delete-data", description = "Also delete a local node's data directory.")
        boolean deleteData;

        @Override
        public Integer call() throws IOException {
            var reg = NodeRegistry.load();
            var e = reg.require(ref);
            reg.remove(e);
            reg.save();
            out().println("removed node '" + e.name() + "'");
            if (e.local() && e.nodeId() != null) {
                Path dir = reg.dataDir(e);
                if (deleteData) {
                    Paths.deleteTree(dir);
                    out().println("deleted its data directory " + dir);
                } else if (Files.exists(dir))
                    out().println("its data remains in " + dir + " (use --delete-data to delete it)");
            }
            return 0;
        }
    }

    @Command(name = "rename", mixinStandardHelpOptions = true, description = "Rename a registered node.")
    static final class Rename extends Sub {
        @Parameters(index = "0", paramLabel = "<old>")
        String old;

        @Parameters(index = "1", paramLabel = "<new>")
        String name;

        @Override
        public Integer call() {
            checkName(name);
            var reg = NodeRegistry.load();
            var e = reg.require(old);
            if (reg.find(name).isPresent()) throw new CliException("a node named '" + name + "' already exists");
            reg.replace(e, e.withName(name));
            reg.save();
            out().println("renamed node '" + e.name() + "' to '" + name + "'");
            return 0;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Show a node's registration and, if it answers, its modules.")
    static final class Show extends Sub {
        @Parameters(index = "0", paramLabel = "<name|id>")
        String ref;

        @Override
        public Integer call() {
            var reg = NodeRegistry.load();
            var e = reg.require(ref);
            var o = out();
            o.println("name:      " + e.name());
            o.println("address:   " + e.address());
            o.println("node id:   " + (e.nodeId() == null ? "(unknown until first contact)" : e.nodeId()));
            o.println("kind:      " + (e.local() ? "local (data in " + reg.dataDir(e) + ")" : "remote"));
            o.println("admin:     "
                    + (e.adminToken() != null
                            ? "admin token registered"
                            : e.scopedToken() != null
                                    ? "scoped token "
                                            + TokenCredential.parse(e.scopedToken())
                                                    .id() + " registered"
                                    : "no admin token registered"));
            o.println("last seen: " + (e.lastSeen() == null ? "never" : Instant.ofEpochMilli(e.lastSeen())));
            o.println("key:       "
                    + (e.fingerprint() == null ? "not pinned yet (pinned at the first connection)" : e.fingerprint()));
            var opts = Cli.withCredential(
                    Cli.secured(
                            NodeClient.Options.client()
                                    .withConnectTimeout(Duration.ofSeconds(2))
                                    .withRequestTimeout(Duration.ofSeconds(5)),
                            reg,
                            e),
                    e);
            try (var c = NodeClient.connect(e.address(), opts)) {
                NodeSchema s = c.schema(c.isAdmin() || c.tokenId() != null);
                o.println("status:    online as '" + c.nodeName() + "' (" + c.nodeId() + ")"
                        + (c.isAdmin() ? ", admin" : "")
                        + (c.local()
                                ? ", through its local socket"
                                : c.encrypted() ? ", TLS 1.3" : ", plaintext on loopback"));
                o.println("modules:   " + (s.modules().isEmpty() ? "none" : ""));
                for (ModuleSchema m : s.modules())
                    o.println("  " + m.name() + " " + m.version() + " ("
                            + m.visibility().name().toLowerCase() + "): "
                            + m.reducers().size() + " reducers, " + m.queries().size() + " queries, tables "
                            + SchemaToml.names(
                                    m.tables().stream().map(t -> t.name()).toList()));
                printAuthorities(o, c);
                if (c.isAdmin()) printSupervision(o, c);
            } catch (NetworkException n) {
                o.println("status:    offline (" + n.getMessage() + ")");
            }
            return 0;
        }

        /** Which authorities the node offers and which module holds each (nodes before protocol 1.2 cannot say). */
        private static void printAuthorities(PrintWriter o, NodeClient c) {
            List<Message.AuthorityStatus> all;
            try {
                all = c.authorities();
            } catch (NetworkException old) {
                o.println("authorities: (this node does not report them: " + old.getMessage() + ")");
                return;
            }
            o.println("authorities:");
            for (Message.AuthorityStatus a : all) {
                String name = a.authority().name().charAt(0)
                        + a.authority().name().substring(1).toLowerCase(java.util.Locale.ROOT);
                o.println("  " + String.format("%-8s", name) + " "
                        + (a.offered() ? (a.holder().isEmpty() ? "free" : "held by " + a.holder()) + "; " : "")
                        + a.detail());
            }
        }
    }

    /** What the node does about failing subscribers and schedules, and which failed (admin only). */
    private static void printSupervision(PrintWriter o, NodeClient c) {
        Message.Supervision s;
        try {
            s = c.supervision();
        } catch (NetworkException old) {
            o.println("supervision: (" + old.getMessage() + ")");
            return;
        }
        o.println("supervision: " + s.defaultPolicy() + " by default"
                + (s.policies().isEmpty() ? "" : "; " + String.join(", ", s.policies())));
        for (Message.SupervisedHandler h : s.handlers())
            o.println("  " + h.module() + "." + h.reducer() + ": " + h.state() + " after " + h.failures()
                    + (h.failures() == 1 ? " failure" : " failures in a row") + " (" + h.policy() + "); last: "
                    + h.lastError());
    }

    /** Running {@code node start} commands, so tests can stop them (Ctrl+C does in a terminal). */
    static final List<Runnable> RUNNING = new CopyOnWriteArrayList<>();

    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = "Run a local node in the foreground until Ctrl+C.")
    static final class Start extends Sub {
        @Parameters(index = "0", paramLabel = "<name|id>")
        String ref;

        @Option(
                names = "--listen",
                paramLabel = "<host>",
                description = "Interface to listen on (default: the host of its address; 0.0.0.0 for all).")
        String listen;

        @Option(
                names = "--ack",
                defaultValue = "durable",
                description =
                        "When reducer calls are acknowledged: durable (after fsync, the default) or fast (after commit; fsync within ~10 ms).")
        String ack;

        @Option(
                names = "--executors",
                paramLabel = "<n>",
                defaultValue = "1",
                description =
                        "Reducer calls that may execute at once: 1 (the default) runs them one at a time; more runs"
                                + " them optimistically, each validated and committed in one serial order (docs/parallel-execution.md).")
        int executors;

        @Option(
                names = "--salvage",
                description =
                        "Start even if the log is damaged before its end: drop everything from the damage on and report exactly what was lost.")
        boolean salvage;

        @Option(
                names = "--log-retention",
                paramLabel = "AGE,SIZE",
                defaultValue = "24h,1GiB",
                description = "How much transaction log to keep after compaction for 'interstice log': until older than"
                        + " AGE (s, m, h, d) or beyond SIZE in all (KiB, MiB, GiB), whichever first; 0 keeps none"
                        + " (default ${DEFAULT-VALUE}).")
        String logRetention;

        @Option(
                names = "--branch-limits",
                paramLabel = "BRANCHES,ROWS,CALLS",
                defaultValue = "8,100000,1000",
                description = "Time travel (docs/time-travel.md): branches a module may keep, rows a branch or one past"
                        + " read may hold, reducer calls a branch records (default ${DEFAULT-VALUE}).")
        String branchLimits;

        @CommandLine.Mixin
        AuthorityOptions network = new AuthorityOptions();

        @Option(
                names = "--supervise",
                paramLabel = "<module>=<policy>",
                description = "What to do when a module's subscribers or schedules keep failing (repeatable): retry"
                        + " (with back-off), disable, unload, or notify:<module>.<reducer>, each optionally"
                        + " :<failures in a row> (default 5), e.g. game=disable:3.")
        List<String> supervise = new ArrayList<>();

        @Option(
                names = "--supervise-default",
                paramLabel = "<policy>",
                description = "The policy of modules without their own --supervise (default: retry:5).")
        String superviseDefault;

        @Option(
                names = "--insecure-loopback",
                description = "Also serve plaintext to clients connecting from this machine (loopback to loopback: no"
                        + " TLS handshake per CLI command). Off by default; everything else is always TLS 1.3.")
        boolean insecureLoopback;

        @Option(
                names = "--no-local-socket",
                description = "No local socket: by default the node also listens on <data>/node.sock (mode 600, this"
                        + " user only), through which this machine's CLI commands connect without a TLS handshake.")
        boolean noLocalSocket;

        @Option(
                names = "--log-format",
                paramLabel = "<text|json>",
                defaultValue = "text",
                description =
                        "Log lines as text (default) or one JSON object a line, on the console and in <data>/logs/node.log.")
        String logFormat;

        @Option(
                names = "--log-file-size",
                paramLabel = "<size>",
                defaultValue = "10MB",
                description = "Size at which logs/node.log rolls over to node.1.log (default ${DEFAULT-VALUE}).")
        String logFileSize;

        @Option(
                names = "--log-files",
                paramLabel = "<n>",
                defaultValue = "5",
                description = "Log files kept, node.log included (default ${DEFAULT-VALUE}; 2-20).")
        int logFiles;

        @Option(
                names = "--node-key",
                paramLabel = "<node>=<SHA256:...>",
                description = "Require the node that modules name <node> in their node dependencies to present this key"
                        + " (its fingerprint, as 'node show' prints it): replaces the key a module names and the one"
                        + " its address presented first (known_peers), e.g. to re-pin a re-created node (repeatable).")
        java.util.Map<String, String> nodeKeys = new java.util.LinkedHashMap<>();

        @Option(
                names = "--code-peer",
                paramLabel = "<host:port>",
                description = "Ask this node for module code this one lacks ('publish --hash'), before the nodes its"
                        + " modules depend on (repeatable; what it answers is verified against the hash).")
        List<String> codePeers = new ArrayList<>();

        @Option(
                names = "--code-dir",
                paramLabel = "<dir>",
                description = "Then look for module code this node lacks in <dir>/<sha256>.wasm (repeatable).")
        List<Path> codeDirs = new ArrayList<>();

        @Option(
                names = "--code-url",
                paramLabel = "<url>",
                description = "Then fetch module code this node lacks from <url>/<sha256>.wasm over HTTP(S)"
                        + " (repeatable).")
        List<String> codeUrls = new ArrayList<>();

        @Option(
                names = "--load",
                paramLabel = "<file.wasm>",
                description = "Load this module once the node listens, or upgrade it if it runs other code (repeatable,"
                        + " in order; 'interstice run' loads an image's modules so).")
        List<Path> load = new ArrayList<>();

        @Option(
                names = "--metrics",
                paramLabel = "<[host:]port>",
                description =
                        "Serve Prometheus metrics at http://<host:port>/metrics (off by default; a bare port listens on 127.0.0.1 only).")
        String metricsAt;

        @CommandLine.Mixin
        ConsoleOptions console = new ConsoleOptions();

        @Override
        public Integer call() throws Exception {
            network.authorities(ref); // bad flags are usage errors, found before the registry is read
            console.validate();
            supervision();
            var code = codeSources();
            nodeKeys.forEach((n, fp) -> {
                if (!dev.interstice.runtime.module.NodeKeys.isFingerprint(fp))
                    throw CliException.usage("--node-key " + n + "=" + fp
                            + ": not a key fingerprint (SHA256: and 43 base64 characters, as 'node show' prints it)");
            });
            var logSettings = NodeLogging.Settings.of(logFormat, logFileSize, logFiles);
            InetSocketAddress metricsAddress = metricsAt == null ? null : MetricsEndpoint.parse(metricsAt);
            var reg = NodeRegistry.load();
            var e = reg.require(ref);
            var authorities = network.authorities(e.name());
            if (!e.local() || e.nodeId() == null)
                throw new CliException("node '" + e.name()
                        + "' is not a local node (it was registered with 'node add'); start it where it lives, "
                        + "or create a local one with: " + Cli.command("node create <name> <port>"));
            Path dir = reg.dataDir(e);
            if (!Files.isDirectory(dir))
                throw new CliException("the data directory of node '" + e.name() + "' is missing: " + dir);
            InetSocketAddress addr = Addresses.parse(e.address());
            try (var logging = NodeLogging.start(dir, logSettings)) {
                return run(e, dir, addr, authorities, metricsAddress, code);
            }
        }

        /** The chain loader's configured places ({@code --code-dir}, {@code --code-url}); a bad one is a usage error. */
        private List<CodeSource> codeSources() {
            var out = new ArrayList<CodeSource>();
            for (String p : codePeers)
                try {
                    Addresses.parse(p);
                } catch (IllegalArgumentException ex) {
                    throw CliException.usage("--code-peer " + p + ": " + ex.getMessage());
                }
            for (Path d : codeDirs) out.add(new DirectoryCodeSource(d.toAbsolutePath()));
            for (String u : codeUrls)
                try {
                    out.add(new UrlCodeSource(java.net.URI.create(u)));
                } catch (IllegalArgumentException ex) {
                    throw CliException.usage("--code-url " + u + ": " + ex.getMessage());
                }
            return out;
        }

        /** The {@code --supervise} policies by module; a bad one is a usage error. */
        private Map<String, SupervisionPolicy> supervision() {
            var out = new LinkedHashMap<String, SupervisionPolicy>();
            try {
                if (superviseDefault != null) SupervisionPolicy.parse(superviseDefault);
                for (String s : supervise) {
                    int eq = s.indexOf('=');
                    if (eq <= 0)
                        throw new IllegalArgumentException(
                                "--supervise takes <module>=<policy>, e.g. game=disable:3, not '" + s + "'");
                    out.put(s.substring(0, eq), SupervisionPolicy.parse(s.substring(eq + 1)));
                }
            } catch (IllegalArgumentException ex) {
                throw CliException.usage(ex.getMessage());
            }
            return out;
        }

        /** {@code --load}: each module loaded, upgraded, or left alone when the node already runs exactly that code. */
        private void loadAtStart(Node node, Path dir) {
            for (Path f : load) {
                try {
                    byte[] wasm = Files.readAllBytes(f);
                    String name = node.describe(wasm).name();
                    if (node.modules().stream().noneMatch(m -> m.name().equals(name))) {
                        node.load(f.getFileName().toString(), wasm);
                        continue;
                    }
                    Path stored = dir.resolve("modules").resolve(name + ".wasm");
                    if (!Files.isRegularFile(stored) || !java.util.Arrays.equals(Files.readAllBytes(stored), wasm))
                        node.replace(wasm, false);
                } catch (IOException | RuntimeException ex) {
                    throw new CliException("node '" + ref + "' cannot load " + f + ": " + Cli.describe(ex));
                }
            }
        }

        /** The registry learns what this node is now: its id (changed once when it got its key), key, plaintext rule. */
        private void remember(NodeRegistry.Entry e, Node node) {
            var now = (e.nodeId().equals(node.id()) ? e : e.withNewId(node.id()))
                    .withKey(node.identity().fingerprint(), insecureLoopback);
            if (now.equals(e)) return;
            var reg = NodeRegistry.load();
            reg.find(e.name()).ifPresent(old -> reg.replace(old, now));
            reg.save();
        }

        private int run(
                NodeRegistry.Entry e,
                Path dir,
                InetSocketAddress addr,
                dev.interstice.runtime.authority.AuthorityConfig authorities,
                InetSocketAddress metricsAddress,
                List<CodeSource> code)
                throws InterruptedException {
            var stop = new CountDownLatch(1);
            Node node;
            dev.interstice.runtime.exec.Ack acks;
            try {
                acks = dev.interstice.runtime.exec.Ack.valueOf(ack.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                throw new CliException("--ack must be durable or fast, not '" + ack + "'");
            }
            if (executors < 1) throw new CliException("--executors must be at least 1, not " + executors);
            TokenStore tokens; // read before the node opens, so that a bad tokens file leaves nothing open
            dev.interstice.network.PeerKeys peerKeys;
            try {
                tokens = TokenStore.open(dir);
                peerKeys = dev.interstice.network.PeerKeys.open(dir);
            } catch (RuntimeException ex) {
                throw new CliException("node '" + e.name() + "' cannot start: " + ex.getMessage());
            }
            try {
                // load hooks run once the network is up (NodeServer.start), so their remote calls are delivered
                node = Node.openDeferred(NodeConfig.at(dir)
                        .withNodeId(e.nodeId()) // this node's, or the one it had before it got its key
                        .withAck(acks)
                        .withExecutors(executors)
                        .withSalvage(salvage)
                        .withLogRetention(retention(logRetention))
                        .withBranchLimits(branchLimits(branchLimits))
                        .withAuthorities(authorities));
            } catch (RuntimeException ex) {
                throw new CliException(cannotOpen(e.name(), dir, ex, salvage));
            }
            var policies = supervision();
            if (superviseDefault != null) node.supervisor().setDefaultPolicy(SupervisionPolicy.parse(superviseDefault));
            policies.forEach(node.supervisor()::setPolicy);
            NodeServer server;
            try {
                var config = NetworkConfig.defaults()
                        .withNodeName(e.name())
                        .withBindHost(listen != null ? listen : addr.getHostString())
                        .withPort(addr.getPort())
                        .withAdvertisedAddress(e.address())
                        .withInsecureLoopback(insecureLoopback)
                        .withLocalSocket(noLocalSocket ? null : dir.resolve(Cli.LOCAL_SOCKET))
                        .withAdminToken(AdminToken.loadOrCreate(dir))
                        .withTokens(tokens)
                        .withPeerKeys(peerKeys);
                for (var k : nodeKeys.entrySet()) config = config.withNodeKey(k.getKey(), k.getValue());
                for (String p : codePeers) config = config.withCodePeer(p);
                node.codeSources(code);
                server = NodeServer.start(node, config);
                server.serveImages(new OwnImage(node, e.name(), addr.getPort()));
            } catch (java.net.BindException ex) {
                node.close();
                throw new CliException("node '" + e.name() + "' cannot listen on " + e.address()
                        + ": the port is in use by " + PortOwner.describe(addr.getPort(), NodeRegistry.load()));
            } catch (IOException ex) {
                node.close();
                throw new CliException(
                        "node '" + e.name() + "' cannot listen on " + e.address() + ": " + ex.getMessage());
            }
            remember(e, node);
            try {
                loadAtStart(node, dir);
            } catch (CliException ex) {
                server.close();
                node.close();
                throw ex;
            }
            MetricsEndpoint metrics = null;
            if (metricsAddress != null) {
                var meters = new NodeMetrics(node);
                node.observe(meters, meters);
                meters.attach(server);
                try {
                    metrics = MetricsEndpoint.start(metricsAddress, meters::scrape, dir);
                } catch (IOException ex) {
                    server.close();
                    node.close();
                    throw new CliException("node '" + e.name() + "' cannot serve metrics on "
                            + Addresses.format(metricsAddress.getHostString(), metricsAddress.getPort()) + ": "
                            + ex.getMessage() + " (is the port taken? choose another with --metrics)");
                }
            }
            MetricsEndpoint endpoint = metrics;
            dev.interstice.console.Console web;
            try {
                web = console.start(node, server, AdminToken.loadOrCreate(dir), dir, out());
            } catch (CliException ex) {
                if (endpoint != null) endpoint.close();
                server.close();
                node.close();
                throw ex;
            }
            Runnable shutdown = () -> {
                if (web != null) web.close();
                if (endpoint != null) endpoint.close();
                server.close();
                node.close();
                stop.countDown();
            };
            Thread hook = new Thread(shutdown, "interstice-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            RUNNING.add(shutdown);
            try {
                out().println("node '" + e.name() + "' (" + node.id() + ") listening on " + e.address() + " with "
                        + node.modules().size() + " module(s); press Ctrl+C to stop");
                out().println(node.authorities().summary());
                if (endpoint != null) out().println("metrics: http://" + endpoint.address() + "/metrics");
                out().flush();
                stop.await();
            } finally {
                RUNNING.remove(shutdown);
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running
                }
            }
            out().println("node '" + e.name() + "' stopped");
            return 0;
        }
    }

    /** {@code --branch-limits}: {@code BRANCHES,ROWS,CALLS} such as {@code 8,100000,1000}. */
    static BranchLimits branchLimits(String text) {
        var m = java.util.regex.Pattern.compile("(\\d{1,9}),(\\d{1,9}),(\\d{1,9})")
                .matcher(text.strip());
        try {
            if (m.matches())
                return new BranchLimits(
                        Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        } catch (IllegalArgumentException e) {
            // rows of 0: said below
        }
        throw CliException.usage(
                "--branch-limits: '" + text + "' is not BRANCHES,ROWS,CALLS with ROWS at least 1 (e.g. 8,100000,1000)");
    }

    /** Why a local node did not open, with the one remedy that fits the failure. */
    /** {@code --log-retention}: {@code 0}, or {@code AGE,SIZE} such as {@code 24h,1GiB}. */
    static LogRetention retention(String text) {
        if (text.strip().equals("0")) return LogRetention.NONE;
        var m = java.util.regex.Pattern.compile("(\\d{1,9})([smhd])\\s*,\\s*(\\d{1,9})(B|KiB|MiB|GiB)")
                .matcher(text.strip());
        if (!m.matches())
            throw CliException.usage("--log-retention: '" + text + "' is not 0 or AGE,SIZE (e.g. 24h,1GiB)");
        long n = Long.parseLong(m.group(1));
        java.time.Duration age = switch (m.group(2)) {
            case "s" -> java.time.Duration.ofSeconds(n);
            case "m" -> java.time.Duration.ofMinutes(n);
            case "h" -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofDays(n);
        };
        long unit = switch (m.group(4)) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> 1;
        };
        return new LogRetention(age, Long.parseLong(m.group(3)) * unit);
    }

    static String cannotOpen(String name, Path dir, RuntimeException ex, boolean salvaged) {
        String what = "cannot open node '" + name + "' on " + dir + ": " + ex.getMessage();
        return switch (ex) {
            case StorageLockedException locked -> what + " (is it already running?)";
            case StorageCorruptionException corrupt
            when !salvaged ->
                what + "\nThe node's storage is damaged. To start it anyway, dropping"
                        + " everything from the damage on (the log reports exactly what is lost), run: "
                        + Cli.command("node start " + name + " --salvage");
            case StorageCorruptionException corrupt ->
                what + "\n--salvage cannot repair this damage; restore the data directory from a backup";
            default -> what;
        };
    }

    @Command(name = "ping", mixinStandardHelpOptions = true, description = "Check that a node answers.")
    static final class Ping extends Sub {
        @Parameters(index = "0", paramLabel = "<name|id>")
        String ref;

        @Override
        public Integer call() {
            try (var t = Cli.connect(ref, Duration.ofSeconds(5))) {
                Duration rtt = t.client().ping();
                out().printf(
                                "pong from node '%s' (%s) at %s in %.1f ms%n",
                                t.client().nodeName(),
                                t.client().nodeId(),
                                t.entry().address(),
                                rtt.toNanos() / 1e6);
            }
            return 0;
        }
    }

    @Command(
            name = "schema",
            mixinStandardHelpOptions = true,
            description =
                    "Print a node's schema as TOML (every module with its admin token, else the public view), or write it to [out].")
    static final class Schema extends Sub {
        @Parameters(index = "0", paramLabel = "<name|id>")
        String ref;

        @Parameters(index = "1", arity = "0..1", paramLabel = "<out>")
        Path outFile;

        @Option(names = "--public", description = "The public view even with the admin token.")
        boolean publicOnly;

        @Override
        public Integer call() throws IOException {
            try (var t = Cli.connect(ref)) {
                NodeSchema s = t.client().schema(t.client().isAdmin() && !publicOnly);
                var hashes = new java.util.HashMap<String, String>();
                for (var c : t.client().codeHashes()) hashes.put(c.module(), c.hash());
                String toml = SchemaToml.node(s, null, hashes);
                if (outFile == null) out().print(toml);
                else {
                    if (outFile.toAbsolutePath().getParent() != null)
                        Files.createDirectories(outFile.toAbsolutePath().getParent());
                    Files.writeString(outFile, toml, StandardCharsets.UTF_8);
                    out().println("schema of node '" + t.entry().name() + "' ("
                            + s.modules().size() + " module(s)) written to " + outFile);
                }
            }
            return 0;
        }
    }
}
