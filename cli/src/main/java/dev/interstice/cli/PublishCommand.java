package dev.interstice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.interstice.console.ValueJson;
import dev.interstice.network.NetworkException;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.IntersticeException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code interstice publish <node> <path>}: load (or replace) a module on a running node. */
@Command(
        name = "publish",
        mixinStandardHelpOptions = true,
        description = {
            "Publish a module to a running node: a .wasm file, or a module project directory (built first with 'npm run build').",
            "Publishing a module that is already loaded replaces it and migrates its rows: the plan is printed."
                    + " Row-keeping changes are applied automatically (add an optional column, widen a number, make a"
                    + " column optional, add or drop an index, logged <-> stateful, add a table); lossy ones need"
                    + " --allow for each; anything else is refused with the reason. --reset drops the data instead."
        })
final class PublishCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<node>")
    String node;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "<path>",
            description = "A .wasm file or a module project directory (or give --hash)")
    Path path;

    @Option(
            names = "--hash",
            paramLabel = "<sha256>",
            description = "Publish module code by its SHA-256 ('node schema' shows it): the node's own copy, else"
                    + " fetched from its --code-peer nodes, the nodes its modules depend on, its --code-dir and"
                    + " --code-url (verified against the hash first).")
    String hash;

    @Option(names = "--reset", description = "Replace an incompatible module anyway, dropping its data.")
    boolean reset;

    @Option(names = "--dry-run", description = "Print the migration plan and check the rows; change nothing.")
    boolean dryRun;

    @Option(
            names = "--allow",
            paramLabel = "<change>",
            description = "Allow one lossy migration change (repeatable): drop-column:<table>.<column>,"
                    + " drop-table:<table>, narrow:<table>.<column>, primary-key:<table>, ephemeral:<table>;"
                    + " declare a rename: rename-column:<table>.<old>=<new>, rename-table:<old>=<new>.")
    List<String> allow = new java.util.ArrayList<>();

    @Option(
            names = "--zero-defaults",
            description = "Give a required column the new version adds its type's zero value (0, false, \"\", empty) in"
                    + " every existing row.")
    boolean zeroDefaults;

    @Option(names = "--no-build", description = "Do not run 'npm run build' in a project directory.")
    boolean noBuild;

    @Option(
            names = "--timeout",
            defaultValue = "300",
            description = "Seconds to wait for the node (compiling a module takes a while; default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        if ((path == null) == (hash == null))
            throw CliException.usage("give a .wasm file or project directory, or --hash <sha256>, not both");
        if (hash != null && hash.startsWith("sha256:")) hash = hash.substring(7); // as 'run' and 'bundle' write it
        Path wasmFile = path == null
                ? null
                : resolveWasm(path, !noBuild, spec.commandLine().getErr());
        byte[] wasm = wasmFile == null ? new byte[0] : Files.readAllBytes(wasmFile);
        String what =
                wasmFile == null ? "sha256:" + hash : wasmFile.getFileName().toString();
        try (var t = Cli.connect(node, Duration.ofSeconds(timeoutSeconds))) {
            t.requireAdmin("publishing");
            try {
                Message.Reply r = t.client()
                        .submit(
                                new Message.Publish(
                                        0,
                                        wasmFile == null ? "" : what,
                                        wasm,
                                        reset,
                                        dryRun,
                                        allow,
                                        zeroDefaults,
                                        hash == null ? "" : hash),
                                Duration.ofSeconds(timeoutSeconds));
                if (r instanceof Message.Handed h)
                    out.println("handed module '" + h.module() + "' to module '" + h.holder()
                            + "', which holds the Module authority on " + t.label()
                            + " and decides whether to load it");
                else if (r instanceof Message.Published p) {
                    if (!p.plan().isEmpty()) out.println(p.plan());
                    if (p.dryRun())
                        out.println("dry run: module '" + p.module() + "' " + p.version() + " could be "
                                + (p.replaced() ? "published over the loaded version" : "published") + " on "
                                + t.label() + "; nothing was changed");
                    else
                        out.println((p.replaced() ? "replaced" : "published") + " module '" + p.module() + "' "
                                + p.version() + " on " + t.label()
                                + (p.replaced() && reset ? " (reset: its previous data was dropped)" : ""));
                }
            } catch (NetworkException e) {
                if (e.kind() == Kind.INCOMPATIBLE
                        || e.kind() == Kind.UNSUPPORTED
                        || e.kind() == Kind.INVALID
                        || e.kind() == Kind.TRAP
                        || e.kind() == Kind.DEADLINE)
                    throw new CliException("cannot publish " + what + " to " + t.label() + ":\n" + e.getMessage());
                throw e;
            }
        }
        return 0;
    }

    /** The .wasm to publish: the file itself, or the build output of a project directory (built unless {@code build} is false). */
    static Path resolveWasm(Path path, boolean build, java.io.PrintWriter log)
            throws IOException, InterruptedException {
        if (!Files.exists(path)) throw new CliException("no such file or directory: " + path);
        if (Files.isRegularFile(path)) {
            if (!path.getFileName().toString().endsWith(".wasm"))
                throw CliException.usage(
                        path + " is not a .wasm file; give a .wasm file or a module project directory");
            return path;
        }
        if (!Files.exists(path.resolve("package.json")))
            throw CliException.usage(path
                    + " is not a module project (no package.json); give a .wasm file or a project directory created with: "
                    + Cli.command("init"));
        if (build) {
            log.println("building " + path.toAbsolutePath().normalize() + " (npm run build)...");
            log.flush();
            var pb = new ProcessBuilder(List.of("npm", "run", "build"))
                    .directory(path.toFile())
                    .redirectErrorStream(true);
            Process proc;
            try {
                proc = pb.start();
            } catch (IOException e) {
                throw new CliException("cannot run npm in " + path + ": " + e.getMessage()
                        + " (install Node.js and npm, or publish the .wasm file directly)");
            }
            String output = new String(proc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!proc.waitFor(10, TimeUnit.MINUTES)) {
                proc.destroyForcibly();
                throw new CliException("'npm run build' in " + path + " did not finish within 10 minutes");
            }
            if (proc.exitValue() != 0)
                throw new CliException("'npm run build' failed in " + path + " (exit " + proc.exitValue() + "):\n"
                        + output.strip() + "\n(run 'npm install' there first if its dependencies are missing)");
        }
        Path out = declaredOutput(path);
        if (out != null && Files.isRegularFile(out)) return out;
        Path buildDir = path.resolve("build");
        if (Files.isDirectory(buildDir)) {
            try (Stream<Path> s = Files.walk(buildDir)) {
                var found = s.filter(p -> p.getFileName().toString().endsWith(".wasm") && Files.isRegularFile(p))
                        .max(Comparator.comparing(p -> p.toFile().lastModified()));
                if (found.isPresent()) return found.get();
            }
        }
        throw new CliException(
                "no .wasm found in " + path + (out != null ? " (expected " + out + ")" : " (looked in build/)")
                        + (build ? "" : "; build it first with 'npm run build' or drop --no-build"));
    }

    /** The outFile of asconfig.json (options.outFile, else targets.release.outFile), if any. */
    private static Path declaredOutput(Path project) {
        Path cfg = project.resolve("asconfig.json");
        if (!Files.exists(cfg)) return null;
        try {
            JsonNode n = ValueJson.JSON.readTree(Files.readString(cfg));
            JsonNode f = n.path("options").path("outFile");
            if (!f.isTextual()) f = n.path("targets").path("release").path("outFile");
            return f.isTextual() ? project.resolve(f.asText()) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
