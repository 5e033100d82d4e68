package dev.interstice.cli;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code interstice bindings add module|node ...}: public schemas written into a project's src/bindings/. */
@Command(
        name = "bindings",
        mixinStandardHelpOptions = true,
        description = "Write other modules' and nodes' public schemas into a project's src/bindings/.",
        subcommands = BindingsCommand.Add.class)
final class BindingsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Add a binding.",
            subcommands = {AddModule.class, AddNode.class})
    static final class Add implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    static Path write(Path project, String fileName, String toml) throws IOException {
        if (!Files.isDirectory(project)) throw new CliException("project directory " + project + " does not exist");
        Path dir = project.resolve("src").resolve("bindings");
        Files.createDirectories(dir);
        Path file = dir.resolve(fileName);
        Files.writeString(file, toml, StandardCharsets.UTF_8);
        return file;
    }

    static String sanitize(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "_");
    }

    @Command(
            name = "module",
            mixinStandardHelpOptions = true,
            description = "Binding for a module on the same node: its public schema as src/bindings/<module>.toml.")
    static final class AddModule implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<node>")
        String node;

        @Parameters(index = "1", paramLabel = "<module>")
        String module;

        @Parameters(index = "2", arity = "0..1", paramLabel = "<project_path>")
        Path project = Path.of(".");

        @Override
        public Integer call() throws IOException {
            try (var t = Cli.connect(node)) {
                NodeSchema s = t.client().schema(false);
                ModuleSchema m = s.modules().stream()
                        .filter(x -> x.name().equals(module))
                        .findFirst()
                        .orElseThrow(() -> new CliException(
                                t.label() + " has no public module '" + module + "'; its public modules: "
                                        + SchemaToml.names(s.modules().stream()
                                                .map(ModuleSchema::name)
                                                .toList())));
                Path f = write(project, module + ".toml", SchemaToml.module(m.toPublic()));
                spec.commandLine().getOut().println("binding for module '" + module + "' written to " + f);
            }
            return 0;
        }
    }

    @Command(
            name = "node",
            mixinStandardHelpOptions = true,
            description = "Binding for another node: its address and public modules as src/bindings/node_<node>.toml.")
    static final class AddNode implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<node>")
        String node;

        @Parameters(index = "1", arity = "0..1", paramLabel = "<project_path>")
        Path project = Path.of(".");

        @Override
        public Integer call() throws IOException {
            try (var t = Cli.connect(node)) {
                NodeSchema s = t.client().schema(false).toPublic();
                // the binding names the node as registered here, at the address used to reach it
                var named = new NodeSchema(t.entry().name(), t.entry().address(), s.modules());
                // and the key it presented (pinned in nodes.toml): the module's links to it accept no other
                String key = t.client().keyFingerprint() != null
                        ? t.client().keyFingerprint()
                        : t.entry().fingerprint();
                Path f = write(project, "node_" + sanitize(t.entry().name()) + ".toml", SchemaToml.node(named, key));
                spec.commandLine()
                        .getOut()
                        .println("binding for node '" + t.entry().name() + "' ("
                                + s.modules().size() + " public module(s)) written to " + f);
            }
            return 0;
        }
    }
}
