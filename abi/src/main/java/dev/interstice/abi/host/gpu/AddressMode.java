package dev.interstice.abi.host.gpu;

/** Upstream {@code AddressMode}. The declaration order is the postcard discriminant. */
public enum AddressMode {
    CLAMP_TO_EDGE,
    REPEAT,
    MIRROR_REPEAT
}
