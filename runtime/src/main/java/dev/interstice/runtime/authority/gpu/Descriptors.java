package dev.interstice.runtime.authority.gpu;

import dev.interstice.abi.host.gpu.BindGroupEntry;
import dev.interstice.abi.host.gpu.BindGroupLayoutEntry;
import dev.interstice.abi.host.gpu.BindingResource;
import dev.interstice.abi.host.gpu.BindingType;
import dev.interstice.abi.host.gpu.BlendComponent;
import dev.interstice.abi.host.gpu.BlendFactor;
import dev.interstice.abi.host.gpu.ColorTargetState;
import dev.interstice.abi.host.gpu.CompareFunction;
import dev.interstice.abi.host.gpu.GpuCall;
import dev.interstice.abi.host.gpu.PrimitiveTopology;
import dev.interstice.abi.host.gpu.StencilFaceState;
import dev.interstice.abi.host.gpu.TextureFormat;
import dev.interstice.abi.host.gpu.TextureSampleType;
import dev.interstice.abi.host.gpu.VertexBufferLayout;
import dev.interstice.abi.host.gpu.VertexFormat;
import dev.interstice.runtime.authority.gpu.GpuHandles.Kind;
import dev.interstice.webgpu.CStruct;
import dev.interstice.webgpu.Structs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Writes webgpu.h descriptors from upstream's ABI-6 call records: enum values renumbered to webgpu.h's, ids resolved
 * through the module's handles. The flag sets (buffer and texture usage, shader stages, colour writes) already use
 * webgpu.h's bits.
 */
final class Descriptors {
    private Descriptors() {}

    private static final int STYPE_SHADER_SOURCE_WGSL = 2;
    private static final int UNDEFINED = 0;
    private static final int ALL_ASPECTS = 1;

    static int format(TextureFormat f) {
        return switch (f) {
            case RGBA8_UNORM -> 18;
            case RGBA8_UNORM_SRGB -> 19;
            case BGRA8_UNORM -> 23;
            case BGRA8_UNORM_SRGB -> 24;
            case DEPTH24_PLUS -> 40;
            case DEPTH32_FLOAT -> 42;
        };
    }

    /** The ABI's name for a webgpu.h format, or null when ABI 6 has none. */
    static TextureFormat format(int wgpu) {
        for (TextureFormat f : TextureFormat.values()) if (format(f) == wgpu) return f;
        return null;
    }

    private static int vertexFormat(VertexFormat f) {
        return 28 + f.ordinal(); // float32 28 .. float32x4 31, uint32 32 .. uint32x4 35: same order
    }

    private static int blendFactor(BlendFactor f) {
        return switch (f) {
            case ZERO -> 1;
            case ONE -> 2;
            case SRC -> 3;
            case ONE_MINUS_SRC -> 4;
            case SRC_ALPHA -> 5;
            case ONE_MINUS_SRC_ALPHA -> 6;
            case DST_ALPHA -> 9;
            case ONE_MINUS_DST_ALPHA -> 10;
        };
    }

    private static int compare(CompareFunction f) {
        return switch (f) {
            case LESS -> 2;
            case LESS_EQUAL -> 4;
            case GREATER -> 5;
            case ALWAYS -> 8;
        };
    }

    private static int topology(PrimitiveTopology t) {
        return switch (t) {
            case TRIANGLE_LIST -> 4;
            case TRIANGLE_STRIP -> 5;
            case LINE_LIST -> 2;
        };
    }

    /** The ABI's enums that list webgpu.h's values in the same order, from 1 (0 is "undefined" there). */
    private static int next(Enum<?> e) {
        return e.ordinal() + 1;
    }

    static MemorySegment buffer(Arena a, GpuCall.CreateBuffer c) {
        return Structs.BUFFER_DESCRIPTOR
                .write(a)
                .ptr(null)
                .sv(null)
                .u64(c.usage().bits())
                .u64(c.size())
                .bool(c.mappedAtCreation())
                .segment();
    }

    static MemorySegment texture(Arena a, GpuCall.CreateTexture c) {
        var w = Structs.TEXTURE_DESCRIPTOR
                .write(a)
                .ptr(null)
                .sv(null)
                .u64(c.usage().bits())
                .u32(next(c.dimension()));
        w.nested().u32(c.width()).u32(c.height()).u32(c.depth());
        return w.u32(format(c.format())).u32(c.mipLevels()).u32(c.sampleCount()).segment();
    }

