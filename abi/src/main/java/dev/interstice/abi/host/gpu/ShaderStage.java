package dev.interstice.abi.host.gpu;

/**
 * The shader stages a binding is visible to (upstream's {@code ShaderStage} bitflags, on the wire as their u32 bits). Only the named bits are valid:
 * {@link #ALL} holds them all.
 */
public record ShaderStage(int bits) {
    public static final int VERTEX = 1 << 0;
    public static final int FRAGMENT = 1 << 1;
    public static final int COMPUTE = 1 << 2;
    public static final int ALL = 0x7;

    public ShaderStage {
        if ((bits & ~ALL) != 0)
            throw new IllegalArgumentException(
                    "ShaderStage bits 0x" + Integer.toHexString(bits) + " outside 0x" + Integer.toHexString(ALL));
    }

    /** The set of the given flags, e.g. {@code of(COPY_DST, VERTEX)}. */
    public static ShaderStage of(int... flags) {
        int b = 0;
        for (int x : flags) b |= x;
        return new ShaderStage(b);
    }

    public boolean has(int flag) {
        return (bits & flag) == flag;
    }
}
