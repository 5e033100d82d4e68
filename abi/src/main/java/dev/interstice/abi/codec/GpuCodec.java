package dev.interstice.abi.codec;

import dev.interstice.abi.host.gpu.AddressMode;
import dev.interstice.abi.host.gpu.BindGroupEntry;
import dev.interstice.abi.host.gpu.BindGroupLayoutEntry;
import dev.interstice.abi.host.gpu.BindingResource;
import dev.interstice.abi.host.gpu.BindingType;
import dev.interstice.abi.host.gpu.BlendComponent;
import dev.interstice.abi.host.gpu.BlendFactor;
import dev.interstice.abi.host.gpu.BlendOperation;
import dev.interstice.abi.host.gpu.BlendState;
import dev.interstice.abi.host.gpu.BufferUsage;
import dev.interstice.abi.host.gpu.Color;
import dev.interstice.abi.host.gpu.ColorTargetState;
import dev.interstice.abi.host.gpu.ColorWrites;
import dev.interstice.abi.host.gpu.CompareFunction;
import dev.interstice.abi.host.gpu.CullMode;
import dev.interstice.abi.host.gpu.DepthBiasState;
import dev.interstice.abi.host.gpu.DepthStencilState;
import dev.interstice.abi.host.gpu.Extent3d;
import dev.interstice.abi.host.gpu.FilterMode;
import dev.interstice.abi.host.gpu.FragmentState;
import dev.interstice.abi.host.gpu.FrontFace;
import dev.interstice.abi.host.gpu.GpuCall;
import dev.interstice.abi.host.gpu.GpuResponse;
import dev.interstice.abi.host.gpu.IndexFormat;
import dev.interstice.abi.host.gpu.LoadOp;
import dev.interstice.abi.host.gpu.MultisampleState;
import dev.interstice.abi.host.gpu.Origin3d;
import dev.interstice.abi.host.gpu.PrimitiveState;
import dev.interstice.abi.host.gpu.PrimitiveTopology;
import dev.interstice.abi.host.gpu.RenderPassColorAttachment;
import dev.interstice.abi.host.gpu.RenderPassDepthStencilAttachment;
import dev.interstice.abi.host.gpu.ShaderStage;
import dev.interstice.abi.host.gpu.StencilFaceState;
import dev.interstice.abi.host.gpu.StencilOperation;
import dev.interstice.abi.host.gpu.StencilState;
import dev.interstice.abi.host.gpu.StoreOp;
import dev.interstice.abi.host.gpu.TextureDimension;
import dev.interstice.abi.host.gpu.TextureFormat;
import dev.interstice.abi.host.gpu.TextureSampleType;
import dev.interstice.abi.host.gpu.TextureUsage;
import dev.interstice.abi.host.gpu.TextureViewDimension;
import dev.interstice.abi.host.gpu.VertexAttribute;
import dev.interstice.abi.host.gpu.VertexBufferLayout;
import dev.interstice.abi.host.gpu.VertexFormat;
import dev.interstice.abi.host.gpu.VertexState;
import dev.interstice.abi.host.gpu.VertexStepMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The postcard form of upstream's {@code GpuCall} and {@code GpuResponse} (host_calls/gpu/mod.rs, ABI 6): enum
 * discriminants varint in declaration order, u32/u64 LEB128, i32 zigzag, f32 little-endian, String/Vec a varint
 * length first, Option a 0/1 byte, structs their fields in order, bitflags their u32 bits, {@code [u32; 3]} and
 * {@code [f32; 4]} their elements without a length. Decoding refuses truncated, trailing and unknown input (also flag
 * bits upstream does not name) with {@link AbiDecodeException}; no length is trusted beyond the bytes left.
 */
public final class GpuCodec {
    private GpuCodec() {}

    /** The {@code HostCall} discriminant of {@code Gpu}. */
    public static final int HOST_CALL_TAG = 6;

    private static final int LAST_CALL = 45;
    private static final TextureFormat[] FORMATS = TextureFormat.values();
    private static final TextureDimension[] DIMENSIONS = TextureDimension.values();
    private static final TextureViewDimension[] VIEW_DIMENSIONS = TextureViewDimension.values();
    private static final FilterMode[] FILTERS = FilterMode.values();
    private static final AddressMode[] ADDRESS_MODES = AddressMode.values();
    private static final IndexFormat[] INDEX_FORMATS = IndexFormat.values();
    private static final PrimitiveTopology[] TOPOLOGIES = PrimitiveTopology.values();
    private static final CullMode[] CULL_MODES = CullMode.values();
    private static final FrontFace[] FRONT_FACES = FrontFace.values();
    private static final CompareFunction[] COMPARES = CompareFunction.values();
    private static final StencilOperation[] STENCIL_OPS = StencilOperation.values();
    private static final VertexStepMode[] STEP_MODES = VertexStepMode.values();
    private static final VertexFormat[] VERTEX_FORMATS = VertexFormat.values();
    private static final LoadOp[] LOAD_OPS = LoadOp.values();
    private static final StoreOp[] STORE_OPS = StoreOp.values();
    private static final BlendFactor[] BLEND_FACTORS = BlendFactor.values();
    private static final BlendOperation[] BLEND_OPS = BlendOperation.values();

