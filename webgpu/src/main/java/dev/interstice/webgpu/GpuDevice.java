package dev.interstice.webgpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;

/**
 * One WebGPU device (instance, adapter, device, queue), optionally with a surface presenting into a native window.
 * Dawn reports validation errors synchronously through the uncaptured-error callback; this class keeps the latest
 * message so a caller can turn the call that caused it into an error ({@link #takeError}). Not thread-safe: the
 * caller serialises every use (the node runs all Gpu calls under its execution lock).
 */
public final class GpuDevice implements AutoCloseable {
    /** webgpu.h's {@code WGPUBackendType}: Vulkan 6, OpenGL 7, OpenGLES 8. */
    public static final int BACKEND_VULKAN = 6;

    public static final int BACKEND_OPENGL = 7;
    /** webgpu.h's {@code WGPUFeatureLevel}: compatibility 1, core 2. */
    public static final int FEATURE_LEVEL_COMPATIBILITY = 1;

    public static final int FEATURE_LEVEL_CORE = 2;

    private static final int CALLBACK_MODE_ALLOW_PROCESS_EVENTS = 2;
    private static final int CALLBACK_MODE_ALLOW_SPONTANEOUS = 3;
    private static final int STYPE_SURFACE_SOURCE_XLIB_WINDOW = 6;
    private static final int STATUS_SUCCESS = 1;
    private static final int PRESENT_FIFO = 1;
    private static final int PRESENT_IMMEDIATE = 3;
    private static final int PRESENT_MAILBOX = 4;
    /** How long a failed adapter request waits before its second round. */
    private static final long RETRY_MILLIS = 200;

    private static final long MAX_WAIT_NANOS = 10_000_000_000L;

    /** {@code (status, object, message, userdata1, userdata2)}: the adapter and device requests' callbacks. */
    private static final MethodType REQUEST_CALLBACK = MethodType.methodType(
            void.class, int.class, MemorySegment.class, MemorySegment.class, MemorySegment.class, MemorySegment.class);

