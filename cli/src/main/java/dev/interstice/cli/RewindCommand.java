package dev.interstice.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code interstice rewind <node> <module> --to-tx N}: make a module's tables as they were after tx N again. */
@Command(
        name = "rewind",
        mixinStandardHelpOptions = true,
        description = "Make a module's stored tables on a running node as they were after transaction N again, as one"
                + " new transaction (nothing is erased from the log; subscribers see ordinary row events). Admin only;"
                + " refused when the module was published since N.")
final class RewindCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<node>")
    String node;

    @Parameters(index = "1", paramLabel = "<module>")
    String module;

    @Option(names = "--to-tx", paramLabel = "N", required = true, description = "The transaction to go back to.")
    long toTx;

    @Override
    public Integer call() {
        if (toTx < 0) throw CliException.usage("--to-tx must be 0 or more, not " + toTx);
        var out = spec.commandLine().getOut();
        try (var t = Cli.connect(node)) {
            t.requireAdmin("rewinding a module");
            var c = t.client().rewind(module, toTx);
            out.println("rewound module '" + module + "' on " + t.label() + " to tx " + toTx
                    + (c.lsn() > 0 ? " as tx " + c.txId() : ": nothing had changed since"));
        }
        return 0;
    }
}
