package dev.interstice.abi.host.gpu;

/** Upstream {@code TextureDimension}. The declaration order is the postcard discriminant. */
public enum TextureDimension {
    D1,
    D2,
    D3
}
