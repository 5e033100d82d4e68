package dev.interstice.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code interstice unload <node> <module>}: take a module out of a node, keeping its data. */
@Command(
        name = "unload",
        mixinStandardHelpOptions = true,
        description = "Unload a module from a running node, keeping its data: publishing it again resumes it"
                + " with its rows ('remove' deletes them).")
final class UnloadCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<node>")
    String node;

    @Parameters(index = "1", paramLabel = "<module>")
    String module;

    @Override
    public Integer call() {
        try (var t = Cli.connect(node)) {
            t.requireAdmin("unloading a module");
            t.client().unload(module);
            spec.commandLine()
                    .getOut()
                    .println("unloaded module '" + module + "' from " + t.label()
                            + " (its data is kept: publish it again to resume it)");
        }
        return 0;
    }
}
