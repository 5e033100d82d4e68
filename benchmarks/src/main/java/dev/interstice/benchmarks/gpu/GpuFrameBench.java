package dev.interstice.benchmarks.gpu;

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
import dev.interstice.abi.host.gpu.TextureFormat;
import dev.interstice.abi.host.gpu.VertexAttribute;
import dev.interstice.abi.host.gpu.VertexBufferLayout;
import dev.interstice.abi.host.gpu.VertexFormat;
import dev.interstice.abi.host.gpu.VertexState;
import dev.interstice.abi.host.gpu.VertexStepMode;
import dev.interstice.runtime.authority.gpu.GpuAuthority;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Frame times of the Gpu authority on a real device (Dawn; under Xvfb, Mesa's llvmpipe through Dawn's OpenGL backend),
 * offscreen frames of 800x600, every frame waited for until the GPU has finished it:
 * <ul>
 *   <li>{@code triangle}: upstream's graphics example, call for call (11 Gpu calls a frame);
 *   <li>{@code sprites}: 10,000 moving sprites drawn instanced (one 240 KB instance-buffer write and one draw a
 *       frame);
 *   <li>{@code call}: the host cost of one Gpu call (decode, id checks, hand-off to the GPU thread, answer), for
 *       {@code GetSurfaceSize} and {@code SetRenderPipeline}.
 * </ul>
 *
 * <pre>
 * DISPLAY=:99 java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     dev.interstice.benchmarks.gpu.GpuFrameBench [frames] [sprites]
 * </pre>
 * Defaults: 1000 frames (after 100 of warm-up), 10000 sprites.
 */
public final class GpuFrameBench {
    private static final String M = "bench";
    static final String TRIANGLE = """
            @vertex fn vs_main(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {
              var p = array(vec2f(0.0, 0.6), vec2f(-0.6, -0.6), vec2f(0.6, -0.6));
              return vec4f(p[i], 0.0, 1.0);
            }
            @fragment fn fs_main() -> @location(0) vec4f { return vec4f(1.0, 0.5, 0.0, 1.0); }
            """;
    static final String SPRITES = """
            struct VOut { @builtin(position) pos: vec4f, @location(0) color: vec4f };
            @vertex fn vs_main(@builtin(vertex_index) v: u32, @location(0) center: vec2f,
                               @location(1) color: vec4f) -> VOut {
              var c = array(vec2f(-1.0, -1.0), vec2f(1.0, -1.0), vec2f(-1.0, 1.0),
                            vec2f(-1.0, 1.0), vec2f(1.0, -1.0), vec2f(1.0, 1.0));
              var o: VOut;
              o.pos = vec4f(center + c[v] * vec2f(0.01, 0.0133), 0.0, 1.0);
              o.color = color;
              return o;
            }
            @fragment fn fs_main(i: VOut) -> @location(0) vec4f { return i.color; }
            """;
    private static final int STRIDE = 24; // vec2f centre + vec4f colour

    private final GpuAuthority gpu;

    private GpuFrameBench(GpuAuthority gpu) {
        this.gpu = gpu;
    }

    public static void main(String[] args) {
        int frames = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int sprites = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        try (GpuAuthority gpu = GpuAuthority.offscreen(new GpuAuthority.Size(800, 600))) {
            System.out.printf(Locale.ROOT, "backend: %s, 800x600 offscreen, %d frames%n", gpu.backend(), frames);
            var b = new GpuFrameBench(gpu);
            report("triangle frame", b.triangle(frames));
            report("sprites " + sprites + " frame", b.sprites(frames, sprites));
            b.callCost(200_000);
        }
        handOff(200_000);
    }

