package dev.interstice.abi.host.gpu;

/** Upstream {@code CullMode}. The declaration order is the postcard discriminant. */
public enum CullMode {
    FRONT,
    BACK
}
