package dev.interstice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code interstice} command. */
@Command(name = "interstice", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run and manage Interstice nodes: sandboxed WebAssembly modules with tables, reducers, queries and subscriptions.",
        subcommands = {ExampleCommand.class, InitCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        var cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"interstice " + (v == null ? "dev" : v) + " (module ABI 6, Java " + Runtime.version() + ")"};
        }
    }
}
