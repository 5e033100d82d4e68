package dev.interstice.cli;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.console.ValueJson;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code interstice call_query <node> <module> <query> [args...]}: prints the result as JSON. */
@Command(
        name = "call_query",
        mixinStandardHelpOptions = true,
        description = {
            "Run a query on a running node and print its result as JSON. Arguments are read as for call_reducer."
        })
final class CallQueryCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<node>")
    String node;

    @Parameters(index = "1", paramLabel = "<module>")
    String module;

    @Parameters(index = "2", paramLabel = "<query>")
    String query;

    @Parameters(index = "3..*", paramLabel = "<args>")
    List<String> args = List.of();

    @Option(names = "--pretty", description = "Indent the JSON.")
    boolean pretty;

    @Override
    public Integer call() {
        try (var t = Cli.connect(node)) {
            ModuleSchema m = Calls.module(t, module);
            QuerySchema q = m.query(query)
                    .orElseThrow(() -> new CliException("module '" + module + "' has no query '" + query
                            + "'; its queries: "
                            + SchemaToml.names(
                                    m.queries().stream().map(QuerySchema::name).toList())));
            var values = Calls.arguments(m, "query '" + query + "'", q.arguments(), args);
            IntersticeValue v = t.client().query(module, query, values);
            spec.commandLine().getOut().println(pretty ? ValueJson.pretty(ValueJson.toJson(v)) : ValueJson.render(v));
        }
        return 0;
    }
}
