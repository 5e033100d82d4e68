package dev.interstice.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.console.ValueJson;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.node.NodeLog;
import dev.interstice.runtime.node.PastRows;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Print at most N rows (the next page starts with --after the last one's key).")
    Integer limit;

    @Option(
            names = "--after",
            paramLabel = "KEY",
            description = "Start after the row whose primary key is KEY (the last row of the previous page).")
    String after;

    @Option(
            names = "--where",
            paramLabel = "COND",
            description = "Only rows where COND holds: field=value, field<value, field<=value, field>value or"
                    + " field>=value on an indexed field (repeat it: equality on an index's first fields, a range on"
                    + " the next one).")
    List<String> where = new ArrayList<>();

    @Option(
            names = "--as-of-tx",
            paramLabel = "N",
            description = "Print the table as it was after transaction N (from the node's log; a stopped local node's"
                    + " data directory is read directly).")
    Long asOfTx;

    @Option(
            names = "--as-of-time",
            paramLabel = "TIME",
            description = "Print the table as it was at TIME (ISO 8601, e.g. 2026-12-06T10:15:00Z): after the last"
                    + " transaction committed then.")
    String asOfTime;

    /** Rows asked for per request: the node answers at most 10,000. */
    private static final int PAGE = 10_000;

    private static final Pattern CONDITION = Pattern.compile("^\\s*([^<>=\\s]+)\\s*(<=|>=|=|<|>)\\s*(.*)$");

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        if (limit != null && limit < 1) throw CliException.usage("--limit must be at least 1, not " + limit);
        if (asOfTx != null || asOfTime != null) return past(out);
        try (var t = Cli.connect(node)) {
            ModuleSchema m = Calls.module(t, module);
            TableSchema ts = Calls.table(t, m, table);
            var conditions = conditions(m, ts);
            IndexKey start = after == null
                    ? null
                    : key(m, "--after", after, ts.primaryKey().type());
            List<Row> rows;
            boolean more = false;
            if (!t.client().pagesRows() && limit == null && start == null && conditions.isEmpty()) {
                rows = t.client().rows(module, table); // a node before protocol 1.3
            } else {
                rows = new ArrayList<>();
                more = fetch(t, conditions, start, rows);
            }
            print(out, ts, rows, more ? "; more follow: --after " + key(rows.getLast()) : "");
        }
        return 0;
    }

    private void print(java.io.PrintWriter out, TableSchema ts, List<Row> rows, String note) {
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
            return;
        }
        var text = new ArrayList<List<String>>();
        for (Row r : rows) text.add(cells(r).stream().map(RowsCommand::cell).toList());
        TextTable.print(out, columns, text);
        out.println("(" + rows.size() + " row" + (rows.size() == 1 ? "" : "s") + note + ")");
    }

    /**
     * {@code --as-of-tx}/{@code --as-of-time}: the whole table as it was, read from a stopped local node's data
     * directory, else asked of the running node.
     */
    private int past(java.io.PrintWriter out) {
        if (asOfTx != null && asOfTime != null) throw CliException.usage("give --as-of-tx or --as-of-time, not both");
        if (limit != null || after != null || !where.isEmpty())
            throw CliException.usage(
                    "--as-of-tx and --as-of-time print the whole table: not with --limit, --after" + " or --where");
        if (asOfTx != null && asOfTx < 0) throw CliException.usage("--as-of-tx must be 0 or more, not " + asOfTx);
        long timeMs = asOfTime == null ? 0 : instant(asOfTime).toEpochMilli();
        var reg = NodeRegistry.load();
        var e = reg.require(node);
        if (e.local() && e.nodeId() != null) {
            java.nio.file.Path dir = reg.dataDir(e);
            if (java.nio.file.Files.isDirectory(dir.resolve("storage")) && !NodeLog.running(dir)) {
                ModuleSchema m = NodeLog.schemas(dir).get(module);
                if (m == null) throw new CliException("node '" + node + "' has no module '" + module + "'");
                TableSchema ts = m.tables().stream()
                        .filter(x -> x.name().equals(table))
                        .findFirst()
                        .orElseThrow(() -> new CliException("module '" + module + "' has no table '" + table + "'"));
                long tx = asOfTx != null ? asOfTx : NodeLog.txAt(dir, timeMs);
                PastRows p = NodeLog.rowsAsOf(dir, module, table, tx);
                print(out, ts, p.rows().stream().map(Abi::decodeRow).toList(), " as of tx " + p.txId());
                return 0;
            }
        }
        try (var t = Cli.connect(node)) {
            ModuleSchema m = Calls.module(t, module);
            TableSchema ts = Calls.table(t, m, table);
            var p = t.client().rowsAsOf(module, table, asOfTx != null ? asOfTx : 0, timeMs);
            if (asOfTx != null && asOfTx == 0) p = new Message.PastRowsResult(p.id(), 0, List.of()); // before any tx
            print(out, ts, p.rows().stream().map(Abi::decodeRow).toList(), " as of tx " + p.txId());
        }
        return 0;
    }

    private static java.time.Instant instant(String text) {
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(text)
                        .atZone(java.time.ZoneId.systemDefault())
                        .toInstant();
            } catch (java.time.format.DateTimeParseException e2) {
                throw CliException.usage("--as-of-time '" + text + "': expected an ISO 8601 time such as"
                        + " 2026-12-06T10:15:00Z or 2026-12-06T10:15:00 (local time)");
            }
        }
    }

    /** Reads pages until {@code limit} rows (all without it); true when more rows follow the last one read. */
    private boolean fetch(Cli.Target t, List<Message.Where> conditions, IndexKey start, List<Row> rows) {
        long want = limit == null ? Integer.MAX_VALUE : limit; // + 1 below must not overflow
        IndexKey at = start;
        while (true) {
            long remaining = want - rows.size();
            int ask = (int) Math.min(PAGE, remaining + 1); // one more than needed tells whether more follow
            List<Row> page = t.client().rowsPage(module, table, conditions, at, ask);
            for (int i = 0; i < page.size() && rows.size() < want; i++) rows.add(page.get(i));
            if (page.size() < ask) return false;
            if (rows.size() >= want) return true;
            at = new IndexKey(rows.getLast().primaryKey());
        }
    }

    private List<Message.Where> conditions(ModuleSchema m, TableSchema ts) {
        var out = new ArrayList<Message.Where>();
        for (String w : where) {
            Matcher x = CONDITION.matcher(w);
            if (!x.matches())
                throw CliException.usage("--where '" + w + "': expected field=value, field<value, field<=value,"
                        + " field>value or field>=value");
            String field = x.group(1);
            IntersticeType type = field.equals(ts.primaryKey().name())
                    ? ts.primaryKey().type()
                    : ts.fields().stream()
                            .filter(f -> f.name().equals(field))
                            .map(FieldDef::type)
                            .findFirst()
                            .orElseThrow(() -> CliException.usage(
                                    "--where '" + w + "': table '" + ts.name() + "' has no field '" + field + "'"));
            int op = List.of("=", "<", "<=", ">", ">=").indexOf(x.group(2));
            out.add(new Message.Where(field, op, key(m, "--where '" + w + "'", x.group(3), type)));
        }
        return out;
    }

    /** {@code text} as an index key of {@code type}, or a usage error naming {@code what}. */
    private static IndexKey key(ModuleSchema m, String what, String text, IntersticeType type) {
        IntersticeValue v;
        try {
            v = new ValueJson(m.typeDefinitions()).parseArgument(text, type);
        } catch (ValueJson.TypeMismatch e) {
            throw CliException.usage(what + " (" + type + "): " + e.getMessage());
        }
        String why = IndexKey.unsupported(v);
        if (why != null) throw CliException.usage(what + ": " + why);
        return new IndexKey(v);
    }

    /** A row's primary key as --after takes it. */
    private static String key(Row r) {
        return r.primaryKey() instanceof IntersticeValue.Str s ? s.value() : ValueJson.render(r.primaryKey());
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
