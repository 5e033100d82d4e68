package dev.interstice.cli;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.network.wire.Message;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code interstice call_reducer <node> <module> <reducer> [args...]}. */
@Command(
        name = "call_reducer",
        mixinStandardHelpOptions = true,
        description = {
            "Call a reducer on a running node. Each argument is read by its parameter's declared type: JSON for composite values",
            "(objects for structs, arrays for Vec and tuples, \"Variant\" or {\"Variant\": value} for enums, null for None);",
            "plain text is fine for a String; a u64 beyond 2^53 may be given bare or as a JSON string."
        })
final class CallReducerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<node>")
    String node;

    @Parameters(index = "1", paramLabel = "<module>")
    String module;

    @Parameters(index = "2", paramLabel = "<reducer>")
    String reducer;

    @Parameters(index = "3..*", paramLabel = "<args>")
    List<String> args = List.of();

    @Option(names = "--fast", description = "Acknowledge once committed in memory instead of after the fsync.")
    boolean fast;

    @Override
    public Integer call() {
        try (var t = Cli.connect(node)) {
            ModuleSchema m = Calls.module(t, module);
            ReducerSchema r = m.reducer(reducer)
                    .orElseThrow(() -> new CliException("module '" + module + "' has no reducer '" + reducer
                            + "'; its reducers: "
                            + SchemaToml.names(m.reducers().stream()
                                    .filter(x -> !m.isSubscriptionHandler(x.name()))
                                    .map(ReducerSchema::name)
                                    .toList())));
            if (m.isSubscriptionHandler(reducer))
                throw new CliException("'" + reducer + "' of module '" + module + "' handles a subscription ("
                        + subscribedTo(m, reducer) + ") and cannot be called; nothing was sent");
            var values = Calls.arguments(m, "reducer '" + reducer + "'", r.arguments(), args);
            Message.Called c = t.client().call(module, reducer, values, !fast);
            spec.commandLine()
                    .getOut()
                    .println("committed as transaction " + c.txId() + " ("
                            + switch (c.acknowledged()) {
                                case DURABLE -> "durable";
                                case FAST -> "in memory; fsync pending";
                                case NOT_PERSISTED -> "nothing to persist";
                            }
                            + ")");
        }
        return 0;
    }

    private static String subscribedTo(ModuleSchema m, String reducer) {
        return m.subscriptions().stream()
                .filter(x -> x.reducer().equals(reducer))
                .map(x -> describe(x.event()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static String describe(SubscriptionEvent e) {
        return switch (e) {
            case SubscriptionEvent.Table t ->
                t.kind().name().toLowerCase(Locale.ROOT) + " on " + t.module() + "." + t.table();
            case SubscriptionEvent.ReplicaSync r -> "replica sync of " + r.node() + "." + r.module() + "." + r.table();
            case SubscriptionEvent.File f -> "file events under " + f.path();
            case SubscriptionEvent.Core c -> c.kind().name().toLowerCase(Locale.ROOT);
        };
    }
}
