package dev.interstice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code interstice logs <node>}: the log of a local node (its data directory's logs/node.log and the rolled-over
 * files before it), text or JSON lines alike. A remote node's log stays on its machine.
 */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = {
            "Print a local node's text log (<data>/logs/node.log); --follow to keep printing new lines.",
            "(Its committed transactions are 'interstice log'.)"
        })
final class LogsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<name|id>")
    String ref;

    @Option(names = "--module", paramLabel = "<module>", description = "Only the lines this module logged.")
    String module;

    @Option(
            names = "-n",
            paramLabel = "<lines>",
            defaultValue = "50",
            description = "How many of the last lines to print (default ${DEFAULT-VALUE}; 0 for all).")
    int lines;

    @Option(names = "--follow", description = "Keep printing lines as the node writes them, until Ctrl+C.")
    boolean follow;

    @Override
    public Integer call() throws IOException {
        if (lines < 0) throw CliException.usage("-n must be 0 or more");
        var reg = NodeRegistry.load();
        var e = reg.require(ref);
        if (!e.local() || e.nodeId() == null)
            throw new CliException("node '" + e.name() + "' runs elsewhere (registered with 'node add'); its log is on"
                    + " its own machine, in its data directory's logs/node.log");
        Path log = NodeLogging.logFile(reg.dataDir(e));
        if (!Files.exists(log))
            throw new CliException("node '" + e.name() + "' has no log yet (" + log
                    + "); it is written while the node runs: interstice node start " + e.name());
        var out = spec.commandLine().getOut();
        var tail = new ArrayDeque<String>();
        for (Path f : filesOldestFirst(log))
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (!matches(line)) continue;
                tail.add(line);
                if (lines > 0 && tail.size() > lines) tail.poll();
            }
        tail.forEach(out::println);
        out.flush();
        if (follow) follow(log, Files.size(log));
        return 0;
    }

    /** The rolled-over files (node.N.log, highest N oldest) then node.log. */
    static List<Path> filesOldestFirst(Path log) {
        var files = new ArrayList<Path>();
        for (int i = 20; i >= 1; i--) {
            Path p = log.resolveSibling("node." + i + ".log");
            if (Files.exists(p)) files.add(p);
        }
        files.add(log);
        return files;
    }

    /** Whether a line belongs to {@code --module} (all lines without it); text and JSON lines alike. */
    boolean matches(String line) {
        if (module == null) return true;
        if (line.startsWith("{")) {
            try {
                JsonNode n = JSON.readTree(line);
                return module.equals(n.path("mdc").path("module").asText(null));
            } catch (IOException notJson) {
                return false;
            }
        }
        int dash = line.indexOf(" - "); // the header ends here; the message may contain anything
        String head = dash < 0 ? line : line.substring(0, dash);
        return head.endsWith(" [module=" + module + "]")
                || head.matches(".* \\[module=" + Pattern.quote(module) + " tx=\\d+]");
    }

    /**
     * Prints what is appended to {@code log} from {@code position} on, across roll-overs (a file shorter than what was
     * read is a new one), until interrupted.
     */
    private void follow(Path log, long position) throws IOException {
        var out = spec.commandLine().getOut();
        var pending = new java.io.ByteArrayOutputStream(); // bytes of a line not yet complete (UTF-8 kept whole)
        while (!Thread.currentThread().isInterrupted()) {
            long size = Files.exists(log) ? Files.size(log) : 0;
            if (size < position) position = 0; // rolled over: the new node.log starts empty
            if (size > position) {
                try (var f = new RandomAccessFile(log.toFile(), "r")) {
                    f.seek(position);
                    byte[] b = new byte[(int) Math.min(size - position, 1 << 20)];
                    f.readFully(b);
                    position += b.length;
                    int from = 0;
                    for (int i = 0; i < b.length; i++)
                        if (b[i] == '\n') {
                            pending.write(b, from, i - from);
                            String line = pending.toString(StandardCharsets.UTF_8);
                            pending.reset();
                            from = i + 1;
                            if (matches(line)) out.println(line);
                        }
                    pending.write(b, from, b.length - from);
                }
                out.flush();
            } else
                try {
                    Thread.sleep(200);
                } catch (InterruptedException stopped) {
                    return; // Ctrl+C, or the embedding program stops it
                }
        }
    }
}
