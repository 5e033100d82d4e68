package dev.interstice.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.authority.Authorities;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeLog;
import dev.interstice.runtime.table.Condition;
import dev.interstice.storage.TableId;
import dev.interstice.storage.TxLog;
import dev.interstice.storage.TxRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The console's JSON API over the node's in-process interfaces ({@link Node}, {@link NodeServer}); the routes and
 * their parameters are listed in docs/console.md. Methods return what the page shows or throw {@link ApiException}
 * (a node's own errors, {@code IntersticeException}, go back as they are: the message is the user's answer).
 */
final class Api {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Rows per page at most. */
    static final int MAX_PAGE = 500;
    /** Log entries per request at most, and transactions looked through at most to find them. */
    static final int MAX_LOG = 200;

    static final long MAX_LOG_SCAN = 1 << 20;

    private final Node node;
    private final NodeServer server;
    private final Metrics metrics;

    Api(Node node, NodeServer server, Metrics metrics) {
        this.node = node;
        this.server = server;
        this.metrics = metrics;
    }

    ObjectNode nodeInfo() {
        ObjectNode o = NODES.objectNode();
        o.put("id", node.id());
        o.put("fingerprint", node.identity().fingerprint());
        if (server != null) {
            o.put("name", server.nodeName());
            o.put("address", server.address());
            o.put("connections", server.connections());
        }
        o.put(
                "started",
                ProcessHandle.current()
                        .info()
                        .startInstant()
                        .map(Instant::toString)
                        .orElse(""));
        o.put("lastTx", node.lastTxId());
        o.put("modules", node.modules().size());
        o.put("pendingSchedules", node.pendingSchedules());
        ArrayNode auth = o.putArray("authorities");
        for (Authority a : Authority.values()) {
            ObjectNode j = auth.addObject();
            j.put("name", Authorities.name(a));
            j.put("offered", node.authorities().config().offers(a));
            j.put("holder", node.authorities().holder(a).orElse(null));
            j.put("reach", node.authorities().describeForAdmin(a)); // the console is the admin's
        }
        ArrayNode peers = o.putArray("peers");
        if (server != null)
            server.peers().stats().forEach((address, stats) -> {
                ObjectNode j = peers.addObject();
                j.put("address", address);
                stats.forEach((k, v) -> j.put(k, String.valueOf(v)));
            });
        node.storageStats().ifPresent(s -> {
            ObjectNode j = o.putObject("storage");
            j.put("logBytes", s.logBytesOnDisk());
            j.put("snapshotBytes", s.snapshotBytes());
            j.put("lastLsn", s.lastLsn());
            j.put("durableLsn", s.durableLsn());
            j.put("fsyncs", s.fsyncs());
            j.put("failure", s.failure());
        });
        return o;
    }

    ArrayNode modules() {
        ArrayNode a = NODES.arrayNode();
        for (ModuleSchema m : node.modules()) {
            ObjectNode j = a.addObject();
            j.put("name", m.name());
            j.put("version", m.version().toString());
            j.put("tables", m.tables().size());
            j.put("reducers", m.reducers().size());
            j.put("queries", m.queries().size());
            j.put("memoryBytes", node.guestMemoryBytes(m.name()));
        }
        for (String u : node.unloadedModules()) a.addObject().put("name", u).put("unloaded", true);
        return a;
    }

    ObjectNode module(String name) {
        return SchemaJson.module(schema(name));
    }

    /**
     * A page of rows: after the row whose key is {@code after} (JSON, null: from the first), matching {@code where}
     * (conditions on indexed fields), in key order or, with conditions or {@code sort}, in that index's order.
     */
    ObjectNode rows(String module, String table, JsonNode where, String sort, JsonNode after, int limit) {
        ModuleSchema m = schema(module);
        TableSchema ts = m.table(table)
                .orElseThrow(() -> new ApiException(404, "no table '" + table + "' in module '" + module + "'"));
        var values = new ValueJson(m.typeDefinitions());
        var conditions = new ArrayList<Condition>();
        if (where != null && where.isArray())
            for (JsonNode c : where) {
                String field = c.path("field").asText();
                Condition.Op op = op(c.path("op").asText());
                conditions.add(new Condition(field, op, key(values, ts, field, c.get("value"))));
            }
        if (sort != null
                && !sort.isEmpty()
                && conditions.stream().noneMatch(c -> c.field().equals(sort)))
            conditions.add(new Condition(sort, Condition.Op.GTE, new IndexKey(lowest(type(ts, sort)))));
        IndexKey from = after == null || after.isNull()
                ? null
                : key(values, ts, ts.primaryKey().name(), after);
        Node.RowsPage page = node.rowsPage(module, table, false, conditions, from, Math.clamp(limit, 1, MAX_PAGE));
        ObjectNode o = NODES.objectNode();
        o.set("table", SchemaJson.table(ts));
        ArrayNode rows = o.putArray("rows");
        JsonNode last = null;
        for (byte[] r : page.rows()) {
            rows.add(TxLogText.row(ts, r, new TableId(module, table)));
            last = ValueJson.toJson(Abi.decodeRow(r).primaryKey());
        }
        o.put("more", page.more());
        o.set("last", last);
        return o;
    }