    // ------------------------------------------------------------------------------------------------ decoding

    /** A whole {@code GpuCall} (without the HostCall discriminant): nothing may follow it. */
    public static GpuCall decode(byte[] b) {
        var r = new PostcardReader(b);
        GpuCall c = read(r);
        r.expectEnd();
        return c;
    }

    /** Reads one {@code GpuCall} (the bytes after the HostCall discriminant). */
    public static GpuCall read(PostcardReader r) {
        int tag = Abi.readTag(r, "GpuCall", LAST_CALL);
        return switch (tag) {
            case 0 -> new GpuCall.GetSurfaceFormat();
            case 1 -> new GpuCall.GetLimits();
            case 2 -> new GpuCall.CreateBuffer(r.readVarU64(), bufferUsage(r), r.readBool());
            case 3 -> new GpuCall.DestroyBuffer(u32(r));
            case 4 -> new GpuCall.WriteBuffer(u32(r), r.readVarU64(), bytes(r));
            case 5 -> readCreateTexture(r);
            case 6 -> new GpuCall.DestroyTexture(u32(r));
            case 7 -> new GpuCall.DestroyTextureView(u32(r));
            case 8 -> new GpuCall.WriteTexture(u32(r), bytes(r), u32(r), u32(r), u32(r), u32(r), u32(r));
            case 9 -> readCreateTextureView(r);
            case 10 ->
                new GpuCall.CreateSampler(
                        pick(r, FILTERS, "FilterMode"),
                        pick(r, FILTERS, "FilterMode"),
                        pick(r, ADDRESS_MODES, "AddressMode"));
            case 11 -> new GpuCall.DestroySampler(u32(r));
            case 12 -> new GpuCall.CreateShaderModule(r.readString());
            case 13 -> new GpuCall.DestroyShaderModule(u32(r));
            case 14 -> new GpuCall.CreateBindGroupLayout(vec(r, GpuCodec::readLayoutEntry));
            case 15 -> new GpuCall.DestroyBindGroupLayout(u32(r));
            case 16 -> new GpuCall.CreateBindGroup(u32(r), vec(r, GpuCodec::readGroupEntry));
            case 17 -> new GpuCall.DestroyBindGroup(u32(r));
            case 18 -> new GpuCall.CreatePipelineLayout(vec(r, GpuCodec::u32));
            case 19 -> new GpuCall.DestroyPipelineLayout(u32(r));
            case 20 -> readCreateRenderPipeline(r);
            case 21 -> new GpuCall.DestroyRenderPipeline(u32(r));
            case 22 -> new GpuCall.CreateComputePipeline(u32(r), u32(r), r.readString());
            case 23 -> new GpuCall.DestroyComputePipeline(u32(r));
            case 24 -> new GpuCall.CreateCommandEncoder();
            case 25 -> new GpuCall.Submit(u32(r));
            case 26 ->
                new GpuCall.BeginRenderPass(
                        u32(r), vec(r, GpuCodec::readColorAttachment), option(r, GpuCodec::readDepthAttachment));
            case 27 -> new GpuCall.EndRenderPass(u32(r));
            case 28 -> new GpuCall.SetRenderPipeline(u32(r), u32(r));
            case 29 -> new GpuCall.SetBindGroup(u32(r), u32(r), u32(r));
            case 30 -> new GpuCall.SetVertexBuffer(u32(r), u32(r), u32(r), r.readVarU64(), optionU64(r));
            case 31 ->
                new GpuCall.SetIndexBuffer(
                        u32(r), u32(r), pick(r, INDEX_FORMATS, "IndexFormat"), r.readVarU64(), optionU64(r));
            case 32 -> new GpuCall.Draw(u32(r), u32(r), u32(r), u32(r), u32(r));
            case 33 -> new GpuCall.DrawIndexed(u32(r), u32(r), u32(r), u32(r), r.readI32(), u32(r));
            case 34 -> new GpuCall.BeginComputePass(u32(r));
            case 35 -> new GpuCall.EndComputePass(u32(r));
            case 36 -> new GpuCall.SetComputePipeline(u32(r), u32(r));
            case 37 -> new GpuCall.Dispatch(u32(r), u32(r), u32(r), u32(r));
            case 38 ->
                new GpuCall.CopyBufferToBuffer(u32(r), u32(r), r.readVarU64(), u32(r), r.readVarU64(), r.readVarU64());
            case 39 ->
                new GpuCall.CopyBufferToTexture(
                        u32(r), u32(r), r.readVarU64(), u32(r), u32(r), u32(r), u32(r), origin(r), extent(r));
            case 40 ->
                new GpuCall.CopyTextureToBuffer(
                        u32(r), u32(r), u32(r), origin(r), u32(r), r.readVarU64(), u32(r), u32(r), extent(r));
            case 41 -> new GpuCall.GetCurrentSurfaceTexture();
            case 42 -> new GpuCall.GetSurfaceSize();
            case 43 -> new GpuCall.Present();
            case 44 -> new GpuCall.BeginFrame();
            default -> new GpuCall.RequestRedraw();
        };
    }

