package dev.interstice.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.SubscriptionSchema;
import dev.interstice.abi.schema.TableRef;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.TypeDef;
import java.util.List;

/**
 * A module's schema as the pages use it: types spelled as upstream does ({@code Vec<u64>}), plus for every parameter
 * the form it takes ({@link #input}): a scalar gets its own input, anything else a JSON field.
 */
final class SchemaJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SchemaJson() {}

    static ObjectNode module(ModuleSchema m) {
        ObjectNode o = NODES.objectNode();
        o.put("name", m.name());
        o.put("version", m.version().toString());
        o.put("visibility", m.visibility().name().toLowerCase(java.util.Locale.ROOT));
        ArrayNode tables = o.putArray("tables");
        for (TableSchema t : m.tables()) tables.add(table(t));
        ArrayNode reducers = o.putArray("reducers");
        for (ReducerSchema r : m.reducers()) {
            if (m.isSubscriptionHandler(r.name())) continue;
            ObjectNode j = reducers.addObject();
            j.put("name", r.name());
            j.set("params", params(r.arguments()));
            j.set("reads", refs(r.reads()));
            j.set("writes", refs(concat(r.inserts(), r.updates(), r.deletes())));
        }
        ArrayNode queries = o.putArray("queries");
        for (QuerySchema q : m.queries()) {
            ObjectNode j = queries.addObject();
            j.put("name", q.name());
            j.set("params", params(q.arguments()));
            j.put("returns", q.returnType().toString());
        }
        ArrayNode subs = o.putArray("subscriptions");
        for (SubscriptionSchema s : m.subscriptions()) {
            ObjectNode j = subs.addObject();
            j.put("reducer", s.reducer());
            j.put("event", event(s.event()));
        }
        ArrayNode auth = o.putArray("authorities");
        m.authorities().forEach(a -> auth.add(a.name().toLowerCase(java.util.Locale.ROOT)));
        ArrayNode types = o.putArray("types");
        m.typeDefinitions().forEach((name, def) -> types.add(type(def)));
        return o;
    }

    static ObjectNode table(TableSchema t) {
        ObjectNode j = NODES.objectNode();
        j.put("name", t.name());
        j.put("visibility", t.visibility().name().toLowerCase(java.util.Locale.ROOT));
        j.put("persistence", t.persistence().name().toLowerCase(java.util.Locale.ROOT));
        ObjectNode pk = j.putObject("primaryKey");
        pk.put("name", t.primaryKey().name());
        pk.put("type", t.primaryKey().type().toString());
        pk.put("autoInc", t.primaryKeyAutoInc());
        ArrayNode cols = j.putArray("columns");
        cols.addObject()
                .put("name", t.primaryKey().name())
                .put("type", t.primaryKey().type().toString());
        for (FieldDef f : t.fields())
            cols.addObject().put("name", f.name()).put("type", f.type().toString());
        ArrayNode ix = j.putArray("indexes");
        for (IndexSchema i : t.indexes())
            ix.addObject()
                    .put("field", i.field())
                    .put("type", i.type().name().toLowerCase(java.util.Locale.ROOT))
                    .put("unique", i.unique());
        return j;
    }

    private static ArrayNode params(List<FieldDef> params) {
        ArrayNode a = NODES.arrayNode();
        for (FieldDef p : params)
            a.addObject().put("name", p.name()).put("type", p.type().toString()).put("input", input(p.type()));
        return a;
    }

    /** How the form asks for a value of {@code t}: number, integer, bool, text, or json. */
    static String input(IntersticeType t) {
        if (!(t instanceof IntersticeType.Primitive p)) return "json";
        return switch (p.kind()) {
            case U8, U32, U64, I32, I64 -> "integer";
            case F32, F64 -> "number";
            case BOOL -> "bool";
            case STRING -> "text";
            case VOID -> "json";
        };
    }

    private static ObjectNode type(TypeDef def) {
        ObjectNode j = NODES.objectNode();
        List<FieldDef> members = switch (def) {
            case TypeDef.Struct s -> {
                j.put("kind", "struct").put("name", s.name());
                yield s.fields();
            }
            case TypeDef.Enum e -> {
                j.put("kind", "enum").put("name", e.name());
                yield e.variants();
            }
        };
        ArrayNode a = j.putArray("members");
        for (FieldDef f : members)
            a.addObject().put("name", f.name()).put("type", f.type().toString());
        return j;
    }

    private static String event(SubscriptionEvent e) {
        return switch (e) {
            case SubscriptionEvent.Table t ->
                (t.node().isCurrent() ? "" : t.node().other() + "/") + t.module() + "." + t.table() + "."
                        + t.kind().name().toLowerCase(java.util.Locale.ROOT);
            case SubscriptionEvent.Core c -> c.kind().name().toLowerCase(java.util.Locale.ROOT);
            default -> e.toString();
        };
    }

    private static ArrayNode refs(List<TableRef> refs) {
        ArrayNode a = NODES.arrayNode();
        for (TableRef r : refs)
            a.add((r.node().isCurrent() ? "" : r.node().other() + "/")
                    + (r.module().isCurrent() ? "" : r.module().other() + ".")
                    + r.table());
        return a;
    }

    @SafeVarargs
    private static List<TableRef> concat(List<TableRef>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).distinct().toList();
    }
}
