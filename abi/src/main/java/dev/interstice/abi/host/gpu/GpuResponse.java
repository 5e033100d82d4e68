package dev.interstice.abi.host.gpu;

/**
 * What the node answers a {@link GpuCall} (upstream {@code GpuResponse}, ABI 6): None 0, I64 1, TextureFormat 2,
 * Extent2d 3, Err 4. Creates answer {@code I64(id)}; {@code GetSurfaceFormat} a format; {@code GetSurfaceSize} an
 * extent; the rest {@code None}; any refusal {@code Err} in plain words.
 */
public sealed interface GpuResponse {
    record None() implements GpuResponse {}

    record I64(long value) implements GpuResponse {}

    record Format(TextureFormat format) implements GpuResponse {}

    /** u32 width and height. */
    record Extent2d(int width, int height) implements GpuResponse {}

    record Err(String message) implements GpuResponse {}
}
