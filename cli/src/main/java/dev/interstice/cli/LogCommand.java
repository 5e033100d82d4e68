package dev.interstice.cli;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.console.TxLogText;
import dev.interstice.runtime.node.NodeLog;
import dev.interstice.storage.StorageLockedException;
import dev.interstice.storage.TxLog;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code interstice log <node>}: the committed transactions in the node's log (its kept history too), oldest first:
 * what ran, who called it, its arguments and its row changes. Over the network from a running node, or read from a
 * stopped node's data directory. Not {@code interstice logs}, which prints the node's text log.
 */
@Command(
        name = "log",
        mixinStandardHelpOptions = true,
        description = {
            "Print the transaction log: each committed transaction (oldest first) with its reducer, caller, arguments"
                    + " and row changes, from a running node or a stopped node's data directory.",
            "(The node's text log is 'interstice logs'.)"
        })
final class LogCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<node>", description = "A registered node.")
    String node;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Read a stopped node's data directory instead of asking a node.")
    Path dataDir;

    @Option(
            names = "--module",
            paramLabel = "M",
            description = "Only transactions module M ran or that changed its tables (a token needs 'rows' on M).")
    String module;

    @Option(
            names = "--table",
            paramLabel = "T",
            description = "Only transactions that changed table T (a name, or module.table).")
    String table;

    @Option(names = "--from-tx", paramLabel = "N", description = "Start at transaction N (default: the oldest kept).")
    long fromTx = 1;

    @Option(names = "--limit", paramLabel = "N", description = "Print at most N transactions.")
    Integer limit;

    @Option(names = "--follow", description = "Keep printing transactions as the node commits them, until Ctrl+C.")
    boolean follow;

    @Option(names = "--json", description = "One JSON object per line and transaction (with --trace: the tree).")
    boolean json;

    @Option(
            names = "--trace",
            paramLabel = "TX",
            description = "Show the tree of what one call caused: from the origin of transaction TX's trace, each"
                    + " transaction with its nested calls and the subscribers, schedules and remote calls it caused,"
                    + " on other registered nodes too (a running node only).")
    Long trace;

    /** Transactions asked for per request (the node answers at most 1,000). */
    private static final int PAGE = 1000;

    private static final long FOLLOW_POLL_MS = 300;

    /** Where the records come from. */
    private interface Source extends AutoCloseable {
        List<TxLog.Entry> page(long fromTx, int limit);

        Map<String, ModuleSchema> schemas(boolean refresh);

        @Override
        default void close() {}
    }

    @Override
    public Integer call() {
        if ((node == null) == (dataDir == null))
            throw CliException.usage("name a registered node or give --data-dir DIR (not both)");
        if (limit != null && limit < 1) throw CliException.usage("--limit must be at least 1, not " + limit);
        if (fromTx < 0) throw CliException.usage("--from-tx must be 0 or more, not " + fromTx);
        if (trace != null) return trace();
        try (Source src = open()) {
            print(src);
        }
        return 0;
    }

    private int trace() {
        if (node == null)
            throw CliException.usage("--trace reads running nodes: name a registered node, not --data-dir");
        if (follow || module != null || table != null || limit != null)
            throw CliException.usage("--trace takes no --follow, --module, --table or --limit");
        if (trace < 1) throw CliException.usage("--trace needs a transaction id (1 or more), not " + trace);
        TraceTree tree = TraceTree.read(node, trace);
        PrintWriter out = spec.commandLine().getOut();
        if (json) out.println(tree.json());
        else tree.print(out);
        out.flush();
        return 0;
    }

    private Source open() {
        if (dataDir != null) return stopped(dataDir, "--data-dir " + dataDir);
        var reg = NodeRegistry.load();
        var e = reg.require(node);
        if (e.local() && e.nodeId() != null) {
            Path dir = reg.dataDir(e);
            if (Files.isDirectory(dir.resolve("storage")) && !NodeLog.running(dir)) return stopped(dir, node);
        }
        return remote();
    }

    private Source stopped(Path dir, String what) {
        if (follow)
            throw CliException.usage("--follow needs a running node: " + what + " is a stopped node's directory");
        if (!Files.isDirectory(dir.resolve("storage")))
            throw new CliException(dir + " is not a node's data directory (it has no storage/)");
        if (NodeLog.running(dir))
            throw new CliException("a running node holds " + dir + " (its storage is locked); ask it over the network: "
                    + Cli.command("log <node>"));
        Map<String, ModuleSchema> schemas = NodeLog.schemas(dir);
        var filter = NodeLog.filter(module, table);
        return new Source() {
            @Override
            public List<TxLog.Entry> page(long from, int n) {
                try {
                    return NodeLog.read(dir, from, n, filter);
                } catch (StorageLockedException e) {
                    throw new CliException(
                            "the node started meanwhile; ask it over the network: " + Cli.command("log <node>"));
                }
            }

            @Override
            public Map<String, ModuleSchema> schemas(boolean refresh) {
                return schemas;
            }
        };
    }

    private Source remote() {
        Cli.Target t = Cli.connect(node);
        return new Source() {
            private Map<String, ModuleSchema> schemas;

            @Override
            public List<TxLog.Entry> page(long from, int n) {
                return t.client().readLog(from, module == null ? "" : module, table == null ? "" : table, n);
            }

            @Override
            public Map<String, ModuleSchema> schemas(boolean refresh) {
                if (schemas == null || refresh) {
                    var s = t.client().schema(t.client().isAdmin() || t.client().tokenId() != null);
                    schemas = new HashMap<>();
                    for (ModuleSchema m : s.modules()) schemas.put(m.name(), m);
                }
                return schemas;
            }

            @Override
            public void close() {
                t.close();
            }
        };
    }

    /** Pages through the log from --from-tx, then (--follow) waits for more. */
    private void print(Source src) {
        PrintWriter out = spec.commandLine().getOut();
        long next = fromTx;
        long printed = 0;
        long want = limit == null ? Long.MAX_VALUE : limit;
        TxLogText text = new TxLogText(src.schemas(false));
        while (printed < want) {
            int ask = (int) Math.min(PAGE, want - printed);
            List<TxLog.Entry> page = src.page(next, ask);
            if (page.stream().anyMatch(e -> unknownModule(src, e)))
                text = new TxLogText(src.schemas(true)); // a module published since the schemas were read
            for (TxLog.Entry e : page) {
                if (json) out.println(text.json(e));
                else text.print(out, e);
                next = e.record().txId() + 1;
            }
            printed += page.size();
            out.flush();
            if (page.isEmpty()) {
                if (!follow) return;
                try {
                    Thread.sleep(FOLLOW_POLL_MS);
                } catch (InterruptedException stopped) {
                    return; // Ctrl+C, or the embedding program stops it
                }
            }
        }
    }

    private static boolean unknownModule(Source src, TxLog.Entry e) {
        var o = e.record().origin();
        return o != null && !o.module().isEmpty() && !src.schemas(false).containsKey(o.module());
    }
}
