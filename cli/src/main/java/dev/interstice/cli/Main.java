package dev.interstice.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code interstice} command. */
@Command(
        name = "interstice",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description =
                "Run and manage Interstice nodes: sandboxed WebAssembly modules with tables, reducers, queries and subscriptions.",
        subcommands = {
            NodeCommand.class,
            PublishCommand.class,
            RemoveCommand.class,
            UnloadCommand.class,
            CallReducerCommand.class,
            CallQueryCommand.class,
            RowsCommand.class,
            BindingsCommand.class,
            ExampleCommand.class,
            InitCommand.class,
            LogsCommand.class,
            TopCommand.class,
            dev.interstice.cli.bench.BenchmarkCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        // in the terminal's encoding (stdout.encoding), not the JVM's default
        return run(
                new PrintWriter(new java.io.OutputStreamWriter(System.out, System.out.charset()), true),
                new PrintWriter(new java.io.OutputStreamWriter(System.err, System.err.charset()), true),
                args);
    }

    /** Runs a command line with the given output streams; returns the exit code (0 ok, 1 failed, 2 usage). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        var cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CliException c) {
                cmd.getErr().println("error: " + c.getMessage());
                return c.exitCode();
            }
            if (e instanceof dev.interstice.network.NetworkException n) {
                cmd.getErr().println("error: " + Cli.explain(n));
                return 1;
            }
            cmd.getErr().println("error: " + e.getMessage());
            return 1;
        });
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "interstice " + (v == null ? "dev" : v) + " (module ABI 6, Java " + Runtime.version() + ")"
            };
        }
    }
}
