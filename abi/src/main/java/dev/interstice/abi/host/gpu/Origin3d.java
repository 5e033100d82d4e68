package dev.interstice.abi.host.gpu;

/** A texel position {@code [x, y, z]} (upstream {@code [u32; 3]}: three u32, no length). */
public record Origin3d(int x, int y, int z) {}
