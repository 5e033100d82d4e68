package dev.interstice.abi.host.gpu;

/** A texel format (upstream {@code TextureFormat}). The declaration order is the postcard discriminant. */
public enum TextureFormat {
    RGBA8_UNORM,
    RGBA8_UNORM_SRGB,
    BGRA8_UNORM,
    BGRA8_UNORM_SRGB,
    DEPTH24_PLUS,
    DEPTH32_FLOAT
}