    /** Calls a reducer with arguments named by its parameters (JSON values of their types). */
    ObjectNode call(String module, String reducer, JsonNode args) {
        ModuleSchema m = schema(module);
        var r = m.reducer(reducer)
                .orElseThrow(() -> new ApiException(404, "no reducer '" + reducer + "' in module '" + module + "'"));
        var result = node.call(module, reducer, arguments(m, r.arguments(), args));
        return NODES.objectNode().put("tx", result.txId());
    }

    ObjectNode query(String module, String query, JsonNode args) {
        ModuleSchema m = schema(module);
        var q = m.query(query)
                .orElseThrow(() -> new ApiException(404, "no query '" + query + "' in module '" + module + "'"));
        IntersticeValue v = node.query(module, query, arguments(m, q.arguments(), args));
        ObjectNode o = NODES.objectNode();
        o.set("result", ValueJson.toJson(v));
        return o;
    }

    /** The newest committed transactions first, optionally only those of {@code module} (and its {@code reducer}). */
    ArrayNode log(String module, String reducer, int limit) {
        Predicate<TxRecord> filter = NodeLog.filter(module == null || module.isEmpty() ? null : module, null);
        if (reducer != null && !reducer.isEmpty())
            filter = filter.and(r -> r.origin() != null && r.origin().reducer().equals(reducer));
        return newest(filter, limit);
    }

    /**
     * A module's version history: its publications (and migrations, rollbacks) in the log, newest first; each
     * records the SHA-256 of the code it installed (a put of {@code __interstice.code}).
     */
    ArrayNode history(String module) {
        return newest(
                r -> r.origin() != null
                        && r.origin().module().equals(module)
                        && r.origin().trigger().equals("publish"),
                MAX_LOG);
    }

    private ArrayNode newest(Predicate<TxRecord> filter, int limit) {
        int want = Math.clamp(limit, 1, MAX_LOG);
        var found = new ArrayList<TxLog.Entry>();
        long to = node.lastTxId() + 1;
        long step = 256;
        long scanned = 0;
        while (found.size() < want && to > 0 && scanned < MAX_LOG_SCAN) {
            long from = Math.max(0, to - step);
            long end = to;
            var window = node.readLog(from, (int) step, filter.and(r -> r.txId() < end));
            var newest = new ArrayList<>(window);
            Collections.reverse(newest);
            for (var e : newest) if (found.size() < want) found.add(e);
            scanned += to - from;
            to = from;
            step = Math.min(step * 4, 1 << 16);
        }
        var text = new TxLogText(schemas());
        ArrayNode a = NODES.arrayNode();
        for (var e : found) a.add(text.json(e));
        return a;
    }

    ObjectNode publish(String label, byte[] wasm, boolean reset) {
        var handed = node.handLoadToHolder(node.id(), label, wasm, true);
        if (handed.isPresent())
            return NODES.objectNode()
                    .put("module", handed.get().module())
                    .put("handedTo", handed.get().holder());
        Node.Publication p = node.publish(label, wasm, reset);
        if (server != null) server.moduleChanged(p.module());
        return NODES.objectNode()
                .put("module", p.module())
                .put("version", p.schema().version().toString())
                .put("replaced", p.replaced());
    }

    ObjectNode remove(String module) {
        if (node.schema(module).isEmpty() && !node.unloadedModules().contains(module))
            throw new ApiException(404, "no module '" + module + "' is loaded");
        var handed = node.handRemoveToHolder(node.id(), module, true);
        if (handed.isPresent())
            return NODES.objectNode()
                    .put("module", module)
                    .put("handedTo", handed.get().holder());
        node.remove(module);
        if (server != null) server.moduleChanged(module);
        return NODES.objectNode().put("removed", module);
    }

