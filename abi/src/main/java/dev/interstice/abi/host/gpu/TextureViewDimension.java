package dev.interstice.abi.host.gpu;

/** Upstream {@code TextureViewDimension}. The declaration order is the postcard discriminant. */
public enum TextureViewDimension {
    D1,
    D2,
    D2_ARRAY,
    CUBE,
    CUBE_ARRAY,
    D3
}
