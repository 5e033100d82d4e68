package dev.interstice.abi.host.gpu;

/** Upstream {@code DepthBiasState}: {@code constant} is an i32 (zigzag), the others f32. */
public record DepthBiasState(int constant, float slopeScale, float clamp) {}
