package dev.interstice.abi.host.gpu;

/** One resource bound at {@code binding} of a bind group. */
public record BindGroupEntry(int binding, BindingResource resource) {}
