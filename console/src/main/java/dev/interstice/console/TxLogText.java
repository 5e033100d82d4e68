package dev.interstice.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.LoggedInputs;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.storage.Change;
import dev.interstice.storage.TableId;
import dev.interstice.storage.TxLog;
import dev.interstice.storage.TxOrigin;
import dev.interstice.storage.TxTrace;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One logged transaction for people ({@link #print}) or as one JSON object ({@link #json}): arguments named by the
 * reducer's parameters and rows by their table's fields, from the module schemas given (without a module's schema:
 * arguments as a JSON array, rows as their values in order). A put is an insert or an update: the log keeps the row
 * after the transaction, not the one before.
 */
public final class TxLogText {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The runtime's own tables (auto-increment counters, schedules, code hashes): bytes only. */
    private static final String SYSTEM_MODULE = "__interstice";

    private final Map<String, ModuleSchema> schemas;

    public TxLogText(Map<String, ModuleSchema> schemas) {
        this.schemas = schemas;
    }

    public ObjectNode json(TxLog.Entry e) {
        ObjectNode o = NODES.objectNode();
        o.put("tx", e.record().txId());
        o.put("lsn", e.lsn());
        o.put("time", Instant.ofEpochMilli(e.record().timestampMs()).toString());
        TxOrigin origin = e.record().origin();
        if (origin != null) {
            o.put("module", origin.module());
            o.put("reducer", origin.reducer());
            if (!origin.trigger().isEmpty()) o.put("trigger", origin.trigger());
            ObjectNode caller = o.putObject("caller");
            caller.put("node", origin.callerNode());
            caller.put("module", origin.callerModule());
            if (origin.args().length > 0) o.set("args", args(origin)); // none: a publish, or arguments withheld
        }
        TxTrace trace = e.record().trace();
        if (trace != null) {
            if (trace.parent() != null) {
                TxTrace.Parent p = trace.parent();
                ObjectNode root = o.putObject("trace");
                root.put("node", p.traceNode());
                root.put("tx", p.traceTx());
                ObjectNode parent = o.putObject("parent");
                parent.put("node", p.node());
                parent.put("tx", p.tx());
            }
            if (!trace.calls().isEmpty()) o.set("calls", calls(trace));
        }
        if (!e.record().inputs().isEmpty()) o.set("inputs", inputs(e.record().inputs()));
        ArrayNode changes = o.putArray("changes");
        for (Change c : e.record().changes()) changes.add(change(c));
        return o;
    }

    /** The calls a transaction made, in order ({@code node} empty: this node; "" fields left out). */
    public static ArrayNode calls(TxTrace t) {
        ArrayNode a = NODES.arrayNode();
        for (TxTrace.Call c : t.calls()) {
            ObjectNode j = a.addObject();
            j.put("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
            if (c.kind() == TxTrace.Kind.MORE) {
                j.put("count", c.depth());
                continue;
            }
            j.put("depth", c.depth());
            if (!c.node().isEmpty()) j.put("node", c.node());
            if (!c.address().isEmpty()) j.put("address", c.address());
            j.put("module", c.module());
            j.put("reducer", c.reducer());
        }
        return a;
    }

    /** What the world answered the transaction's calls (File, Audio, Network, Gpu), in call order. */
    private static ArrayNode inputs(List<byte[]> inputs) {
        ArrayNode a = NODES.arrayNode();
        for (byte[] in : inputs) {
            LoggedInputs.Shown s = LoggedInputs.show(in);
            ObjectNode j = a.addObject();
            if (!s.call().isEmpty()) j.put("call", s.call());
            j.put("answer", s.answer());
        }
        return a;
    }

    /** One call as a line: indented by its depth, what it called and how. */
    public static String callLine(TxTrace.Call c) {
        String indent = "  ".repeat(Math.max(0, c.depth() - 1));
        return indent
                + switch (c.kind()) {
                    case LOCAL -> "calls " + c.module() + "." + c.reducer();
                    case REMOTE ->
                        "calls " + c.module() + "." + c.reducer() + " on node '" + c.node() + "'"
                                + (c.address().isEmpty() ? "" : " (" + c.address() + ")");
                    case SCHEDULE -> "schedules " + c.module() + "." + c.reducer();
                    case MORE -> "... and " + c.depth() + " more calls";
                };
    }

    public void print(PrintWriter out, TxLog.Entry e) {
        ObjectNode j = json(e);
        var head = new StringBuilder(
                "tx " + e.record().txId() + "  " + j.get("time").asText() + "  ");
        TxOrigin origin = e.record().origin();
        if (origin == null) head.append("(no origin recorded)");
        else {
            head.append(origin.reducer().isEmpty() ? origin.module() : origin.module() + "." + origin.reducer());
            if (j.has("args")) head.append(' ').append(j.get("args"));
            if (!origin.trigger().isEmpty())
                head.append("  [").append(origin.trigger()).append(']');
            head.append("  caller ")
                    .append(origin.callerNode().isEmpty() ? "this node" : origin.callerNode())
                    .append(origin.callerModule().isEmpty() ? "" : "/" + origin.callerModule());
        }
        out.println(head);
        TxTrace trace = e.record().trace();
        if (trace != null && trace.parent() != null) {
            TxTrace.Parent p = trace.parent();
            out.println("  caused by tx " + p.tx() + (p.node().isEmpty() ? "" : " on node " + p.node())
                    + (p.traceTx() == p.tx() && p.traceNode().equals(p.node())
                            ? ""
                            : ", trace of tx " + p.traceTx()
                                    + (p.traceNode().isEmpty() ? "" : " on node " + p.traceNode())));
        }
        if (trace != null) for (TxTrace.Call c : trace.calls()) out.println("  " + callLine(c));
        if (j.has("inputs"))
            for (JsonNode in : j.get("inputs"))
                out.println("  answer " + (in.has("call") ? in.get("call").asText() + ": " : "")
                        + in.get("answer").asText());
        for (JsonNode c : j.get("changes")) {
            JsonNode v = c.has("row") ? c.get("row") : c.get("key");
            String what = v == null ? "" : v.isTextual() ? v.asText() : v.toString(); // bytes: 0x... unquoted
            out.println("  " + String.format("%-6s", c.get("op").asText()) + " "
                    + c.get("table").asText() + (what.isEmpty() ? "" : " " + what));
        }
    }

    private JsonNode args(TxOrigin o) {
        List<IntersticeValue> values;
        try {
            values = Abi.decodeValue(o.args()) instanceof IntersticeValue.Vec v ? v.items() : null;
        } catch (RuntimeException e) {
            values = null;
        }
        if (values == null) return NODES.textNode("0x" + HexFormat.of().formatHex(o.args()));
        ModuleSchema m = schemas.get(o.module());
        var params = m == null
                ? null
                : m.reducer(o.reducer()).map(r -> r.arguments()).orElse(null);
        if (params == null || params.size() != values.size()) {
            ArrayNode a = NODES.arrayNode();
            for (IntersticeValue v : values) a.add(ValueJson.toJson(v));
            return a;
        }
        ObjectNode named = NODES.objectNode();
        for (int i = 0; i < values.size(); i++) named.set(params.get(i).name(), ValueJson.toJson(values.get(i)));
        return named;
    }

    private ObjectNode change(Change c) {
        ObjectNode o = NODES.objectNode();
        TableId t = c.table();
        o.put(
                "op",
                switch (c) {
                    case Change.Put p -> "put";
                    case Change.Delete d -> "delete";
                    case Change.Clear cl -> "clear";
                });
        o.put("table", t.module().isEmpty() ? t.table() : t.module() + "." + t.table());
        TableSchema ts = t.module().equals(SYSTEM_MODULE)
                ? null
                : schemas.containsKey(t.module())
                        ? schemas.get(t.module()).table(t.table()).orElse(null)
                        : null;
        switch (c) {
            case Change.Put p -> o.set("row", row(ts, p.row(), t));
            case Change.Delete d -> o.set("key", key(ts, d.key(), t));
            case Change.Clear cl -> {}
        }
        return o;
    }

    static JsonNode row(TableSchema ts, byte[] bytes, TableId t) {
        if (t.module().equals(SYSTEM_MODULE))
            return NODES.textNode("0x" + HexFormat.of().formatHex(bytes));
        Row r;
        try {
            r = Abi.decodeRow(bytes);
        } catch (RuntimeException e) {
            return NODES.textNode("0x" + HexFormat.of().formatHex(bytes));
        }
        if (ts == null || ts.fields().size() != r.entries().size()) {
            ArrayNode a = NODES.arrayNode();
            a.add(ValueJson.toJson(r.primaryKey()));
            for (IntersticeValue v : r.entries()) a.add(ValueJson.toJson(v));
            return a;
        }
        ObjectNode o = NODES.objectNode();
        o.set(ts.primaryKey().name(), ValueJson.toJson(r.primaryKey()));
        List<FieldDef> fields = ts.fields();
        for (int i = 0; i < fields.size(); i++)
            o.set(fields.get(i).name(), ValueJson.toJson(r.entries().get(i)));
        return o;
    }

    private static JsonNode key(TableSchema ts, byte[] bytes, TableId t) {
        IntersticeValue k;
        try {
            k = t.module().equals(SYSTEM_MODULE)
                    ? null
                    : Abi.decodeIndexKey(bytes).value();
        } catch (RuntimeException e) {
            k = null;
        }
        if (k == null) return NODES.textNode("0x" + HexFormat.of().formatHex(bytes));
        if (ts == null) return ValueJson.toJson(k);
        ObjectNode o = NODES.objectNode();
        o.set(ts.primaryKey().name(), ValueJson.toJson(k));
        return o;
    }
}
