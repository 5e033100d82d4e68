package dev.interstice.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.value.IntersticeValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Values as JSON, both ways.
 *
 * <p>JSON to value is driven by the declared type: integers are JSON integers or strings holding one (u64 beyond
 * 2^53 is read exactly either way), floats are numbers or "NaN"/"Infinity"/"-Infinity", bools are true/false,
 * strings are JSON strings, Vec and tuples are arrays, Option is null or the inner value, () is null, a struct is an
 * object with exactly its fields, an enum is "Variant" (unit variant) or {"Variant": payload}. A command-line
 * argument for a String (or Option&lt;String&gt;) parameter may be plain text; any other argument that is not valid JSON
 * is read as a JSON string (so an enum variant or a big number can be typed bare).
 *
 * <p>Value to JSON needs no type: u64/i64 print as exact integers, floats that JSON cannot hold as strings, structs as
 * objects, unit enum variants as "Variant", other variants as {"Variant": payload}, None and () as null.
 */
public final class ValueJson {
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** A value that does not fit its type: the message says where and why. */
    public static final class TypeMismatch extends IllegalArgumentException {
        TypeMismatch(String message) {
            super(message);
        }
    }

    private final Map<String, TypeDef> types;

    /** Makes the mapper (its class initialisation is most of a short command's JSON work): see Main. */
    public static void prepare() {
        JSON.createObjectNode();
    }

    public ValueJson(Map<String, TypeDef> types) {
        this.types = types;
    }

    // ------------------------------------------------------------------ text / JSON -> value

    /** Parses one command-line argument for a parameter of type {@code type}. */
    public IntersticeValue parseArgument(String text, IntersticeType type) {
        if (type.equals(IntersticeType.STRING) && !text.startsWith("\"")) return IntersticeValue.str(text);
        if (type instanceof IntersticeType.Option o
                && o.inner().equals(IntersticeType.STRING)
                && !text.startsWith("\"")
                && !text.equals("null")) return IntersticeValue.some(IntersticeValue.str(text));
        JsonNode node;
        try {
            node = JSON.readTree(text);
            if (node == null || node.isMissingNode()) node = NODES.textNode(text);
        } catch (JsonProcessingException e) {
            if (text.startsWith("\"") || text.startsWith("{") || text.startsWith("["))
                throw new TypeMismatch("is not valid JSON: " + e.getOriginalMessage());
            node = NODES.textNode(text);
        }
        return fromJson(node, type, "");
    }

    public IntersticeValue fromJson(JsonNode n, IntersticeType type, String path) {
        return switch (type) {
            case IntersticeType.Primitive p -> primitive(n, p, path);
            case IntersticeType.Vec v -> {
                if (!n.isArray()) throw mismatch(path, type, n);
                var items = new ArrayList<IntersticeValue>(n.size());
                for (int i = 0; i < n.size(); i++) items.add(fromJson(n.get(i), v.element(), path + "[" + i + "]"));
                yield new IntersticeValue.Vec(items);
            }
            case IntersticeType.Option o ->
                n.isNull() ? IntersticeValue.none() : IntersticeValue.some(fromJson(n, o.inner(), path));
            case IntersticeType.Tuple t -> {
                if (t.elements().isEmpty() && n.isNull()) yield IntersticeValue.VOID;
                if (!n.isArray()) throw mismatch(path, type, n);
                if (n.size() != t.elements().size())
                    throw new TypeMismatch(at(path) + "expects a tuple of "
                            + t.elements().size() + " elements " + type + ", got an array of " + n.size());
                var items = new ArrayList<IntersticeValue>(n.size());
                for (int i = 0; i < n.size(); i++)
                    items.add(fromJson(n.get(i), t.elements().get(i), path + "." + i));
                yield new IntersticeValue.Tuple(items);
            }
            case IntersticeType.Named named -> named(n, named.name(), path);
        };
    }

