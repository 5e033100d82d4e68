package dev.interstice.abi.codec;

import static dev.interstice.abi.codec.Hex.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interstice.abi.host.HostCall;
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
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Upstream's GpuCall and GpuResponse bytes (ABI 6): golden vectors shared with the SDK, every variant, bad input. */
class GpuCodecTest {

    /** A render pipeline with every Option present, blending, depth-stencil and a u64::MAX sample mask. */
    static final GpuCall.CreateRenderPipeline PIPELINE = new GpuCall.CreateRenderPipeline(
            Optional.of("tri"),
            6,
            new VertexState(
                    2,
                    "vs",
                    List.of(new VertexBufferLayout(
                            20,
                            VertexStepMode.VERTEX,
                            List.of(
                                    new VertexAttribute(VertexFormat.FLOAT32X2, 0, 0),
                                    new VertexAttribute(VertexFormat.FLOAT32X3, 8, 1))))),
            Optional.of(new FragmentState(
                    2,
                    "fs",
                    List.of(new ColorTargetState(
                            TextureFormat.BGRA8_UNORM,
                            Optional.of(new BlendState(
                                    new BlendComponent(
                                            BlendFactor.SRC_ALPHA, BlendFactor.ONE_MINUS_SRC_ALPHA, BlendOperation.ADD),
                                    new BlendComponent(BlendFactor.ONE, BlendFactor.ZERO, BlendOperation.ADD))),
                            new ColorWrites(ColorWrites.ALL))))),
            new PrimitiveState(PrimitiveTopology.TRIANGLE_LIST, Optional.of(CullMode.BACK), FrontFace.CCW),
            Optional.of(new DepthStencilState(
                    TextureFormat.DEPTH32_FLOAT,
                    true,
                    CompareFunction.LESS,
                    new StencilState(keep(), keep(), 0xFF, 0xFF),
                    new DepthBiasState(-2, 0.5f, 0f))),
            new MultisampleState(1, -1L, false),
            OptionalInt.empty());

    private static StencilFaceState keep() {
        return new StencilFaceState(
                CompareFunction.ALWAYS, StencilOperation.KEEP, StencilOperation.KEEP, StencilOperation.KEEP);
    }

    /** The calls of testdata/golden/gpu.json by name. */
    static Map<String, GpuCall> goldenCalls() {
        var m = new LinkedHashMap<String, GpuCall>();
        m.put("get_surface_format", new GpuCall.GetSurfaceFormat());
        m.put(
                "create_buffer",
                new GpuCall.CreateBuffer(256, BufferUsage.of(BufferUsage.COPY_DST, BufferUsage.VERTEX), false));
        m.put("write_buffer", new GpuCall.WriteBuffer(3, 4, new byte[] {1, 2, 3}));
        m.put(
                "create_texture",
                new GpuCall.CreateTexture(
                        1600,
                        896,
                        1,
                        1,
                        4,
                        TextureDimension.D2,
                        TextureFormat.DEPTH32_FLOAT,
                        TextureUsage.of(TextureUsage.COPY_SRC, TextureUsage.RENDER_ATTACHMENT)));
        m.put(
                "create_texture_view",
                new GpuCall.CreateTextureView(
                        1,
                        Optional.of(TextureFormat.BGRA8_UNORM),
                        Optional.empty(),
                        0,
                        OptionalInt.of(1),
                        0,
                        OptionalInt.empty()));
        m.put("create_sampler", new GpuCall.CreateSampler(FilterMode.LINEAR, FilterMode.NEAREST, AddressMode.REPEAT));
        m.put("create_shader_module", new GpuCall.CreateShaderModule("ab"));
        m.put(
                "create_bind_group_layout",
                new GpuCall.CreateBindGroupLayout(List.of(
                        new BindGroupLayoutEntry(
                                0,
                                ShaderStage.of(ShaderStage.VERTEX, ShaderStage.FRAGMENT),
                                new BindingType.UniformBuffer()),
                        new BindGroupLayoutEntry(
                                1,
                                new ShaderStage(ShaderStage.FRAGMENT),
                                new BindingType.Texture(
                                        new TextureSampleType.Float(true), TextureViewDimension.D2, false)),
                        new BindGroupLayoutEntry(
                                2, new ShaderStage(ShaderStage.FRAGMENT), new BindingType.Sampler(false)))));
        m.put(
                "create_bind_group",
                new GpuCall.CreateBindGroup(
                        5,
                        List.of(
                                new BindGroupEntry(0, new BindingResource.Buffer(7, 0, OptionalLong.of(64))),
                                new BindGroupEntry(1, new BindingResource.TextureView(8)),
                                new BindGroupEntry(2, new BindingResource.Sampler(9)))));
        m.put("create_pipeline_layout", new GpuCall.CreatePipelineLayout(List.of(5, 300)));
        m.put("create_render_pipeline", PIPELINE);
        m.put("create_compute_pipeline", new GpuCall.CreateComputePipeline(6, 2, "main"));
        m.put("create_command_encoder", new GpuCall.CreateCommandEncoder());
        m.put(
                "begin_render_pass",
                new GpuCall.BeginRenderPass(
                        4,
                        List.of(new RenderPassColorAttachment(
                                9, OptionalInt.empty(), LoadOp.CLEAR, StoreOp.STORE, new Color(0, 0, 0, 1))),
                        Optional.of(new RenderPassDepthStencilAttachment(10, LoadOp.CLEAR, StoreOp.DISCARD, 1f))));
        m.put("set_vertex_buffer", new GpuCall.SetVertexBuffer(4, 0, 7, 0, OptionalLong.empty()));
        m.put("set_index_buffer", new GpuCall.SetIndexBuffer(4, 8, IndexFormat.UINT16, 0, OptionalLong.of(12)));
        m.put("draw_indexed", new GpuCall.DrawIndexed(4, 6, 1, 0, -1, 0));
        m.put("dispatch", new GpuCall.Dispatch(1, 8, 8, 1));
        m.put(
                "copy_texture_to_buffer",
                new GpuCall.CopyTextureToBuffer(
                        4, 9, 0, new Origin3d(0, 0, 0), 11, 0, 256, 64, new Extent3d(64, 64, 1)));
        m.put("destroy_buffer", new GpuCall.DestroyBuffer(7));
        m.put("request_redraw", new GpuCall.RequestRedraw());
        return m;
    }

