package dev.interstice.abi.host.gpu;

/** Upstream {@code VertexStepMode}. The declaration order is the postcard discriminant. */
public enum VertexStepMode {
    VERTEX,
    INSTANCE
}
