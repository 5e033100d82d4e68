package dev.interstice.abi.host.gpu;

/** Upstream {@code IndexFormat}. The declaration order is the postcard discriminant. */
public enum IndexFormat {
    UINT16,
    UINT32
}
