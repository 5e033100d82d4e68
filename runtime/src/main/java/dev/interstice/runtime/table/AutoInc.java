package dev.interstice.runtime.table;

import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.value.IntersticeValue;

/** Auto-increment values: counters are longs; each column type bounds them. */
public final class AutoInc {
    private AutoInc() {}

    public static boolean supports(IntersticeType t) {
        return t instanceof IntersticeType.Primitive p
                && switch (p.kind()) {
                    case U8, U32, U64, I32, I64 -> true;
                    default -> false;
                };
    }

    /** The value for counter {@code n}, or null when the column type cannot hold it. */
    public static IntersticeValue valueOf(IntersticeType t, long n) {
        var kind = ((IntersticeType.Primitive) t).kind();
        return switch (kind) {
            case U8 -> n >= 0 && n <= 0xFF ? new IntersticeValue.U8((int) n) : null;
            case U32 -> n >= 0 && n <= 0xFFFF_FFFFL ? new IntersticeValue.U32(n) : null;
            case U64 -> n >= 0 ? new IntersticeValue.U64(n) : null;
            case I32 -> n >= 0 && n <= Integer.MAX_VALUE ? new IntersticeValue.I32((int) n) : null;
            case I64 -> n >= 0 ? new IntersticeValue.I64(n) : null;
            default -> throw new IllegalArgumentException("auto_inc on " + t);
        };
    }

    public static long asLong(IntersticeValue v) {
        return switch (v) {
            case IntersticeValue.U8 x -> x.value();
            case IntersticeValue.U32 x -> x.value();
            case IntersticeValue.U64 x -> x.value();
            case IntersticeValue.I32 x -> x.value();
            case IntersticeValue.I64 x -> x.value();
            default -> -1;
        };
    }
}
