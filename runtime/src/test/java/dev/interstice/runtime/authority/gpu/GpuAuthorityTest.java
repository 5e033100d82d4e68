package dev.interstice.runtime.authority.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.interstice.abi.codec.GpuCodec;
import dev.interstice.abi.host.gpu.BufferUsage;
import dev.interstice.abi.host.gpu.Color;
import dev.interstice.abi.host.gpu.ColorTargetState;
import dev.interstice.abi.host.gpu.ColorWrites;
import dev.interstice.abi.host.gpu.FragmentState;
import dev.interstice.abi.host.gpu.FrontFace;
import dev.interstice.abi.host.gpu.GpuCall;
import dev.interstice.abi.host.gpu.GpuResponse;
import dev.interstice.abi.host.gpu.LoadOp;
import dev.interstice.abi.host.gpu.MultisampleState;
import dev.interstice.abi.host.gpu.PrimitiveState;
import dev.interstice.abi.host.gpu.PrimitiveTopology;
import dev.interstice.abi.host.gpu.RenderPassColorAttachment;
import dev.interstice.abi.host.gpu.StoreOp;
import dev.interstice.abi.host.gpu.VertexState;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Gpu authority on a real device (Dawn, offscreen frames): upstream's graphics example's call sequence draws its
 * triangle, and misuse (unknown ids, a shader that does not compile, a write outside a buffer, a module released
 * mid-frame) answers Err while the device goes on.
 */
class GpuAuthorityTest {
    static final String TRIANGLE = """
            @vertex fn vs_main(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {
              var p = array(vec2f(0.0, 0.6), vec2f(-0.6, -0.6), vec2f(0.6, -0.6));
              return vec4f(p[i], 0.0, 1.0);
            }
            @fragment fn fs_main() -> @location(0) vec4f { return vec4f(1.0, 0.5, 0.0, 1.0); }
            """;
    private static final Color CLEAR = new Color(0.0f, 0.0f, 1.0f, 1.0f);
    private GpuAuthority gpu;

    @BeforeEach
    void open() {
        assumeTrue(System.getenv("DISPLAY") != null, "no DISPLAY: GPU tests run under Xvfb (scripts/test.sh)");
        gpu = GpuAuthority.offscreen(new GpuAuthority.Size(96, 64));
    }

    @AfterEach
    void close() {
        if (gpu != null) gpu.close();
    }

    private GpuResponse call(String module, GpuCall c) {
        return GpuCodec.decodeResponse(gpu.call(module, c));
    }

    private int id(String module, GpuCall c) {
        GpuResponse r = call(module, c);
        assertThat(r).as("%s", c).isInstanceOf(GpuResponse.I64.class);
        return (int) ((GpuResponse.I64) r).value();
    }

    private void ok(String module, GpuCall c) {
        assertThat(call(module, c)).as("%s", c).isEqualTo(new GpuResponse.None());
    }

    /** Upstream's graphics example, call for call: a pipeline at start, then one frame. */
    private int pipeline(String m) {
        int shader = id(m, new GpuCall.CreateShaderModule(TRIANGLE));
        int layout = id(m, new GpuCall.CreatePipelineLayout(List.of()));
        var format = (GpuResponse.Format) call(m, new GpuCall.GetSurfaceFormat());
        return id(
                m,
                new GpuCall.CreateRenderPipeline(
                        Optional.of("triangle"),
                        layout,
                        new VertexState(shader, "vs_main", List.of()),
                        Optional.of(new FragmentState(
                                shader,
                                "fs_main",
                                List.of(new ColorTargetState(
                                        format.format(), Optional.empty(), ColorWrites.of(ColorWrites.ALL))))),
                        new PrimitiveState(PrimitiveTopology.TRIANGLE_LIST, Optional.empty(), FrontFace.CCW),
                        Optional.empty(),
                        new MultisampleState(1, -1L, false),
                        OptionalInt.empty()));
    }

    private void frame(String m, int pipeline) {
        ok(m, new GpuCall.BeginFrame());
        int texture = id(m, new GpuCall.GetCurrentSurfaceTexture());
        int view = id(
                m,
                new GpuCall.CreateTextureView(
                        texture, Optional.empty(), Optional.empty(), 0, OptionalInt.empty(), 0, OptionalInt.empty()));
        int encoder = id(m, new GpuCall.CreateCommandEncoder());
        int pass = id(
                m,
                new GpuCall.BeginRenderPass(
                        encoder,
                        List.of(new RenderPassColorAttachment(
                                view, OptionalInt.empty(), LoadOp.CLEAR, StoreOp.STORE, CLEAR)),
                        Optional.empty()));
        ok(m, new GpuCall.SetRenderPipeline(pass, pipeline));
        ok(m, new GpuCall.Draw(pass, 3, 1, 0, 0));
        ok(m, new GpuCall.EndRenderPass(pass));
        ok(m, new GpuCall.Submit(encoder));
        ok(m, new GpuCall.Present());
        ok(m, new GpuCall.DestroyTextureView(view));
    }