    static MemorySegment textureView(Arena a, GpuCall.CreateTextureView c) {
        return Structs.TEXTURE_VIEW_DESCRIPTOR
                .write(a)
                .ptr(null)
                .sv(null)
                .u32(c.format().map(Descriptors::format).orElse(UNDEFINED))
                .u32(c.dimension().map(Descriptors::next).orElse(UNDEFINED))
                .u32(c.baseMipLevel())
                .u32(c.mipLevelCount().orElse(-1))
                .u32(c.baseArrayLayer())
                .u32(c.arrayLayerCount().orElse(-1))
                .u32(ALL_ASPECTS)
                .segment();
    }

    static MemorySegment sampler(Arena a, GpuCall.CreateSampler c) {
        int mode = next(c.addressMode());
        return Structs.SAMPLER_DESCRIPTOR
                .write(a)
                .ptr(null)
                .sv(null)
                .u32(mode)
                .u32(mode)
                .u32(mode)
                .u32(next(c.magFilter()))
                .u32(next(c.minFilter()))
                .u32(1) // mipmaps: nearest
                .f32(0)
                .f32(32)
                .u32(UNDEFINED)
                .u16(1)
                .segment();
    }

    static MemorySegment shaderModule(Arena a, String wgsl) {
        var source = Structs.SHADER_SOURCE_WGSL.write(a);
        source.nested().ptr(null).u32(STYPE_SHADER_SOURCE_WGSL);
        source.sv(wgsl);
        return Structs.SHADER_MODULE_DESCRIPTOR
                .write(a)
                .ptr(source.segment())
                .sv(null)
                .segment();
    }

    static MemorySegment bindGroupLayout(Arena a, List<BindGroupLayoutEntry> entries) {
        CStruct s = Structs.BIND_GROUP_LAYOUT_ENTRY;
        MemorySegment array = s.allocate(a, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            var e = entries.get(i);
            var w = s.write(a, array, i)
                    .ptr(null)
                    .u32(e.binding())
                    .u64(e.visibility().bits())
                    .u32(0);
            var buffer = w.nested().ptr(null);
            var sampler = w.nested().ptr(null);
            var texture = w.nested().ptr(null);
            var storage = w.nested().ptr(null);
            switch (e.type()) {
                case BindingType.UniformBuffer u -> buffer.u32(2);
                case BindingType.StorageBuffer sb -> buffer.u32(sb.readOnly() ? 4 : 3);
                case BindingType.Sampler sm -> sampler.u32(sm.comparison() ? 4 : 2);
                case BindingType.Texture t ->
                    texture.u32(sampleType(t.sampleType()))
                            .u32(next(t.viewDimension()))
                            .bool(t.multisampled());
                case BindingType.StorageTexture st ->
                    storage.u32(2).u32(format(st.format())).u32(2); // write-only, 2d
            }
        }
        return Structs.BIND_GROUP_LAYOUT_DESCRIPTOR
                .write(a)
                .ptr(null)
                .sv(null)
                .u64(entries.size())
                .ptr(array)
                .segment();
    }

    private static int sampleType(TextureSampleType t) {
        return switch (t) {
            case TextureSampleType.Float f -> f.filterable() ? 2 : 3;
            case TextureSampleType.Depth d -> 4;
            case TextureSampleType.Sint s -> 5;
            case TextureSampleType.Uint u -> 6;
        };
    }

    static MemorySegment bindGroup(Arena a, GpuHandles h, GpuCall.CreateBindGroup c) {
        CStruct s = Structs.BIND_GROUP_ENTRY;
        MemorySegment array = s.allocate(a, c.entries().size());
        for (int i = 0; i < c.entries().size(); i++) {
            BindGroupEntry e = c.entries().get(i);
            var w = s.write(a, array, i).ptr(null).u32(e.binding());
            switch (e.resource()) {
                case BindingResource.Buffer b ->
                    w.ptr(h.get(b.buffer(), Kind.BUFFER))
                            .u64(b.offset())
                            .u64(b.size().orElse(-1L))
                            .ptr(null)
                            .ptr(null);
                case BindingResource.Sampler sm ->
                    w.ptr(null)
                            .u64(0)
                            .u64(-1L)
                            .ptr(h.get(sm.sampler(), Kind.SAMPLER))
                            .ptr(null);
                case BindingResource.TextureView v ->
                    w.ptr(null).u64(0).u64(-1L).ptr(null).ptr(h.get(v.view(), Kind.TEXTURE_VIEW));
            }
        }
        return Structs.BIND_GROUP_DESCRIPTOR
                .write(a)
                .ptr(null)
                .sv(null)
                .ptr(h.get(c.layout(), Kind.BIND_GROUP_LAYOUT))
                .u64(c.entries().size())
                .ptr(array)
                .segment();
    }

