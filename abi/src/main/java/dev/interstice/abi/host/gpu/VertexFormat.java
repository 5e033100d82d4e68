package dev.interstice.abi.host.gpu;

/** Upstream {@code VertexFormat}. The declaration order is the postcard discriminant. */
public enum VertexFormat {
    FLOAT32,
    FLOAT32X2,
    FLOAT32X3,
    FLOAT32X4,
    UINT32,
    UINT32X2,
    UINT32X3,
    UINT32X4
}