    private static final FunctionDescriptor REQUEST_CALLBACK_C =
            FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, Wgpu.STRING_VIEW, ADDRESS, ADDRESS);
    /** {@code (device, type or reason, message, userdata1, userdata2)}: the device's error and loss callbacks. */
    private static final MethodType DEVICE_CALLBACK = MethodType.methodType(
            void.class, MemorySegment.class, int.class, MemorySegment.class, MemorySegment.class, MemorySegment.class);

    private static final FunctionDescriptor DEVICE_CALLBACK_C =
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, Wgpu.STRING_VIEW, ADDRESS, ADDRESS);
    /** {@code (status, message, userdata1, userdata2)}: a buffer mapping's and the queue's work-done callbacks. */
    private static final MethodType STATUS_CALLBACK =
            MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class, MemorySegment.class);

    private static final FunctionDescriptor STATUS_CALLBACK_C =
            FunctionDescriptor.ofVoid(JAVA_INT, Wgpu.STRING_VIEW, ADDRESS, ADDRESS);

    private final Arena arena = Arena.ofShared();
    private final Wgpu wgpu;
    private final MemorySegment instance;
    private MemorySegment surface = MemorySegment.NULL;
    private MemorySegment adapter = MemorySegment.NULL;
    private MemorySegment device = MemorySegment.NULL;
    private MemorySegment queue = MemorySegment.NULL;
    private String adapterMessage = "";
    private volatile String lastError;
    private volatile String lostReason;
    private int surfaceFormat;
    private int surfaceWidth;
    private int surfaceHeight;
    private String backend = "";

    private GpuDevice(Wgpu wgpu) {
        this.wgpu = wgpu;
        try {
            this.instance = (MemorySegment) wgpu.createInstance.invokeExact(MemorySegment.NULL);
        } catch (Throwable t) {
            throw Wgpu.fail(t);
        }
    }

    /** A device without a surface (offscreen rendering, tests, benchmarks). */
    public static GpuDevice offscreen() {
        return open(0, 0);
    }

    /** A device presenting into an X11 window ({@code Display*} and {@code Window} from the windowing library). */
    public static GpuDevice forX11Window(long display, long window) {
        return open(display, window);
    }

    private static GpuDevice open(long display, long window) {
        GpuDevice d = new GpuDevice(DawnLibrary.load());
        try {
            if (display != 0) d.createXlibSurface(display, window);
            d.requestAdapterAndDevice();
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private void createXlibSurface(long display, long window) {
        var source = Structs.SURFACE_SOURCE_XLIB_WINDOW.write(arena);
        source.nested().ptr(null).u32(STYPE_SURFACE_SOURCE_XLIB_WINDOW);
        source.ptr(MemorySegment.ofAddress(display)).u64(window);
        var desc = Structs.SURFACE_DESCRIPTOR.write(arena).ptr(source.segment()).sv(null);
        surface = wgpu.createSurface(instance, desc.segment());
        if (surface.equals(MemorySegment.NULL)) throw new DawnLibrary.UnavailableException("cannot create a surface");
    }

    /**
     * Vulkan at the core feature level first (a real GPU), then OpenGL at the compatibility level: Mesa's software
     * Vulkan (lavapipe 22.x) lacks features Dawn requires, while its OpenGL (llvmpipe) runs Dawn's GL backend.
     */
    private void requestAdapterAndDevice() {
        int[][] tries = {{BACKEND_VULKAN, FEATURE_LEVEL_CORE}, {BACKEND_OPENGL, FEATURE_LEVEL_COMPATIBILITY}};
        var messages = new StringBuilder();
        // twice: Mesa's EGL once failed to initialise on a freshly started Xvfb (EGL_NOT_INITIALIZED) where the same
        // request succeeded moments later; a machine without any adapter pays one more round of refusals
        for (int round = 0; round < 2 && adapter.equals(MemorySegment.NULL); round++) {
            if (round > 0) pause(RETRY_MILLIS);
            for (int[] t : tries) {
                if (requestAdapter(t[0], t[1])) {
                    backend = (t[0] == BACKEND_VULKAN ? "Vulkan" : "OpenGL")
                            + (t[1] == FEATURE_LEVEL_CORE ? "" : " (compatibility)");
                    break;
                }
                messages.append(messages.isEmpty() ? "" : "; ").append(adapterMessage);
            }
        }
        if (adapter.equals(MemorySegment.NULL))
            throw new DawnLibrary.UnavailableException("no WebGPU adapter: " + messages);
        requestDevice();
        queue = call(() -> (MemorySegment) wgpu.deviceGetQueue.invokeExact(device));
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean requestAdapter(int backendType, int featureLevel) {
        var options = Structs.REQUEST_ADAPTER_OPTIONS
                .write(arena)
                .ptr(null)
                .u32(featureLevel)
                .u32(0)
                .bool(false)
                .u32(backendType)
                .ptr(surface);
        var cb = upcall("onAdapter", REQUEST_CALLBACK, REQUEST_CALLBACK_C);
        adapterDone = false;
        wgpu.future(
                wgpu.instanceRequestAdapter,
                arena,
                instance,
                options.segment(),
                callbackInfo(CALLBACK_MODE_ALLOW_PROCESS_EVENTS, cb));
        waitFor(() -> adapterDone, "the adapter");
        return !adapter.equals(MemorySegment.NULL);
    }

    private volatile boolean adapterDone;
    private volatile boolean deviceDone;

    @SuppressWarnings("unused") // upcall
    private void onAdapter(int status, MemorySegment a, MemorySegment message, MemorySegment u1, MemorySegment u2) {
        adapter = status == STATUS_SUCCESS ? a : MemorySegment.NULL;
        adapterMessage = string(message);
        adapterDone = true;
    }

    @SuppressWarnings("unused") // upcall
    private void onDevice(int status, MemorySegment d, MemorySegment message, MemorySegment u1, MemorySegment u2) {
        device = status == STATUS_SUCCESS ? d : MemorySegment.NULL;
        if (status != STATUS_SUCCESS) lastError = string(message);
        deviceDone = true;
    }

    @SuppressWarnings("unused") // upcall
    private void onError(MemorySegment dev, int type, MemorySegment message, MemorySegment u1, MemorySegment u2) {
        String m = string(message).strip();
        lastError = lastError == null ? m : lastError + "\n" + m;
    }

    @SuppressWarnings("unused") // upcall
    private void onLost(MemorySegment dev, int reason, MemorySegment message, MemorySegment u1, MemorySegment u2) {
        if (reason != 2)
            lostReason = "the GPU device was lost: " + string(message).strip(); // 2: destroyed by us
    }

    private void requestDevice() {
        var desc = Structs.DEVICE_DESCRIPTOR
                .write(arena)
                .ptr(null)
                .sv("interstice")
                .u64(0)
                .ptr(null)
                .ptr(null);
        desc.nested().ptr(null).sv(null);
        desc.nested()
                .ptr(null)
                .u32(CALLBACK_MODE_ALLOW_SPONTANEOUS)
                .ptr(upcall("onLost", DEVICE_CALLBACK, DEVICE_CALLBACK_C));
        desc.nested().ptr(null).ptr(upcall("onError", DEVICE_CALLBACK, DEVICE_CALLBACK_C));
        var cb = upcall("onDevice", REQUEST_CALLBACK, REQUEST_CALLBACK_C);
        wgpu.future(
                wgpu.adapterRequestDevice,
                arena,
                adapter,
                desc.segment(),
                callbackInfo(CALLBACK_MODE_ALLOW_PROCESS_EVENTS, cb));
        waitFor(() -> deviceDone, "the device");
        if (device.equals(MemorySegment.NULL))
            throw new DawnLibrary.UnavailableException("no WebGPU device: " + takeError());
    }

    private MemorySegment callbackInfo(int mode, MemorySegment callback) {
        MemorySegment s = arena.allocate(Wgpu.CALLBACK_INFO_BY_VALUE);
        s.set(JAVA_INT, 8, mode);
        s.set(ADDRESS, 16, callback);
        return s;
    }

    private MemorySegment upcall(String method, MethodType type, FunctionDescriptor fd) {
        try {
            var h = MethodHandles.lookup()
                    .findVirtual(GpuDevice.class, method, type)
                    .bindTo(this);
            return Linker.nativeLinker().upcallStub(h, fd, arena);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private void waitFor(java.util.function.BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + MAX_WAIT_NANOS;
        while (!done.getAsBoolean()) {
            wgpu.processEvents(instance);
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out waiting for " + what);
            if (!done.getAsBoolean()) Thread.onSpinWait();
        }
    }

    static String string(MemorySegment view) {
        MemorySegment data = view.get(ADDRESS, 0);
        long n = view.get(JAVA_LONG, 8);
        if (data.equals(MemorySegment.NULL)) return "";
        if (n == CStruct.STRLEN) return data.reinterpret(Long.MAX_VALUE).getString(0);
        return new String(data.reinterpret(n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }

    private interface NativeCall<T> {
        T run() throws Throwable;
    }

    private static <T> T call(NativeCall<T> c) {
        try {
            return c.run();
        } catch (Throwable t) {
            throw Wgpu.fail(t);
        }
    }

    // ---- what callers use ----

    public Wgpu wgpu() {
        return wgpu;
    }

    public MemorySegment device() {
        return device;
    }

    public MemorySegment queue() {
        return queue;
    }

    /** Which backend runs, e.g. "OpenGL (compatibility)". */
    public String backend() {
        return backend;
    }

    /** The validation errors reported since the last call, or null; clears them. */
    public String takeError() {
        String e = lastError;
        lastError = null;
        return e;
    }

    /** Why the device can no longer be used, or null while it can. */
    public String lost() {
        return lostReason;
    }

    public boolean hasSurface() {
        return !surface.equals(MemorySegment.NULL);
    }

    /**
     * (Re)configures the surface for {@code width}x{@code height}: its first supported format, usable as a render
     * target and a copy source (so a frame can be read back), presented without waiting for the display's vertical
     * sync when the surface allows (mailbox, else immediate; else FIFO): the node's frame loop sets the pace.
     */
    public void configureSurface(int width, int height) {
        if (!hasSurface()) throw new IllegalStateException("this device has no surface");
        var caps = Structs.SURFACE_CAPABILITIES.allocate(arena, 1);
        if (wgpu.surfaceCapabilities(surface, adapter, caps) != STATUS_SUCCESS)
            throw new IllegalStateException("cannot read the surface's capabilities: " + takeError());
        MemorySegment formats =
                caps.get(ADDRESS, Structs.SURFACE_CAPABILITIES.offset(3)).reinterpret(4);
        MemorySegment alphas =
                caps.get(ADDRESS, Structs.SURFACE_CAPABILITIES.offset(7)).reinterpret(4);
        long usages = caps.get(JAVA_LONG, Structs.SURFACE_CAPABILITIES.offset(1));
        long modeCount = caps.get(JAVA_LONG, Structs.SURFACE_CAPABILITIES.offset(4));
        MemorySegment modes =
                caps.get(ADDRESS, Structs.SURFACE_CAPABILITIES.offset(5)).reinterpret(4 * modeCount);
        int presentMode = PRESENT_FIFO;
        for (int i = 0; i < modeCount; i++) {
            int m = modes.getAtIndex(JAVA_INT, i);
            if (m == PRESENT_MAILBOX || (m == PRESENT_IMMEDIATE && presentMode == PRESENT_FIFO)) presentMode = m;
        }
        surfaceFormat = formats.get(JAVA_INT, 0);
        var config = Structs.SURFACE_CONFIGURATION
                .write(arena)
                .ptr(null)
                .ptr(device)
                .u32(surfaceFormat)
                .u64(TextureUsage.RENDER_ATTACHMENT | (usages & TextureUsage.COPY_SRC))
                .u32(width)
                .u32(height)
                .u64(0)
                .ptr(null)
                .u32(alphas.get(JAVA_INT, 0))
                .u32(presentMode);
        wgpu.configure(surface, config.segment());
        surfaceWidth = width;
        surfaceHeight = height;
    }

    /** The configured surface's texture format (webgpu.h's numbering), 0 before {@link #configureSurface}. */
    public int surfaceFormat() {
        return surfaceFormat;
    }

    public int surfaceWidth() {
        return surfaceWidth;
    }

    public int surfaceHeight() {
        return surfaceHeight;
    }

    /** The surface's texture for this frame, or NULL when the surface is outdated or lost (configure again). */
    public MemorySegment currentSurfaceTexture() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Structs.SURFACE_TEXTURE.allocate(a, 1);
            wgpu.currentTexture(surface, st);
            int status = st.get(JAVA_INT, Structs.SURFACE_TEXTURE.offset(2));
            MemorySegment tex = st.get(ADDRESS, Structs.SURFACE_TEXTURE.offset(1));
            return status == 1 || status == 2 ? tex : MemorySegment.NULL;
        }
    }

    public void present() {
        wgpu.present(surface);
    }

    /** Copies {@code size} bytes of a MAP_READ buffer to the heap, waiting for the GPU. */
    public byte[] readBuffer(MemorySegment buffer, long offset, long size) {
        if (mapCallback == null) mapCallback = upcall("onMapped", STATUS_CALLBACK, STATUS_CALLBACK_C);
        MemorySegment cb = mapCallback;
        mapStatus = 0;
        wgpu.future(
                wgpu.bufferMapAsync,
                (SegmentAllocator) arena,
                buffer,
                1L,
                offset,
                size,
                callbackInfo(CALLBACK_MODE_ALLOW_PROCESS_EVENTS, cb));
        waitFor(() -> mapStatus != 0, "a buffer mapping");
        if (mapStatus != STATUS_SUCCESS) throw new IllegalStateException("cannot map the buffer: " + takeError());
        byte[] out = wgpu.mappedRange(buffer, offset, size).toArray(JAVA_BYTE);
        wgpu.unmap(buffer);
        return out;
    }

    private volatile int mapStatus;
    private MemorySegment mapCallback;
    private volatile int workDoneStatus;
    private MemorySegment workDoneCallback;

    /** Waits until the GPU has finished all work submitted so far (benchmarks: frame times that include the GPU). */
    public void waitIdle() {
        if (workDoneCallback == null) workDoneCallback = upcall("onWorkDone", STATUS_CALLBACK, STATUS_CALLBACK_C);
        workDoneStatus = 0;
        wgpu.future(
                wgpu.queueOnSubmittedWorkDone,
                (SegmentAllocator) arena,
                queue,
                callbackInfo(CALLBACK_MODE_ALLOW_PROCESS_EVENTS, workDoneCallback));
        waitFor(() -> workDoneStatus != 0, "the GPU's work");
    }

    @SuppressWarnings("unused") // upcall; only the status is read
    private void onWorkDone(int status, MemorySegment message, MemorySegment u1, MemorySegment u2) {
        workDoneStatus = status;
    }

    @SuppressWarnings("unused") // upcall
    private void onMapped(int status, MemorySegment message, MemorySegment u1, MemorySegment u2) {
        mapStatus = status;
        if (status != STATUS_SUCCESS) lastError = string(message);
    }

    /**
     * Reads a 4-byte-per-pixel texture's first mip level back to the heap: rows tightly packed, {@code width*4} bytes
     * each (the GPU copy pads rows to 256 bytes; the padding is dropped).
     */
    public byte[] readTexture(MemorySegment texture, int width, int height) {
        int padded = (width * 4 + 255) / 256 * 256;
        long size = (long) padded * height;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment staging = wgpu.createBuffer(
                    device,
                    Structs.BUFFER_DESCRIPTOR
                            .write(a)
                            .ptr(null)
                            .sv(null)
                            .u64(Usage.MAP_READ | Usage.COPY_DST)
                            .u64(size)
                            .segment());
            try {
                MemorySegment enc = wgpu.createCommandEncoder(device);
                var src = Structs.TEXEL_COPY_TEXTURE_INFO.write(a).ptr(texture).u32(0);
                src.nested();
                src.u32(1); // aspect: all
                var dst = Structs.TEXEL_COPY_BUFFER_INFO.write(a);
                dst.nested().u64(0).u32(padded).u32(height);
                dst.ptr(staging);
                var extent = Structs.EXTENT_3D.write(a).u32(width).u32(height).u32(1);
                wgpu.copyTextureToBuffer(enc, src.segment(), dst.segment(), extent.segment());
                submit(enc);
                byte[] raw = readBuffer(staging, 0, size);
                byte[] out = new byte[width * 4 * height];
                for (int y = 0; y < height; y++) System.arraycopy(raw, y * padded, out, y * width * 4, width * 4);
                return out;
            } finally {
                wgpu.destroyBuffer(staging);
                wgpu.release("Buffer", staging);
            }
        }
    }

    /** Finishes {@code encoder} and submits its commands; releases both. */
    public void submit(MemorySegment encoder) {
        MemorySegment commands = wgpu.finish(encoder);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment list = a.allocate(ADDRESS);
            list.set(ADDRESS, 0, commands);
            wgpu.submit(queue, 1, list);
        } finally {
            wgpu.release("CommandBuffer", commands);
            wgpu.release("CommandEncoder", encoder);
        }
    }

    @Override
    public void close() {
        wgpu.release("Queue", queue);
        wgpu.release("Device", device);
        wgpu.release("Adapter", adapter);
        wgpu.release("Surface", surface);
        wgpu.release("Instance", instance);
        queue = device = adapter = surface = MemorySegment.NULL;
        arena.close();
    }

    /** webgpu.h buffer usage flags this binding sets itself. */
    public static final class Usage {
        private Usage() {}

        public static final long MAP_READ = 1;
        public static final long COPY_DST = 8;
    }

    /** webgpu.h texture usage flags this binding sets itself. */
    public static final class TextureUsage {
        private TextureUsage() {}

        public static final long COPY_SRC = 1;
        public static final long RENDER_ATTACHMENT = 0x10;
    }
}
