package dev.interstice.abi.host.gpu;

/** One binding slot of a bind group layout. */
public record BindGroupLayoutEntry(int binding, ShaderStage visibility, BindingType type) {}