    private IntersticeValue named(JsonNode n, String name, String path) {
        TypeDef def = types.get(name);
        if (def == null) throw new TypeMismatch(at(path) + "has type " + name + ", which the schema does not define");
        return switch (def) {
            case TypeDef.Struct s -> {
                if (!n.isObject())
                    throw new TypeMismatch(at(path) + "expects struct " + name + " as a JSON object " + example(s)
                            + ", got " + kind(n));
                var fields = new ArrayList<IntersticeValue.Field>(s.fields().size());
                for (FieldDef f : s.fields()) {
                    JsonNode v = n.get(f.name());
                    if (v == null) {
                        if (f.type() instanceof IntersticeType.Option) v = NODES.nullNode();
                        else
                            throw new TypeMismatch(at(path) + "struct " + name + " is missing field '" + f.name()
                                    + "' (" + f.type() + ")");
                    }
                    fields.add(new IntersticeValue.Field(f.name(), fromJson(v, f.type(), path + "." + f.name())));
                }
                for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (s.fields().stream().noneMatch(f -> f.name().equals(k)))
                        throw new TypeMismatch(at(path) + "struct " + name + " has no field '" + k + "' (fields: "
                                + String.join(
                                        ", ",
                                        s.fields().stream().map(FieldDef::name).toList()) + ")");
                }
                yield new IntersticeValue.Struct(name, fields);
            }
            case TypeDef.Enum e -> {
                String variant;
                JsonNode payload;
                if (n.isTextual()) {
                    variant = n.asText();
                    payload = null;
                } else if (n.isObject() && n.size() == 1) {
                    variant = n.fieldNames().next();
                    payload = n.get(variant);
                } else
                    throw new TypeMismatch(
                            at(path) + "expects enum " + name + " as \"Variant\" or {\"Variant\": value} (variants: "
                                    + variants(e) + "), got " + kind(n));
                FieldDef v = e.variants().stream()
                        .filter(x -> x.name().equals(variant))
                        .findFirst()
                        .orElseThrow(() -> new TypeMismatch(at(path) + "enum " + name + " has no variant '" + variant
                                + "' (variants: " + variants(e) + ")"));
                boolean unit = v.type().equals(IntersticeType.VOID)
                        || (v.type() instanceof IntersticeType.Tuple t
                                && t.elements().isEmpty());
                IntersticeValue value;
                if (unit) value = IntersticeValue.VOID;
                else if (payload == null)
                    throw new TypeMismatch(at(path) + "variant " + name + "::" + variant + " carries a " + v.type()
                            + ": write {\"" + variant + "\": value}");
                else value = fromJson(payload, v.type(), path + "." + variant);
                yield new IntersticeValue.Enum(name, variant, value);
            }
        };
    }

    private static IntersticeValue primitive(JsonNode n, IntersticeType.Primitive p, String path) {
        return switch (p.kind()) {
            case VOID -> {
                if (!n.isNull()) throw mismatch(path, p, n);
                yield IntersticeValue.VOID;
            }
            case BOOL -> {
                if (n.isBoolean()) yield IntersticeValue.bool(n.booleanValue());
                if (n.isTextual() && (n.asText().equals("true") || n.asText().equals("false")))
                    yield IntersticeValue.bool(n.asText().equals("true"));
                throw mismatch(path, p, n);
            }
            case STRING -> {
                if (!n.isTextual()) throw mismatch(path, p, n);
                yield IntersticeValue.str(n.textValue());
            }
            case F32, F64 -> {
                double d;
                if (n.isNumber()) d = n.decimalValue().doubleValue();
                else if (n.isTextual()) {
                    String t = n.asText().trim();
                    try {
                        d = switch (t) {
                            case "NaN" -> Double.NaN;
                            case "Infinity", "inf" -> Double.POSITIVE_INFINITY;
                            case "-Infinity", "-inf" -> Double.NEGATIVE_INFINITY;
                            default -> Double.parseDouble(t);
                        };
                    } catch (NumberFormatException e) {
                        throw mismatch(path, p, n);
                    }
                } else throw mismatch(path, p, n);
                yield p.kind() == IntersticeType.Kind.F32 ? IntersticeValue.f32((float) d) : IntersticeValue.f64(d);
            }
            case U8, U32, U64, I32, I64 -> {
                BigInteger v = integer(n, p, path);
                BigInteger min;
                BigInteger max;
                switch (p.kind()) {
                    case U8 -> {
                        min = BigInteger.ZERO;
                        max = BigInteger.valueOf(255);
                    }
                    case U32 -> {
                        min = BigInteger.ZERO;
                        max = BigInteger.valueOf(0xFFFF_FFFFL);
                    }
                    case U64 -> {
                        min = BigInteger.ZERO;
                        max = U64_MAX;
                    }
                    case I32 -> {
                        min = BigInteger.valueOf(Integer.MIN_VALUE);
                        max = BigInteger.valueOf(Integer.MAX_VALUE);
                    }
                    default -> {
                        min = BigInteger.valueOf(Long.MIN_VALUE);
                        max = BigInteger.valueOf(Long.MAX_VALUE);
                    }
                }
                if (v.compareTo(min) < 0 || v.compareTo(max) > 0)
                    throw new TypeMismatch(
                            at(path) + "expects " + p + ": " + v + " is out of range " + min + ".." + max);
                yield switch (p.kind()) {
                    case U8 -> IntersticeValue.u8(v.intValue());
                    case U32 -> IntersticeValue.u32(v.longValue());
                    case U64 -> IntersticeValue.u64(v.longValue()); // two's complement bits of values >= 2^63
                    case I32 -> IntersticeValue.i32(v.intValue());
                    default -> IntersticeValue.i64(v.longValue());
                };
            }
        };
    }

    private static BigInteger integer(JsonNode n, IntersticeType p, String path) {
        try {
            if (n.isIntegralNumber()) return n.bigIntegerValue();
            if (n.isNumber()) return n.decimalValue().toBigIntegerExact();
            if (n.isTextual()) return new BigDecimal(n.asText().trim()).toBigIntegerExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new TypeMismatch(at(path) + "expects " + p + " (an integer), got " + describe(n));
        }
        throw mismatch(path, p, n);
    }

    private static TypeMismatch mismatch(String path, IntersticeType expected, JsonNode got) {
        return new TypeMismatch(at(path) + "expects " + expected + ", got " + describe(got));
    }

    private static String at(String path) {
        return path.isEmpty() ? "" : path.startsWith(".") ? path.substring(1) + " " : path + " ";
    }

    private static String describe(JsonNode n) {
        String text = n.toString();
        if (text.length() > 60) text = text.substring(0, 57) + "...";
        return kind(n) + " " + text;
    }

    private static String kind(JsonNode n) {
        if (n.isNull()) return "null";
        if (n.isBoolean()) return "boolean";
        if (n.isNumber()) return "number";
        if (n.isTextual()) return "string";
        if (n.isArray()) return "array";
        return "object";
    }

    private static String example(TypeDef.Struct s) {
        var parts = new ArrayList<String>();
        for (FieldDef f : s.fields()) parts.add("\"" + f.name() + "\": <" + f.type() + ">");
        return "{" + String.join(", ", parts) + "}";
    }

    private static String variants(TypeDef.Enum e) {
        return String.join(", ", e.variants().stream().map(FieldDef::name).toList());
    }

    // ------------------------------------------------------------------ value -> JSON

    public static JsonNode toJson(IntersticeValue v) {
        return switch (v) {
            case IntersticeValue.Void x -> NODES.nullNode();
            case IntersticeValue.U8 x -> NODES.numberNode(x.value());
            case IntersticeValue.U32 x -> NODES.numberNode(x.value());
            case IntersticeValue.U64 x ->
                x.value() >= 0
                        ? NODES.numberNode(x.value())
                        : NODES.numberNode(new BigInteger(Long.toUnsignedString(x.value())));
            case IntersticeValue.I32 x -> NODES.numberNode(x.value());
            case IntersticeValue.I64 x -> NODES.numberNode(x.value());
            case IntersticeValue.F32 x ->
                Float.isFinite(x.value()) ? NODES.numberNode(x.value()) : NODES.textNode(special(x.value()));
            case IntersticeValue.F64 x ->
                Double.isFinite(x.value()) ? NODES.numberNode(x.value()) : NODES.textNode(special(x.value()));
            case IntersticeValue.Bool x -> NODES.booleanNode(x.value());
            case IntersticeValue.Str x -> NODES.textNode(x.value());
            case IntersticeValue.Vec x -> array(x.items());
            case IntersticeValue.Tuple x -> array(x.items());
            case IntersticeValue.Option x -> x.value() == null ? NODES.nullNode() : toJson(x.value());
            case IntersticeValue.Struct x -> {
                ObjectNode o = NODES.objectNode();
                for (var f : x.fields()) o.set(f.name(), toJson(f.value()));
                yield o;
            }
            case IntersticeValue.Enum x -> {
                if (x.value() instanceof IntersticeValue.Void) yield NODES.textNode(x.variant());
                ObjectNode o = NODES.objectNode();
                o.set(x.variant(), toJson(x.value()));
                yield o;
            }
        };
    }

    private static String special(double d) {
        return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    }

    private static ArrayNode array(List<IntersticeValue> items) {
        ArrayNode a = NODES.arrayNode(items.size());
        for (IntersticeValue i : items) a.add(toJson(i));
        return a;
    }

    /** Compact JSON text of a value. */
    public static String render(IntersticeValue v) {
        return toJson(v).toString();
    }

    /** Indented JSON text. */
    public static String pretty(JsonNode n) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
