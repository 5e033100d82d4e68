package dev.interstice.abi.host.gpu;

/** What a pass does with an attachment's contents first (upstream {@code LoadOp}). The declaration order is the postcard discriminant. */
public enum LoadOp {
    LOAD,
    CLEAR
}
