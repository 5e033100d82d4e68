package dev.interstice.cli;

import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeSchema;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.SubscriptionSchema;
import dev.interstice.abi.schema.TableRef;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.schema.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Schemas as TOML in upstream's layout (serde field names and externally tagged enums: {@code visibility = "Public"},
 * {@code field_type = "U64"}, {@code [x.field_type] Named = "T"}, {@code [modules.subscriptions.event.Insert]}), which
 * is what {@code src/bindings/*.toml} files hold and the SDKs read: a module file is a ModuleSchema, a node file is
 * {@code name}, {@code address} and {@code [[modules]]}.
 */
final class SchemaToml {
    private SchemaToml() {}

    static String module(ModuleSchema s) {
        return write(moduleTree(s));
    }

    static String node(NodeSchema s) {
        return node(s, null);
    }

    /** A node binding; {@code fingerprint} (the node's pinned key, or null) is our extension (docs/abi.md §5). */
    static String node(NodeSchema s, String fingerprint) {
        return node(s, fingerprint, Map.of());
    }

    /**
     * As {@link #node(NodeSchema, String)}, each module with the SHA-256 of its code from {@code codeHashes} (module
     * to hash) as {@code code_hash} after its visibility: our extension, what {@code publish --hash} takes.
     */
    static String node(NodeSchema s, String fingerprint, Map<String, String> codeHashes) {
        var m = new LinkedHashMap<String, Object>();
        m.put("name", s.name());
        m.put("address", s.address());
        if (fingerprint != null) m.put("fingerprint", fingerprint);
        m.put(
                "modules",
                s.modules().stream()
                        .<Object>map(x -> withCodeHash(moduleTree(x), codeHashes.get(x.name())))
                        .toList());
        return write(m);
    }

    private static Map<String, Object> withCodeHash(Map<String, Object> module, String hash) {
        if (hash == null) return module;
        var out = new LinkedHashMap<String, Object>();
        for (var e : module.entrySet()) {
            out.put(e.getKey(), e.getValue());
            if (e.getKey().equals("visibility")) out.put("code_hash", hash);
        }
        return out;
    }

    // ---- schema -> serde-shaped tree ----

    static Map<String, Object> moduleTree(ModuleSchema s) {
        var m = new LinkedHashMap<String, Object>();
        m.put("abi_version", (long) s.abiVersion());
        m.put("name", s.name());
        m.put("version", version(s.version()));
        m.put("visibility", pascal(s.visibility().name()));
        m.put("reducers", s.reducers().stream().<Object>map(SchemaToml::reducer).toList());
        m.put("queries", s.queries().stream().<Object>map(SchemaToml::query).toList());
        m.put("tables", s.tables().stream().<Object>map(SchemaToml::table).toList());
        m.put(
                "subscriptions",
                s.subscriptions().stream().<Object>map(SchemaToml::subscription).toList());
        var defs = new LinkedHashMap<String, Object>();
        for (var e : s.typeDefinitions().entrySet()) defs.put(e.getKey(), typeDef(e.getValue()));
        m.put("type_definitions", defs);
        m.put(
                "authorities",
                s.authorities().stream().<Object>map(SchemaToml::authority).toList());
        m.put(
                "module_dependencies",
                s.moduleDependencies().stream()
                        .<Object>map(d -> map("module_name", d.moduleName(), "version", version(d.version())))
                        .toList());
        m.put(
                "node_dependencies",
                s.nodeDependencies().stream()
                        .<Object>map(d -> map("name", d.name(), "address", d.address()))
                        .toList());
        m.put(
                "replicated_tables",
                s.replicatedTables().stream()
                        .<Object>map(
                                r -> map("node_name", r.node(), "module_name", r.module(), "table_name", r.table()))
                        .toList());
        return m;
    }

    private static Map<String, Object> map(Object... kv) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private static Map<String, Object> version(Version v) {
        return map("major", (long) v.major(), "minor", (long) v.minor(), "patch", (long) v.patch());
    }

    private static String authority(Authority a) {
        return pascal(a.name());
    }

    /** LOGGED -> Logged, AUDIO_OUTPUT -> AudioOutput. */
    static String pascal(String constant) {
        var sb = new StringBuilder();
        for (String part : constant.split("_")) {
            if (part.isEmpty()) continue;
            sb.append(part.charAt(0)).append(part.substring(1).toLowerCase());
        }
        return sb.toString();
    }

    private static Map<String, Object> field(FieldDef f) {
        return map("name", f.name(), "field_type", type(f.type()));
    }

    static Object type(IntersticeType t) {
        return switch (t) {
            case IntersticeType.Primitive p ->
                p.kind() == IntersticeType.Kind.STRING
                        ? "String"
                        : pascal(p.kind().name());
            case IntersticeType.Vec v -> map("Vec", type(v.element()));
            case IntersticeType.Option o -> map("Option", type(o.inner()));
            case IntersticeType.Tuple tu ->
                map("Tuple", tu.elements().stream().map(SchemaToml::type).toList());
            case IntersticeType.Named n -> map("Named", n.name());
        };
    }

    private static Object selection(Selection s) {
        return s.isCurrent() ? "Current" : map("Other", s.other());
    }

    private static Map<String, Object> ref(TableRef r) {
        return map(
                "node_selection",
                selection(r.node()),
                "module_selection",
                selection(r.module()),
                "table_name",
                r.table());
    }

    private static List<Object> refs(List<TableRef> rs) {
        return rs.stream().<Object>map(SchemaToml::ref).toList();
    }

    private static Map<String, Object> reducer(ReducerSchema r) {
        return map(
                "name",
                r.name(),
                "arguments",
                r.arguments().stream().<Object>map(SchemaToml::field).toList(),
                "reads",
                refs(r.reads()),
                "inserts",
                refs(r.inserts()),
                "updates",
                refs(r.updates()),
                "deletes",
                refs(r.deletes()));
    }

    private static Map<String, Object> query(QuerySchema q) {
        return map(
                "name",
                q.name(),
                "arguments",
                q.arguments().stream().<Object>map(SchemaToml::field).toList(),
                "return_type",
                type(q.returnType()),
                "reads",
                refs(q.reads()));
    }

    private static Map<String, Object> table(TableSchema t) {
        return map(
                "name",
                t.name(),
                "type_name",
                t.typeName(),
                "visibility",
                pascal(t.visibility().name()),
                "fields",
                t.fields().stream().<Object>map(SchemaToml::field).toList(),
                "primary_key",
                field(t.primaryKey()),
                "primary_key_auto_inc",
                t.primaryKeyAutoInc(),
                "indexes",
                t.indexes().stream().<Object>map(SchemaToml::index).toList(),
                "persistence",
                pascal(t.persistence().name()));
    }

    private static Map<String, Object> index(IndexSchema i) {
        return map(
                "field_name",
                i.field(),
                "index_type",
                i.type() == IndexSchema.Type.BTREE ? "BTree" : "Hash",
                "unique",
                i.unique(),
                "auto_inc",
                i.autoInc());
    }

    private static Map<String, Object> subscription(SubscriptionSchema s) {
        return map("reducer_name", s.reducer(), "event", event(s.event()));
    }

    private static Object event(SubscriptionEvent e) {
        return switch (e) {
            case SubscriptionEvent.Table t ->
                map(
                        pascal(t.kind().name()),
                        map("node_selection", selection(t.node()), "module_name", t.module(), "table_name", t.table()));
            case SubscriptionEvent.ReplicaSync r ->
                map("ReplicaSync", map("node_name", r.node(), "module_name", r.module(), "table_name", r.table()));
            case SubscriptionEvent.File f -> map("File", map("path", f.path(), "recursive", f.recursive()));
            case SubscriptionEvent.Core c -> pascal(c.kind().name());
        };
    }

    private static Map<String, Object> typeDef(TypeDef d) {
        return switch (d) {
            case TypeDef.Struct s ->
                map(
                        "Struct",
                        map(
                                "name",
                                s.name(),
                                "fields",
                                s.fields().stream()
                                        .<Object>map(SchemaToml::field)
                                        .toList()));
            case TypeDef.Enum e ->
                map(
                        "Enum",
                        map(
                                "name",
                                e.name(),
                                "variants",
                                e.variants().stream()
                                        .<Object>map(SchemaToml::field)
                                        .toList()));
        };
    }

    // ---- tree -> TOML text (like the toml crate: plain keys first, then tables and arrays of tables) ----

    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_-]+");

    static String write(Map<String, Object> root) {
        var sb = new StringBuilder();
        writeTable(sb, "", root);
        return sb.toString();
    }

    private static boolean isTableArray(Object v) {
        return v instanceof List<?> l
                && !l.isEmpty()
                && l.stream().allMatch(x -> x instanceof Map<?, ?> m && !m.isEmpty());
    }

    private static boolean isSubTable(Object v) {
        return v instanceof Map<?, ?> m && !m.isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static void writeTable(StringBuilder sb, String path, Map<String, Object> table) {
        for (var e : table.entrySet()) {
            Object v = e.getValue();
            if (isSubTable(v) || isTableArray(v)) continue;
            sb.append(key(e.getKey())).append(" = ");
            inline(sb, v);
            sb.append('\n');
        }
        for (var e : table.entrySet()) {
            Object v = e.getValue();
            String p = path.isEmpty() ? key(e.getKey()) : path + "." + key(e.getKey());
            if (isSubTable(v)) {
                var sub = (Map<String, Object>) v;
                if (sub.values().stream().anyMatch(x -> !isSubTable(x) && !isTableArray(x)))
                    sb.append('\n').append('[').append(p).append("]\n");
                writeTable(sb, p, sub);
            } else if (isTableArray(v)) {
                for (Object item : (List<Object>) v) {
                    sb.append('\n').append("[[").append(p).append("]]\n");
                    writeTable(sb, p, (Map<String, Object>) item);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void inline(StringBuilder sb, Object v) {
        switch (v) {
            case String s -> string(sb, s);
            case Boolean b -> sb.append(b);
            case Long l -> sb.append(l);
            case Integer i -> sb.append(i);
            case Double d when d.isNaN() -> sb.append("nan");
            case Double d when d.isInfinite() -> sb.append(d > 0 ? "inf" : "-inf");
            case Double d -> sb.append(d); // Java's form (1.5, 1.0E10) is a TOML float
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(", ");
                    inline(sb, l.get(i));
                }
                sb.append(']');
            }
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append("{ ");
                int i = 0;
                for (var e : ((Map<String, Object>) m).entrySet()) {
                    if (i++ > 0) sb.append(", ");
                    sb.append(key(e.getKey())).append(" = ");
                    inline(sb, e.getValue());
                }
                sb.append(" }");
            }
            default -> throw new IllegalArgumentException("cannot write " + v.getClass() + " as TOML");
        }
    }

    private static String key(String k) {
        if (BARE.matcher(k).matches()) return k;
        var sb = new StringBuilder();
        string(sb, k);
        return sb.toString();
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F) sb.append(String.format("\\u%04X", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    /** Keeps a list of names readable in messages. */
    static String names(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", new ArrayList<>(names));
    }
}
