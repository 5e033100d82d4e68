package dev.interstice.abi.host.gpu;

/** Upstream {@code BlendComponent}. */
public record BlendComponent(BlendFactor srcFactor, BlendFactor dstFactor, BlendOperation operation) {}
