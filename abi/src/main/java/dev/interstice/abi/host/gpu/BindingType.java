package dev.interstice.abi.host.gpu;

/** What a bind group layout slot holds (upstream {@code BindingType}: UniformBuffer 0, StorageBuffer 1, Sampler 2,
 * Texture 3, StorageTexture 4). */
public sealed interface BindingType {
    record UniformBuffer() implements BindingType {}

    record StorageBuffer(boolean readOnly) implements BindingType {}

    record Sampler(boolean comparison) implements BindingType {}

    record Texture(TextureSampleType sampleType, TextureViewDimension viewDimension, boolean multisampled)
            implements BindingType {}

    record StorageTexture(TextureFormat format) implements BindingType {}
}