    ObjectNode unload(String module) {
        schema(module);
        node.unload(module);
        if (server != null) server.moduleChanged(module);
        return NODES.objectNode().put("unloaded", module);
    }

    ArrayNode metrics() {
        ArrayNode a = NODES.arrayNode();
        for (Metrics.Sample s : metrics.recent()) a.add(sample(s));
        return a;
    }

    static ObjectNode sample(Metrics.Sample s) {
        return NODES.objectNode()
                .put("time", s.time())
                .put("committed", s.committed())
                .put("failed", s.failed())
                .put("p50", s.p50())
                .put("p90", s.p90())
                .put("p99", s.p99())
                .put("max", s.max());
    }

    /** A row event as the table browser applies it: the row after (put) or the key of the row removed (delete). */
    static ObjectNode rowChange(Node node, LiveFeed.RowChange c) {
        var e = c.event();
        ObjectNode o = NODES.objectNode().put("tx", c.txId());
        TableSchema ts =
                node.schema(e.module()).flatMap(m -> m.table(e.table())).orElse(null);
        var id = new TableId(e.module(), e.table());
        o.put("op", e.before() == null ? "insert" : e.after() == null ? "delete" : "update");
        if (e.after() != null) o.set("row", TxLogText.row(ts, e.after(), id));
        if (e.before() != null)
            o.set("key", ValueJson.toJson(Abi.decodeRow(e.before()).primaryKey()));
        return o;
    }

    private Map<String, ModuleSchema> schemas() {
        var out = new LinkedHashMap<String, ModuleSchema>();
        for (ModuleSchema m : node.modules()) out.put(m.name(), m);
        return out;
    }

    private ModuleSchema schema(String module) {
        return node.schema(module).orElseThrow(() -> new ApiException(404, "no module '" + module + "' is loaded"));
    }

    private static List<IntersticeValue> arguments(ModuleSchema m, List<FieldDef> params, JsonNode args) {
        var values = new ValueJson(m.typeDefinitions());
        var out = new ArrayList<IntersticeValue>(params.size());
        for (FieldDef p : params) {
            JsonNode n = args == null ? null : args.get(p.name());
            if (n == null) throw ApiException.bad("missing argument '" + p.name() + "' (" + p.type() + ")");
            try {
                out.add(values.fromJson(n, p.type(), p.name()));
            } catch (ValueJson.TypeMismatch e) {
                throw ApiException.bad("argument '" + p.name() + "' (" + p.type() + "): " + e.getMessage());
            }
        }
        return out;
    }

    private static IndexKey key(ValueJson values, TableSchema ts, String field, JsonNode n) {
        IntersticeType t = type(ts, field);
        IntersticeValue v;
        try {
            v = values.fromJson(n == null ? NODES.nullNode() : n, t, field);
        } catch (ValueJson.TypeMismatch e) {
            throw ApiException.bad(field + " (" + t + "): " + e.getMessage());
        }
        String why = IndexKey.unsupported(v);
        if (why != null) throw ApiException.bad(field + ": " + why);
        return new IndexKey(v);
    }

    private static IntersticeType type(TableSchema ts, String field) {
        if (field.equals(ts.primaryKey().name())) return ts.primaryKey().type();
        return ts.fields().stream()
                .filter(f -> f.name().equals(field))
                .map(FieldDef::type)
                .findFirst()
                .orElseThrow(() -> ApiException.bad("table '" + ts.name() + "' has no field '" + field + "'"));
    }

    private static Condition.Op op(String symbol) {
        for (Condition.Op op : Condition.Op.values()) if (op.symbol.equals(symbol)) return op;
        throw ApiException.bad("unknown comparison '" + symbol + "' (=, <, <=, >, >=)");
    }

    /** The least value of an indexable scalar type: sorting by a field is "field >= lowest". */
    private static IntersticeValue lowest(IntersticeType t) {
        if (t instanceof IntersticeType.Primitive p)
            return switch (p.kind()) {
                case U8 -> new IntersticeValue.U8(0);
                case U32 -> new IntersticeValue.U32(0);
                case U64 -> new IntersticeValue.U64(0);
                case I32 -> new IntersticeValue.I32(Integer.MIN_VALUE);
                case I64 -> new IntersticeValue.I64(Long.MIN_VALUE);
                case BOOL -> new IntersticeValue.Bool(false);
                case STRING -> new IntersticeValue.Str("");
                default -> throw ApiException.bad("cannot sort by a " + t + " field");
            };
        throw ApiException.bad("cannot sort by a " + t + " field");
    }
}
