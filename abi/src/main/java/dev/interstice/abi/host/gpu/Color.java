package dev.interstice.abi.host.gpu;

/** An RGBA clear colour (upstream {@code [f32; 4]}: four little-endian f32, no length). */
public record Color(float r, float g, float b, float a) {}
