package dev.interstice.cli;

import dev.interstice.runtime.node.NodeLog;
import dev.interstice.runtime.node.Replay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code interstice replay <node> --verify}: the determinism checker. Re-executes a stopped node's log on a scratch node
 * and compares the result with the log byte for byte, naming the first transaction that differs (exit code 1).
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Re-execute a stopped node's transaction log on a scratch node (same identity, each transaction at its"
                    + " logged id and time, each module at the version that ran) and compare the result with the log"
                    + " byte for byte; names the first transaction that differs (exit code 1).",
            "Reads the data directory: stop the node first, or give --data-dir DIR."
        })
final class ReplayCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<node>", description = "A registered local node (stopped).")
    String node;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Replay a stopped node's data directory.")
    Path dataDir;

    @Option(names = "--to-tx", paramLabel = "N", description = "Stop after transaction N (default: the whole log).")
    long toTx = Long.MAX_VALUE;

    @Option(names = "--verify", required = true, description = "Compare the replay with the log (the only mode).")
    boolean verify;

    @Override
    public Integer call() throws IOException {
        if ((node == null) == (dataDir == null))
            throw CliException.usage("name a registered local node or give --data-dir DIR (not both)");
        Path dir = dataDir;
        if (dir == null) {
            var reg = NodeRegistry.load();
            var e = reg.require(node);
            if (!e.local() || e.nodeId() == null)
                throw new CliException("node '" + node + "' is not a local node: replay reads a data directory"
                        + " (copy it here and give --data-dir DIR)");
            dir = reg.dataDir(e);
        }
        if (!Files.isDirectory(dir.resolve("storage")))
            throw new CliException(dir + " is not a node's data directory (it has no storage/)");
        if (NodeLog.running(dir))
            throw new CliException("a running node holds " + dir + ": stop it first (" + Cli.command("node stop <node>")
                    + "), or replay a copy of its data directory with --data-dir");
        Path scratch = Files.createTempDirectory("interstice-replay");
        var out = spec.commandLine().getOut();
        try {
            Replay.Report r = Replay.verify(dir, toTx, scratch);
            String counts = r.reExecuted() + " re-executed, " + r.applied() + " applied as logged (not replayable: peer"
                    + " syncs, restarts)";
            if (r.clean()) {
                out.println("replay matches the log up to tx " + r.lastTx() + ": " + r.compared()
                        + " transactions compared byte for byte" + from(r) + "; " + counts);
                return 0;
            }
            out.println("replay DIVERGES at " + r.divergence());
            out.println("(" + counts + from(r) + ")");
            return 1;
        } finally {
            deleteTree(scratch);
        }
    }

    /** Where the replay started when not from the empty node. */
    private static String from(Replay.Report r) {
        return r.fromTx() == 0
                ? ""
                : ", starting from the snapshot as of tx " + r.fromTx() + " (the kept log does not reach further back)";
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
