package dev.interstice.abi.host.gpu;

/** Upstream {@code TextureSampleType}: Float 0, Depth 1, Sint 2, Uint 3. */
public sealed interface TextureSampleType {
    record Float(boolean filterable) implements TextureSampleType {}

    record Depth() implements TextureSampleType {}

    record Sint() implements TextureSampleType {}

    record Uint() implements TextureSampleType {}
}
