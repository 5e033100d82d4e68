package dev.interstice.abi.host.gpu;

/** Upstream {@code CompareFunction}. The declaration order is the postcard discriminant. */
public enum CompareFunction {
    LESS,
    LESS_EQUAL,
    GREATER,
    ALWAYS
}
