package dev.interstice.webgpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The webgpu.h functions this binding calls, as typed Java methods over downcall handles. Objects are opaque pointers
 * ({@link MemorySegment}); descriptors are written with {@link Structs}. Nothing here validates: callers keep handles
 * alive and of the right kind (the Gpu authority's handle tables do), and Dawn validates the rest, reporting errors
 * through the device's uncaptured-error callback ({@link GpuDevice}).
 */
@SuppressWarnings("checkstyle:MethodCount")
public final class Wgpu {
    private static final Linker LINKER = Linker.nativeLinker();
    /** {@code WGPUFuture}, returned by value by the async calls. */
    static final StructLayout FUTURE = MemoryLayout.structLayout(JAVA_LONG);
    /** {@code WGPUStringView} by value, as callbacks receive it. */
    public static final StructLayout STRING_VIEW = MemoryLayout.structLayout(ADDRESS, JAVA_LONG);

    static final StructLayout CALLBACK_INFO_BY_VALUE =
            MemoryLayout.structLayout(ADDRESS, JAVA_INT, MemoryLayout.paddingLayout(4), ADDRESS, ADDRESS, ADDRESS);

    private final SymbolLookup lib;
    final MethodHandle createInstance;
    final MethodHandle instanceRequestAdapter;
    final MethodHandle instanceProcessEvents;
    final MethodHandle instanceCreateSurface;
    final MethodHandle adapterRequestDevice;
    final MethodHandle deviceGetQueue;
    private final MethodHandle surfaceGetCapabilities;
    private final MethodHandle surfaceConfigure;
    private final MethodHandle surfaceGetCurrentTexture;
    private final MethodHandle surfacePresent;
    private final MethodHandle deviceCreateBuffer;
    private final MethodHandle deviceCreateTexture;
    private final MethodHandle textureCreateView;
    private final MethodHandle deviceCreateSampler;
    private final MethodHandle deviceCreateShaderModule;
    private final MethodHandle deviceCreateBindGroupLayout;
    private final MethodHandle deviceCreateBindGroup;
    private final MethodHandle deviceCreatePipelineLayout;
    private final MethodHandle deviceCreateRenderPipeline;
    private final MethodHandle deviceCreateComputePipeline;
    private final MethodHandle deviceCreateCommandEncoder;
    private final MethodHandle queueWriteBuffer;
    private final MethodHandle queueWriteTexture;
    private final MethodHandle queueSubmit;
    private final MethodHandle commandEncoderFinish;
    private final MethodHandle commandEncoderBeginRenderPass;
    private final MethodHandle commandEncoderBeginComputePass;
    private final MethodHandle commandEncoderCopyBufferToBuffer;
    private final MethodHandle commandEncoderCopyBufferToTexture;
    private final MethodHandle commandEncoderCopyTextureToBuffer;
    private final MethodHandle renderPassSetPipeline;
    private final MethodHandle renderPassSetBindGroup;
    private final MethodHandle renderPassSetVertexBuffer;
    private final MethodHandle renderPassSetIndexBuffer;
    private final MethodHandle renderPassDraw;
    private final MethodHandle renderPassDrawIndexed;
    private final MethodHandle renderPassEnd;
    private final MethodHandle computePassSetPipeline;
    private final MethodHandle computePassSetBindGroup;
    private final MethodHandle computePassDispatch;
    private final MethodHandle computePassEnd;
    final MethodHandle bufferMapAsync;
    final MethodHandle queueOnSubmittedWorkDone;
    private final MethodHandle bufferGetConstMappedRange;
    private final MethodHandle bufferUnmap;
    private final MethodHandle bufferDestroy;
    private final MethodHandle textureDestroy;
    private final MethodHandle textureGetWidth;
    private final MethodHandle textureGetHeight;

    Wgpu(SymbolLookup lib) {
        this.lib = lib;
        createInstance = fn("wgpuCreateInstance", ADDRESS, ADDRESS);
        instanceRequestAdapter = fn("wgpuInstanceRequestAdapter", FUTURE, ADDRESS, ADDRESS, CALLBACK_INFO_BY_VALUE);
        instanceProcessEvents = fn("wgpuInstanceProcessEvents", null, ADDRESS);
        instanceCreateSurface = fn("wgpuInstanceCreateSurface", ADDRESS, ADDRESS, ADDRESS);
        adapterRequestDevice = fn("wgpuAdapterRequestDevice", FUTURE, ADDRESS, ADDRESS, CALLBACK_INFO_BY_VALUE);
        deviceGetQueue = fn("wgpuDeviceGetQueue", ADDRESS, ADDRESS);
        surfaceGetCapabilities = fn("wgpuSurfaceGetCapabilities", JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        surfaceConfigure = fn("wgpuSurfaceConfigure", null, ADDRESS, ADDRESS);
        surfaceGetCurrentTexture = fn("wgpuSurfaceGetCurrentTexture", null, ADDRESS, ADDRESS);
        surfacePresent = fn("wgpuSurfacePresent", JAVA_INT, ADDRESS);
        deviceCreateBuffer = fn("wgpuDeviceCreateBuffer", ADDRESS, ADDRESS, ADDRESS);
        deviceCreateTexture = fn("wgpuDeviceCreateTexture", ADDRESS, ADDRESS, ADDRESS);
        textureCreateView = fn("wgpuTextureCreateView", ADDRESS, ADDRESS, ADDRESS);
        deviceCreateSampler = fn("wgpuDeviceCreateSampler", ADDRESS, ADDRESS, ADDRESS);
        deviceCreateShaderModule = fn("wgpuDeviceCreateShaderModule", ADDRESS, ADDRESS, ADDRESS);
        deviceCreateBindGroupLayout = fn("wgpuDeviceCreateBindGroupLayout", ADDRESS, ADDRESS, ADDRESS);
        deviceCreateBindGroup = fn("wgpuDeviceCreateBindGroup", ADDRESS, ADDRESS, ADDRESS);
        deviceCreatePipelineLayout = fn("wgpuDeviceCreatePipelineLayout", ADDRESS, ADDRESS, ADDRESS);
        deviceCreateRenderPipeline = fn("wgpuDeviceCreateRenderPipeline", ADDRESS, ADDRESS, ADDRESS);
        deviceCreateComputePipeline = fn("wgpuDeviceCreateComputePipeline", ADDRESS, ADDRESS, ADDRESS);
        deviceCreateCommandEncoder = fn("wgpuDeviceCreateCommandEncoder", ADDRESS, ADDRESS, ADDRESS);
        queueWriteBuffer = fn("wgpuQueueWriteBuffer", null, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG);
        queueWriteTexture = fn("wgpuQueueWriteTexture", null, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS);
        queueSubmit = fn("wgpuQueueSubmit", null, ADDRESS, JAVA_LONG, ADDRESS);
        commandEncoderFinish = fn("wgpuCommandEncoderFinish", ADDRESS, ADDRESS, ADDRESS);
        commandEncoderBeginRenderPass = fn("wgpuCommandEncoderBeginRenderPass", ADDRESS, ADDRESS, ADDRESS);
        commandEncoderBeginComputePass = fn("wgpuCommandEncoderBeginComputePass", ADDRESS, ADDRESS, ADDRESS);
        commandEncoderCopyBufferToBuffer = fn(
                "wgpuCommandEncoderCopyBufferToBuffer",
                null,
                ADDRESS,
                ADDRESS,
                JAVA_LONG,
                ADDRESS,
                JAVA_LONG,
                JAVA_LONG);
        commandEncoderCopyBufferToTexture =
                fn("wgpuCommandEncoderCopyBufferToTexture", null, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        commandEncoderCopyTextureToBuffer =
                fn("wgpuCommandEncoderCopyTextureToBuffer", null, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        renderPassSetPipeline = fn("wgpuRenderPassEncoderSetPipeline", null, ADDRESS, ADDRESS);
        renderPassSetBindGroup =
                fn("wgpuRenderPassEncoderSetBindGroup", null, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS);
        renderPassSetVertexBuffer =
                fn("wgpuRenderPassEncoderSetVertexBuffer", null, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG);
        renderPassSetIndexBuffer =
                fn("wgpuRenderPassEncoderSetIndexBuffer", null, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG);
        renderPassDraw = fn("wgpuRenderPassEncoderDraw", null, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        renderPassDrawIndexed =
                fn("wgpuRenderPassEncoderDrawIndexed", null, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        renderPassEnd = fn("wgpuRenderPassEncoderEnd", null, ADDRESS);
        computePassSetPipeline = fn("wgpuComputePassEncoderSetPipeline", null, ADDRESS, ADDRESS);
        computePassSetBindGroup =
                fn("wgpuComputePassEncoderSetBindGroup", null, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS);
        computePassDispatch =
                fn("wgpuComputePassEncoderDispatchWorkgroups", null, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT);
        computePassEnd = fn("wgpuComputePassEncoderEnd", null, ADDRESS);
        bufferMapAsync =
                fn("wgpuBufferMapAsync", FUTURE, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, CALLBACK_INFO_BY_VALUE);
        queueOnSubmittedWorkDone = fn("wgpuQueueOnSubmittedWorkDone", FUTURE, ADDRESS, CALLBACK_INFO_BY_VALUE);
        bufferGetConstMappedRange = fn("wgpuBufferGetConstMappedRange", ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG);
        bufferUnmap = fn("wgpuBufferUnmap", null, ADDRESS);
        bufferDestroy = fn("wgpuBufferDestroy", null, ADDRESS);
        textureDestroy = fn("wgpuTextureDestroy", null, ADDRESS);
        textureGetWidth = fn("wgpuTextureGetWidth", JAVA_INT, ADDRESS);
        textureGetHeight = fn("wgpuTextureGetHeight", JAVA_INT, ADDRESS);
    }

    private MethodHandle fn(String name, MemoryLayout ret, MemoryLayout... args) {
        var fd = ret == null ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(ret, args);
        return LINKER.downcallHandle(
                lib.find(name).orElseThrow(() -> new IllegalStateException("the WebGPU library lacks " + name)), fd);
    }

    /** Releases one object: {@code kind} is the webgpu.h type name without the prefix, e.g. {@code Buffer}. */
    public void release(String kind, MemorySegment object) {
        if (object == null || object.equals(MemorySegment.NULL)) return;
        try {
            releaser(kind).invokeExact(object);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    private final java.util.concurrent.ConcurrentHashMap<String, MethodHandle> releasers =
            new java.util.concurrent.ConcurrentHashMap<>();

    private MethodHandle releaser(String kind) {
        return releasers.computeIfAbsent(kind, k -> fn("wgpu" + k + "Release", null, ADDRESS));
    }

    static RuntimeException fail(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    // ---- objects ----

    public MemorySegment createBuffer(MemorySegment device, MemorySegment desc) {
        return create(deviceCreateBuffer, device, desc);
    }

    public MemorySegment createTexture(MemorySegment device, MemorySegment desc) {
        return create(deviceCreateTexture, device, desc);
    }

    public MemorySegment createView(MemorySegment texture, MemorySegment desc) {
        return create(textureCreateView, texture, desc);
    }

    public MemorySegment createSampler(MemorySegment device, MemorySegment desc) {
        return create(deviceCreateSampler, device, desc);
    }

    public MemorySegment createShaderModule(MemorySegment device, MemorySegment desc) {
        return create(deviceCreateShaderModule, device, desc);
    }

    public MemorySegment createBindGroupLayout(MemorySegment device, MemorySegment desc) {
        return create(deviceCreateBindGroupLayout, device, desc);
    }

    public MemorySegment createBindGroup(MemorySegment device, MemorySegment desc) {
        return create(deviceCreateBindGroup, device, desc);
    }

    public MemorySegment createPipelineLayout(MemorySegment device, MemorySegment desc) {
        return create(deviceCreatePipelineLayout, device, desc);
    }

    public MemorySegment createRenderPipeline(MemorySegment device, MemorySegment desc) {
        return create(deviceCreateRenderPipeline, device, desc);
    }

    public MemorySegment createComputePipeline(MemorySegment device, MemorySegment desc) {
        return create(deviceCreateComputePipeline, device, desc);
    }

    public MemorySegment createCommandEncoder(MemorySegment device) {
        return create(deviceCreateCommandEncoder, device, MemorySegment.NULL);
    }

    private static MemorySegment create(MethodHandle h, MemorySegment owner, MemorySegment desc) {
        try {
            return (MemorySegment) h.invokeExact(owner, desc);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public void destroyBuffer(MemorySegment buffer) {
        voidCall(bufferDestroy, buffer);
    }

    public void destroyTexture(MemorySegment texture) {
        voidCall(textureDestroy, texture);
    }

    public int textureWidth(MemorySegment texture) {
        return intCall(textureGetWidth, texture);
    }

    public int textureHeight(MemorySegment texture) {
        return intCall(textureGetHeight, texture);
    }

    // ---- queue ----

    public void writeBuffer(MemorySegment queue, MemorySegment buffer, long offset, MemorySegment data) {
        try {
            queueWriteBuffer.invokeExact(queue, buffer, offset, data, data.byteSize());
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public void writeTexture(
            MemorySegment queue, MemorySegment dst, MemorySegment data, MemorySegment layout, MemorySegment extent) {
        try {
            queueWriteTexture.invokeExact(queue, dst, data, data.byteSize(), layout, extent);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public void submit(MemorySegment queue, long count, MemorySegment commandBuffers) {
        try {
            queueSubmit.invokeExact(queue, count, commandBuffers);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    // ---- encoders ----

    public MemorySegment finish(MemorySegment encoder) {
        return create(commandEncoderFinish, encoder, MemorySegment.NULL);
    }

    public MemorySegment beginRenderPass(MemorySegment encoder, MemorySegment desc) {
        return create(commandEncoderBeginRenderPass, encoder, desc);
    }

    public MemorySegment beginComputePass(MemorySegment encoder, MemorySegment desc) {
        return create(commandEncoderBeginComputePass, encoder, desc);
    }

    public void copyBufferToBuffer(
            MemorySegment encoder, MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long size) {
        try {
            commandEncoderCopyBufferToBuffer.invokeExact(encoder, src, srcOffset, dst, dstOffset, size);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public void copyBufferToTexture(MemorySegment encoder, MemorySegment src, MemorySegment dst, MemorySegment ext) {
        threePointers(commandEncoderCopyBufferToTexture, encoder, src, dst, ext);
    }

    public void copyTextureToBuffer(MemorySegment encoder, MemorySegment src, MemorySegment dst, MemorySegment ext) {
        threePointers(commandEncoderCopyTextureToBuffer, encoder, src, dst, ext);
    }

    private static void threePointers(
            MethodHandle h, MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d) {
        try {
            h.invokeExact(a, b, c, d);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public void setRenderPipeline(MemorySegment pass, MemorySegment pipeline) {
        twoPointers(renderPassSetPipeline, pass, pipeline);
    }

    public void setComputePipeline(MemorySegment pass, MemorySegment pipeline) {
        twoPointers(computePassSetPipeline, pass, pipeline);
    }

    private static void twoPointers(MethodHandle h, MemorySegment a, MemorySegment b) {
        try {
            h.invokeExact(a, b);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public void setRenderBindGroup(MemorySegment pass, int index, MemorySegment group) {
        setBindGroup(renderPassSetBindGroup, pass, index, group);
    }

    public void setComputeBindGroup(MemorySegment pass, int index, MemorySegment group) {
        setBindGroup(computePassSetBindGroup, pass, index, group);
    }

    private static void setBindGroup(MethodHandle h, MemorySegment pass, int index, MemorySegment group) {
        try {
            h.invokeExact(pass, index, group, 0L, MemorySegment.NULL);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public void setVertexBuffer(MemorySegment pass, int slot, MemorySegment buffer, long offset, long size) {
        try {
            renderPassSetVertexBuffer.invokeExact(pass, slot, buffer, offset, size);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public void setIndexBuffer(MemorySegment pass, MemorySegment buffer, int format, long offset, long size) {
        try {
            renderPassSetIndexBuffer.invokeExact(pass, buffer, format, offset, size);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public void draw(MemorySegment pass, int vertices, int instances, int firstVertex, int firstInstance) {
        try {
            renderPassDraw.invokeExact(pass, vertices, instances, firstVertex, firstInstance);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public void drawIndexed(
            MemorySegment pass, int indices, int instances, int firstIndex, int baseVertex, int firstInstance) {
        try {
            renderPassDrawIndexed.invokeExact(pass, indices, instances, firstIndex, baseVertex, firstInstance);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public void dispatch(MemorySegment pass, int x, int y, int z) {
        try {
            computePassDispatch.invokeExact(pass, x, y, z);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public void endRenderPass(MemorySegment pass) {
        voidCall(renderPassEnd, pass);
    }

    public void endComputePass(MemorySegment pass) {
        voidCall(computePassEnd, pass);
    }

    // ---- surfaces ----

    public MemorySegment createSurface(MemorySegment instance, MemorySegment desc) {
        return create(instanceCreateSurface, instance, desc);
    }

    public int surfaceCapabilities(MemorySegment surface, MemorySegment adapter, MemorySegment caps) {
        try {
            return (int) surfaceGetCapabilities.invokeExact(surface, adapter, caps);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public void configure(MemorySegment surface, MemorySegment config) {
        twoPointers(surfaceConfigure, surface, config);
    }

    public void currentTexture(MemorySegment surface, MemorySegment surfaceTexture) {
        twoPointers(surfaceGetCurrentTexture, surface, surfaceTexture);
    }

    public int present(MemorySegment surface) {
        return intCall(surfacePresent, surface);
    }

    // ---- mapping ----

    public MemorySegment mappedRange(MemorySegment buffer, long offset, long size) {
        try {
            return ((MemorySegment) bufferGetConstMappedRange.invokeExact(buffer, offset, size)).reinterpret(size);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public void unmap(MemorySegment buffer) {
        voidCall(bufferUnmap, buffer);
    }

    void processEvents(MemorySegment instance) {
        voidCall(instanceProcessEvents, instance);
    }

    MemorySegment future(MethodHandle h, SegmentAllocator a, Object... args) {
        try {
            Object[] all = new Object[args.length + 1];
            all[0] = a;
            System.arraycopy(args, 0, all, 1, args.length);
            return (MemorySegment) h.invokeWithArguments(all);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    private static void voidCall(MethodHandle h, MemorySegment a) {
        try {
            h.invokeExact(a);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    private static int intCall(MethodHandle h, MemorySegment a) {
        try {
            return (int) h.invokeExact(a);
        } catch (Throwable t) {
            throw fail(t);
        }
    }
}
