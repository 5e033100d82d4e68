package dev.interstice.abi.host.gpu;

/** Upstream {@code PrimitiveTopology}. The declaration order is the postcard discriminant. */
public enum PrimitiveTopology {
    TRIANGLE_LIST,
    TRIANGLE_STRIP,
    LINE_LIST
}