    /**
     * The hand-off alone, side by side in this run: an empty task through {@link dev.interstice.webgpu.GpuThread}
     * (spins briefly before parking) and through a single-thread {@code ExecutorService} (parks at once: the first
     * design), with the ratio.
     */
    private static void handOff(int n) {
        double spin = 0;
        double park = 0;
        try (var gpuThread = new dev.interstice.webgpu.GpuThread();
                var executor = java.util.concurrent.Executors.newSingleThreadExecutor()) {
            for (int round = 0; round < 3; round++) { // rounds 0 and 1 warm up, round 2 counts
                long t = System.nanoTime();
                for (int i = 0; i < n; i++) gpuThread.call(() -> 1);
                spin = (System.nanoTime() - t) / 1000.0 / n;
                t = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    try {
                        executor.submit(() -> 1).get();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                park = (System.nanoTime() - t) / 1000.0 / n;
            }
        }
        System.out.printf(
                Locale.ROOT,
                "hand-off of an empty task: GpuThread %.2f us, ExecutorService %.2f us (ratio %.1f)%n",
                spin,
                park,
                park / spin);
    }

    /** One line: a histogram of frame times (recorded in microseconds) as milliseconds and frames per second. */
    static void report(String what, Histogram h) {
        System.out.printf(
                Locale.ROOT,
                "%-22s ms: p50 %.2f  p99 %.2f  max %.2f  (%.0f frames/s at p50)%n",
                what,
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0,
                1e6 / h.getValueAtPercentile(50));
    }

    private long id(GpuCall c) {
        GpuResponse r = GpuCodec.decodeResponse(gpu.call(M, c));
        if (r instanceof GpuResponse.I64 i) return i.value();
        throw new IllegalStateException(c + " answered " + r);
    }

    private void ok(GpuCall c) {
        GpuResponse r = GpuCodec.decodeResponse(gpu.call(M, c));
        if (!(r instanceof GpuResponse.None)) throw new IllegalStateException(c + " answered " + r);
    }

    private int pipeline(String wgsl, List<VertexBufferLayout> buffers) {
        int shader = (int) id(new GpuCall.CreateShaderModule(wgsl));
        int layout = (int) id(new GpuCall.CreatePipelineLayout(List.of()));
        return (int) id(new GpuCall.CreateRenderPipeline(
                Optional.empty(),
                layout,
                new VertexState(shader, "vs_main", buffers),
                Optional.of(new FragmentState(
                        shader,
                        "fs_main",
                        List.of(new ColorTargetState(
                                TextureFormat.RGBA8_UNORM, Optional.empty(), ColorWrites.of(ColorWrites.ALL))))),
                new PrimitiveState(PrimitiveTopology.TRIANGLE_LIST, Optional.empty(), FrontFace.CCW),
                Optional.empty(),
                new MultisampleState(1, -1L, false),
                OptionalInt.empty()));
    }

    /** One frame as upstream's graphics example draws it; {@code draw} records the pass's draw calls. */
    private void frame(int pipeline, java.util.function.IntConsumer draw) {
        ok(new GpuCall.BeginFrame());
        int texture = (int) id(new GpuCall.GetCurrentSurfaceTexture());
        int view = (int) id(new GpuCall.CreateTextureView(
                texture, Optional.empty(), Optional.empty(), 0, OptionalInt.empty(), 0, OptionalInt.empty()));
        int encoder = (int) id(new GpuCall.CreateCommandEncoder());
        int pass = (int) id(new GpuCall.BeginRenderPass(
                encoder,
                List.of(new RenderPassColorAttachment(
                        view, OptionalInt.empty(), LoadOp.CLEAR, StoreOp.STORE, new Color(0, 0, 0.2f, 1))),
                Optional.empty()));
        ok(new GpuCall.SetRenderPipeline(pass, pipeline));
        draw.accept(pass);
        ok(new GpuCall.EndRenderPass(pass));
        ok(new GpuCall.Submit(encoder));
        ok(new GpuCall.Present());
        ok(new GpuCall.DestroyTextureView(view));
    }

    private Histogram triangle(int frames) {
        int pipeline = pipeline(TRIANGLE, List.of());
        var h = new Histogram(10_000_000, 3);
        for (int i = -100; i < frames; i++) {
            long t = System.nanoTime();
            frame(pipeline, pass -> ok(new GpuCall.Draw(pass, 3, 1, 0, 0)));
            gpu.waitIdle();
            if (i >= 0) h.recordValue((System.nanoTime() - t) / 1000);
        }
        return h;
    }

    private Histogram sprites(int frames, int count) {
        var layout = new VertexBufferLayout(
                STRIDE,
                VertexStepMode.INSTANCE,
                List.of(
                        new VertexAttribute(VertexFormat.FLOAT32X2, 0, 0),
                        new VertexAttribute(VertexFormat.FLOAT32X4, 8, 1)));
        int pipeline = pipeline(SPRITES, List.of(layout));
        int buffer = (int) id(new GpuCall.CreateBuffer(
                (long) count * STRIDE, BufferUsage.of(BufferUsage.VERTEX, BufferUsage.COPY_DST), false));
        var rnd = new SplittableRandom(42);
        float[] x = new float[count];
        float[] y = new float[count];
        float[] dx = new float[count];
        float[] dy = new float[count];
        ByteBuffer data = ByteBuffer.allocate(count * STRIDE).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < count; s++) {
            x[s] = (float) rnd.nextDouble(-1, 1);
            y[s] = (float) rnd.nextDouble(-1, 1);
            dx[s] = (float) rnd.nextDouble(-0.01, 0.01);
            dy[s] = (float) rnd.nextDouble(-0.01, 0.01);
        }
        var h = new Histogram(10_000_000, 3);
        for (int i = -100; i < frames; i++) {
            long t = System.nanoTime();
            data.clear();
            for (int s = 0; s < count; s++) {
                x[s] += dx[s];
                y[s] += dy[s];
                if (x[s] < -1 || x[s] > 1) dx[s] = -dx[s];
                if (y[s] < -1 || y[s] > 1) dy[s] = -dy[s];
                data.putFloat(x[s]).putFloat(y[s]);
                data.putFloat((s & 7) / 7f)
                        .putFloat(((s >> 3) & 7) / 7f)
                        .putFloat(0.8f)
                        .putFloat(1f);
            }
            ok(new GpuCall.WriteBuffer(buffer, 0, data.array()));
            frame(pipeline, pass -> {
                ok(new GpuCall.SetVertexBuffer(pass, 0, buffer, 0, OptionalLong.empty()));
                ok(new GpuCall.Draw(pass, 6, count, 0, 0));
            });
            gpu.waitIdle();
            if (i >= 0) h.recordValue((System.nanoTime() - t) / 1000);
        }
        return h;
    }

