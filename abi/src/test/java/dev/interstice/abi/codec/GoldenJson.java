package dev.interstice.abi.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.host.IndexQuery;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleDependency;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeDependency;
import dev.interstice.abi.schema.NodeSchema;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.ReplicatedTable;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.SubscriptionSchema;
import dev.interstice.abi.schema.TableRef;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.schema.Version;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The golden vectors shared with the SDK's tests: {@code testdata/golden/postcard.json} (on the test classpath), and the
 * conversion of its values (upstream's serde JSON shape, see the file's "about") to this codec's records.
 */
final class GoldenJson {
    private GoldenJson() {}

    /** One vector: its bytes and the value they encode. */
    record Vector(String category, byte[] bytes, JsonNode value) {
        @Override
        public String toString() {
            return category + " " + value;
        }
    }

    private static final JsonNode DOC = load();

    private static JsonNode load() {
        try (InputStream in = GoldenJson.class.getResourceAsStream("/testdata/golden/postcard.json")) {
            if (in == null) throw new IOException("missing test resource testdata/golden/postcard.json");
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Vector> vectors(String category) {
        JsonNode list = DOC.get(category);
        if (list == null || !list.isArray() || list.isEmpty())
            throw new IllegalArgumentException("no golden vectors '" + category + "'");
        var out = new ArrayList<Vector>();
        for (JsonNode v : list) out.add(new Vector(category, hex(v.get("hex")), v.get("value")));
        return out;
    }

    /** The bytes of a "hex" entry: a string or lines; on each line the leading two-digit hex tokens ("|" separates). */
    static byte[] hex(JsonNode hex) {
        var sb = new StringBuilder();
        List<String> lines = new ArrayList<>();
        if (hex.isArray()) hex.forEach(l -> lines.add(l.asText()));
        else lines.add(hex.asText());
        for (String line : lines) {
            for (String tok : line.trim().split("\\s+")) {
                if (tok.equals("|")) continue;
                if (!tok.matches("[0-9A-Fa-f]{2}")) break;
                sb.append(tok);
            }
        }
        return Hex.bytes(sb.toString());
    }

    // ---- values ----

    static IntersticeValue value(JsonNode j) {
        if (j.isTextual() && j.asText().equals("Void")) return IntersticeValue.VOID;
        var e = only(j);
        JsonNode x = e.getValue();
        return switch (e.getKey()) {
            case "U8" -> IntersticeValue.u8(x.intValue());
            case "U32" -> IntersticeValue.u32(x.longValue());
            case "U64" -> IntersticeValue.u64(Long.parseUnsignedLong(x.asText()));
            case "I32" -> IntersticeValue.i32(x.intValue());
            case "I64" -> IntersticeValue.i64(Long.parseLong(x.asText()));
            case "F32" -> IntersticeValue.f32(x.isTextual() ? Float.parseFloat(x.asText()) : x.floatValue());
            case "F64" -> IntersticeValue.f64(x.isTextual() ? Double.parseDouble(x.asText()) : x.doubleValue());
            case "Bool" -> IntersticeValue.bool(x.booleanValue());
            case "String" -> IntersticeValue.str(x.asText());
            case "Vec" -> IntersticeValue.vec(list(x, GoldenJson::value));
            case "Tuple" -> new IntersticeValue.Tuple(list(x, GoldenJson::value));
            case "Option" -> x.isNull() ? IntersticeValue.none() : IntersticeValue.some(value(x));
            case "Struct" ->
                new IntersticeValue.Struct(
                        x.get("name").asText(),
                        list(
                                x.get("fields"),
                                f -> new IntersticeValue.Field(f.get("name").asText(), value(f.get("value")))));
            case "Enum" ->
                new IntersticeValue.Enum(
                        x.get("name").asText(), x.get("variant").asText(), value(x.get("value")));
            default -> throw new IllegalArgumentException("not an IntersticeValue: " + j);
        };
    }

    static IndexKey key(JsonNode j) {
        return new IndexKey(value(j));
    }

    static Row row(JsonNode j) {
        return new Row(value(j.get("primary_key")), list(j.get("entries"), GoldenJson::value));
    }

    static Abi.CallInput callInput(JsonNode j) {
        JsonNode c = j.get("context");
        return new Abi.CallInput(
                new CallContext(
                        c.get("caller_node_id").asText(),
                        c.get("caller_module_name").asText()),
                list(j.get("args"), GoldenJson::value));
    }

    // ---- host calls ----

    static Selection selection(JsonNode j) {
        if (j.isTextual() && j.asText().equals("Current")) return Selection.CURRENT;
        return Selection.other(j.get("Other").asText());
    }

    static IndexQuery indexQuery(JsonNode j) {
        var e = only(j);
        JsonNode x = e.getValue();
        return switch (e.getKey()) {
            case "Eq" -> new IndexQuery.Eq(key(x));
            case "Lt" -> new IndexQuery.Lt(key(x));
            case "Lte" -> new IndexQuery.Lte(key(x));
            case "Gt" -> new IndexQuery.Gt(key(x));
            case "Gte" -> new IndexQuery.Gte(key(x));
            case "Range" ->
                new IndexQuery.Range(
                        key(x.get("min")),
                        key(x.get("max")),
                        x.get("include_min").booleanValue(),
                        x.get("include_max").booleanValue());
            default -> throw new IllegalArgumentException("not an IndexQuery: " + j);
        };
    }

    static HostCall hostCall(JsonNode j) {
        if (j.isTextual() && j.asText().equals("CurrentNodeId")) return new HostCall.CurrentNodeId();
        var e = only(j);
        JsonNode x = e.getValue();
        return switch (e.getKey()) {
            case "CallReducer" ->
                new HostCall.CallReducer(
                        selection(x.get("node_selection")),
                        selection(x.get("module_selection")),
                        x.get("reducer_name").asText(),
                        value(x.get("input")));
            case "Schedule" ->
                new HostCall.Schedule(
                        x.get("reducer_name").asText(),
                        Long.parseUnsignedLong(x.get("delay_ms").asText()));
            case "CallQuery" ->
                new HostCall.CallQuery(
                        selection(x.get("node_selection")),
                        selection(x.get("module_selection")),
                        x.get("query_name").asText(),
                        value(x.get("input")));
            case "TableScan" ->
                new HostCall.TableScan(
                        selection(x.get("module_selection")),
                        x.get("table_name").asText());
            case "TableGetByPrimaryKey" ->
                new HostCall.TableGetByPrimaryKey(
                        selection(x.get("module_selection")),
                        x.get("table_name").asText(),
                        key(x.get("primary_key")));
            case "TableIndexScan" ->
                new HostCall.TableIndexScan(
                        selection(x.get("module_selection")),
                        x.get("table_name").asText(),
                        x.get("field_name").asText(),
                        indexQuery(x.get("query")));
            default -> throw new IllegalArgumentException("not a HostCall: " + j);
        };
    }

    // ---- schemas ----

    static IntersticeType type(JsonNode j) {
        if (j.isTextual()) {
            return switch (j.asText()) {
                case "Void" -> IntersticeType.VOID;
                case "U8" -> IntersticeType.U8;
                case "U32" -> IntersticeType.U32;
                case "U64" -> IntersticeType.U64;
                case "I32" -> IntersticeType.I32;
                case "I64" -> IntersticeType.I64;
                case "F32" -> IntersticeType.F32;
                case "F64" -> IntersticeType.F64;
                case "Bool" -> IntersticeType.BOOL;
                case "String" -> IntersticeType.STRING;
                default -> throw new IllegalArgumentException("not an IntersticeType: " + j);
            };
        }
        var e = only(j);
        JsonNode x = e.getValue();
        return switch (e.getKey()) {
            case "Vec" -> new IntersticeType.Vec(type(x));
            case "Option" -> new IntersticeType.Option(type(x));
            case "Tuple" -> new IntersticeType.Tuple(list(x, GoldenJson::type));
            case "Named" -> new IntersticeType.Named(x.asText());
            default -> throw new IllegalArgumentException("not an IntersticeType: " + j);
        };
    }

    static FieldDef fieldDef(JsonNode j) {
        return new FieldDef(j.get("name").asText(), type(j.get("field_type")));
    }

    static TypeDef typeDef(JsonNode j) {
        var e = only(j);
        JsonNode x = e.getValue();
        return switch (e.getKey()) {
            case "Struct" -> new TypeDef.Struct(x.get("name").asText(), list(x.get("fields"), GoldenJson::fieldDef));
            case "Enum" -> new TypeDef.Enum(x.get("name").asText(), list(x.get("variants"), GoldenJson::fieldDef));
            default -> throw new IllegalArgumentException("not a TypeDef: " + j);
        };
    }

    static SubscriptionEvent event(JsonNode j) {
        if (j.isTextual()) {
            // "AudioOutput" -> AUDIO_OUTPUT
            return new SubscriptionEvent.Core(SubscriptionEvent.Simple.valueOf(
                    j.asText().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase()));
        }
        var e = only(j);
        JsonNode x = e.getValue();
        return switch (e.getKey()) {
            case "Insert", "Update", "Delete" ->
                new SubscriptionEvent.Table(
                        SubscriptionEvent.TableEventKind.valueOf(e.getKey().toUpperCase()),
                        selection(x.get("node_selection")),
                        x.get("module_name").asText(),
                        x.get("table_name").asText());
            case "ReplicaSync" ->
                new SubscriptionEvent.ReplicaSync(
                        x.get("node_name").asText(),
                        x.get("module_name").asText(),
                        x.get("table_name").asText());
            case "File" ->
                new SubscriptionEvent.File(
                        x.get("path").asText(), x.get("recursive").booleanValue());
            default -> throw new IllegalArgumentException("not a SubscriptionEvent: " + j);
        };
    }

    static ModuleSchema moduleSchema(JsonNode j) {
        Function<JsonNode, TableRef> ref = r -> new TableRef(
                selection(r.get("node_selection")),
                selection(r.get("module_selection")),
                r.get("table_name").asText());
        var defs = new LinkedHashMap<String, TypeDef>();
        j.get("type_definitions").properties().forEach(e -> defs.put(e.getKey(), typeDef(e.getValue())));
        return new ModuleSchema(
                j.get("abi_version").intValue(),
                j.get("name").asText(),
                version(j.get("version")),
                Visibility.valueOf(j.get("visibility").asText().toUpperCase()),
                list(
                        j.get("reducers"),
                        r -> new ReducerSchema(
                                r.get("name").asText(),
                                list(r.get("arguments"), GoldenJson::fieldDef),
                                list(r.get("reads"), ref),
                                list(r.get("inserts"), ref),
                                list(r.get("updates"), ref),
                                list(r.get("deletes"), ref))),
                list(
                        j.get("queries"),
                        q -> new QuerySchema(
                                q.get("name").asText(),
                                list(q.get("arguments"), GoldenJson::fieldDef),
                                type(q.get("return_type")),
                                list(q.get("reads"), ref))),
                list(
                        j.get("tables"),
                        t -> new TableSchema(
                                t.get("name").asText(),
                                t.get("type_name").asText(),
                                Visibility.valueOf(t.get("visibility").asText().toUpperCase()),
                                list(t.get("fields"), GoldenJson::fieldDef),
                                fieldDef(t.get("primary_key")),
                                t.get("primary_key_auto_inc").booleanValue(),
                                list(
                                        t.get("indexes"),
                                        i -> new IndexSchema(
                                                i.get("field_name").asText(),
                                                IndexSchema.Type.valueOf(i.get("index_type")
                                                        .asText()
                                                        .toUpperCase()),
                                                i.get("unique").booleanValue(),
                                                i.get("auto_inc").booleanValue())),
                                Persistence.valueOf(
                                        t.get("persistence").asText().toUpperCase()))),
                list(
                        j.get("subscriptions"),
                        s -> new SubscriptionSchema(s.get("reducer_name").asText(), event(s.get("event")))),
                defs,
                list(j.get("authorities"), a -> Authority.valueOf(a.asText().toUpperCase())),
                list(
                        j.get("module_dependencies"),
                        d -> new ModuleDependency(d.get("module_name").asText(), version(d.get("version")))),
                list(
                        j.get("node_dependencies"),
                        d -> new NodeDependency(
                                d.get("name").asText(), d.get("address").asText())),
                list(
                        j.get("replicated_tables"),
                        r -> new ReplicatedTable(
                                r.get("node_name").asText(),
                                r.get("module_name").asText(),
                                r.get("table_name").asText())));
    }

    static NodeSchema nodeSchema(JsonNode j) {
        return new NodeSchema(
                j.get("name").asText(), j.get("address").asText(), list(j.get("modules"), GoldenJson::moduleSchema));
    }

    private static Version version(JsonNode j) {
        return new Version(
                j.get("major").intValue(),
                j.get("minor").intValue(),
                j.get("patch").intValue());
    }

    private static Map.Entry<String, JsonNode> only(JsonNode j) {
        if (!j.isObject() || j.size() != 1)
            throw new IllegalArgumentException("expected an externally tagged variant: " + j);
        return j.properties().iterator().next();
    }

    private static <T> List<T> list(JsonNode array, Function<JsonNode, T> f) {
        var out = new ArrayList<T>();
        array.forEach(x -> out.add(f.apply(x)));
        return out;
    }
}
