package dev.interstice.abi.host.gpu;

/**
 * What a buffer may be used for (upstream's {@code BufferUsage} bitflags, on the wire as their u32 bits). Only the named bits are valid:
 * {@link #ALL} holds them all.
 */
public record BufferUsage(int bits) {
    public static final int MAP_READ = 1 << 0;
    public static final int MAP_WRITE = 1 << 1;
    public static final int COPY_SRC = 1 << 2;
    public static final int COPY_DST = 1 << 3;
    public static final int INDEX = 1 << 4;
    public static final int VERTEX = 1 << 5;
    public static final int UNIFORM = 1 << 6;
    public static final int STORAGE = 1 << 7;
    public static final int INDIRECT = 1 << 8;
    public static final int ALL = 0x1FF;

    public BufferUsage {
        if ((bits & ~ALL) != 0)
            throw new IllegalArgumentException(
                    "BufferUsage bits 0x" + Integer.toHexString(bits) + " outside 0x" + Integer.toHexString(ALL));
    }

    /** The set of the given flags, e.g. {@code of(COPY_DST, VERTEX)}. */
    public static BufferUsage of(int... flags) {
        int b = 0;
        for (int x : flags) b |= x;
        return new BufferUsage(b);
    }

    public boolean has(int flag) {
        return (bits & flag) == flag;
    }
}
