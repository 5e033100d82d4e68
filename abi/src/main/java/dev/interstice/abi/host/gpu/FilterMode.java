package dev.interstice.abi.host.gpu;

/** Upstream {@code FilterMode}. The declaration order is the postcard discriminant. */
public enum FilterMode {
    NEAREST,
    LINEAR
}