    private static GpuCall readCreateTexture(PostcardReader r) {
        int width = u32(r);
        int height = u32(r);
        int depth = u32(r);
        int mipLevels = u32(r);
        int sampleCount = u32(r);
        var dimension = pick(r, DIMENSIONS, "TextureDimension");
        var format = pick(r, FORMATS, "TextureFormat");
        return new GpuCall.CreateTexture(
                width, height, depth, mipLevels, sampleCount, dimension, format, textureUsage(r));
    }

    private static GpuCall readCreateTextureView(PostcardReader r) {
        int texture = u32(r);
        var format = option(r, x -> pick(x, FORMATS, "TextureFormat"));
        var dimension = option(r, x -> pick(x, VIEW_DIMENSIONS, "TextureViewDimension"));
        int baseMip = u32(r);
        var mipCount = optionU32(r);
        int baseLayer = u32(r);
        return new GpuCall.CreateTextureView(texture, format, dimension, baseMip, mipCount, baseLayer, optionU32(r));
    }

    private static GpuCall readCreateRenderPipeline(PostcardReader r) {
        var label = option(r, PostcardReader::readString);
        int layout = u32(r);
        var vertex = new VertexState(u32(r), r.readString(), vec(r, GpuCodec::readVertexBufferLayout));
        var fragment = option(r, x -> new FragmentState(u32(x), x.readString(), vec(x, GpuCodec::readColorTarget)));
        var primitive = new PrimitiveState(
                pick(r, TOPOLOGIES, "PrimitiveTopology"),
                option(r, x -> pick(x, CULL_MODES, "CullMode")),
                pick(r, FRONT_FACES, "FrontFace"));
        var depthStencil = option(r, GpuCodec::readDepthStencil);
        var multisample = new MultisampleState(u32(r), r.readVarU64(), r.readBool());
        return new GpuCall.CreateRenderPipeline(
                label, layout, vertex, fragment, primitive, depthStencil, multisample, optionU32(r));
    }

    private static BindGroupLayoutEntry readLayoutEntry(PostcardReader r) {
        int binding = u32(r);
        var visibility = shaderStage(r);
        int tag = Abi.readTag(r, "BindingType", 4);
        BindingType type = switch (tag) {
            case 0 -> new BindingType.UniformBuffer();
            case 1 -> new BindingType.StorageBuffer(r.readBool());
            case 2 -> new BindingType.Sampler(r.readBool());
            case 3 ->
                new BindingType.Texture(
                        readSampleType(r), pick(r, VIEW_DIMENSIONS, "TextureViewDimension"), r.readBool());
            default -> new BindingType.StorageTexture(pick(r, FORMATS, "TextureFormat"));
        };
        return new BindGroupLayoutEntry(binding, visibility, type);
    }

    private static TextureSampleType readSampleType(PostcardReader r) {
        return switch (Abi.readTag(r, "TextureSampleType", 3)) {
            case 0 -> new TextureSampleType.Float(r.readBool());
            case 1 -> new TextureSampleType.Depth();
            case 2 -> new TextureSampleType.Sint();
            default -> new TextureSampleType.Uint();
        };
    }

    private static BindGroupEntry readGroupEntry(PostcardReader r) {
        int binding = u32(r);
        BindingResource resource = switch (Abi.readTag(r, "BindingResource", 2)) {
            case 0 -> new BindingResource.Buffer(u32(r), r.readVarU64(), optionU64(r));
            case 1 -> new BindingResource.TextureView(u32(r));
            default -> new BindingResource.Sampler(u32(r));
        };
        return new BindGroupEntry(binding, resource);
    }