    /** Per-call host cost: the call's bytes decoded and run through the authority from this (non-GPU) thread. */
    private void callCost(int calls) {
        int pipeline = pipeline(TRIANGLE, List.of());
        int encoder = (int) id(new GpuCall.CreateCommandEncoder());
        ok(new GpuCall.BeginFrame());
        int texture = (int) id(new GpuCall.GetCurrentSurfaceTexture());
        int view = (int) id(new GpuCall.CreateTextureView(
                texture, Optional.empty(), Optional.empty(), 0, OptionalInt.empty(), 0, OptionalInt.empty()));
        int pass = (int) id(new GpuCall.BeginRenderPass(
                encoder,
                List.of(new RenderPassColorAttachment(
                        view, OptionalInt.empty(), LoadOp.LOAD, StoreOp.STORE, new Color(0, 0, 0, 1))),
                Optional.empty()));
        byte[] size = GpuCodec.encode(new GpuCall.GetSurfaceSize());
        byte[] set = GpuCodec.encode(new GpuCall.SetRenderPipeline(pass, pipeline));
        for (byte[] call : List.of(size, set)) {
            for (int round = 0; round < 2; round++) { // the first round warms up
                long t = System.nanoTime();
                for (int i = 0; i < calls; i++) gpu.call(M, GpuCodec.decode(call));
                double us = (System.nanoTime() - t) / 1000.0 / calls;
                if (round == 1)
                    System.out.printf(
                            Locale.ROOT,
                            "call %-18s %.2f us each%n",
                            GpuCodec.decode(call).getClass().getSimpleName(),
                            us);
            }
        }
        ok(new GpuCall.EndRenderPass(pass));
        ok(new GpuCall.Submit(encoder));
        ok(new GpuCall.Present());
    }
}
