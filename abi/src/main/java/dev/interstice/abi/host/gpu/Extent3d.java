package dev.interstice.abi.host.gpu;

/** A size {@code [width, height, depth or layers]} (upstream {@code [u32; 3]}: three u32, no length). */
public record Extent3d(int width, int height, int depth) {}
