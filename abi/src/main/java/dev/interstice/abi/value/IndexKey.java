package dev.interstice.abi.value;

import java.util.List;

/**
 * A value usable as a primary or index key: integers, bool, string, options and tuples of those (never floats).
 * Ordering follows upstream: first by variant rank (U8 < U32 < U64 < I32 < I64 < Bool < String < Option < Tuple),
 * then by value; u64 compares unsigned, strings by UTF-8 bytes (same as Rust's str ordering), None before Some.
 */
public record IndexKey(IntersticeValue value) implements Comparable<IndexKey> {

    public IndexKey {
        String reason = unsupported(value);
        if (reason != null) throw new IllegalArgumentException(reason);
    }

    /** Null when {@code v} can be a key, else why not. */
    public static String unsupported(IntersticeValue v) {
        return switch (v) {
            case IntersticeValue.U8 x -> null;
            case IntersticeValue.U32 x -> null;
            case IntersticeValue.U64 x -> null;
            case IntersticeValue.I32 x -> null;
            case IntersticeValue.I64 x -> null;
            case IntersticeValue.Bool x -> null;
            case IntersticeValue.Str x -> null;
            case IntersticeValue.Option o -> o.value() == null ? null : unsupported(o.value());
            case IntersticeValue.Tuple t -> {
                for (var item : t.items()) {
                    String r = unsupported(item);
                    if (r != null) yield r;
                }
                yield null;
            }
            case IntersticeValue.Void x -> "a void value cannot be a key";
            case IntersticeValue.F32 x -> "a float cannot be a key";
            case IntersticeValue.F64 x -> "a float cannot be a key";
            default -> "only integers, bool, string, option and tuple values can be keys (got " + kindName(v) + ")";
        };
    }

    static String kindName(IntersticeValue v) {
        return v.getClass().getSimpleName().toLowerCase();
    }

    /** Upstream {@code IndexKey} discriminant (differs from {@link IntersticeValue#tag()}). */
    public static int keyTag(IntersticeValue v) {
        return switch (v) {
            case IntersticeValue.U8 x -> 0;
            case IntersticeValue.U32 x -> 1;
            case IntersticeValue.U64 x -> 2;
            case IntersticeValue.I32 x -> 3;
            case IntersticeValue.I64 x -> 4;
            case IntersticeValue.Bool x -> 5;
            case IntersticeValue.Str x -> 6;
            case IntersticeValue.Option x -> 7;
            case IntersticeValue.Tuple x -> 8;
            default -> throw new IllegalArgumentException(unsupported(v));
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexKey k && value.equals(k.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public int compareTo(IndexKey other) {
        // fast paths for the usual key types: this sits under every primary-key tree lookup
        IntersticeValue a = value;
        IntersticeValue b = other.value;
        if (a instanceof IntersticeValue.U64 x && b instanceof IntersticeValue.U64 y)
            return Long.compareUnsigned(x.value(), y.value());
        if (a instanceof IntersticeValue.U32 x && b instanceof IntersticeValue.U32 y)
            return Long.compare(x.value(), y.value());
        if (a instanceof IntersticeValue.I64 x && b instanceof IntersticeValue.I64 y)
            return Long.compare(x.value(), y.value());
        if (a instanceof IntersticeValue.I32 x && b instanceof IntersticeValue.I32 y)
            return Integer.compare(x.value(), y.value());
        if (a instanceof IntersticeValue.Str x && b instanceof IntersticeValue.Str y)
            return compareUtf8(x.value(), y.value());
        return compare(a, b);
    }

    static int compare(IntersticeValue a, IntersticeValue b) {
        int ra = keyTag(a);
        int rb = keyTag(b);
        if (ra != rb) return Integer.compare(ra, rb);
        return switch (a) {
            case IntersticeValue.U8 x -> Integer.compare(x.value(), ((IntersticeValue.U8) b).value());
            case IntersticeValue.U32 x -> Long.compare(x.value(), ((IntersticeValue.U32) b).value());
            case IntersticeValue.U64 x -> Long.compareUnsigned(x.value(), ((IntersticeValue.U64) b).value());
            case IntersticeValue.I32 x -> Integer.compare(x.value(), ((IntersticeValue.I32) b).value());
            case IntersticeValue.I64 x -> Long.compare(x.value(), ((IntersticeValue.I64) b).value());
            case IntersticeValue.Bool x -> Boolean.compare(x.value(), ((IntersticeValue.Bool) b).value());
            case IntersticeValue.Str x -> compareUtf8(x.value(), ((IntersticeValue.Str) b).value());
            case IntersticeValue.Option x -> {
                var y = (IntersticeValue.Option) b;
                if (x.value() == null) yield y.value() == null ? 0 : -1;
                if (y.value() == null) yield 1;
                yield compare(x.value(), y.value());
            }
            case IntersticeValue.Tuple x -> {
                List<IntersticeValue> l = x.items();
                List<IntersticeValue> r = ((IntersticeValue.Tuple) b).items();
                for (int i = 0; i < Math.min(l.size(), r.size()); i++) {
                    int c = compare(l.get(i), r.get(i));
                    if (c != 0) yield c;
                }
                yield Integer.compare(l.size(), r.size());
            }
            default -> throw new IllegalStateException();
        };
    }

    /** Code-point order equals UTF-8 byte order; Java's String.compareTo is UTF-16 order, which differs above U+FFFF. */
    static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
