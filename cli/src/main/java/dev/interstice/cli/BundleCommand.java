package dev.interstice.cli;

import dev.interstice.cli.image.Image;
import dev.interstice.cli.image.ImageConfig;
import dev.interstice.runtime.node.NodeLog;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code interstice bundle <node> -o <image>}: packs a local node's modules and configuration (with {@code --data}
 * its tables too) into an image that {@code interstice run} boots elsewhere.
 */
@Command(
        name = "bundle",
        mixinStandardHelpOptions = true,
        description = {
            "Pack a node created on this machine into an image: its loaded modules (bin/main.wasm and usr/lib/), its"
                    + " name, port and start options (etc/node.toml) and, with --data, its tables (data/).",
            "Boot it with 'interstice run <image>'. docs/operability.md, \"Images\"."
        })
final class BundleCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<node>", description = "A node created on this machine.")
    String node;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "<image>",
            description = "Where to write it: a .tar archive, or else a new directory.")
    Path output;

    @Option(names = "--data", description = "Include the node's tables (the node must be stopped).")
    boolean data;

    @Option(
            names = "--main",
            paramLabel = "<module>",
            description = "The module started first (default: the first loaded).")
    String main;

    @Option(
            names = "--start-option",
            paramLabel = "<option>",
            description = "A 'node start' option the image's node gets, e.g. --start-option=--ack=fast (repeatable).")
    List<String> startOptions = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        var reg = NodeRegistry.load();
        var e = reg.require(node);
        if (!e.local() || e.nodeId() == null)
            throw new CliException("node '" + node + "' was not created on this machine: bundle it where it lives");
        Path dir = reg.dataDir(e);
        if (data && NodeLog.running(dir))
            throw new CliException("node '" + node + "' is running: stop it first to bundle its tables (--data), so"
                    + " that they are copied as of one moment");
        Properties props = new Properties();
        Path propsFile = dir.resolve("node.properties");
        if (Files.isRegularFile(propsFile)) props.load(new StringReader(Files.readString(propsFile)));
        List<String> loaded = split(props.getProperty("modules", ""));
        if (loaded.isEmpty()) throw new CliException("node '" + node + "' has no module loaded: nothing to bundle");
        String first = main != null ? main : loaded.getFirst();
        if (!loaded.contains(first))
            throw CliException.usage(
                    "--main " + first + ": node '" + node + "' has no such module loaded (" + loaded + ")");
        if (Files.exists(output)) throw new CliException(output + " exists already: choose a new path");

        Path image = output.toString().endsWith(".tar") ? Files.createTempDirectory("interstice-bundle") : output;
        try {
            var code = new java.util.LinkedHashMap<String, byte[]>();
            for (String m : loaded)
                code.put(m, Files.readAllBytes(dir.resolve("modules").resolve(m + ".wasm")));
            int port = Integer.parseInt(e.address().substring(e.address().lastIndexOf(':') + 1));
            Image.write(image, first, code, new ImageConfig(e.name(), port, startOptions));
            if (data) copyData(dir, image.resolve(Image.DATA), props);
            String hash = Image.hash(image);
            if (image != output)
                try (OutputStream out = Files.newOutputStream(output)) {
                    Image.pack(image, out);
                }
            spec.commandLine()
                    .getOut()
                    .printf(
                            "image %s of node '%s': %d module(s), main %s%s, written to %s%n",
                            hash, e.name(), loaded.size(), first, data ? ", with its tables" : "", output);
        } finally {
            if (image != output) Paths.deleteTree(image);
        }
        return 0;
    }

    private static List<String> split(String list) {
        return Stream.of(list.split(",")).filter(s -> !s.isBlank()).toList();
    }

    /** {@code data/}: the storage (no lock, no kept history), the modules' stored code, and which were initialised. */
    private static void copyData(Path dir, Path into, Properties props) throws IOException {
        Path storage = dir.resolve("storage");
        try (Stream<Path> s = Files.walk(storage)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Path rel = storage.relativize(p);
                String name = p.getFileName().toString();
                if (rel.startsWith("history") || name.equals("LOCK") || name.endsWith(".tmp")) continue;
                copy(p, into.resolve("storage").resolve(rel.toString()));
            }
        }
        try (Stream<Path> s = Files.list(dir.resolve("modules"))) {
            for (Path p : s.filter(Files::isRegularFile).toList())
                copy(p, into.resolve("modules").resolve(p.getFileName().toString()));
        }
        String state = "modules=" + props.getProperty("modules", "") + "\ninitialised="
                + props.getProperty("initialised", "") + "\nunloaded=" + props.getProperty("unloaded", "") + "\n";
        Files.writeString(into.resolve("node.properties"), state);
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
}
