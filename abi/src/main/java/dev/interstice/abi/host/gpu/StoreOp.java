package dev.interstice.abi.host.gpu;

/** What a pass does with an attachment's contents last (upstream {@code StoreOp}). The declaration order is the postcard discriminant. */
public enum StoreOp {
    STORE,
    DISCARD
}
