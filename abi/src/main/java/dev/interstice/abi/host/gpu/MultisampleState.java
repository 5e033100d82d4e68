package dev.interstice.abi.host.gpu;

/** Upstream {@code MultisampleState}: {@code mask} is a u64. */
public record MultisampleState(int count, long mask, boolean alphaToCoverageEnabled) {}