    static MemorySegment pipelineLayout(Arena a, GpuHandles h, List<Integer> layouts) {
        MemorySegment array = a.allocate(8L * Math.max(1, layouts.size()), 8);
        for (int i = 0; i < layouts.size(); i++)
            array.setAtIndex(java.lang.foreign.ValueLayout.ADDRESS, i, h.get(layouts.get(i), Kind.BIND_GROUP_LAYOUT));
        return Structs.PIPELINE_LAYOUT_DESCRIPTOR
                .write(a)
                .ptr(null)
                .sv(null)
                .u64(layouts.size())
                .ptr(array)
                .u32(0)
                .segment();
    }

    static MemorySegment renderPipeline(Arena a, GpuHandles h, GpuCall.CreateRenderPipeline c) {
        var d = Structs.RENDER_PIPELINE_DESCRIPTOR
                .write(a)
                .ptr(null)
                .sv(c.label().orElse(null))
                .ptr(h.get(c.layout(), Kind.PIPELINE_LAYOUT));
        var v = c.vertex();
        MemorySegment buffers = vertexBuffers(a, v.buffers());
        d.nested()
                .ptr(null)
                .ptr(h.get(v.module(), Kind.SHADER_MODULE))
                .sv(v.entryPoint())
                .u64(0)
                .ptr(null)
                .u64(v.buffers().size())
                .ptr(buffers);
        var p = c.primitive();
        d.nested()
                .ptr(null)
                .u32(topology(p.topology()))
                .u32(UNDEFINED)
                .u32(next(p.frontFace()))
                .u32(p.cullMode().map(m -> m.ordinal() + 2).orElse(1)) // none 1, front 2, back 3
                .bool(false);
        d.ptr(c.depthStencil().map(ds -> depthStencil(a, ds)).orElse(null));
        var m = c.multisample();
        d.nested().ptr(null).u32(m.count()).u32((int) m.mask()).bool(m.alphaToCoverageEnabled());
        d.ptr(c.fragment().map(f -> fragment(a, h, f)).orElse(null));
        return d.segment();
    }

    private static MemorySegment vertexBuffers(Arena a, List<VertexBufferLayout> layouts) {
        CStruct s = Structs.VERTEX_BUFFER_LAYOUT;
        MemorySegment array = s.allocate(a, layouts.size());
        for (int i = 0; i < layouts.size(); i++) {
            var l = layouts.get(i);
            MemorySegment attrs =
                    Structs.VERTEX_ATTRIBUTE.allocate(a, l.attributes().size());
            for (int j = 0; j < l.attributes().size(); j++) {
                var at = l.attributes().get(j);
                Structs.VERTEX_ATTRIBUTE
                        .write(a, attrs, j)
                        .ptr(null)
                        .u32(vertexFormat(at.format()))
                        .u64(at.offset())
                        .u32(at.shaderLocation());
            }
            s.write(a, array, i)
                    .ptr(null)
                    .u32(next(l.stepMode()))
                    .u64(l.arrayStride())
                    .u64(l.attributes().size())
                    .ptr(attrs);
        }
        return array;
    }

    private static MemorySegment depthStencil(Arena a, dev.interstice.abi.host.gpu.DepthStencilState ds) {
        var w = Structs.DEPTH_STENCIL_STATE
                .write(a)
                .ptr(null)
                .u32(format(ds.format()))
                .u32(ds.depthWriteEnabled() ? 1 : 0)
                .u32(compare(ds.depthCompare()));
        stencilFace(w.nested(), ds.stencil().front());
        stencilFace(w.nested(), ds.stencil().back());
        return w.u32(ds.stencil().readMask())
                .u32(ds.stencil().writeMask())
                .u32(ds.bias().constant())
                .f32(ds.bias().slopeScale())
                .f32(ds.bias().clamp())
                .segment();
    }

    private static void stencilFace(CStruct.Writer w, StencilFaceState f) {
        w.u32(compare(f.compare()))
                .u32(next(f.failOp()))
                .u32(next(f.depthFailOp()))
                .u32(next(f.passOp()));
    }