    private static VertexBufferLayout readVertexBufferLayout(PostcardReader r) {
        long stride = r.readVarU64();
        var step = pick(r, STEP_MODES, "VertexStepMode");
        return new VertexBufferLayout(
                stride,
                step,
                vec(r, x -> new VertexAttribute(pick(x, VERTEX_FORMATS, "VertexFormat"), x.readVarU64(), u32(x))));
    }

    private static ColorTargetState readColorTarget(PostcardReader r) {
        var format = pick(r, FORMATS, "TextureFormat");
        var blend = option(r, x -> new BlendState(readBlendComponent(x), readBlendComponent(x)));
        return new ColorTargetState(format, blend, colorWrites(r));
    }

    private static BlendComponent readBlendComponent(PostcardReader r) {
        return new BlendComponent(
                pick(r, BLEND_FACTORS, "BlendFactor"),
                pick(r, BLEND_FACTORS, "BlendFactor"),
                pick(r, BLEND_OPS, "BlendOperation"));
    }

    private static DepthStencilState readDepthStencil(PostcardReader r) {
        var format = pick(r, FORMATS, "TextureFormat");
        boolean write = r.readBool();
        var compare = pick(r, COMPARES, "CompareFunction");
        var stencil = new StencilState(readStencilFace(r), readStencilFace(r), u32(r), u32(r));
        return new DepthStencilState(
                format, write, compare, stencil, new DepthBiasState(r.readI32(), r.readF32(), r.readF32()));
    }

    private static StencilFaceState readStencilFace(PostcardReader r) {
        return new StencilFaceState(
                pick(r, COMPARES, "CompareFunction"),
                pick(r, STENCIL_OPS, "StencilOperation"),
                pick(r, STENCIL_OPS, "StencilOperation"),
                pick(r, STENCIL_OPS, "StencilOperation"));
    }

    private static RenderPassColorAttachment readColorAttachment(PostcardReader r) {
        int view = u32(r);
        var resolve = optionU32(r);
        var load = pick(r, LOAD_OPS, "LoadOp");
        var store = pick(r, STORE_OPS, "StoreOp");
        return new RenderPassColorAttachment(
                view, resolve, load, store, new Color(r.readF32(), r.readF32(), r.readF32(), r.readF32()));
    }

    private static RenderPassDepthStencilAttachment readDepthAttachment(PostcardReader r) {
        return new RenderPassDepthStencilAttachment(
                u32(r), pick(r, LOAD_OPS, "LoadOp"), pick(r, STORE_OPS, "StoreOp"), r.readF32());
    }

    private static Origin3d origin(PostcardReader r) {
        return new Origin3d(u32(r), u32(r), u32(r));
    }

    private static Extent3d extent(PostcardReader r) {
        return new Extent3d(u32(r), u32(r), u32(r));
    }

    private static int u32(PostcardReader r) {
        return r.readVarU32("a u32 varint");
    }

    private static byte[] bytes(PostcardReader r) {
        return r.readBytes(r.readVarUsize());
    }

    private static <E> E pick(PostcardReader r, E[] values, String type) {
        return values[Abi.readTag(r, type, values.length - 1)];
    }

    /** A Vec: the length is bounded by the bytes left (every element takes at least one). */
    private static <T> List<T> vec(PostcardReader r, Function<PostcardReader, T> element) {
        int n = r.readVarUsize();
        var out = new ArrayList<T>(n);
        for (int i = 0; i < n; i++) out.add(element.apply(r));
        return out;
    }

    private static boolean some(PostcardReader r) {
        int at = r.mark();
        int b = r.readU8();
        if (b > 1) throw r.errorAt("an Option tag 0x00 or 0x01, found 0x" + PostcardReader.hex(b), at);
        return b == 1;
    }

    private static <T> Optional<T> option(PostcardReader r, Function<PostcardReader, T> value) {
        return some(r) ? Optional.of(value.apply(r)) : Optional.empty();
    }

    private static OptionalInt optionU32(PostcardReader r) {
        return some(r) ? OptionalInt.of(u32(r)) : OptionalInt.empty();
    }

    private static OptionalLong optionU64(PostcardReader r) {
        return some(r) ? OptionalLong.of(r.readVarU64()) : OptionalLong.empty();
    }

    private static int flags(PostcardReader r, String type, int known) {
        int at = r.mark();
        int bits = u32(r);
        if ((bits & ~known) != 0)
            throw r.errorAt(
                    type + " bits within 0x" + Integer.toHexString(known) + ", found 0x" + Integer.toHexString(bits),
                    at);
        return bits;
    }

