package dev.interstice.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * Call arguments written as a JSON array, with placeholders: a string that is exactly {@code "$seq"}, {@code "$worker"},
 * {@code "$op"}, {@code "$now_ms"}, {@code "$max_seq"} or {@code "$total_sent"} becomes that number, {@code "$client"} and
 * {@code "$max_client"} that string; placeholders inside longer strings are substituted as text ({@code "k-$seq"}).
 * See {@link TemplateContext} for their meaning.
 *
 * <p>With the reducer's parameter types (from the module schema) every value is converted to the declared type:
 * numbers to u8/u32/u64/i32/i64/f32/f64 (range-checked), a JSON string holding a number to a number, {@code null} to
 * {@code None} and anything else to {@code Some} for options, arrays to Vec or tuples, objects to structs (by field
 * name), and a one-key object {@code {"Variant": payload}} (or a string {@code "Variant"} for unit variants) to an enum.
 * Without types, as upstream: non-negative integers become u64, negative ones i64, other numbers f64, arrays Vec, objects
 * a struct named {@code JsonObject}, null {@code ()}.
 */
public final class ArgTemplate implements ArgSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NUMERIC = {"$seq", "$worker", "$op", "$now_ms", "$max_seq", "$total_sent"};

    private final List<Part> parts;
    private final List<IntersticeValue> constant; // non-null when no placeholder occurs

    private ArgTemplate(List<Part> parts) {
        this.parts = List.copyOf(parts);
        boolean allConst = parts.stream().allMatch(p -> p instanceof Const);
        this.constant = allConst ? parts.stream().map(p -> ((Const) p).value()).toList() : null;
    }

    /** Parses {@code json} (an array of arguments, or one value); {@code params} and {@code types} may be null (untyped). */
    public static ArgTemplate parse(String json, List<FieldDef> params, Map<String, TypeDef> types) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("argument template is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null) throw new IllegalArgumentException("argument template is empty");
        return of(root, params, types);
    }

    public static ArgTemplate of(JsonNode root, List<FieldDef> params, Map<String, TypeDef> types) {
        List<JsonNode> items = new ArrayList<>();
        if (root instanceof ArrayNode a) a.forEach(items::add);
        else items.add(root);
        if (params != null && params.size() != items.size())
            throw new IllegalArgumentException("argument template has " + items.size()
                    + " values but the reducer takes " + params.size() + " ("
                    + params.stream().map(p -> p.name() + ": " + p.type()).toList() + ")");
        var c = new Compiler(types == null ? Map.of() : types);
        var parts = new ArrayList<Part>();
        for (int i = 0; i < items.size(); i++) {
            String where = params == null
                    ? "argument " + i
                    : "argument '" + params.get(i).name() + "'";
            parts.add(c.compile(
                    items.get(i), params == null ? null : params.get(i).type(), where));
        }
        return new ArgTemplate(parts);
    }

    @Override
    public List<IntersticeValue> next(TemplateContext ctx) {
        if (constant != null) return constant;
        var out = new ArrayList<IntersticeValue>(parts.size());
        for (Part p : parts) out.add(p.eval(ctx));
        return out;
    }

    // ---- compiled template ----

    private sealed interface Part {
        IntersticeValue eval(TemplateContext c);
    }

    private record Const(IntersticeValue value) implements Part {
        public IntersticeValue eval(TemplateContext c) {
            return value;
        }
    }

    /** A whole-string numeric placeholder, converted to {@code kind}. */
    private record Num(String name, IntersticeType.Kind kind, String where) implements Part {
        public IntersticeValue eval(TemplateContext c) {
            long v = switch (name) {
                case "$seq" -> c.seq();
                case "$worker" -> c.worker();
                case "$op" -> c.op();
                case "$now_ms" -> c.nowMs();
                case "$max_seq" -> c.maxSeq();
                default -> c.totalSent();
            };
            return number(BigDecimal.valueOf(v), kind, where);
        }
    }

    /** A string with placeholders in it (or $client / $max_client). */
    private record Text(String template) implements Part {
        public IntersticeValue eval(TemplateContext c) {
            return IntersticeValue.str(substitute(template, c));
        }
    }

    private record Seq(List<Part> items, boolean tuple) implements Part {
        public IntersticeValue eval(TemplateContext c) {
            var out = new ArrayList<IntersticeValue>(items.size());
            for (Part p : items) out.add(p.eval(c));
            return tuple ? new IntersticeValue.Tuple(out) : new IntersticeValue.Vec(out);
        }
    }

    private record Some(Part inner) implements Part {
        public IntersticeValue eval(TemplateContext c) {
            return IntersticeValue.some(inner.eval(c));
        }
    }

    private record StructPart(String name, List<String> names, List<Part> values) implements Part {
        public IntersticeValue eval(TemplateContext c) {
            var fields = new ArrayList<IntersticeValue.Field>(names.size());
            for (int i = 0; i < names.size(); i++)
                fields.add(new IntersticeValue.Field(names.get(i), values.get(i).eval(c)));
            return new IntersticeValue.Struct(name, fields);
        }
    }

    private record EnumPart(String name, String variant, Part payload) implements Part {
        public IntersticeValue eval(TemplateContext c) {
            return new IntersticeValue.Enum(name, variant, payload.eval(c));
        }
    }

    static String substitute(String s, TemplateContext c) {
        if (s.indexOf('$') < 0) return s;
        // longest names first: $max_seq before $seq, $max_client before $client
        return s.replace("$max_seq", Long.toString(c.maxSeq()))
                .replace("$max_client", c.maxClient())
                .replace("$total_sent", Long.toString(c.totalSent()))
                .replace("$now_ms", Long.toString(c.nowMs()))
                .replace("$worker", Integer.toString(c.worker()))
                .replace("$seq", Long.toString(c.seq()))
                .replace("$op", Long.toString(c.op()))
                .replace("$client", c.client());
    }

    private static boolean hasPlaceholder(String s) {
        for (String p : NUMERIC) if (s.contains(p)) return true;
        return s.contains("$client") || s.contains("$max_client");
    }

    private static boolean isNumericPlaceholder(String s) {
        for (String p : NUMERIC) if (p.equals(s)) return true;
        return false;
    }

    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    static IntersticeValue number(BigDecimal v, IntersticeType.Kind kind, String where) {
        try {
            return switch (kind) {
                case U8 -> IntersticeValue.u8(range(v, 0, 255).intValue());
                case U32 -> IntersticeValue.u32(range(v, 0, 0xFFFF_FFFFL).longValue());
                case I32 ->
                    IntersticeValue.i32(
                            range(v, Integer.MIN_VALUE, Integer.MAX_VALUE).intValue());
                case I64 -> IntersticeValue.i64(v.toBigIntegerExact().longValueExact());
                case U64 -> {
                    BigInteger b = v.toBigIntegerExact();
                    if (b.signum() < 0 || b.compareTo(U64_MAX) > 0) throw new ArithmeticException("out of range");
                    yield IntersticeValue.u64(b.longValue());
                }
                case F32 -> IntersticeValue.f32(v.floatValue());
                case F64 -> IntersticeValue.f64(v.doubleValue());
                default ->
                    throw new IllegalArgumentException(
                            where + ": a number cannot be a " + kind.name().toLowerCase());
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(where + ": " + v.toPlainString() + " does not fit "
                    + kind.name().toLowerCase());
        }
    }

    private static BigInteger range(BigDecimal v, long min, long max) {
        BigInteger b = v.toBigIntegerExact();
        if (b.compareTo(BigInteger.valueOf(min)) < 0 || b.compareTo(BigInteger.valueOf(max)) > 0)
            throw new ArithmeticException("out of range");
        return b;
    }

    private record Compiler(Map<String, TypeDef> types) {

        Part compile(JsonNode n, IntersticeType t, String where) {
            if (t instanceof IntersticeType.Option o) {
                if (n.isNull()) return new Const(IntersticeValue.none());
                Part inner = compile(n, o.inner(), where);
                return inner instanceof Const c ? new Const(IntersticeValue.some(c.value())) : new Some(inner);
            }
            if (t instanceof IntersticeType.Named named) return compileNamed(n, named.name(), where);
            if (n.isTextual()) return text(n.asText(), t, where);
            if (n.isNumber()) {
                if (t == null) return new Const(untypedNumber(n));
                if (t instanceof IntersticeType.Primitive p)
                    return new Const(number(n.decimalValue(), p.kind(), where));
                throw mismatch(where, "a number", t);
            }
            if (n.isBoolean()) {
                if (t == null || t.equals(IntersticeType.BOOL)) return new Const(IntersticeValue.bool(n.asBoolean()));
                throw mismatch(where, "a boolean", t);
            }
            if (n.isNull()) {
                if (t == null || t.equals(IntersticeType.VOID)) return new Const(IntersticeValue.VOID);
                throw mismatch(where, "null", t);
            }
            if (n.isArray()) {
                var items = new ArrayList<Part>();
                if (t == null || t instanceof IntersticeType.Vec) {
                    IntersticeType elem = t == null ? null : ((IntersticeType.Vec) t).element();
                    for (int i = 0; i < n.size(); i++) items.add(compile(n.get(i), elem, where + "[" + i + "]"));
                    return seq(items, false);
                }
                if (t instanceof IntersticeType.Tuple tu) {
                    if (tu.elements().size() != n.size())
                        throw new IllegalArgumentException(
                                where + ": " + t + " needs " + tu.elements().size() + " values, got " + n.size());
                    for (int i = 0; i < n.size(); i++)
                        items.add(compile(n.get(i), tu.elements().get(i), where + "." + i));
                    return seq(items, true);
                }
                throw mismatch(where, "an array", t);
            }
            if (n.isObject()) {
                if (t != null) throw mismatch(where, "an object", t);
                var names = new ArrayList<String>();
                var values = new ArrayList<Part>();
                for (var e : n.properties()) {
                    names.add(e.getKey());
                    values.add(compile(e.getValue(), null, where + "." + e.getKey()));
                }
                return struct("JsonObject", names, values);
            }
            throw new IllegalArgumentException(where + ": unsupported JSON value " + n);
        }

        private Part text(String s, IntersticeType t, String where) {
            boolean numericTarget = t instanceof IntersticeType.Primitive p
                    && p.kind() != IntersticeType.Kind.STRING
                    && p.kind() != IntersticeType.Kind.BOOL
                    && p.kind() != IntersticeType.Kind.VOID;
            if (isNumericPlaceholder(s)) {
                if (t == null) return new Num(s, IntersticeType.Kind.U64, where);
                if (numericTarget) return new Num(s, ((IntersticeType.Primitive) t).kind(), where);
                if (t.equals(IntersticeType.STRING)) return new Text(s);
                throw mismatch(where, s, t);
            }
            if (t == null || t.equals(IntersticeType.STRING))
                return hasPlaceholder(s) ? new Text(s) : new Const(IntersticeValue.str(s));
            if (numericTarget && !hasPlaceholder(s)) {
                try {
                    return new Const(number(new BigDecimal(s.trim()), ((IntersticeType.Primitive) t).kind(), where));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": \"" + s + "\" is not a number (" + t + ")");
                }
            }
            throw mismatch(where, "the string \"" + s + "\"", t);
        }

        private Part compileNamed(JsonNode n, String name, String where) {
            TypeDef def = types.get(name);
            if (def == null) throw new IllegalArgumentException(where + ": the schema does not define type " + name);
            if (def instanceof TypeDef.Struct s) {
                if (!n.isObject())
                    throw mismatch(where, n.getNodeType().name().toLowerCase(), new IntersticeType.Named(name));
                var names = new ArrayList<String>();
                var values = new ArrayList<Part>();
                for (FieldDef f : s.fields()) {
                    JsonNode v = n.get(f.name());
                    if (v == null) {
                        if (f.type() instanceof IntersticeType.Option)
                            v = com.fasterxml.jackson.databind.node.NullNode.instance;
                        else
                            throw new IllegalArgumentException(
                                    where + ": struct " + name + " needs field '" + f.name() + "'");
                    }
                    names.add(f.name());
                    values.add(compile(v, f.type(), where + "." + f.name()));
                }
                for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (s.fields().stream().noneMatch(f -> f.name().equals(k)))
                        throw new IllegalArgumentException(where + ": struct " + name + " has no field '" + k + "'");
                }
                return struct(name, names, values);
            }
            var e = (TypeDef.Enum) def;
            String variant;
            JsonNode payload;
            if (n.isTextual()) {
                variant = n.asText();
                payload = com.fasterxml.jackson.databind.node.NullNode.instance;
            } else if (n.isObject() && n.size() == 1) {
                variant = n.fieldNames().next();
                payload = n.get(variant);
            } else {
                throw new IllegalArgumentException(
                        where + ": enum " + name + " is written \"Variant\" or {\"Variant\": payload}");
            }
            FieldDef v = e.variants().stream()
                    .filter(f -> f.name().equals(variant))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            where + ": enum " + name + " has no variant '" + variant + "'"));
            Part p = compile(payload, v.type(), where + "." + variant);
            return p instanceof Const c
                    ? new Const(new IntersticeValue.Enum(name, variant, c.value()))
                    : new EnumPart(name, variant, p);
        }

        private static Part seq(List<Part> items, boolean tuple) {
            if (items.stream().allMatch(p -> p instanceof Const)) {
                var vals = items.stream().map(p -> ((Const) p).value()).toList();
                return new Const(tuple ? new IntersticeValue.Tuple(vals) : new IntersticeValue.Vec(vals));
            }
            return new Seq(items, tuple);
        }

        private static Part struct(String name, List<String> names, List<Part> values) {
            var s = new StructPart(name, List.copyOf(names), List.copyOf(values));
            return values.stream().allMatch(p -> p instanceof Const) ? new Const(s.eval(null)) : s;
        }

        private static IntersticeValue untypedNumber(JsonNode n) {
            if (n.isIntegralNumber()) {
                BigInteger b = n.bigIntegerValue();
                if (b.signum() >= 0 && b.compareTo(U64_MAX) <= 0) return IntersticeValue.u64(b.longValue());
                return IntersticeValue.i64(b.longValueExact());
            }
            return IntersticeValue.f64(n.asDouble());
        }

        private static IllegalArgumentException mismatch(String where, String what, IntersticeType t) {
            return new IllegalArgumentException(where + ": " + what + " cannot be a " + t);
        }
    }
}
