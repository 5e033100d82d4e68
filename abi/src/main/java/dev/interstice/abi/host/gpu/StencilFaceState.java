package dev.interstice.abi.host.gpu;

/** Upstream {@code StencilFaceState}. */
public record StencilFaceState(
        CompareFunction compare, StencilOperation failOp, StencilOperation depthFailOp, StencilOperation passOp) {}