    private static BufferUsage bufferUsage(PostcardReader r) {
        return new BufferUsage(flags(r, "BufferUsage", BufferUsage.ALL));
    }

    private static TextureUsage textureUsage(PostcardReader r) {
        return new TextureUsage(flags(r, "TextureUsage", TextureUsage.ALL));
    }

    private static ShaderStage shaderStage(PostcardReader r) {
        return new ShaderStage(flags(r, "ShaderStage", ShaderStage.ALL));
    }

    private static ColorWrites colorWrites(PostcardReader r) {
        return new ColorWrites(flags(r, "ColorWrites", ColorWrites.ALL));
    }

    // ------------------------------------------------------------------------------------------------ encoding

    /** The bytes of {@code c} alone (no HostCall discriminant). */
    public static byte[] encode(GpuCall c) {
        var w = new PostcardWriter(64);
        write(w, c);
        return w.toByteArray();
    }

    /** {@code HostCall::Gpu(c)} as a guest sends it: the discriminant 6, then the call (tests, tools). */
    public static byte[] encodeHostCall(GpuCall c) {
        var w = new PostcardWriter(64);
        w.writeU8(HOST_CALL_TAG);
        write(w, c);
        return w.toByteArray();
    }

    public static void write(PostcardWriter w, GpuCall c) {
        w.writeVarU32(tag(c));
        switch (c) {
            case GpuCall.CreateBuffer x -> {
                w.writeVarU64(x.size());
                u32(w, x.usage().bits());
                w.writeBool(x.mappedAtCreation());
            }
            case GpuCall.WriteBuffer x -> {
                u32(w, x.buffer());
                w.writeVarU64(x.offset());
                bytes(w, x.data());
            }
            case GpuCall.CreateTexture x -> {
                u32s(w, x.width(), x.height(), x.depth(), x.mipLevels(), x.sampleCount());
                tag(w, x.dimension());
                tag(w, x.format());
                u32(w, x.usage().bits());
            }
            case GpuCall.WriteTexture x -> {
                u32(w, x.texture());
                bytes(w, x.data());
                u32s(w, x.bytesPerRow(), x.rowsPerImage(), x.width(), x.height(), x.depth());
            }
            case GpuCall.CreateTextureView x -> {
                u32(w, x.texture());
                option(w, x.format(), GpuCodec::tag);
                option(w, x.dimension(), GpuCodec::tag);
                u32(w, x.baseMipLevel());
                option(w, x.mipLevelCount());
                u32(w, x.baseArrayLayer());
                option(w, x.arrayLayerCount());
            }
            case GpuCall.CreateSampler x -> {
                tag(w, x.magFilter());
                tag(w, x.minFilter());
                tag(w, x.addressMode());
            }
            case GpuCall.CreateShaderModule x -> w.writeString(x.wgslSource());
            case GpuCall.CreateBindGroupLayout x -> vec(w, x.entries(), GpuCodec::writeLayoutEntry);
            case GpuCall.CreateBindGroup x -> {
                u32(w, x.layout());
                vec(w, x.entries(), GpuCodec::writeGroupEntry);
            }
            case GpuCall.CreatePipelineLayout x -> vec(w, x.bindGroupLayouts(), (ww, id) -> u32(ww, id));
            case GpuCall.CreateRenderPipeline x -> writeRenderPipeline(w, x);
            case GpuCall.CreateComputePipeline x -> {
                u32s(w, x.layout(), x.module());
                w.writeString(x.entryPoint());
            }
            case GpuCall.BeginRenderPass x -> {
                u32(w, x.encoder());
                vec(w, x.colorAttachments(), GpuCodec::writeColorAttachment);
                option(w, x.depthStencil(), (ww, d) -> {
                    u32(ww, d.view());
                    tag(ww, d.depthLoad());
                    tag(ww, d.depthStore());
                    ww.writeF32(d.depthClear());
                });
            }
            default -> writeCommand(w, c);
        }
    }

