package dev.interstice.abi.host.gpu;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A request to the Gpu authority (upstream {@code GpuCall}, ABI 6), one record per variant in declaration order (the
 * postcard discriminant, 0 to 45). Ids ({@code GpuId}) are u32 handles the node hands out per module; u32 fields are
 * held as their 32 bits in an {@code int}, u64 fields as their 64 bits in a {@code long}. A variant upstream wraps in
 * a struct ({@code CreateBuffer(CreateBuffer)}) carries that struct's fields directly: the bytes are the same.
 */
public sealed interface GpuCall {

    // ----- info -----

    /** 0. Answers {@code TextureFormat}. */
    record GetSurfaceFormat() implements GpuCall {}

    /** 1. Answers {@code None}. */
    record GetLimits() implements GpuCall {}

    // ----- resources (every Create answers {@code I64(id)}, every other call {@code None}) -----

    /** 2. */
    record CreateBuffer(long size, BufferUsage usage, boolean mappedAtCreation) implements GpuCall {}

    /** 3. */
    record DestroyBuffer(int id) implements GpuCall {}

    /** 4. {@code data} is owned by the record (the decoder hands over a fresh copy). */
    record WriteBuffer(int buffer, long offset, byte[] data) implements GpuCall {
        @Override
        public boolean equals(Object o) {
            return o instanceof WriteBuffer w
                    && w.buffer == buffer
                    && w.offset == offset
                    && Arrays.equals(w.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * buffer + Long.hashCode(offset)) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "WriteBuffer[buffer=" + buffer + ", offset=" + offset + ", data=" + data.length + " bytes]";
        }
    }

    /** 5. */
    record CreateTexture(
            int width,
            int height,
            int depth,
            int mipLevels,
            int sampleCount,
            TextureDimension dimension,
            TextureFormat format,
            TextureUsage usage)
            implements GpuCall {}

    /** 6. */
    record DestroyTexture(int id) implements GpuCall {}

    /** 7. */
    record DestroyTextureView(int id) implements GpuCall {}

    /** 8. {@code data} is owned by the record. */
    record WriteTexture(int texture, byte[] data, int bytesPerRow, int rowsPerImage, int width, int height, int depth)
            implements GpuCall {
        @Override
        public boolean equals(Object o) {
            return o instanceof WriteTexture w
                    && w.texture == texture
                    && Arrays.equals(w.data, data)
                    && w.bytesPerRow == bytesPerRow
                    && w.rowsPerImage == rowsPerImage
                    && w.width == width
                    && w.height == height
                    && w.depth == depth;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(
                    new int[] {texture, Arrays.hashCode(data), bytesPerRow, rowsPerImage, width, height, depth});
        }

        @Override
        public String toString() {
            return "WriteTexture[texture=" + texture + ", data=" + data.length + " bytes, bytesPerRow=" + bytesPerRow
                    + ", rowsPerImage=" + rowsPerImage + ", size=" + width + "x" + height + "x" + depth + "]";
        }
    }

    /** 9. Empty options take the texture's own format, dimension and remaining levels/layers. */
    record CreateTextureView(
            int texture,
            Optional<TextureFormat> format,
            Optional<TextureViewDimension> dimension,
            int baseMipLevel,
            OptionalInt mipLevelCount,
            int baseArrayLayer,
            OptionalInt arrayLayerCount)
            implements GpuCall {}

    /** 10. */
    record CreateSampler(FilterMode magFilter, FilterMode minFilter, AddressMode addressMode) implements GpuCall {}

    /** 11. */
    record DestroySampler(int id) implements GpuCall {}

    /** 12. */
    record CreateShaderModule(String wgslSource) implements GpuCall {}

    /** 13. */
    record DestroyShaderModule(int id) implements GpuCall {}

    /** 14. */
    record CreateBindGroupLayout(List<BindGroupLayoutEntry> entries) implements GpuCall {
        public CreateBindGroupLayout {
            entries = List.copyOf(entries);
        }
    }

    /** 15. */
    record DestroyBindGroupLayout(int id) implements GpuCall {}

    /** 16. */
    record CreateBindGroup(int layout, List<BindGroupEntry> entries) implements GpuCall {
        public CreateBindGroup {
            entries = List.copyOf(entries);
        }
    }

    /** 17. */
    record DestroyBindGroup(int id) implements GpuCall {}

