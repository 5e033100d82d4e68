package dev.interstice.abi.host.gpu;

/** One vertex attribute ({@code offset} is a u64). */
public record VertexAttribute(VertexFormat format, long offset, int shaderLocation) {}
