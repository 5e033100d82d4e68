package dev.interstice.cli;

import dev.interstice.cli.image.Image;
import dev.interstice.network.Addresses;
import dev.interstice.network.NetworkException;
import dev.interstice.network.NodeClient;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.store.Blobs;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code interstice run <image>}: boots a new local node from an image: creates it (name and port from the image's
 * {@code etc/node.toml}, or the options), restores the image's tables if it has them, then starts it in the
 * foreground with the image's start options, loading {@code bin/main.wasm} first and then {@code usr/lib/}.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Boot a new local node from an image (a directory or a .tar made by 'interstice bundle'): create it,"
                    + " restore its tables if the image has them, and run it in the foreground until Ctrl+C with"
                    + " bin/main.wasm loaded first. docs/operability.md, \"Images\"."
        })
final class RunCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "<image>",
            description = "An image directory or .tar archive, or sha256:<hash> of one a node serves (with --from).")
    String image;

    @Option(
            names = "--from",
            paramLabel = "<node|host:port>",
            description = "The node to fetch a sha256:<hash> image from: it serves its own image, the one 'interstice"
                    + " bundle' of it prints the hash of (without --data).")
    String from;

    @Option(names = "--name", paramLabel = "<name>", description = "The new node's name (default: the image's).")
    String name;

    @Option(names = "--port", paramLabel = "<port>", description = "Its port (default: the image's, else 8080).")
    Integer port;

    @Option(
            names = "--hash",
            paramLabel = "sha256:<hex>",
            description = "Refuse the image unless its content hash is this ('interstice bundle' prints it).")
    String hash;

    @Option(
            names = "--start-option",
            paramLabel = "<option>",
            description =
                    "A further 'node start' option, after the image's (repeatable), e.g. --start-option=--headless.")
    List<String> startOptions = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        boolean byHash = image.startsWith("sha256:");
        if (byHash) {
            if (!Blobs.isHash(image.substring(7)))
                throw CliException.usage(image + " is not sha256: and 64 lower-case hex digits");
            if (from == null)
                throw CliException.usage(
                        "booting " + image + " needs the node that serves it: --from <node|host:port>");
            if (hash != null && !hash.equals(image))
                throw CliException.usage("--hash " + hash + " is not the image asked for (" + image + ")");
            hash = image;
        } else if (from != null) throw CliException.usage("--from fetches an image by its hash: give sha256:<hash>");
        var reg = NodeRegistry.load();
        Path scratch = reg.home().resolve("images").resolve(".run-" + UUID.randomUUID());
        Files.createDirectories(scratch);
        try {
            Path source = byHash ? fetch(scratch) : Path.of(image);
            Image img;
            try {
                img = Image.open(source, Files.createDirectory(scratch.resolve("image")));
            } catch (IOException e) {
                throw new CliException("cannot read the image: " + e.getMessage());
            }
            if (hash != null && !hash.equals(img.hash()))
                throw new CliException("the image's content hash is " + img.hash() + ", not " + hash
                        + (byHash ? " (the image " + from + " sent is refused)" : ""));
            String node = name != null
                    ? name
                    : !img.config().name().isEmpty() ? img.config().name() : baseName();
            int p = port != null ? port : img.config().port();
            if (reg.find(node).isPresent())
                throw new CliException("a node named '" + node + "' exists already: boot the image under another"
                        + " --name, or start that node with " + Cli.command("node start " + node));
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            int created = Main.run(out, err, "node", "create", node, String.valueOf(p));
            if (created != 0) return created;
            if (img.data() != null)
                restore(
                        img.data(),
                        NodeRegistry.load().dataDir(NodeRegistry.load().require(node)));
            var args = new ArrayList<>(List.of("node", "start", node));
            args.addAll(img.config().startOptions());
            args.addAll(startOptions);
            args.add("--load=" + img.main());
            for (Path lib : img.libraries()) args.add("--load=" + lib);
            out.println("image " + img.hash() + (img.data() != null ? " (with its tables)" : "") + ": starting node '"
                    + node + "'");
            return Main.run(out, err, args.toArray(String[]::new));
        } finally {
            Paths.deleteTree(scratch);
        }
    }

    /**
     * Fetches the image {@link #image} from {@link #from} (a registered node, else an address) into {@code scratch};
     * the caller verifies its content hash once unpacked.
     */
    private Path fetch(Path scratch) throws IOException {
        byte[] archive;
        try (var c = connect()) {
            archive = c.fetchContent(Message.ContentKind.IMAGE, image.substring(7));
        } catch (NetworkException e) {
            throw new CliException("cannot fetch image " + image + " from " + from + ": " + e.getMessage());
        }
        Path tar = scratch.resolve("fetched.tar");
        Files.write(tar, archive);
        return tar;
    }

    private NodeClient connect() {
        if (NodeRegistry.load().find(from).isPresent()) return Cli.connect(from).client();
        try {
            Addresses.parse(from);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--from " + from + ": no node of that name, and " + e.getMessage());
        }
        // no key to pin: what the node sends is verified against the hash instead
        return NodeClient.connect(from, NodeClient.Options.client().withConnectTimeout(Duration.ofSeconds(3)));
    }

    private String baseName() {
        if (image.startsWith("sha256:")) return "image-" + image.substring(7, 19);
        String f = Path.of(image).getFileName().toString();
        return f.endsWith(".tar") ? f.substring(0, f.length() - 4) : f;
    }

    /** The image's storage and module code replace the new node's; its module state joins the node's own id. */
    private static void restore(Path data, Path dir) throws IOException {
        for (String sub : List.of("storage", "modules")) {
            Paths.deleteTree(dir.resolve(sub));
            Path from = data.resolve(sub);
            if (!Files.isDirectory(from)) continue;
            try (Stream<Path> s = Files.walk(from)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    Path to = dir.resolve(sub).resolve(from.relativize(p).toString());
                    Files.createDirectories(to.getParent());
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Properties own = new Properties();
        Path propsFile = dir.resolve("node.properties");
        own.load(new StringReader(Files.readString(propsFile)));
        Properties state = new Properties();
        Path stateFile = data.resolve("node.properties");
        if (Files.isRegularFile(stateFile)) state.load(new StringReader(Files.readString(stateFile)));
        StringBuilder sb =
                new StringBuilder("id=").append(own.getProperty("id", "")).append('\n');
        for (String k : List.of("modules", "initialised", "unloaded"))
            sb.append(k).append('=').append(state.getProperty(k, "")).append('\n');
        Files.writeString(propsFile, sb.toString());
    }
}
