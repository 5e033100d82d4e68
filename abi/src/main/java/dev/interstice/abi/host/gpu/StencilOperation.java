package dev.interstice.abi.host.gpu;

/** Upstream {@code StencilOperation}. The declaration order is the postcard discriminant. */
public enum StencilOperation {
    KEEP,
    ZERO,
    REPLACE,
    INVERT,
    INCREMENT_CLAMP,
    DECREMENT_CLAMP,
    INCREMENT_WRAP,
    DECREMENT_WRAP
}
