package dev.interstice.runtime.module;

import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.IntersticeType.Kind;
import dev.interstice.abi.value.IntersticeValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a stored value of one column type becomes a value of another during a migration. Widening (u8 -> u32 -> u64,
 * u8/u32 -> i64, u8 -> i32, i32 -> i64, f32 -> f64) and making a column optional keep every value's meaning;
 * narrowing is their reverse and is only built when asked for: a value that does not fit is refused
 * ({@link Unfit}), never truncated.
 */
@FunctionalInterface
interface ValueConversion {
    IntersticeValue apply(IntersticeValue v);

    ValueConversion IDENTITY = v -> v;

    /** A value that does not fit the narrower type. */
    final class Unfit extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unfit(String message) {
            super(message, null, false, false);
        }
    }

    /** Whether {@code from} widens to {@code to} without loss. */
    static boolean widens(Kind from, Kind to) {
        return switch (from) {
            case U8 -> to == Kind.U32 || to == Kind.U64 || to == Kind.I32 || to == Kind.I64;
            case U32 -> to == Kind.U64 || to == Kind.I64;
            case I32 -> to == Kind.I64;
            case F32 -> to == Kind.F64;
            default -> false;
        };
    }

    /**
     * The conversion from {@code from} to {@code to}, or null if there is none. {@code narrow} allows the lossy
     * direction (checked per value). Named types convert only when their definitions are the same.
     */
    static ValueConversion between(
            IntersticeType from,
            IntersticeType to,
            boolean narrow,
            Map<String, dev.interstice.abi.schema.TypeDef> fromDefs,
            Map<String, dev.interstice.abi.schema.TypeDef> toDefs) {
        if (new SchemaDiff.TypeComparison(fromDefs, toDefs).differ(from, to) == null) return IDENTITY;
        if (from instanceof IntersticeType.Primitive a && to instanceof IntersticeType.Primitive b) {
            if (widens(a.kind(), b.kind())) return v -> number(b.kind(), v);
            if (narrow && widens(b.kind(), a.kind())) return v -> narrowed(b.kind(), v);
            return null;
        }
        if (to instanceof IntersticeType.Option o) {
            if (from instanceof IntersticeType.Option fo) {
                ValueConversion inner = between(fo.inner(), o.inner(), narrow, fromDefs, toDefs);
                return inner == null ? null : v -> mapOption(v, inner);
            }
            ValueConversion inner = between(from, o.inner(), narrow, fromDefs, toDefs);
            return inner == null ? null : v -> new IntersticeValue.Option(inner.apply(v));
        }
        if (from instanceof IntersticeType.Option fo && narrow) {
            ValueConversion inner = between(fo.inner(), to, true, fromDefs, toDefs);
            return inner == null
                    ? null
                    : v -> {
                        var o = (IntersticeValue.Option) v;
                        if (o.value() == null) throw new Unfit("none does not fit " + to);
                        return inner.apply(o.value());
                    };
        }
        if (from instanceof IntersticeType.Vec fv && to instanceof IntersticeType.Vec tv) {
            ValueConversion inner = between(fv.element(), tv.element(), narrow, fromDefs, toDefs);
            return inner == null
                    ? null
                    : v -> {
                        var items = new ArrayList<IntersticeValue>();
                        for (IntersticeValue x : ((IntersticeValue.Vec) v).items()) items.add(inner.apply(x));
                        return new IntersticeValue.Vec(items);
                    };
        }
        return null;
    }

    private static IntersticeValue mapOption(IntersticeValue v, ValueConversion inner) {
        var o = (IntersticeValue.Option) v;
        return o.value() == null ? o : new IntersticeValue.Option(inner.apply(o.value()));
    }

    /** A column type's zero value (0, false, "", empty, none), or null for named types (no zero). */
    static IntersticeValue zero(IntersticeType t) {
        return switch (t) {
            case IntersticeType.Primitive p ->
                switch (p.kind()) {
                    case VOID -> new IntersticeValue.Void();
                    case BOOL -> new IntersticeValue.Bool(false);
                    case STRING -> new IntersticeValue.Str("");
                    case F32 -> new IntersticeValue.F32(0f);
                    case F64 -> new IntersticeValue.F64(0d);
                    default -> number(p.kind(), 0L);
                };
            case IntersticeType.Vec v -> new IntersticeValue.Vec(List.of());
            case IntersticeType.Option o -> IntersticeValue.Option.NONE;
            case IntersticeType.Tuple tu -> {
                var items = new ArrayList<IntersticeValue>();
                for (IntersticeType e : tu.elements()) {
                    IntersticeValue z = zero(e);
                    if (z == null) yield null;
                    items.add(z);
                }
                yield new IntersticeValue.Tuple(items);
            }
            case IntersticeType.Named n -> null;
        };
    }

    /** A widened number of kind {@code to}. */
    private static IntersticeValue number(Kind to, IntersticeValue v) {
        return switch (v) {
            case IntersticeValue.F32 f -> new IntersticeValue.F64(f.value());
            default -> number(to, asLong(v));
        };
    }

    private static IntersticeValue number(Kind to, long n) {
        return switch (to) {
            case U8 -> new IntersticeValue.U8((int) n);
            case U32 -> new IntersticeValue.U32(n);
            case U64 -> new IntersticeValue.U64(n);
            case I32 -> new IntersticeValue.I32((int) n);
            case I64 -> new IntersticeValue.I64(n);
            default -> throw new IllegalArgumentException("not an integer kind: " + to);
        };
    }

    private static IntersticeValue narrowed(Kind to, IntersticeValue v) {
        if (v instanceof IntersticeValue.F64 d) {
            float f = (float) d.value();
            if ((double) f != d.value() && !Double.isNaN(d.value()))
                throw new Unfit(d.value() + " does not fit f32 exactly");
            return new IntersticeValue.F32(f);
        }
        long n = asLong(v);
        boolean unsigned = v instanceof IntersticeValue.U64;
        boolean fits = switch (to) {
            case U8 -> unsigned ? Long.compareUnsigned(n, 0xFF) <= 0 : n >= 0 && n <= 0xFF;
            case U32 -> unsigned ? Long.compareUnsigned(n, 0xFFFF_FFFFL) <= 0 : n >= 0 && n <= 0xFFFF_FFFFL;
            case I32 -> !unsigned && n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE;
            default -> false;
        };
        if (!fits)
            throw new Unfit((unsigned ? Long.toUnsignedString(n) : Long.toString(n)) + " does not fit "
                    + to.name().toLowerCase(java.util.Locale.ROOT));
        return number(to, n);
    }

    private static long asLong(IntersticeValue v) {
        return switch (v) {
            case IntersticeValue.U8 x -> x.value();
            case IntersticeValue.U32 x -> x.value();
            case IntersticeValue.U64 x -> x.value();
            case IntersticeValue.I32 x -> x.value();
            case IntersticeValue.I64 x -> x.value();
            default -> throw new IllegalArgumentException("not an integer: " + v);
        };
    }
}