    /** The calls made of ids, counts and offsets only. */
    private static void writeCommand(PostcardWriter w, GpuCall c) {
        switch (c) {
            case GpuCall.DestroyBuffer x -> u32(w, x.id());
            case GpuCall.DestroyTexture x -> u32(w, x.id());
            case GpuCall.DestroyTextureView x -> u32(w, x.id());
            case GpuCall.DestroySampler x -> u32(w, x.id());
            case GpuCall.DestroyShaderModule x -> u32(w, x.id());
            case GpuCall.DestroyBindGroupLayout x -> u32(w, x.id());
            case GpuCall.DestroyBindGroup x -> u32(w, x.id());
            case GpuCall.DestroyPipelineLayout x -> u32(w, x.id());
            case GpuCall.DestroyRenderPipeline x -> u32(w, x.id());
            case GpuCall.DestroyComputePipeline x -> u32(w, x.id());
            case GpuCall.Submit x -> u32(w, x.encoder());
            case GpuCall.EndRenderPass x -> u32(w, x.pass());
            case GpuCall.SetRenderPipeline x -> u32s(w, x.pass(), x.pipeline());
            case GpuCall.SetBindGroup x -> u32s(w, x.pass(), x.index(), x.bindGroup());
            case GpuCall.SetVertexBuffer x -> {
                u32s(w, x.pass(), x.slot(), x.buffer());
                w.writeVarU64(x.offset());
                option(w, x.size());
            }
            case GpuCall.SetIndexBuffer x -> {
                u32s(w, x.pass(), x.buffer());
                tag(w, x.indexFormat());
                w.writeVarU64(x.offset());
                option(w, x.size());
            }
            case GpuCall.Draw x -> u32s(w, x.pass(), x.vertices(), x.instances(), x.firstVertex(), x.firstInstance());
            case GpuCall.DrawIndexed x -> {
                u32s(w, x.pass(), x.indices(), x.instances(), x.firstIndex());
                w.writeI32(x.baseVertex());
                u32(w, x.firstInstance());
            }
            case GpuCall.BeginComputePass x -> u32(w, x.encoder());
            case GpuCall.EndComputePass x -> u32(w, x.pass());
            case GpuCall.SetComputePipeline x -> u32s(w, x.pass(), x.pipeline());
            case GpuCall.Dispatch x -> u32s(w, x.pass(), x.x(), x.y(), x.z());
            case GpuCall.CopyBufferToBuffer x -> {
                u32s(w, x.encoder(), x.src());
                w.writeVarU64(x.srcOffset());
                u32(w, x.dst());
                w.writeVarU64(x.dstOffset());
                w.writeVarU64(x.size());
            }
            case GpuCall.CopyBufferToTexture x -> {
                u32s(w, x.encoder(), x.srcBuffer());
                w.writeVarU64(x.srcOffset());
                u32s(w, x.bytesPerRow(), x.rowsPerImage(), x.dstTexture(), x.mipLevel());
                u32s(w, x.origin().x(), x.origin().y(), x.origin().z());
                u32s(w, x.extent().width(), x.extent().height(), x.extent().depth());
            }
            case GpuCall.CopyTextureToBuffer x -> {
                u32s(w, x.encoder(), x.srcTexture(), x.mipLevel());
                u32s(w, x.origin().x(), x.origin().y(), x.origin().z());
                u32(w, x.dstBuffer());
                w.writeVarU64(x.dstOffset());
                u32s(w, x.bytesPerRow(), x.rowsPerImage());
                u32s(w, x.extent().width(), x.extent().height(), x.extent().depth());
            }
            default -> {} // the unit variants: the discriminant is all
        }
    }

    /** The discriminant of {@code c}: its variant's place in upstream's declaration. */
    public static int tag(GpuCall c) {
        return switch (c) {
            case GpuCall.GetSurfaceFormat x -> 0;
            case GpuCall.GetLimits x -> 1;
            case GpuCall.CreateBuffer x -> 2;
            case GpuCall.DestroyBuffer x -> 3;
            case GpuCall.WriteBuffer x -> 4;
            case GpuCall.CreateTexture x -> 5;
            case GpuCall.DestroyTexture x -> 6;
            case GpuCall.DestroyTextureView x -> 7;
            case GpuCall.WriteTexture x -> 8;
            case GpuCall.CreateTextureView x -> 9;
            case GpuCall.CreateSampler x -> 10;
            case GpuCall.DestroySampler x -> 11;
            case GpuCall.CreateShaderModule x -> 12;
            case GpuCall.DestroyShaderModule x -> 13;
            case GpuCall.CreateBindGroupLayout x -> 14;
            case GpuCall.DestroyBindGroupLayout x -> 15;
            case GpuCall.CreateBindGroup x -> 16;
            case GpuCall.DestroyBindGroup x -> 17;
            case GpuCall.CreatePipelineLayout x -> 18;
            case GpuCall.DestroyPipelineLayout x -> 19;
            case GpuCall.CreateRenderPipeline x -> 20;
            case GpuCall.DestroyRenderPipeline x -> 21;
            case GpuCall.CreateComputePipeline x -> 22;
            case GpuCall.DestroyComputePipeline x -> 23;
            case GpuCall.CreateCommandEncoder x -> 24;
            case GpuCall.Submit x -> 25;
            case GpuCall.BeginRenderPass x -> 26;
            case GpuCall.EndRenderPass x -> 27;
            case GpuCall.SetRenderPipeline x -> 28;
            case GpuCall.SetBindGroup x -> 29;
            case GpuCall.SetVertexBuffer x -> 30;
            case GpuCall.SetIndexBuffer x -> 31;
            case GpuCall.Draw x -> 32;
            case GpuCall.DrawIndexed x -> 33;
            case GpuCall.BeginComputePass x -> 34;
            case GpuCall.EndComputePass x -> 35;
            case GpuCall.SetComputePipeline x -> 36;
            case GpuCall.Dispatch x -> 37;
            case GpuCall.CopyBufferToBuffer x -> 38;
            case GpuCall.CopyBufferToTexture x -> 39;
            case GpuCall.CopyTextureToBuffer x -> 40;
            case GpuCall.GetCurrentSurfaceTexture x -> 41;
            case GpuCall.GetSurfaceSize x -> 42;
            case GpuCall.Present x -> 43;
            case GpuCall.BeginFrame x -> 44;
            case GpuCall.RequestRedraw x -> 45;
        };
    }

