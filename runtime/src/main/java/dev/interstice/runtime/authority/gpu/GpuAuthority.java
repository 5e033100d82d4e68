package dev.interstice.runtime.authority.gpu;

import dev.interstice.abi.codec.GpuCodec;
import dev.interstice.abi.host.gpu.GpuCall;
import dev.interstice.abi.host.gpu.TextureFormat;
import dev.interstice.runtime.authority.gpu.GpuHandles.Kind;
import dev.interstice.webgpu.GpuDevice;
import dev.interstice.webgpu.GpuThread;
import dev.interstice.webgpu.Wgpu;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Gpu authority: runs upstream's ABI-6 {@code GpuCall}s on a real WebGPU device (Dawn, {@code webgpu} module).
 * Each holder gets its own object ids ({@link GpuHandles}); every call is validated (ids, limits) before it reaches
 * the GPU, Dawn validates the rest, and any error it reports during a call becomes that call's {@code Err}: a module
 * can waste its own frame, never crash the node. All GPU work runs on the {@link GpuThread}.
 *
 * <p>Frames follow upstream: {@code BeginFrame} takes the surface's texture for this frame and names it with an id
 * ({@code GetCurrentSurfaceTexture}), {@code Present} shows it and forgets the id. Without a window the frame is an
 * offscreen texture of the configured size (tests, benchmarks, screenshots). A render pass's id is its encoder's id,
 * as upstream answers.
 */
public final class GpuAuthority implements AutoCloseable {
    /** Objects one module may hold at once. */
    public static final int MAX_OBJECTS = 65_536;
    /** Largest WGSL source accepted (bytes, UTF-16 chars counted). */
    public static final int MAX_SHADER_SOURCE = 1 << 20;

    /** A frame's size in pixels. */
    public record Size(int width, int height) {}

    /** The window a device presents into: its current framebuffer size and a way to ask for another frame. */
    public interface Window {
        Size size();

        void requestRedraw();
    }

    /** A frame read back: RGBA8 rows, tightly packed. */
    public record Frame(int width, int height, byte[] rgba) {}

    private final GpuThread thread;
    private final GpuDevice device;
    private final Wgpu wgpu;
    private final Window window;
    private final Map<Object, GpuHandles> handles = new HashMap<>();
    private final AtomicLong presented = new AtomicLong();
    private Size offscreenSize;
    private MemorySegment offscreen = MemorySegment.NULL;
    private MemorySegment frame = MemorySegment.NULL;
    private int frameId = -1;
    private Object frameOwner;
    private CompletableFuture<Frame> capture;

    private GpuAuthority(GpuThread thread, GpuDevice device, Window window, Size offscreenSize) {
        this.thread = thread;
        this.device = device;
        this.wgpu = device.wgpu();
        this.window = window;
        this.offscreenSize = offscreenSize;
    }

