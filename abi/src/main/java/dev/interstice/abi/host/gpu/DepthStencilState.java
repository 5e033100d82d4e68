package dev.interstice.abi.host.gpu;

/** Upstream {@code DepthStencilState}. */
public record DepthStencilState(
        TextureFormat format,
        boolean depthWriteEnabled,
        CompareFunction depthCompare,
        StencilState stencil,
        DepthBiasState bias) {}
