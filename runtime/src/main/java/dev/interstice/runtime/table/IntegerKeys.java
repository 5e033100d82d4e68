package dev.interstice.runtime.table;

import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import java.util.function.LongFunction;

/**
 * Keys of one integer variant (or bool) as longs whose signed order is the keys' order ({@link #ordered}), and back:
 * how the primitive key structures ({@link PagedRows}, a {@link SecondaryIndex} over an integer column) hold
 * keys without an object per key. {@code probe} is any key of the variant: a key of another variant compares with
 * all of them as it compares with the probe (IndexKey orders variants first).
 */
record IntegerKeys(IndexKey probe, LongFunction<IntersticeValue> value) {

    /** For u8/u32/u64/i32/i64 (and bool when {@code bools}); null for every other type. */
    static IntegerKeys forType(IntersticeType type, boolean bools) {
        if (!(type instanceof IntersticeType.Primitive p)) return null;
        return switch (p.kind()) {
            case U8 -> of(IntersticeValue.u8(0), k -> IntersticeValue.u8((int) k));
            case U32 -> of(IntersticeValue.u32(0), IntersticeValue::u32);
            case U64 -> of(IntersticeValue.u64(0), k -> IntersticeValue.u64(k ^ Long.MIN_VALUE));
            case I32 -> of(IntersticeValue.i32(0), k -> IntersticeValue.i32((int) k));
            case I64 -> of(IntersticeValue.i64(0), IntersticeValue::i64);
            case BOOL -> bools ? of(IntersticeValue.bool(false), k -> IntersticeValue.bool(k != 0)) : null;
            default -> null;
        };
    }

    private static IntegerKeys of(IntersticeValue probe, LongFunction<IntersticeValue> value) {
        return new IntegerKeys(new IndexKey(probe), value);
    }

    /** The variant's discriminant in the row encoding (upstream {@code IntersticeValue}). */
    int tag() {
        return switch (probe.value()) {
            case IntersticeValue.U8 x -> 1;
            case IntersticeValue.U32 x -> 2;
            case IntersticeValue.U64 x -> 3;
            case IntersticeValue.I32 x -> 4;
            case IntersticeValue.I64 x -> 5;
            default -> 8; // bool
        };
    }

    /**
     * Reads the value that follows discriminant {@code tag} (a {@link #tag()}) in a row's encoding as a plain long
     * (u64: its raw bits; bool 0/1).
     */
    static long readPlain(PostcardReader r, int tag) {
        return switch (tag) {
            case 1 -> r.readU8();
            case 2 -> r.readVarU32();
            case 3 -> r.readVarU64();
            case 4 -> r.readI32();
            case 5 -> r.readI64();
            default -> r.readBool() ? 1 : 0;
        };
    }

    /** {@link #ordered} of a plain long {@link #readPlain} returned. */
    long ordered(long plain) {
        return probe.value() instanceof IntersticeValue.U64 ? plain ^ Long.MIN_VALUE : plain;
    }

    /** Whether {@code k} is of this variant. */
    boolean ours(IndexKey k) {
        return k.value().getClass() == probe.value().getClass();
    }

    /** The key of this variant that {@code ordered} stands for. */
    IndexKey key(long ordered) {
        return new IndexKey(value.apply(ordered));
    }

    /**
     * The key as a long in signed order (u64: raw bits with the sign bit flipped; bool 0/1; every other variant its
     * value): distinct keys of one variant give distinct longs, so hash structures key on it too.
     */
    static long ordered(IndexKey k) {
        IntersticeValue v = k.value();
        if (v instanceof IntersticeValue.U64 x) return x.value() ^ Long.MIN_VALUE;
        if (v instanceof IntersticeValue.I64 x) return x.value();
        if (v instanceof IntersticeValue.U32 x) return x.value();
        if (v instanceof IntersticeValue.I32 x) return x.value();
        if (v instanceof IntersticeValue.U8 x) return x.value();
        if (v instanceof IntersticeValue.Bool x) return x.value() ? 1 : 0;
        throw new IllegalArgumentException("not an integer key: " + v);
    }
}
