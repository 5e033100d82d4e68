package dev.interstice.runtime.table;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.value.IntersticeValue;
import java.util.List;
import java.util.Map;

/** Checks values against declared types; every check returns null when the value fits, else the reason. */
public final class TypeChecker {
    private static final int MAX_DEPTH = 128;

    private final Map<String, TypeDef> types;

    public TypeChecker(Map<String, TypeDef> types) {
        this.types = types;
    }

    public String check(IntersticeValue v, IntersticeType t) {
        return check(v, t, 0);
    }

    /** Checks an argument list against parameter definitions (count, then each by name). */
    public String checkArguments(List<IntersticeValue> args, List<FieldDef> params) {
        if (args.size() != params.size()) return "expected " + params.size() + " argument(s), got " + args.size();
        for (int i = 0; i < args.size(); i++) {
            String r = check(args.get(i), params.get(i).type());
            if (r != null) return "argument '" + params.get(i).name() + "': " + r;
        }
        return null;
    }

    private String check(IntersticeValue v, IntersticeType t, int depth) {
        if (depth > MAX_DEPTH) return "value nested deeper than " + MAX_DEPTH;
        return switch (t) {
            case IntersticeType.Primitive p -> {
                boolean ok = switch (p.kind()) {
                    case VOID -> v instanceof IntersticeValue.Void;
                    case U8 -> v instanceof IntersticeValue.U8;
                    case U32 -> v instanceof IntersticeValue.U32;
                    case U64 -> v instanceof IntersticeValue.U64;
                    case I32 -> v instanceof IntersticeValue.I32;
                    case I64 -> v instanceof IntersticeValue.I64;
                    case F32 -> v instanceof IntersticeValue.F32;
                    case F64 -> v instanceof IntersticeValue.F64;
                    case BOOL -> v instanceof IntersticeValue.Bool;
                    case STRING -> v instanceof IntersticeValue.Str;
                };
                yield ok ? null : mismatch(v, t);
            }
            case IntersticeType.Vec vt -> {
                if (!(v instanceof IntersticeValue.Vec vec)) yield mismatch(v, t);
                for (int i = 0; i < vec.items().size(); i++) {
                    String r = check(vec.items().get(i), vt.element(), depth + 1);
                    if (r != null) yield "[" + i + "]: " + r;
                }
                yield null;
            }
            case IntersticeType.Option ot -> {
                if (!(v instanceof IntersticeValue.Option o)) yield mismatch(v, t);
                yield o.value() == null ? null : check(o.value(), ot.inner(), depth + 1);
            }
            case IntersticeType.Tuple tt -> {
                if (!(v instanceof IntersticeValue.Tuple tu)) {
                    // upstream encodes the unit tuple as Void
                    if (tt.elements().isEmpty() && v instanceof IntersticeValue.Void) yield null;
                    yield mismatch(v, t);
                }
                if (tu.items().size() != tt.elements().size())
                    yield "expected a tuple of " + tt.elements().size() + ", got "
                            + tu.items().size() + " element(s)";
                for (int i = 0; i < tu.items().size(); i++) {
                    String r = check(tu.items().get(i), tt.elements().get(i), depth + 1);
                    if (r != null) yield "." + i + ": " + r;
                }
                yield null;
            }
            case IntersticeType.Named n -> checkNamed(v, n.name(), depth);
        };
    }

    private String checkNamed(IntersticeValue v, String name, int depth) {
        TypeDef def = types.get(name);
        if (def == null) return "unknown type '" + name + "'";
        return switch (def) {
            case TypeDef.Struct s -> {
                if (!(v instanceof IntersticeValue.Struct sv)) yield "expected struct " + name + ", got " + describe(v);
                if (sv.fields().size() != s.fields().size())
                    yield "struct " + name + " has " + s.fields().size() + " field(s), got "
                            + sv.fields().size();
                for (int i = 0; i < s.fields().size(); i++) {
                    FieldDef fd = s.fields().get(i);
                    var fv = sv.fields().get(i);
                    if (!fv.name().equals(fd.name()))
                        yield "struct " + name + " field " + i + " should be '" + fd.name() + "', got '" + fv.name()
                                + "'";
                    String r = check(fv.value(), fd.type(), depth + 1);
                    if (r != null) yield name + "." + fd.name() + ": " + r;
                }
                yield null;
            }
            case TypeDef.Enum e -> {
                if (!(v instanceof IntersticeValue.Enum ev)) yield "expected enum " + name + ", got " + describe(v);
                for (FieldDef variant : e.variants()) {
                    if (variant.name().equals(ev.variant())) {
                        String r = check(ev.value(), variant.type(), depth + 1);
                        yield r == null ? null : name + "::" + variant.name() + ": " + r;
                    }
                }
                yield "enum " + name + " has no variant '" + ev.variant() + "'";
            }
        };
    }

    private static String mismatch(IntersticeValue v, IntersticeType t) {
        return "expected " + t + ", got " + describe(v);
    }

    public static String describe(IntersticeValue v) {
        return switch (v) {
            case IntersticeValue.Void x -> "()";
            case IntersticeValue.U8 x -> "u8";
            case IntersticeValue.U32 x -> "u32";
            case IntersticeValue.U64 x -> "u64";
            case IntersticeValue.I32 x -> "i32";
            case IntersticeValue.I64 x -> "i64";
            case IntersticeValue.F32 x -> "f32";
            case IntersticeValue.F64 x -> "f64";
            case IntersticeValue.Bool x -> "bool";
            case IntersticeValue.Str x -> "String";
            case IntersticeValue.Vec x -> "Vec";
            case IntersticeValue.Option x -> "Option";
            case IntersticeValue.Tuple x -> "a tuple of " + x.items().size();
            case IntersticeValue.Struct x -> "struct " + x.name();
            case IntersticeValue.Enum x -> "enum " + x.name();
        };
    }
}
