package dev.interstice.cli;

import dev.interstice.network.NetworkException;
import dev.interstice.runtime.IntersticeException.Kind;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code interstice rollback <node> <module>}: return a module to the version its last publish replaced. */
@Command(
        name = "rollback",
        mixinStandardHelpOptions = true,
        description = "Return a module on a running node to the version its last publish replaced (the node keeps it),"
                + " migrating the rows back; refused with the reason when that would lose data.")
final class RollbackCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<node>")
    String node;

    @Parameters(index = "1", paramLabel = "<module>")
    String module;

    @Option(names = "--dry-run", description = "Print the migration plan back; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        try (var t = Cli.connect(node)) {
            t.requireAdmin("rolling a module back");
            try {
                var p = t.client().rollback(module, dryRun, java.time.Duration.ofMinutes(5));
                if (!p.plan().isEmpty()) out.println(p.plan());
                out.println((dryRun
                                ? "dry run: module '" + module + "' could be rolled back to "
                                : "rolled back module '" + module + "' to ")
                        + p.version() + " on " + t.label() + (dryRun ? "; nothing was changed" : ""));
            } catch (NetworkException e) {
                if (e.kind() == Kind.INCOMPATIBLE || e.kind() == Kind.NOT_FOUND)
                    throw new CliException(
                            "cannot roll back module '" + module + "' on " + t.label() + ":\n" + e.getMessage());
                throw e;
            }
        }
        return 0;
    }
}