    private static void writeRenderPipeline(PostcardWriter w, GpuCall.CreateRenderPipeline x) {
        option(w, x.label(), PostcardWriter::writeString);
        u32(w, x.layout());
        u32(w, x.vertex().module());
        w.writeString(x.vertex().entryPoint());
        vec(w, x.vertex().buffers(), (ww, b) -> {
            ww.writeVarU64(b.arrayStride());
            tag(ww, b.stepMode());
            vec(ww, b.attributes(), (w3, a) -> {
                tag(w3, a.format());
                w3.writeVarU64(a.offset());
                u32(w3, a.shaderLocation());
            });
        });
        option(w, x.fragment(), (ww, f) -> {
            u32(ww, f.module());
            ww.writeString(f.entryPoint());
            vec(ww, f.targets(), GpuCodec::writeColorTarget);
        });
        var p = x.primitive();
        tag(w, p.topology());
        option(w, p.cullMode(), GpuCodec::tag);
        tag(w, p.frontFace());
        option(w, x.depthStencil(), GpuCodec::writeDepthStencil);
        u32(w, x.multisample().count());
        w.writeVarU64(x.multisample().mask());
        w.writeBool(x.multisample().alphaToCoverageEnabled());
        option(w, x.multiview());
    }

    private static void writeColorTarget(PostcardWriter w, ColorTargetState t) {
        tag(w, t.format());
        option(w, t.blend(), (ww, b) -> {
            writeBlendComponent(ww, b.color());
            writeBlendComponent(ww, b.alpha());
        });
        u32(w, t.writeMask().bits());
    }

    private static void writeBlendComponent(PostcardWriter w, BlendComponent c) {
        tag(w, c.srcFactor());
        tag(w, c.dstFactor());
        tag(w, c.operation());
    }

    private static void writeDepthStencil(PostcardWriter w, DepthStencilState d) {
        tag(w, d.format());
        w.writeBool(d.depthWriteEnabled());
        tag(w, d.depthCompare());
        writeStencilFace(w, d.stencil().front());
        writeStencilFace(w, d.stencil().back());
        u32s(w, d.stencil().readMask(), d.stencil().writeMask());
        w.writeI32(d.bias().constant());
        w.writeF32(d.bias().slopeScale());
        w.writeF32(d.bias().clamp());
    }

    private static void writeStencilFace(PostcardWriter w, StencilFaceState s) {
        tag(w, s.compare());
        tag(w, s.failOp());
        tag(w, s.depthFailOp());
        tag(w, s.passOp());
    }

    private static void writeLayoutEntry(PostcardWriter w, BindGroupLayoutEntry e) {
        u32(w, e.binding());
        u32(w, e.visibility().bits());
        switch (e.type()) {
            case BindingType.UniformBuffer t -> w.writeU8(0);
            case BindingType.StorageBuffer t -> {
                w.writeU8(1);
                w.writeBool(t.readOnly());
            }
            case BindingType.Sampler t -> {
                w.writeU8(2);
                w.writeBool(t.comparison());
            }
            case BindingType.Texture t -> {
                w.writeU8(3);
                switch (t.sampleType()) {
                    case TextureSampleType.Float f -> {
                        w.writeU8(0);
                        w.writeBool(f.filterable());
                    }
                    case TextureSampleType.Depth d -> w.writeU8(1);
                    case TextureSampleType.Sint s -> w.writeU8(2);
                    case TextureSampleType.Uint u -> w.writeU8(3);
                }
                tag(w, t.viewDimension());
                w.writeBool(t.multisampled());
            }
            case BindingType.StorageTexture t -> {
                w.writeU8(4);
                tag(w, t.format());
            }
        }
    }

