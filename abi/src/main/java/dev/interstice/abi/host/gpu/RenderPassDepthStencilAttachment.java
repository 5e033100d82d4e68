package dev.interstice.abi.host.gpu;

/** The depth attachment of a render pass. */
public record RenderPassDepthStencilAttachment(int view, LoadOp depthLoad, StoreOp depthStore, float depthClear) {}
