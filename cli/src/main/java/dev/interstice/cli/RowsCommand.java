package dev.interstice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code interstice rows <node> <module> <table>}: a table's rows as a text table or JSON. */
@Command(
        name = "rows",
        mixinStandardHelpOptions = true,
        description = "Print a table's rows (public tables for anyone; every table with the node's admin token).")
final class RowsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<node>")
    String node;

    @Parameters(index = "1", paramLabel = "<module>")
    String module;

    @Parameters(index = "2", paramLabel = "<table>")
    String table;

    @Option(names = "--json", description = "Print a JSON array of objects (one per row).")
    boolean json;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        try (var t = Cli.connect(node)) {
            ModuleSchema m = Calls.module(t, module);
            TableSchema ts = Calls.table(t, m, table);
            List<Row> rows = t.client().rows(module, table);
            var columns = new ArrayList<String>();
            columns.add(ts.primaryKey().name());
            for (FieldDef f : ts.fields()) columns.add(f.name());
            if (json) {
                ArrayNode a = JsonNodeFactory.instance.arrayNode();
                for (Row r : rows) {
                    ObjectNode o = a.addObject();
                    List<IntersticeValue> cells = cells(r);
                    for (int i = 0; i < columns.size() && i < cells.size(); i++)
                        o.set(columns.get(i), ValueJson.toJson(cells.get(i)));
                }
                out.println(ValueJson.pretty(a));
                return 0;
            }
            var text = new ArrayList<List<String>>();
            for (Row r : rows) text.add(cells(r).stream().map(RowsCommand::cell).toList());
            TextTable.print(out, columns, text);
            out.println("(" + rows.size() + " row" + (rows.size() == 1 ? "" : "s") + ")");
        }
        return 0;
    }

    private static List<IntersticeValue> cells(Row r) {
        var all = new ArrayList<IntersticeValue>(r.entries().size() + 1);
        all.add(r.primaryKey());
        all.addAll(r.entries());
        return all;
    }

    private static String cell(IntersticeValue v) {
        String s = v instanceof IntersticeValue.Str str ? str.value() : ValueJson.render(v);
        s = s.replace("\n", "\\n").replace("\t", " ");
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