    private static void writeGroupEntry(PostcardWriter w, BindGroupEntry e) {
        u32(w, e.binding());
        switch (e.resource()) {
            case BindingResource.Buffer b -> {
                w.writeU8(0);
                u32(w, b.buffer());
                w.writeVarU64(b.offset());
                option(w, b.size());
            }
            case BindingResource.TextureView v -> {
                w.writeU8(1);
                u32(w, v.view());
            }
            case BindingResource.Sampler s -> {
                w.writeU8(2);
                u32(w, s.sampler());
            }
        }
    }

    private static void writeColorAttachment(PostcardWriter w, RenderPassColorAttachment a) {
        u32(w, a.view());
        option(w, a.resolveTarget());
        tag(w, a.load());
        tag(w, a.store());
        w.writeF32(a.clearColor().r());
        w.writeF32(a.clearColor().g());
        w.writeF32(a.clearColor().b());
        w.writeF32(a.clearColor().a());
    }

    private static void u32(PostcardWriter w, int bits) {
        w.writeVarU32(Integer.toUnsignedLong(bits));
    }

    private static void u32s(PostcardWriter w, int... values) {
        for (int v : values) u32(w, v);
    }

    private static void tag(PostcardWriter w, Enum<?> e) {
        w.writeVarU32(e.ordinal());
    }

    private static void bytes(PostcardWriter w, byte[] b) {
        w.writeVarUsize(b.length);
        w.writeRaw(b);
    }

    private static <T> void vec(PostcardWriter w, List<T> items, BiConsumer<PostcardWriter, T> element) {
        w.writeVarUsize(items.size());
        for (T t : items) element.accept(w, t);
    }

    private static <T> void option(PostcardWriter w, Optional<T> v, BiConsumer<PostcardWriter, T> value) {
        w.writeBool(v.isPresent());
        v.ifPresent(x -> value.accept(w, x));
    }

    private static void option(PostcardWriter w, OptionalInt v) {
        w.writeBool(v.isPresent());
        if (v.isPresent()) u32(w, v.getAsInt());
    }

    private static void option(PostcardWriter w, OptionalLong v) {
        w.writeBool(v.isPresent());
        if (v.isPresent()) w.writeVarU64(v.getAsLong());
    }

    // ------------------------------------------------------------------------------------------------ responses

    private static final byte[] NONE = {0};

    /** {@code GpuResponse::None}. */
    public static byte[] none() {
        return NONE.clone();
    }

    /** {@code GpuResponse::I64(value)} (an id, zigzag). */
    public static byte[] i64(long value) {
        return encodeResponse(new GpuResponse.I64(value));
    }

    public static byte[] textureFormat(TextureFormat f) {
        return encodeResponse(new GpuResponse.Format(f));
    }

    /** {@code GpuResponse::Extent2d{width, height}} (u32s). */
    public static byte[] extent2d(int width, int height) {
        return encodeResponse(new GpuResponse.Extent2d(width, height));
    }

    /** {@code GpuResponse::Err(message)}. */
    public static byte[] err(String message) {
        return encodeResponse(new GpuResponse.Err(message));
    }

    public static byte[] encodeResponse(GpuResponse g) {
        var w = new PostcardWriter(16);
        switch (g) {
            case GpuResponse.None x -> w.writeU8(0);
            case GpuResponse.I64 x -> {
                w.writeU8(1);
                w.writeI64(x.value());
            }
            case GpuResponse.Format x -> {
                w.writeU8(2);
                tag(w, x.format());
            }
            case GpuResponse.Extent2d x -> {
                w.writeU8(3);
                u32s(w, x.width(), x.height());
            }
            case GpuResponse.Err x -> {
                w.writeU8(4);
                w.writeString(x.message());
            }
        }
        return w.toByteArray();
    }

    /** A whole {@code GpuResponse} (what a guest reads back; tests). */
    public static GpuResponse decodeResponse(byte[] b) {
        var r = new PostcardReader(b);
        GpuResponse g = switch (Abi.readTag(r, "GpuResponse", 4)) {
            case 0 -> new GpuResponse.None();
            case 1 -> new GpuResponse.I64(r.readI64());
            case 2 -> new GpuResponse.Format(pick(r, FORMATS, "TextureFormat"));
            case 3 -> new GpuResponse.Extent2d(u32(r), u32(r));
            default -> new GpuResponse.Err(r.readString());
        };
        r.expectEnd();
        return g;
    }
}
