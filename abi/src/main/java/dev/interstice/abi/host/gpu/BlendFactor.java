package dev.interstice.abi.host.gpu;

/** Upstream {@code BlendFactor}. The declaration order is the postcard discriminant. */
public enum BlendFactor {
    ZERO,
    ONE,
    SRC,
    ONE_MINUS_SRC,
    SRC_ALPHA,
    ONE_MINUS_SRC_ALPHA,
    DST_ALPHA,
    ONE_MINUS_DST_ALPHA
}