    /** One call of every variant (beyond the golden ones), with extreme values where the wire has a choice. */
    static List<GpuCall> everyVariant() {
        var l = new java.util.ArrayList<>(goldenCalls().values());
        l.addAll(List.of(
                new GpuCall.GetLimits(),
                new GpuCall.CreateBuffer(-1L, new BufferUsage(BufferUsage.ALL), true),
                new GpuCall.DestroyTexture(-1),
                new GpuCall.DestroyTextureView(Integer.MAX_VALUE),
                new GpuCall.WriteTexture(1, new byte[] {9, 8, 7, 6}, 4, 1, 1, 1, 1),
                new GpuCall.DestroySampler(1),
                new GpuCall.DestroyShaderModule(2),
                new GpuCall.DestroyBindGroupLayout(3),
                new GpuCall.DestroyBindGroup(4),
                new GpuCall.DestroyPipelineLayout(5),
                new GpuCall.DestroyRenderPipeline(6),
                new GpuCall.DestroyComputePipeline(7),
                new GpuCall.Submit(8),
                new GpuCall.EndRenderPass(9),
                new GpuCall.SetRenderPipeline(1, 2),
                new GpuCall.SetBindGroup(1, 0, 3),
                new GpuCall.Draw(1, 3, 1, 0, 0),
                new GpuCall.BeginComputePass(4),
                new GpuCall.EndComputePass(4),
                new GpuCall.SetComputePipeline(4, 5),
                new GpuCall.CopyBufferToBuffer(1, 2, 3, 4, Long.MIN_VALUE, 6),
                new GpuCall.CopyBufferToTexture(1, 2, 0, 256, 1, 3, 0, new Origin3d(1, 2, 3), new Extent3d(4, 5, 6)),
                new GpuCall.GetCurrentSurfaceTexture(),
                new GpuCall.GetSurfaceSize(),
                new GpuCall.Present(),
                new GpuCall.BeginFrame(),
                // the other shapes of the nested enums with fields and the empty options
                new GpuCall.CreateBindGroupLayout(List.of(
                        new BindGroupLayoutEntry(
                                0, new ShaderStage(ShaderStage.COMPUTE), new BindingType.StorageBuffer(true)),
                        new BindGroupLayoutEntry(
                                1,
                                new ShaderStage(0),
                                new BindingType.Texture(
                                        new TextureSampleType.Depth(), TextureViewDimension.CUBE_ARRAY, true)),
                        new BindGroupLayoutEntry(
                                2,
                                new ShaderStage(ShaderStage.ALL),
                                new BindingType.Texture(new TextureSampleType.Sint(), TextureViewDimension.D3, false)),
                        new BindGroupLayoutEntry(
                                3,
                                new ShaderStage(1),
                                new BindingType.Texture(new TextureSampleType.Uint(), TextureViewDimension.D1, false)),
                        new BindGroupLayoutEntry(
                                4, new ShaderStage(4), new BindingType.StorageTexture(TextureFormat.RGBA8_UNORM)))),
                new GpuCall.CreateRenderPipeline(
                        Optional.empty(),
                        0,
                        new VertexState(0, "", List.of()),
                        Optional.empty(),
                        new PrimitiveState(PrimitiveTopology.LINE_LIST, Optional.empty(), FrontFace.CW),
                        Optional.empty(),
                        new MultisampleState(4, 0xF, true),
                        OptionalInt.of(2)),
                new GpuCall.BeginRenderPass(
                        1,
                        List.of(new RenderPassColorAttachment(
                                2,
                                OptionalInt.of(3),
                                LoadOp.LOAD,
                                StoreOp.DISCARD,
                                new Color(Float.NaN, -0f, 1e30f, 0.25f))),
                        Optional.empty()),
                new GpuCall.CreateShaderModule(
                        "@vertex fn vs() -> @builtin(position) vec4f { return vec4f(); } // é")));
        return l;
    }

