package dev.interstice.abi.host.gpu;

/** Upstream {@code StencilState}; only the low 8 bits of the masks are used. */
public record StencilState(StencilFaceState front, StencilFaceState back, int readMask, int writeMask) {}
