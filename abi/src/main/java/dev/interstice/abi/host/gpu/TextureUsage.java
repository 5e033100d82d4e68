package dev.interstice.abi.host.gpu;

/**
 * What a texture may be used for (upstream's {@code TextureUsage} bitflags, on the wire as their u32 bits). Only the named bits are valid:
 * {@link #ALL} holds them all.
 */
public record TextureUsage(int bits) {
    public static final int COPY_SRC = 1 << 0;
    public static final int COPY_DST = 1 << 1;
    public static final int TEXTURE_BINDING = 1 << 2;
    public static final int STORAGE_BINDING = 1 << 3;
    public static final int RENDER_ATTACHMENT = 1 << 4;
    public static final int ALL = 0x1F;

    public TextureUsage {
        if ((bits & ~ALL) != 0)
            throw new IllegalArgumentException(
                    "TextureUsage bits 0x" + Integer.toHexString(bits) + " outside 0x" + Integer.toHexString(ALL));
    }

    /** The set of the given flags, e.g. {@code of(COPY_DST, VERTEX)}. */
    public static TextureUsage of(int... flags) {
        int b = 0;
        for (int x : flags) b |= x;
        return new TextureUsage(b);
    }

    public boolean has(int flag) {
        return (bits & flag) == flag;
    }
}
