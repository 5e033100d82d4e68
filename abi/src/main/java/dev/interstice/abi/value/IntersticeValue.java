package dev.interstice.abi.value;

import java.util.List;
import java.util.Objects;

/**
 * A value crossing the module boundary (ABI 6). Variant order is the postcard discriminant order of upstream
 * {@code IntersticeValue}; do not reorder. Unsigned Rust integers are kept in wider or same-width Java types:
 * {@link U8} in an int (0..255), {@link U32} in a long (0..2^32-1), {@link U64} as the raw 64 bits of a long.
 */
public sealed interface IntersticeValue {

    /** Postcard discriminant of this variant. */
    int tag();

    Void VOID = new Void();

    // The scalar variants spell out equals/hashCode (same results as the generated ones): they sit under every
    // primary-key hash lookup, where the generated record methods showed up in profiles.

    record Void() implements IntersticeValue {
        public int tag() {
            return 0;
        }

        @Override
        public java.lang.String toString() {
            return "()";
        }
    }

    record U8(int value) implements IntersticeValue {
        public U8 {
            if (value < 0 || value > 0xFF) throw new IllegalArgumentException("u8 out of range: " + value);
        }

        public int tag() {
            return 1;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof U8 x && x.value == value;
        }

        @Override
        public int hashCode() {
            return Integer.hashCode(value);
        }
    }

    record U32(long value) implements IntersticeValue {
        public U32 {
            if (value < 0 || value > 0xFFFF_FFFFL) throw new IllegalArgumentException("u32 out of range: " + value);
        }

        public int tag() {
            return 2;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof U32 x && x.value == value;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(value);
        }
    }

    /** Unsigned 64-bit; {@code value} holds the raw bits (compare with {@link Long#compareUnsigned}). */
    record U64(long value) implements IntersticeValue {
        public int tag() {
            return 3;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof U64 x && x.value == value;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(value);
        }

        @Override
        public java.lang.String toString() {
            return "U64[" + Long.toUnsignedString(value) + "]";
        }
    }

    record I32(int value) implements IntersticeValue {
        public int tag() {
            return 4;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof I32 x && x.value == value;
        }

        @Override
        public int hashCode() {
            return Integer.hashCode(value);
        }
    }

    record I64(long value) implements IntersticeValue {
        public int tag() {
            return 5;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof I64 x && x.value == value;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(value);
        }
    }

    record F32(float value) implements IntersticeValue {
        public int tag() {
            return 6;
        }
    }

    record F64(double value) implements IntersticeValue {
        public int tag() {
            return 7;
        }
    }

    record Bool(boolean value) implements IntersticeValue {
        public int tag() {
            return 8;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bool x && x.value == value;
        }

        @Override
        public int hashCode() {
            return Boolean.hashCode(value);
        }
    }

    record Str(java.lang.String value) implements IntersticeValue {
        public Str {
            Objects.requireNonNull(value);
        }

        public int tag() {
            return 9;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Str x && x.value.equals(value);
        }

        @Override
        public int hashCode() {
            return value.hashCode();
        }
    }

    record Vec(List<IntersticeValue> items) implements IntersticeValue {
        public Vec {
            items = List.copyOf(items);
        }

        public int tag() {
            return 10;
        }
    }

    /** {@code value == null} is None. */
    record Option(IntersticeValue value) implements IntersticeValue {
        public static final Option NONE = new Option(null);

        public int tag() {
            return 11;
        }

        public boolean isSome() {
            return value != null;
        }
    }

    record Tuple(List<IntersticeValue> items) implements IntersticeValue {
        public Tuple {
            items = List.copyOf(items);
        }

        public int tag() {
            return 12;
        }
    }

    record Struct(java.lang.String name, List<Field> fields) implements IntersticeValue {
        public Struct {
            Objects.requireNonNull(name);
            fields = List.copyOf(fields);
        }

        public int tag() {
            return 13;
        }
    }

    record Enum(java.lang.String name, java.lang.String variant, IntersticeValue value) implements IntersticeValue {
        public Enum {
            Objects.requireNonNull(name);
            Objects.requireNonNull(variant);
            Objects.requireNonNull(value);
        }

        public int tag() {
            return 14;
        }
    }

    record Field(java.lang.String name, IntersticeValue value) {
        public Field {
            Objects.requireNonNull(name);
            Objects.requireNonNull(value);
        }
    }

    static U8 u8(int v) {
        return new U8(v);
    }

    static U32 u32(long v) {
        return new U32(v);
    }

    static U64 u64(long v) {
        return new U64(v);
    }

    static I32 i32(int v) {
        return new I32(v);
    }

    static I64 i64(long v) {
        return new I64(v);
    }

    static F32 f32(float v) {
        return new F32(v);
    }

    static F64 f64(double v) {
        return new F64(v);
    }

    static Bool bool(boolean v) {
        return new Bool(v);
    }

    static Str str(java.lang.String v) {
        return new Str(v);
    }

    static Vec vec(IntersticeValue... items) {
        return new Vec(List.of(items));
    }

    static Vec vec(List<IntersticeValue> items) {
        return new Vec(items);
    }

    static Tuple tuple(IntersticeValue... items) {
        return new Tuple(List.of(items));
    }

    static Option some(IntersticeValue v) {
        return new Option(Objects.requireNonNull(v));
    }

    static Option none() {
        return Option.NONE;
    }
}