    @Test
    void drawsUpstreamsTriangleOverTheClearColour() throws Exception {
        int pipeline = pipeline("graphics");
        var captured = gpu.captureNextFrame();
        frame("graphics", pipeline);
        GpuAuthority.Frame f = captured.get(10, TimeUnit.SECONDS);
        assertThat(f.width()).isEqualTo(96);
        assertThat(f.height()).isEqualTo(64);
        assertThat(pixel(f, 48, 32)).isEqualTo(0xff8000ff); // orange triangle in the middle
        assertThat(pixel(f, 2, 2)).isEqualTo(0x0000ffff); // blue clear colour in the corner
        assertThat(call("graphics", new GpuCall.GetSurfaceSize())).isEqualTo(new GpuResponse.Extent2d(96, 64));
        assertThat(gpu.framesPresented()).isEqualTo(1);
    }

    @Test
    void aResizedFrameHasTheNewSize() throws Exception {
        int pipeline = pipeline("graphics");
        frame("graphics", pipeline);
        gpu.resizeOffscreen(new GpuAuthority.Size(40, 30));
        var captured = gpu.captureNextFrame();
        frame("graphics", pipeline);
        var f = captured.get(10, TimeUnit.SECONDS);
        assertThat(f.width()).isEqualTo(40);
        assertThat(f.height()).isEqualTo(30);
        assertThat(pixel(f, 20, 15)).isEqualTo(0xff8000ff);
    }

    @Test
    void misuseIsAnErrAndTheDeviceGoesOn() throws Exception {
        String m = "graphics";
        assertThat(call(m, new GpuCall.DestroyBuffer(12345))).isEqualTo(new GpuResponse.Err("no buffer with id 12345"));
        int shaderless = id(m, new GpuCall.CreatePipelineLayout(List.of()));
        assertThat(call(m, new GpuCall.DestroyBuffer(shaderless)))
                .isEqualTo(new GpuResponse.Err("id " + shaderless + " is a pipeline layout, not a buffer"));
        assertThat(call(m, new GpuCall.CreateShaderModule("fn broken( {")))
                .isInstanceOfSatisfying(
                        GpuResponse.Err.class, e -> assertThat(e.message()).contains("WGSL"));
        int buffer = id(m, new GpuCall.CreateBuffer(16, BufferUsage.of(BufferUsage.COPY_DST), false));
        assertThat(call(m, new GpuCall.WriteBuffer(buffer, 8, new byte[16])))
                .isInstanceOfSatisfying(
                        GpuResponse.Err.class, e -> assertThat(e.message()).contains("outside the buffer"));
        assertThat(call(m, new GpuCall.Present())).isEqualTo(new GpuResponse.Err("no frame begun: call BeginFrame"));
        // and a whole frame still draws
        int pipeline = pipeline(m);
        var captured = gpu.captureNextFrame();
        frame(m, pipeline);
        assertThat(pixel(captured.get(10, TimeUnit.SECONDS), 48, 32)).isEqualTo(0xff8000ff);
    }

    @Test
    void aModuleReleasedMidFrameLosesItsObjectsAndOthersGoOn() throws Exception {
        int pipeline = pipeline("a");
        ok("a", new GpuCall.BeginFrame());
        id("a", new GpuCall.CreateCommandEncoder());
        assertThat(gpu.objects("a")).isGreaterThan(3);
        gpu.release("a");
        assertThat(gpu.objects("a")).isZero();
        assertThat(call("a", new GpuCall.SetRenderPipeline(0, pipeline))).isInstanceOf(GpuResponse.Err.class);
        int other = pipeline("b");
        var captured = gpu.captureNextFrame();
        frame("b", other);
        assertThat(pixel(captured.get(10, TimeUnit.SECONDS), 48, 32)).isEqualTo(0xff8000ff);
    }

    @Test
    void aShaderSourceOverTheLimitIsRefusedBeforeTheCompilerSeesIt() {
        String huge = "//" + "x".repeat(GpuAuthority.MAX_SHADER_SOURCE);
        assertThat(call("a", new GpuCall.CreateShaderModule(huge)))
                .isEqualTo(new GpuResponse.Err(
                        "shader source longer than " + GpuAuthority.MAX_SHADER_SOURCE + " characters"));
        assertThat(gpu.objects("a")).isZero();
    }

    @Test
    void onlyTheModuleThatBeganTheFrameNamesItsTexture() {
        ok("a", new GpuCall.BeginFrame());
        assertThat(call("b", new GpuCall.GetCurrentSurfaceTexture()))
                .isEqualTo(new GpuResponse.Err("no frame begun: call BeginFrame"));
    }

    static int pixel(GpuAuthority.Frame f, int x, int y) {
        int i = (y * f.width() + x) * 4;
        byte[] p = f.rgba();
        return (p[i] & 0xff) << 24 | (p[i + 1] & 0xff) << 16 | (p[i + 2] & 0xff) << 8 | (p[i + 3] & 0xff);
    }
}
