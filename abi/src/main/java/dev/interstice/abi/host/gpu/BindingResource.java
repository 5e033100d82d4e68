package dev.interstice.abi.host.gpu;

import java.util.OptionalLong;

/** Upstream {@code BindingResource}: Buffer 0, TextureView 1, Sampler 2. Ids are the module's u32 handles. */
public sealed interface BindingResource {
    /** {@code size} empty: the rest of the buffer from {@code offset}. */
    record Buffer(int buffer, long offset, OptionalLong size) implements BindingResource {}

    record TextureView(int view) implements BindingResource {}

    record Sampler(int sampler) implements BindingResource {}
}
