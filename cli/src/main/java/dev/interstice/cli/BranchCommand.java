package dev.interstice.cli;

import dev.interstice.network.NodeClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code interstice branch list|discard <node> <module> ...}: a module's branches on a running node (docs/time-travel.md;
 * admin only). Branches live in the node's memory: a restart discards them.
 */
@Command(
        name = "branch",
        mixinStandardHelpOptions = true,
        description = "List or discard a module's branches (its timelines forked from past transactions) on a running"
                + " node (needs its admin token).",
        subcommands = {BranchCommand.ListBranches.class, BranchCommand.Discard.class})
final class BranchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    abstract static class Sub implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<node>")
        String node;

        @Parameters(index = "1", paramLabel = "<module>")
        String module;

        /** Asks the node for the module's branches after discarding {@code discard} ("" none); prints them. */
        int branches(String discard, String done) {
            PrintWriter out = spec.commandLine().getOut();
            try (var t = Cli.connect(node)) {
                t.requireAdmin(discard.isEmpty() ? "listing branches" : "discarding a branch");
                List<NodeClient.Branch> left = t.client().branches(module, discard);
                if (!done.isEmpty()) out.println(done + " on " + t.label());
                if (left.isEmpty()) out.println("module '" + module + "' keeps no branches");
                for (NodeClient.Branch b : left)
                    out.println(b.name() + "  forked from tx " + b.fromTx() + ", " + b.calls() + " call"
                            + (b.calls() == 1 ? "" : "s"));
            }
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "The module's branches: name, the transaction each was forked from, the calls it records.")
    static final class ListBranches extends Sub {
        @Override
        public Integer call() {
            return branches("", "");
        }
    }

    @Command(
            name = "discard",
            mixinStandardHelpOptions = true,
            description = "Discard one of the module's branches (the main timeline is untouched); lists those left.")
    static final class Discard extends Sub {
        @Parameters(index = "2", paramLabel = "<branch>")
        String branch;

        @Override
        public Integer call() {
            return branches(branch, "discarded branch '" + branch + "' of module '" + module + "'");
        }
    }
}