    private static MemorySegment fragment(Arena a, GpuHandles h, dev.interstice.abi.host.gpu.FragmentState f) {
        CStruct s = Structs.COLOR_TARGET_STATE;
        MemorySegment targets = s.allocate(a, f.targets().size());
        for (int i = 0; i < f.targets().size(); i++) {
            ColorTargetState t = f.targets().get(i);
            s.write(a, targets, i)
                    .ptr(null)
                    .u32(format(t.format()))
                    .ptr(t.blend().map(b -> blend(a, b)).orElse(null))
                    .u64(t.writeMask().bits());
        }
        return Structs.FRAGMENT_STATE
                .write(a)
                .ptr(null)
                .ptr(h.get(f.module(), Kind.SHADER_MODULE))
                .sv(f.entryPoint())
                .u64(0)
                .ptr(null)
                .u64(f.targets().size())
                .ptr(targets)
                .segment();
    }

    private static MemorySegment blend(Arena a, dev.interstice.abi.host.gpu.BlendState b) {
        var w = Structs.BLEND_STATE.write(a);
        component(w.nested(), b.color());
        component(w.nested(), b.alpha());
        return w.segment();
    }

    private static void component(CStruct.Writer w, BlendComponent c) {
        w.u32(next(c.operation())).u32(blendFactor(c.srcFactor())).u32(blendFactor(c.dstFactor()));
    }

    static MemorySegment computePipeline(Arena a, GpuHandles h, GpuCall.CreateComputePipeline c) {
        var d = Structs.COMPUTE_PIPELINE_DESCRIPTOR
                .write(a)
                .ptr(null)
                .sv(null)
                .ptr(h.get(c.layout(), Kind.PIPELINE_LAYOUT));
        d.nested()
                .ptr(null)
                .ptr(h.get(c.module(), Kind.SHADER_MODULE))
                .sv(c.entryPoint())
                .u64(0)
                .ptr(null);
        return d.segment();
    }

    static MemorySegment renderPass(Arena a, GpuHandles h, GpuCall.BeginRenderPass c) {
        CStruct s = Structs.RENDER_PASS_COLOR_ATTACHMENT;
        MemorySegment atts = s.allocate(a, c.colorAttachments().size());
        for (int i = 0; i < c.colorAttachments().size(); i++) {
            var at = c.colorAttachments().get(i);
            MemorySegment resolve =
                    at.resolveTarget().isPresent() ? h.get(at.resolveTarget().getAsInt(), Kind.TEXTURE_VIEW) : null;
            var w = s.write(a, atts, i)
                    .ptr(null)
                    .ptr(h.get(at.view(), Kind.TEXTURE_VIEW))
                    .u32(-1)
                    .ptr(resolve)
                    .u32(next(at.load()))
                    .u32(next(at.store()));
            var cc = at.clearColor();
            w.nested().f64(cc.r()).f64(cc.g()).f64(cc.b()).f64(cc.a());
        }
        MemorySegment depth = c.depthStencil()
                .map(ds -> Structs.RENDER_PASS_DEPTH_STENCIL_ATTACHMENT
                        .write(a)
                        .ptr(null)
                        .ptr(h.get(ds.view(), Kind.TEXTURE_VIEW))
                        .u32(next(ds.depthLoad()))
                        .u32(next(ds.depthStore()))
                        .f32(ds.depthClear())
                        .bool(false)
                        .segment())
                .orElse(null);
        return Structs.RENDER_PASS_DESCRIPTOR
                .write(a)
                .ptr(null)
                .sv(null)
                .u64(c.colorAttachments().size())
                .ptr(atts)
                .ptr(depth)
                .segment();
    }

    static MemorySegment bufferCopy(Arena a, MemorySegment buffer, long offset, int bytesPerRow, int rowsPerImage) {
        var w = Structs.TEXEL_COPY_BUFFER_INFO.write(a);
        w.nested().u64(offset).u32(bytesPerRow).u32(rowsPerImage);
        return w.ptr(buffer).segment();
    }

    static MemorySegment textureCopy(Arena a, MemorySegment texture, int mip, int x, int y, int z) {
        var w = Structs.TEXEL_COPY_TEXTURE_INFO.write(a).ptr(texture).u32(mip);
        w.nested().u32(x).u32(y).u32(z);
        return w.u32(ALL_ASPECTS).segment();
    }

    static MemorySegment extent(Arena a, int width, int height, int depth) {
        return Structs.EXTENT_3D.write(a).u32(width).u32(height).u32(depth).segment();
    }

    static MemorySegment textureLayout(Arena a, int bytesPerRow, int rowsPerImage) {
        return Structs.TEXEL_COPY_BUFFER_LAYOUT
                .write(a)
                .u64(0)
                .u32(bytesPerRow)
                .u32(rowsPerImage)
                .segment();
    }
}