    /** A device presenting into an X11 window. Throws {@code DawnLibrary.UnavailableException} when WebGPU is not. */
    public static GpuAuthority forWindow(long x11Display, long x11Window, Window window) {
        GpuThread t = new GpuThread();
        try {
            GpuDevice d = t.call(() -> GpuDevice.forX11Window(x11Display, x11Window));
            var g = new GpuAuthority(t, d, window, null);
            Size s = window.size();
            t.run(() -> d.configureSurface(Math.max(1, s.width()), Math.max(1, s.height())));
            return g;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** A device rendering frames into an offscreen texture of {@code size}. */
    public static GpuAuthority offscreen(Size size) {
        GpuThread t = new GpuThread();
        try {
            return new GpuAuthority(t, t.call(GpuDevice::offscreen), null, size);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** Which backend runs, for the start-up line. */
    public String backend() {
        return device.backend();
    }

    /** Waits until the GPU has done all work submitted so far (benchmarks). */
    public void waitIdle() {
        thread.run(device::waitIdle);
    }

    /** Frames presented so far. */
    public long framesPresented() {
        return presented.get();
    }

    /** Resizes the offscreen frame (no window); the next {@code BeginFrame} uses the new size. */
    public void resizeOffscreen(Size size) {
        thread.run(() -> offscreenSize = size);
    }

    /** The next presented frame, read back before it is shown. */
    public CompletableFuture<Frame> captureNextFrame() {
        return thread.call(() -> {
            if (capture == null || capture.isDone()) capture = new CompletableFuture<>();
            return capture;
        });
    }

    /**
     * Runs one call for {@code module}, the owner of its objects (the node passes the loaded module version, so a new
     * version of a module never shares, or loses, the objects of the one it replaces); answers upstream's
     * {@code GpuResponse} bytes.
     */
    public byte[] call(Object module, GpuCall call) {
        return thread.call(() -> {
            if (device.lost() != null) return GpuCodec.err(device.lost());
            GpuHandles h = handles.computeIfAbsent(module, m -> new GpuHandles(MAX_OBJECTS));
            device.takeError();
            byte[] answer;
            try (Arena a = Arena.ofConfined()) {
                answer = execute(a, module, h, call);
            } catch (GpuRefusal r) {
                return GpuCodec.err(r.getMessage());
            }
            String error = device.takeError();
            return error == null ? answer : GpuCodec.err(error);
        });
    }

    /** Frees everything {@code module} holds (it was unloaded, replaced or removed); ends its frame. */
    public void release(Object module) {
        thread.run(() -> {
            if (module.equals(frameOwner)) endFrame(false);
            GpuHandles h = handles.remove(module);
            if (h != null) h.releaseAll(wgpu);
        });
    }

    /** How many objects all modules hold together (tests, {@code node show}). */
    public int objects() {
        return thread.call(
                () -> handles.values().stream().mapToInt(GpuHandles::size).sum());
    }

    /** How many objects {@code module} holds (tests, {@code node show}). */
    public int objects(Object module) {
        return thread.call(() -> {
            GpuHandles h = handles.get(module);
            return h == null ? 0 : h.size();
        });
    }

    private byte[] execute(Arena a, Object module, GpuHandles h, GpuCall call) {
        byte[] answer = resources(a, h, call);
        if (answer == null) answer = encoding(a, h, call);
        if (answer == null) answer = copies(a, h, call);
        if (answer == null) answer = frames(module, h, call);
        return answer;
    }

    /** Objects: create, write, destroy; null for other calls. */
    private byte[] resources(Arena a, GpuHandles h, GpuCall call) {
        return switch (call) {
            case GpuCall.CreateBuffer c ->
                created(h, Kind.BUFFER, wgpu.createBuffer(device.device(), Descriptors.buffer(a, c)), c.size());
            case GpuCall.DestroyBuffer d -> destroyed(h, d.id(), Kind.BUFFER);
            case GpuCall.WriteBuffer w -> {
                var b = h.entry(w.buffer(), Kind.BUFFER);
                if (w.offset() < 0 || w.offset() > b.size || w.data().length > b.size - w.offset())
                    throw new GpuRefusal("write of " + w.data().length + " bytes at "
                            + Long.toUnsignedString(w.offset()) + " is outside the buffer's " + b.size + " bytes");
                wgpu.writeBuffer(
                        device.queue(),
                        b.object,
                        w.offset(),
                        a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, w.data()));
                yield GpuCodec.none();
            }
            case GpuCall.CreateTexture c ->
                created(h, Kind.TEXTURE, wgpu.createTexture(device.device(), Descriptors.texture(a, c)), 0);
            case GpuCall.DestroyTexture d -> destroyed(h, d.id(), Kind.TEXTURE);
            case GpuCall.DestroyTextureView d -> destroyed(h, d.id(), Kind.TEXTURE_VIEW);
            case GpuCall.WriteTexture w -> {
                wgpu.writeTexture(
                        device.queue(),
                        Descriptors.textureCopy(a, h.get(w.texture(), Kind.TEXTURE), 0, 0, 0, 0),
                        a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, w.data()),
                        Descriptors.textureLayout(a, w.bytesPerRow(), w.rowsPerImage()),
                        Descriptors.extent(a, w.width(), w.height(), w.depth()));
                yield GpuCodec.none();
            }
            case GpuCall.CreateTextureView c ->
                created(
                        h,
                        Kind.TEXTURE_VIEW,
                        wgpu.createView(h.get(c.texture(), Kind.TEXTURE), Descriptors.textureView(a, c)),
                        0);
            case GpuCall.CreateSampler c ->
                created(h, Kind.SAMPLER, wgpu.createSampler(device.device(), Descriptors.sampler(a, c)), 0);
            case GpuCall.DestroySampler d -> destroyed(h, d.id(), Kind.SAMPLER);
            case GpuCall.CreateShaderModule c -> {
                if (c.wgslSource().length() > MAX_SHADER_SOURCE)
                    throw new GpuRefusal("shader source longer than " + MAX_SHADER_SOURCE + " characters");
                yield created(
                        h,
                        Kind.SHADER_MODULE,
                        wgpu.createShaderModule(device.device(), Descriptors.shaderModule(a, c.wgslSource())),
                        0);
            }
            case GpuCall.DestroyShaderModule d -> destroyed(h, d.id(), Kind.SHADER_MODULE);
            case GpuCall.CreateBindGroupLayout c ->
                created(
                        h,
                        Kind.BIND_GROUP_LAYOUT,
                        wgpu.createBindGroupLayout(device.device(), Descriptors.bindGroupLayout(a, c.entries())),
                        0);
            case GpuCall.DestroyBindGroupLayout d -> destroyed(h, d.id(), Kind.BIND_GROUP_LAYOUT);
            case GpuCall.CreateBindGroup c ->
                created(h, Kind.BIND_GROUP, wgpu.createBindGroup(device.device(), Descriptors.bindGroup(a, h, c)), 0);
            case GpuCall.DestroyBindGroup d -> destroyed(h, d.id(), Kind.BIND_GROUP);
            case GpuCall.CreatePipelineLayout c ->
                created(
                        h,
                        Kind.PIPELINE_LAYOUT,
                        wgpu.createPipelineLayout(
                                device.device(), Descriptors.pipelineLayout(a, h, c.bindGroupLayouts())),
                        0);
            case GpuCall.DestroyPipelineLayout d -> destroyed(h, d.id(), Kind.PIPELINE_LAYOUT);
            case GpuCall.CreateRenderPipeline c ->
                created(
                        h,
                        Kind.RENDER_PIPELINE,
                        wgpu.createRenderPipeline(device.device(), Descriptors.renderPipeline(a, h, c)),
                        0);
            case GpuCall.DestroyRenderPipeline d -> destroyed(h, d.id(), Kind.RENDER_PIPELINE);
            case GpuCall.CreateComputePipeline c ->
                created(
                        h,
                        Kind.COMPUTE_PIPELINE,
                        wgpu.createComputePipeline(device.device(), Descriptors.computePipeline(a, h, c)),
                        0);
            case GpuCall.DestroyComputePipeline d -> destroyed(h, d.id(), Kind.COMPUTE_PIPELINE);
            default -> null;
        };
    }

    /** Command encoders, passes, draws and copies; null for other calls. */
    private byte[] encoding(Arena a, GpuHandles h, GpuCall call) {
        return switch (call) {
            case GpuCall.CreateCommandEncoder c ->
                created(h, Kind.COMMAND_ENCODER, wgpu.createCommandEncoder(device.device()), 0);
            case GpuCall.Submit s -> {
                var e = h.entry(s.encoder(), Kind.COMMAND_ENCODER);
                if (!e.pass.equals(MemorySegment.NULL)) throw new GpuRefusal("end the encoder's pass before submit");
                h.forget(s.encoder());
                device.submit(e.object);
                yield GpuCodec.none();
            }
            case GpuCall.BeginRenderPass b -> {
                var e = idleEncoder(h, b.encoder());
                e.pass = wgpu.beginRenderPass(e.object, Descriptors.renderPass(a, h, b));
                e.renderPass = true;
                yield GpuCodec.i64(Integer.toUnsignedLong(b.encoder()));
            }
            case GpuCall.EndRenderPass p -> endPass(h, p.pass(), true);
            case GpuCall.SetRenderPipeline p -> {
                wgpu.setRenderPipeline(pass(h, p.pass(), true), h.get(p.pipeline(), Kind.RENDER_PIPELINE));
                yield GpuCodec.none();
            }
            case GpuCall.SetBindGroup p -> {
                var e = openPass(h, p.pass());
                MemorySegment group = h.get(p.bindGroup(), Kind.BIND_GROUP);
                if (e.renderPass) wgpu.setRenderBindGroup(e.pass, p.index(), group);
                else wgpu.setComputeBindGroup(e.pass, p.index(), group);
                yield GpuCodec.none();
            }
            case GpuCall.SetVertexBuffer v -> {
                wgpu.setVertexBuffer(
                        pass(h, v.pass(), true),
                        v.slot(),
                        h.get(v.buffer(), Kind.BUFFER),
                        v.offset(),
                        v.size().orElse(-1L));
                yield GpuCodec.none();
            }
            case GpuCall.SetIndexBuffer v -> {
                wgpu.setIndexBuffer(
                        pass(h, v.pass(), true),
                        h.get(v.buffer(), Kind.BUFFER),
                        v.indexFormat().ordinal() + 1,
                        v.offset(),
                        v.size().orElse(-1L));
                yield GpuCodec.none();
            }
            case GpuCall.Draw d -> {
                wgpu.draw(pass(h, d.pass(), true), d.vertices(), d.instances(), d.firstVertex(), d.firstInstance());
                yield GpuCodec.none();
            }
            case GpuCall.DrawIndexed d -> {
                wgpu.drawIndexed(
                        pass(h, d.pass(), true),
                        d.indices(),
                        d.instances(),
                        d.firstIndex(),
                        d.baseVertex(),
                        d.firstInstance());
                yield GpuCodec.none();
            }
            case GpuCall.BeginComputePass b -> {
                var e = idleEncoder(h, b.encoder());
                e.pass = wgpu.beginComputePass(e.object, MemorySegment.NULL);
                e.renderPass = false;
                yield GpuCodec.i64(Integer.toUnsignedLong(b.encoder()));
            }
            case GpuCall.EndComputePass p -> endPass(h, p.pass(), false);
            case GpuCall.SetComputePipeline p -> {
                wgpu.setComputePipeline(pass(h, p.pass(), false), h.get(p.pipeline(), Kind.COMPUTE_PIPELINE));
                yield GpuCodec.none();
            }
            case GpuCall.Dispatch d -> {
                wgpu.dispatch(pass(h, d.pass(), false), d.x(), d.y(), d.z());
                yield GpuCodec.none();
            }
            default -> null;
        };
    }

    /** Copies between buffers and textures, recorded on an encoder; null for other calls. */
    private byte[] copies(Arena a, GpuHandles h, GpuCall call) {
        return switch (call) {
            case GpuCall.CopyBufferToBuffer c -> {
                wgpu.copyBufferToBuffer(
                        idleEncoder(h, c.encoder()).object,
                        h.get(c.src(), Kind.BUFFER),
                        c.srcOffset(),
                        h.get(c.dst(), Kind.BUFFER),
                        c.dstOffset(),
                        c.size());
                yield GpuCodec.none();
            }
            case GpuCall.CopyBufferToTexture c -> {
                wgpu.copyBufferToTexture(
                        idleEncoder(h, c.encoder()).object,
                        Descriptors.bufferCopy(
                                a, h.get(c.srcBuffer(), Kind.BUFFER), c.srcOffset(), c.bytesPerRow(), c.rowsPerImage()),
                        Descriptors.textureCopy(
                                a,
                                h.get(c.dstTexture(), Kind.TEXTURE),
                                c.mipLevel(),
                                c.origin().x(),
                                c.origin().y(),
                                c.origin().z()),
                        Descriptors.extent(
                                a,
                                c.extent().width(),
                                c.extent().height(),
                                c.extent().depth()));
                yield GpuCodec.none();
            }
            case GpuCall.CopyTextureToBuffer c -> {
                wgpu.copyTextureToBuffer(
                        idleEncoder(h, c.encoder()).object,
                        Descriptors.textureCopy(
                                a,
                                h.get(c.srcTexture(), Kind.TEXTURE),
                                c.mipLevel(),
                                c.origin().x(),
                                c.origin().y(),
                                c.origin().z()),
                        Descriptors.bufferCopy(
                                a, h.get(c.dstBuffer(), Kind.BUFFER), c.dstOffset(), c.bytesPerRow(), c.rowsPerImage()),
                        Descriptors.extent(
                                a,
                                c.extent().width(),
                                c.extent().height(),
                                c.extent().depth()));
                yield GpuCodec.none();
            }
            default -> null;
        };
    }

    /** The surface and its frames; null for other calls. */
    private byte[] frames(Object module, GpuHandles h, GpuCall call) {
        return switch (call) {
            case GpuCall.GetSurfaceFormat g -> {
                TextureFormat f = Descriptors.format(surfaceFormat());
                if (f == null) throw new GpuRefusal("the surface's format has no ABI-6 name");
                yield GpuCodec.textureFormat(f);
            }
            case GpuCall.GetLimits g -> GpuCodec.none();
            case GpuCall.GetCurrentSurfaceTexture g -> {
                if (frameId < 0 || !module.equals(frameOwner)) throw new GpuRefusal("no frame begun: call BeginFrame");
                yield GpuCodec.i64(Integer.toUnsignedLong(frameId));
            }
            case GpuCall.GetSurfaceSize g -> {
                Size s = frameSize();
                yield GpuCodec.extent2d(s.width(), s.height());
            }
            case GpuCall.BeginFrame b -> {
                beginFrame(module, h);
                yield GpuCodec.none();
            }
            case GpuCall.Present p -> {
                if (frameId < 0 || !module.equals(frameOwner)) throw new GpuRefusal("no frame begun: call BeginFrame");
                endFrame(true);
                yield GpuCodec.none();
            }
            case GpuCall.RequestRedraw r -> {
                if (window != null) window.requestRedraw();
                yield GpuCodec.none();
            }
            default -> null;
        };
    }

    private static byte[] created(GpuHandles h, Kind kind, MemorySegment object, long size) {
        return GpuCodec.i64(Integer.toUnsignedLong(h.add(kind, object, size)));
    }

    private byte[] destroyed(GpuHandles h, int id, Kind kind) {
        if (id == frameId && kind == Kind.TEXTURE) throw new GpuRefusal("the frame's texture is the surface's");
        h.destroy(wgpu, id, kind);
        return GpuCodec.none();
    }

    private static GpuHandles.Entry idleEncoder(GpuHandles h, int id) {
        var e = h.entry(id, Kind.COMMAND_ENCODER);
        if (!e.pass.equals(MemorySegment.NULL))
            throw new GpuRefusal("encoder " + Integer.toUnsignedString(id) + " already has a pass open");
        return e;
    }

    private static GpuHandles.Entry openPass(GpuHandles h, int id) {
        var e = h.entry(id, Kind.COMMAND_ENCODER);
        if (e.pass.equals(MemorySegment.NULL))
            throw new GpuRefusal("no pass open with id " + Integer.toUnsignedString(id));
        return e;
    }

    private static MemorySegment pass(GpuHandles h, int id, boolean render) {
        var e = openPass(h, id);
        if (e.renderPass != render)
            throw new GpuRefusal("pass " + Integer.toUnsignedString(id) + " is a "
                    + (e.renderPass ? "render" : "compute") + " pass");
        return e.pass;
    }

    private byte[] endPass(GpuHandles h, int id, boolean render) {
        var e = h.entry(id, Kind.COMMAND_ENCODER);
        MemorySegment p = pass(h, id, render);
        if (render) {
            wgpu.endRenderPass(p);
            wgpu.release("RenderPassEncoder", p);
        } else {
            wgpu.endComputePass(p);
            wgpu.release("ComputePassEncoder", p);
        }
        e.pass = MemorySegment.NULL;
        return GpuCodec.none();
    }

    private int surfaceFormat() {
        return device.hasSurface() ? device.surfaceFormat() : Descriptors.format(TextureFormat.RGBA8_UNORM);
    }

    private Size frameSize() {
        return device.hasSurface() ? new Size(device.surfaceWidth(), device.surfaceHeight()) : offscreenSize;
    }

    private void beginFrame(Object module, GpuHandles h) {
        if (frameId >= 0) endFrame(false); // a frame begun and never presented is dropped
        if (device.hasSurface()) {
            Size want = window.size();
            if (want.width() > 0
                    && want.height() > 0
                    && (want.width() != device.surfaceWidth() || want.height() != device.surfaceHeight()))
                device.configureSurface(want.width(), want.height());
            frame = device.currentSurfaceTexture();
            if (frame.equals(MemorySegment.NULL)) {
                device.configureSurface(device.surfaceWidth(), device.surfaceHeight());
                frame = device.currentSurfaceTexture();
                if (frame.equals(MemorySegment.NULL)) throw new GpuRefusal("the window's surface is not available now");
            }
        } else {
            if (offscreen.equals(MemorySegment.NULL)
                    || wgpu.textureWidth(offscreen) != offscreenSize.width()
                    || wgpu.textureHeight(offscreen) != offscreenSize.height()) {
                if (!offscreen.equals(MemorySegment.NULL)) {
                    wgpu.destroyTexture(offscreen);
                    wgpu.release("Texture", offscreen);
                }
                try (Arena a = Arena.ofConfined()) {
                    var desc = new GpuCall.CreateTexture(
                            offscreenSize.width(),
                            offscreenSize.height(),
                            1,
                            1,
                            1,
                            dev.interstice.abi.host.gpu.TextureDimension.D2,
                            TextureFormat.RGBA8_UNORM,
                            new dev.interstice.abi.host.gpu.TextureUsage(
                                    dev.interstice.abi.host.gpu.TextureUsage.RENDER_ATTACHMENT
                                            | dev.interstice.abi.host.gpu.TextureUsage.COPY_SRC
                                            | dev.interstice.abi.host.gpu.TextureUsage.TEXTURE_BINDING));
                    offscreen = wgpu.createTexture(device.device(), Descriptors.texture(a, desc));
                }
            }
            frame = offscreen;
        }
        frameId = h.add(Kind.TEXTURE, frame, 0);
        h.entry(frameId, Kind.TEXTURE).borrowed = true;
        frameOwner = module;
    }

    private void endFrame(boolean show) {
        GpuHandles h = handles.get(frameOwner);
        if (h != null) h.forget(frameId);
        if (show) {
            if (capture != null && !capture.isDone()) {
                Size s = frameSize();
                try {
                    byte[] px = device.readTexture(frame, s.width(), s.height());
                    TextureFormat format = Descriptors.format(surfaceFormat());
                    if (format == TextureFormat.BGRA8_UNORM || format == TextureFormat.BGRA8_UNORM_SRGB)
                        swapRedBlue(px);
                    capture.complete(new Frame(s.width(), s.height(), px));
                } catch (RuntimeException e) {
                    capture.completeExceptionally(e);
                }
            }
            if (device.hasSurface()) device.present();
            presented.incrementAndGet();
        }
        if (device.hasSurface()) wgpu.release("Texture", frame);
        frame = MemorySegment.NULL;
        frameId = -1;
        frameOwner = null;
    }

    private static void swapRedBlue(byte[] px) {
        for (int i = 0; i < px.length; i += 4) {
            byte r = px[i + 2];
            px[i + 2] = px[i];
            px[i] = r;
        }
    }

    @Override
    public void close() {
        thread.run(() -> {
            if (frameId >= 0) endFrame(false);
            for (GpuHandles h : handles.values()) h.releaseAll(wgpu);
            handles.clear();
            if (!offscreen.equals(MemorySegment.NULL)) {
                wgpu.destroyTexture(offscreen);
                wgpu.release("Texture", offscreen);
            }
            device.close();
        });
        thread.close();
    }
}
