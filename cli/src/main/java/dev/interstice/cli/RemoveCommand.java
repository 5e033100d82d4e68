package dev.interstice.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code interstice remove <node> <module>}. */
@Command(
        name = "remove",
        mixinStandardHelpOptions = true,
        description = "Remove a module and its data from a running node.")
final class RemoveCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<node>")
    String node;

    @Parameters(index = "1", paramLabel = "<module>")
    String module;

    @Override
    public Integer call() {
        try (var t = Cli.connect(node)) {
            t.requireAdmin("removing a module");
            var handed = t.client().remove(module);
            spec.commandLine()
                    .getOut()
                    .println(
                            handed.isPresent()
                                    ? "handed the removal of module '" + module + "' to module '"
                                            + handed.get().holder() + "', which holds the Module authority on "
                                            + t.label() + " and decides"
                                    : "removed module '" + module + "' from " + t.label());
        }
        return 0;
    }
}