    /** 18. {@code bindGroupLayouts}: layout ids, one per group index. */
    record CreatePipelineLayout(List<Integer> bindGroupLayouts) implements GpuCall {
        public CreatePipelineLayout {
            bindGroupLayouts = List.copyOf(bindGroupLayouts);
        }
    }

    /** 19. */
    record DestroyPipelineLayout(int id) implements GpuCall {}

    /** 20. */
    record CreateRenderPipeline(
            Optional<String> label,
            int layout,
            VertexState vertex,
            Optional<FragmentState> fragment,
            PrimitiveState primitive,
            Optional<DepthStencilState> depthStencil,
            MultisampleState multisample,
            OptionalInt multiview)
            implements GpuCall {}

    /** 21. */
    record DestroyRenderPipeline(int id) implements GpuCall {}

    /** 22. */
    record CreateComputePipeline(int layout, int module, String entryPoint) implements GpuCall {}

    /** 23. */
    record DestroyComputePipeline(int id) implements GpuCall {}

    // ----- command encoding -----

    /** 24. Answers {@code I64(encoder id)}. */
    record CreateCommandEncoder() implements GpuCall {}

    /** 25. */
    record Submit(int encoder) implements GpuCall {}

    /** 26. Answers {@code I64(pass id)} (upstream: the encoder's id). */
    record BeginRenderPass(
            int encoder,
            List<RenderPassColorAttachment> colorAttachments,
            Optional<RenderPassDepthStencilAttachment> depthStencil)
            implements GpuCall {
        public BeginRenderPass {
            colorAttachments = List.copyOf(colorAttachments);
        }
    }

    /** 27. */
    record EndRenderPass(int pass) implements GpuCall {}

    /** 28. */
    record SetRenderPipeline(int pass, int pipeline) implements GpuCall {}

    /** 29. */
    record SetBindGroup(int pass, int index, int bindGroup) implements GpuCall {}

    /** 30. {@code size} empty: the rest of the buffer. */
    record SetVertexBuffer(int pass, int slot, int buffer, long offset, OptionalLong size) implements GpuCall {}

    /** 31. */
    record SetIndexBuffer(int pass, int buffer, IndexFormat indexFormat, long offset, OptionalLong size)
            implements GpuCall {}

    /** 32. */
    record Draw(int pass, int vertices, int instances, int firstVertex, int firstInstance) implements GpuCall {}

    /** 33. {@code baseVertex} is an i32. */
    record DrawIndexed(int pass, int indices, int instances, int firstIndex, int baseVertex, int firstInstance)
            implements GpuCall {}

    /** 34. Answers {@code None} upstream: the pass is then named by its encoder's id. */
    record BeginComputePass(int encoder) implements GpuCall {}

    /** 35. */
    record EndComputePass(int pass) implements GpuCall {}

    /** 36. */
    record SetComputePipeline(int pass, int pipeline) implements GpuCall {}

    /** 37. Workgroup counts. */
    record Dispatch(int pass, int x, int y, int z) implements GpuCall {}

    // ----- copies -----

    /** 38. */
    record CopyBufferToBuffer(int encoder, int src, long srcOffset, int dst, long dstOffset, long size)
            implements GpuCall {}

    /** 39. */
    record CopyBufferToTexture(
            int encoder,
            int srcBuffer,
            long srcOffset,
            int bytesPerRow,
            int rowsPerImage,
            int dstTexture,
            int mipLevel,
            Origin3d origin,
            Extent3d extent)
            implements GpuCall {}

    /** 40. */
    record CopyTextureToBuffer(
            int encoder,
            int srcTexture,
            int mipLevel,
            Origin3d origin,
            int dstBuffer,
            long dstOffset,
            int bytesPerRow,
            int rowsPerImage,
            Extent3d extent)
            implements GpuCall {}

    // ----- surface -----

    /** 41. Answers {@code I64(texture id)} of the frame begun by {@link BeginFrame}. */
    record GetCurrentSurfaceTexture() implements GpuCall {}

    /** 42. Answers {@code Extent2d}. */
    record GetSurfaceSize() implements GpuCall {}

    /** 43. Presents the frame. */
    record Present() implements GpuCall {}

    /** 44. Acquires the next surface texture. */
    record BeginFrame() implements GpuCall {}

    /** 45. Asks the window for another frame. */
    record RequestRedraw() implements GpuCall {}
}
