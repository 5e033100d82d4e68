package dev.interstice.abi.host.gpu;

/** Upstream {@code FrontFace}. The declaration order is the postcard discriminant. */
public enum FrontFace {
    CCW,
    CW
}
