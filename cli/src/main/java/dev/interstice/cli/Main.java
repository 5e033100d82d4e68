package dev.interstice.cli;

import dev.interstice.console.ValueJson;
import dev.interstice.network.AdminToken;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code interstice} command. */
@Command(
        name = "interstice",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description =
                "Run and manage Interstice nodes: sandboxed WebAssembly modules with tables, reducers, queries and subscriptions.")
public final class Main implements Runnable {
    /**
     * The subcommands, in help order. Only the one being run is registered: building picocli's model of every command
     * (reflection over all their options, and their classes' initialisation) was most of a short command's start-up.
     */
    private static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("node", NodeCommand.class);
        COMMANDS.put("publish", PublishCommand.class);
        COMMANDS.put("remove", RemoveCommand.class);
        COMMANDS.put("unload", UnloadCommand.class);
        COMMANDS.put("rollback", RollbackCommand.class);
        COMMANDS.put("rewind", RewindCommand.class);
        COMMANDS.put("replay", ReplayCommand.class);
        COMMANDS.put("branch", BranchCommand.class);
        COMMANDS.put("token", TokenCommand.class);
        COMMANDS.put("call_reducer", CallReducerCommand.class);
        COMMANDS.put("call_query", CallQueryCommand.class);
        COMMANDS.put("rows", RowsCommand.class);
        COMMANDS.put("bindings", BindingsCommand.class);
        COMMANDS.put("example", ExampleCommand.class);
        COMMANDS.put("init", InitCommand.class);
        COMMANDS.put("update", UpdateCommand.class);
        COMMANDS.put("logs", LogsCommand.class);
        COMMANDS.put("log", LogCommand.class);
        COMMANDS.put("bundle", BundleCommand.class);
        COMMANDS.put("run", RunCommand.class);
        COMMANDS.put("audit", AuditCommand.class);
        COMMANDS.put("top", TopCommand.class);
        COMMANDS.put("benchmark", dev.interstice.cli.bench.BenchmarkCommand.class);
        COMMANDS.put("help", CommandLine.HelpCommand.class);
    }

    private static final java.util.Set<String> VALUES = java.util.Set.of("call_reducer", "call_query", "rows", "log");
    private static final java.util.Set<String> NOT_CONNECTING = java.util.Set.of(
            "bindings", "init", "update", "audit", "bundle", "run", "help", "--help", "-h", "--version", "-V");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // picocli looks for Groovy otherwise: a miss that opens every jar on the class path (~20 ms of a short command)
        System.setProperty("picocli.disable.closures", "true");
        if (args.length > 0 && !NOT_CONNECTING.contains(args[0])) {
            boolean values = VALUES.contains(args[0]);
            Runnable registry = NodeRegistry.readAhead();
            Thread.ofPlatform().daemon().name("interstice-prepare").start(() -> prepareConnection(registry, values));
        }
        System.exit(run(args));
    }

    /**
     * What a connecting command needs only after picocli has built its model, started on the second core as the
     * command starts: the node registry (read ahead for the command to take, errors included) and the connection's
     * cryptography (AdminToken.prepare). The commands that read or print values ({@code VALUES}) also get their JSON
     * mapper made.
     */
    private static void prepareConnection(Runnable registry, boolean values) {
        registry.run();
        AdminToken.prepare();
        if (values) ValueJson.prepare();
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
        var cl = new CommandLine(new Main(), CommandFactory.INSTANCE);
        Class<?> only = args.length > 0 && !args[0].equals("help") ? COMMANDS.get(args[0]) : null;
        // all of them for help, usage, and the "did you mean" of an unknown command; none for the version
        boolean version = args.length > 0 && (args[0].equals("--version") || args[0].equals("-V"));
        if (only != null) cl.addSubcommand(args[0], command(only, args.length > 1 ? args[1] : null));
        else if (!version) COMMANDS.forEach((name, c) -> cl.addSubcommand(name, command(c, null)));
        cl.setCommandName(Cli.command()); // usage lines show the command as the user runs it
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
            cmd.getErr().println("error: " + Cli.describe(e));
            if (System.getenv("INTERSTICE_DEBUG") != null) e.printStackTrace(cmd.getErr());
            return 1;
        });
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** {@code node} with, again, only the subcommand being run ({@code sub}; all of them when it names none). */
    private static Object command(Class<?> c, String sub) {
        if (c != NodeCommand.class) return c;
        var node = new CommandLine(NodeCommand.class, CommandFactory.INSTANCE);
        Class<?> only = sub == null ? null : NodeCommand.SUBCOMMANDS.get(sub);
        if (only != null) node.addSubcommand(sub, only);
        else NodeCommand.SUBCOMMANDS.forEach(node::addSubcommand);
        return node;
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
