package dev.interstice.abi.host.gpu;

/** Upstream {@code BlendState}. */
public record BlendState(BlendComponent color, BlendComponent alpha) {}
