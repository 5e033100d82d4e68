package dev.interstice.webgpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dawn through the binding: a real pipeline renders a triangle offscreen and the pixels read back are right. */
class OffscreenRenderTest {
    private static final String WGSL = """
            @vertex fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {
              var p = array(vec2f(0.0, 0.5), vec2f(-0.5, -0.5), vec2f(0.5, -0.5));
              return vec4f(p[i], 0.0, 1.0);
            }
            @fragment fn fs() -> @location(0) vec4f { return vec4f(1.0, 0.0, 0.0, 1.0); }
            """;
    private static final int RGBA8_UNORM = 18;
    private static GpuDevice gpu;
    private static GpuThread thread;

    @BeforeAll
    static void open() {
        assumeTrue(System.getenv("DISPLAY") != null, "no DISPLAY: WebGPU tests run under Xvfb (scripts/test.sh)");
        thread = new GpuThread();
        gpu = thread.call(GpuDevice::offscreen);
    }

    @AfterAll
    static void close() {
        if (gpu != null) thread.run(gpu::close);
        if (thread != null) thread.close();
    }

    /**
     * The node calls the Gpu from whichever thread holds its execution lock; the GPU thread keeps Dawn on one (its
     * OpenGL backend loses the device when called from another).
     */
    @Test
    void rendersFromSeveralThreadsThroughTheGpuThread() throws Exception {
        for (int i = 0; i < 3; i++) {
            var t = new Thread(this::rendersATriangleOverTheClearColour);
            var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
            t.setUncaughtExceptionHandler((th, e) -> failure.set(e));
            t.start();
            t.join();
            assertThat(failure.get()).isNull();
        }
    }

    @Test
    void rendersATriangleOverTheClearColour() {
        thread.run(OffscreenRenderTest::renderTriangle);
    }

    private static void renderTriangle() {
        Wgpu w = gpu.wgpu();
        try (Arena a = Arena.ofConfined()) {
            var texture = w.createTexture(gpu.device(), texture64(a));
            var view = w.createView(texture, MemorySegment.NULL);
            var shader = shader(a, WGSL);
            var pipeline = w.createRenderPipeline(gpu.device(), pipeline(a, shader));
            var enc = w.createCommandEncoder(gpu.device());
            var attachments = Structs.RENDER_PASS_COLOR_ATTACHMENT.allocate(a, 1);
            var att = Structs.RENDER_PASS_COLOR_ATTACHMENT
                    .write(a, attachments, 0)
                    .ptr(null)
                    .ptr(view)
                    .u32(-1)
                    .ptr(null)
                    .u32(2)
                    .u32(1);
            att.nested().f64(0).f64(0).f64(1).f64(1);
            var pass = w.beginRenderPass(
                    enc,
                    Structs.RENDER_PASS_DESCRIPTOR
                            .write(a)
                            .ptr(null)
                            .sv(null)
                            .u64(1)
                            .ptr(attachments)
                            .segment());
            w.setRenderPipeline(pass, pipeline);
            w.draw(pass, 3, 1, 0, 0);
            w.endRenderPass(pass);
            w.release("RenderPassEncoder", pass);
            gpu.submit(enc);
            byte[] px = gpu.readTexture(texture, 64, 64);
            assertThat(gpu.takeError()).isNull();
            assertThat(rgba(px, 64, 32, 32)).isEqualTo(0xff0000ff); // red triangle in the middle
            assertThat(rgba(px, 64, 1, 1)).isEqualTo(0x0000ffff); // blue clear colour in the corner
        }
    }

    @Test
    void aShaderThatDoesNotCompileIsReportedAndTheDeviceGoesOn() {
        thread.run(OffscreenRenderTest::badShader);
    }

    private static void badShader() {
        try (Arena a = Arena.ofConfined()) {
            gpu.takeError();
            shader(a, "fn broken( {");
            assertThat(gpu.takeError()).contains("WGSL");
            shader(a, WGSL);
            assertThat(gpu.takeError()).isNull();
        }
    }

    private static MemorySegment texture64(Arena a) {
        var d = Structs.TEXTURE_DESCRIPTOR.write(a).ptr(null).sv(null).u64(0x11).u32(2);
        d.nested().u32(64).u32(64).u32(1);
        d.u32(RGBA8_UNORM).u32(1).u32(1);
        return d.segment();
    }

    private static MemorySegment shader(Arena a, String wgsl) {
        var src = Structs.SHADER_SOURCE_WGSL.write(a);
        src.nested().ptr(null).u32(2);
        src.sv(wgsl);
        var d = Structs.SHADER_MODULE_DESCRIPTOR.write(a).ptr(src.segment()).sv(null);
        return gpu.wgpu().createShaderModule(gpu.device(), d.segment());
    }

    private static MemorySegment pipeline(Arena a, MemorySegment shader) {
        var target = Structs.COLOR_TARGET_STATE
                .write(a)
                .ptr(null)
                .u32(RGBA8_UNORM)
                .ptr(null)
                .u64(0xF);
        var fragment = Structs.FRAGMENT_STATE
                .write(a)
                .ptr(null)
                .ptr(shader)
                .sv("fs")
                .u64(0)
                .ptr(null)
                .u64(1)
                .ptr(target.segment());
        var d = Structs.RENDER_PIPELINE_DESCRIPTOR.write(a).ptr(null).sv(null).ptr(null);
        d.nested().ptr(null).ptr(shader).sv("vs").u64(0).ptr(null).u64(0).ptr(null);
        d.nested().ptr(null).u32(4).u32(0).u32(1).u32(1);
        d.ptr(null);
        d.nested().ptr(null).u32(1).u32(-1).u32(0);
        d.ptr(fragment.segment());
        return d.segment();
    }

    private static int rgba(byte[] px, int width, int x, int y) {
        int i = (y * width + x) * 4;
        return (px[i] & 0xff) << 24 | (px[i + 1] & 0xff) << 16 | (px[i + 2] & 0xff) << 8 | (px[i + 3] & 0xff);
    }
}
