package dev.interstice.abi.host.gpu;

/** Upstream {@code BlendOperation}. The declaration order is the postcard discriminant. */
public enum BlendOperation {
    ADD,
    SUBTRACT,
    REVERSE_SUBTRACT
}
