package dev.interstice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interstice.runtime.node.NodeLog;
import dev.interstice.storage.AuditLog;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code interstice audit <node> [<module>]}: verifies every module's audit chain (each committed transaction's link
 * covers its record and the module's previous link) and every data file's checksums, or exports one module's chain
 * for a third party. Reads the node's data directory on this machine, whether the node runs or not.
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "Verify the audit chains of a node's modules and the checksums of its data files (--verify, the default),"
                    + " or export one module's chain (--export FILE) in a format anyone can check with SHA-256"
                    + " (docs/operability.md, \"Audit chain\").",
            "Reads the data directory of a node on this machine, running or stopped; exits 1 if anything breaks."
        })
final class AuditCommand implements Callable<Integer> {
    private static final HexFormat HEX = HexFormat.of();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<node>", description = "A node created on this machine.")
    String node;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<module>", description = "Only this module's chain.")
    String module;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "A node's data directory instead of <node>.")
    Path dataDir;

    @Option(names = "--verify", description = "Re-derive every chain and check every checksum (the default).")
    boolean verify;

    @Option(
            names = "--export",
            paramLabel = "FILE",
            description = "Write <module>'s chain as JSON lines to FILE ('-': standard output).")
    String export;

    @Override
    public Integer call() throws IOException {
        if (dataDir != null && node != null && module == null) {
            module = node; // with --data-dir the one positional is the module
            node = null;
        }
        if ((node == null) == (dataDir == null))
            throw CliException.usage("name a node created on this machine or give --data-dir DIR (not both)");
        if (export != null && verify) throw CliException.usage("--verify and --export exclude each other");
        if (export != null && module == null) throw CliException.usage("--export needs a <module>");
        Path storage = NodeLog.storageDir(dir());
        if (!Files.isDirectory(storage))
            throw new CliException(storage.getParent() + " is not a node's data directory (it has no storage/)");
        return export != null ? export(storage) : verify(storage);
    }

    private Path dir() {
        if (dataDir != null) return dataDir;
        var reg = NodeRegistry.load();
        var e = reg.require(node);
        if (!e.local() || e.nodeId() == null)
            throw new CliException("node '" + node + "' was not created on this machine: run the audit where its data"
                    + " directory is (" + Cli.command("audit --data-dir DIR") + ")");
        return reg.dataDir(e);
    }

    private int verify(Path storage) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        AuditLog.Report r = AuditLog.verify(storage, module);
        out.printf(
                "audit of %s: log LSN %d-%d (%d records), %d row files%n",
                storage, r.firstLsn(), r.lastLsn(), r.records(), r.rowFiles());
        if (r.chains().isEmpty())
            out.println(module == null ? "  no module has committed a change" : "  module " + module + ": no records");
        for (AuditLog.Chain c : r.chains())
            out.printf(
                    "  module %s: %d transactions, LSN %d-%d, starting at %s%n    head %s%n",
                    c.module(), c.records(), c.firstLsn(), c.lastLsn(), c.anchor(), c.head());
        if (r.ok()) {
            out.println("OK: every chain link and checksum verifies");
            return 0;
        }
        out.println("BROKEN: " + r.problems().size() + (r.problems().size() == 1 ? " problem" : " problems"));
        for (AuditLog.Problem p : r.problems())
            out.printf(
                    "  %s at offset %d%s: %s%n",
                    p.file(), p.offset(), p.lsn() > 0 ? " (LSN " + p.lsn() + ")" : "", p.what());
        return 1;
    }

    /** The export: a header line (the rule and where the chain starts), then one line per link. */
    private int export(Path storage) throws IOException {
        ObjectMapper json = new ObjectMapper();
        AuditLog.Start start = AuditLog.export(storage, module, l -> {}); // where it starts: known after a pass
        boolean toStdout = export.equals("-");
        Writer w = toStdout
                ? spec.commandLine().getOut()
                : new BufferedWriter(
                        new OutputStreamWriter(Files.newOutputStream(Path.of(export)), StandardCharsets.UTF_8));
        long[] n = {0};
        try {
            ObjectNode head = json.createObjectNode()
                    .put("format", "interstice-audit-chain")
                    .put("version", 1)
                    .put("module", module)
                    .put("rule", "link = SHA-256(prev || lsn as 8 bytes little-endian || payload)");
            ObjectNode s = head.putObject("start").put("lsn", start.lsn()).put("anchor", start.anchor());
            if (start.prev() == null) s.putNull("prev");
            else s.put("prev", HEX.formatHex(start.prev()));
            w.write(json.writeValueAsString(head) + "\n");
            AuditLog.export(storage, module, l -> {
                try {
                    w.write(json.writeValueAsString(json.createObjectNode()
                                    .put("lsn", l.lsn())
                                    .put("tx", l.txId())
                                    .put("payload", HEX.formatHex(l.hashed()))
                                    .put("link", HEX.formatHex(l.link())))
                            + "\n");
                    n[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } finally {
            if (toStdout) w.flush();
            else w.close();
        }
        if (!toStdout)
            spec.commandLine().getErr().println("exported " + n[0] + " links of module " + module + " to " + export);
        return 0;
    }
}
