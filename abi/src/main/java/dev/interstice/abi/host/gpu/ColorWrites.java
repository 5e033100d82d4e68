package dev.interstice.abi.host.gpu;

/**
 * The colour channels a render target writes (upstream's {@code ColorWrites} bitflags, on the wire as their u32 bits). Only the named bits are valid:
 * {@link #ALL} holds them all.
 */
public record ColorWrites(int bits) {
    public static final int RED = 1 << 0;
    public static final int GREEN = 1 << 1;
    public static final int BLUE = 1 << 2;
    public static final int ALPHA = 1 << 3;
    public static final int ALL = 0xF;

    public ColorWrites {
        if ((bits & ~ALL) != 0)
            throw new IllegalArgumentException(
                    "ColorWrites bits 0x" + Integer.toHexString(bits) + " outside 0x" + Integer.toHexString(ALL));
    }

    /** The set of the given flags, e.g. {@code of(COPY_DST, VERTEX)}. */
    public static ColorWrites of(int... flags) {
        int b = 0;
        for (int x : flags) b |= x;
        return new ColorWrites(b);
    }

    public boolean has(int flag) {
        return (bits & flag) == flag;
    }
}