    private static JsonNode golden() throws IOException {
        try (InputStream in = GpuCodecTest.class.getResourceAsStream("/testdata/golden/gpu.json")) {
            assertThat(in).as("testdata/golden/gpu.json on the test classpath").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void goldenCallsAreByteExact() throws IOException {
        var calls = goldenCalls();
        var seen = new HashSet<String>();
        for (JsonNode v : golden().get("calls")) {
            String name = v.get("name").asText();
            GpuCall expected = calls.get(name);
            assertThat(expected).as("a Java call for golden '%s'", name).isNotNull();
            byte[] b = bytes(v.get("hex").asText());
            assertThat(Hex.str(GpuCodec.encode(expected))).as(name).isEqualTo(Hex.str(b));
            assertThat(GpuCodec.decode(b)).as(name).isEqualTo(expected);
            seen.add(name);
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(calls.keySet());
    }

    @Test
    void goldenResponsesAreByteExact() throws IOException {
        var expected = Map.of(
                "none", GpuCodec.none(),
                "i64_5", GpuCodec.i64(5),
                "texture_format_bgra8_unorm_srgb", GpuCodec.textureFormat(TextureFormat.BGRA8_UNORM_SRGB),
                "extent2d_800_600", GpuCodec.extent2d(800, 600),
                "err_x", GpuCodec.err("x"));
        for (JsonNode v : golden().get("responses")) {
            String name = v.get("name").asText();
            assertThat(Hex.str(expected.get(name)))
                    .as(name)
                    .isEqualTo(Hex.str(bytes(v.get("hex").asText())));
        }
        assertThat(GpuCodec.decodeResponse(GpuCodec.extent2d(800, 600))).isEqualTo(new GpuResponse.Extent2d(800, 600));
        assertThat(GpuCodec.decodeResponse(GpuCodec.i64(-1))).isEqualTo(new GpuResponse.I64(-1));
        assertThat(GpuCodec.decodeResponse(GpuCodec.err("no"))).isEqualTo(new GpuResponse.Err("no"));
        // upstream answers ids as I64(id as i64): a u32 id above 2^31 stays positive
        assertThat(Hex.str(GpuCodec.i64(0xFFFF_FFFFL))).isEqualTo("01 FE FF FF FF 1F");
    }

    @Test
    void everyVariantRoundTripsAloneAndAsAHostCall() {
        var tags = new TreeSet<Integer>();
        for (GpuCall c : everyVariant()) {
            byte[] b = GpuCodec.encode(c);
            assertThat(b[0] & 0xFF).as("%s", c).isEqualTo(GpuCodec.tag(c));
            assertThat(GpuCodec.decode(b)).as("%s", c).isEqualTo(c);
            byte[] host = GpuCodec.encodeHostCall(c);
            assertThat(host[0]).isEqualTo((byte) 6);
            assertThat(Abi.decodeHostCall(host, 0, host.length)).isEqualTo(new HostCall.Gpu(c));
            var w = new PostcardWriter();
            Abi.writeHostCall(w, new HostCall.Gpu(c));
            assertThat(w.toByteArray()).isEqualTo(host);
            tags.add(GpuCodec.tag(c));
        }
        assertThat(tags).hasSize(46).first().isEqualTo(0);
        assertThat(tags.last()).isEqualTo(45);
    }

    @Test
    void everyTruncationOfABigCallFailsWithTheCodecsOwnException() {
        for (GpuCall c : List.of(
                PIPELINE, goldenCalls().get("begin_render_pass"), goldenCalls().get("create_bind_group"))) {
            byte[] b = GpuCodec.encodeHostCall(c);
            for (int n = 0; n < b.length; n++) {
                byte[] prefix = java.util.Arrays.copyOf(b, n);
                assertThatThrownBy(() -> Abi.decodeHostCall(prefix, 0, prefix.length))
                        .as("prefix of %d bytes", n)
                        .isExactlyInstanceOf(AbiDecodeException.class);
            }
        }
    }

    @Test
    void trailingUnknownAndMalformedInputIsRefused() {
        assertThatThrownBy(() -> Abi.decodeHostCall(bytes("06 2D 00"), 0, 3))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("trailing");
        assertThatThrownBy(() -> GpuCodec.decode(bytes("2E")))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("a GpuCall discriminant, found unknown discriminant 46");
        // CreateSampler with AddressMode 3
        assertThatThrownBy(() -> GpuCodec.decode(bytes("0A 00 00 03")))
                .hasMessageContaining("AddressMode discriminant, found unknown discriminant 3 at byte offset 3");
        // CreateTextureView: format Some(TextureFormat 6)
        assertThatThrownBy(() -> GpuCodec.decode(bytes("09 01 01 06 00 00 00 00 00")))
                .hasMessageContaining("TextureFormat discriminant");
        // an Option tag 2
        assertThatThrownBy(() -> GpuCodec.decode(bytes("1E 04 00 07 00 02")))
                .hasMessageContaining("an Option tag 0x00 or 0x01, found 0x02 at byte offset 5");
        // BufferUsage with bit 9, which upstream does not name
        assertThatThrownBy(() -> GpuCodec.decode(bytes("02 00 80 04 00")))
                .hasMessageContaining("BufferUsage bits within 0x1ff, found 0x200 at byte offset 2");
        // ColorWrites 0x10 inside a pipeline's target
        byte[] p = GpuCodec.encode(PIPELINE);
        int mask = Hex.str(p).replace(" ", "").indexOf("0F0001") / 2;
        p[mask] = 0x10;
        assertThatThrownBy(() -> GpuCodec.decode(p)).hasMessageContaining("ColorWrites bits within 0xf, found 0x10");
        // a u32 id overflowing 32 bits
        assertThatThrownBy(() -> GpuCodec.decode(bytes("03 FF FF FF FF 1F")))
                .hasMessageContaining("overflowing 32 bits");
        // a bool 2 (CreateBuffer's mapped_at_creation)
        assertThatThrownBy(() -> GpuCodec.decode(bytes("02 00 00 02"))).hasMessageContaining("invalid bool byte 0x02");
        // invalid UTF-8 in a shader
        assertThatThrownBy(() -> GpuCodec.decode(bytes("0C 01 FF"))).hasMessageContaining("valid UTF-8");
    }

    @Test
    void hugeLengthsAreRefusedBeforeAllocating() {
        // WriteBuffer{buffer 1, offset 0, data of 2^32-1 bytes} with 1 byte present
        assertThatThrownBy(() -> GpuCodec.decode(bytes("04 01 00 FF FF FF FF 0F 00")))
                .isInstanceOf(AbiDecodeException.class)
                .hasMessageContaining("length 4294967295 exceeding the 1 remaining byte(s)");
        // CreateBindGroupLayout with 2^62 entries
        assertThatThrownBy(() -> GpuCodec.decode(bytes("0E 80 80 80 80 80 80 80 80 40")))
                .hasMessageContaining("exceeding the 0 remaining byte(s)");
        // a shader of 2^31 bytes
        assertThatThrownBy(() -> GpuCodec.decode(bytes("0C 80 80 80 80 08 61")))
                .hasMessageContaining("length 2147483648 exceeding");
        // a pipeline layout claiming more ids than bytes
        assertThatThrownBy(() -> GpuCodec.decode(bytes("12 05 01 02"))).isInstanceOf(AbiDecodeException.class);
    }

    @Test
    void randomBytesNeverThrowAnythingButTheCodecsException() {
        var rnd = new Random(13);
        byte[] seed = GpuCodec.encode(PIPELINE);
        for (int i = 0; i < 20_000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[rnd.nextInt(40)];
                rnd.nextBytes(b);
            } else { // mutate a valid call: deeper paths
                b = seed.clone();
                for (int k = 0; k < 1 + rnd.nextInt(3); k++) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            try {
                GpuCall c = GpuCodec.decode(b);
                assertThat(GpuCodec.decode(GpuCodec.encode(c))).isEqualTo(c);
            } catch (AbiDecodeException expected) {
                // the only failure bad bytes may cause
            }
        }
    }

    @Test
    void flagSetsRefuseUnnamedBits() {
        assertThatThrownBy(() -> new TextureUsage(0x20)).isInstanceOf(IllegalArgumentException.class);
        assertThat(BufferUsage.of(BufferUsage.MAP_READ, BufferUsage.COPY_DST).has(BufferUsage.COPY_DST))
                .isTrue();
        assertThat(new ColorWrites(ColorWrites.ALL).bits()).isEqualTo(0xF);
    }
}
