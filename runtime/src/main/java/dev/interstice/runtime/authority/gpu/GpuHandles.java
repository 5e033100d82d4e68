package dev.interstice.runtime.authority.gpu;

import dev.interstice.webgpu.Wgpu;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * One module's GPU objects by id (upstream's {@code GpuId}, u32, counted from 0 per holder). Every id a module sends is
 * looked up here with the kind the call needs, so a module can only name its own live objects: a wrong, stale or
 * foreign id is an error, never a dangling pointer.
 */
final class GpuHandles {
    /** The kinds of object; {@code type} is the webgpu.h type name (for release). */
    enum Kind {
        BUFFER("Buffer", "buffer"),
        TEXTURE("Texture", "texture"),
        TEXTURE_VIEW("TextureView", "texture view"),
        SAMPLER("Sampler", "sampler"),
        SHADER_MODULE("ShaderModule", "shader module"),
        BIND_GROUP_LAYOUT("BindGroupLayout", "bind group layout"),
        BIND_GROUP("BindGroup", "bind group"),
        PIPELINE_LAYOUT("PipelineLayout", "pipeline layout"),
        RENDER_PIPELINE("RenderPipeline", "render pipeline"),
        COMPUTE_PIPELINE("ComputePipeline", "compute pipeline"),
        COMMAND_ENCODER("CommandEncoder", "command encoder");

        final String type;
        final String words;

        Kind(String type, String words) {
            this.type = type;
            this.words = words;
        }
    }

    /** An object; an encoder also holds its open pass (a render or compute pass encoder), if any. */
    static final class Entry {
        final Kind kind;
        final MemorySegment object;
        final long size; // buffers: their size in bytes
        MemorySegment pass = MemorySegment.NULL;
        boolean renderPass;
        boolean borrowed; // the frame's surface texture: owned by the surface, never destroyed by us

        Entry(Kind kind, MemorySegment object, long size) {
            this.kind = kind;
            this.object = object;
            this.size = size;
        }
    }

    private final Map<Integer, Entry> entries = new HashMap<>();
    private final int max;
    private int next;

    GpuHandles(int max) {
        this.max = max;
    }

    int add(Kind kind, MemorySegment object, long size) {
        if (entries.size() >= max)
            throw new GpuRefusal("too many GPU objects (" + max + "): destroy some before creating more");
        int id = next++;
        entries.put(id, new Entry(kind, object, size));
        return id;
    }

    Entry entry(int id, Kind kind) {
        Entry e = entries.get(id);
        if (e == null) throw new GpuRefusal("no " + kind.words + " with id " + Integer.toUnsignedString(id));
        if (e.kind != kind)
            throw new GpuRefusal(
                    "id " + Integer.toUnsignedString(id) + " is a " + e.kind.words + ", not a " + kind.words);
        return e;
    }

    MemorySegment get(int id, Kind kind) {
        return entry(id, kind).object;
    }

    /** Forgets {@code id} and frees its object (destroying buffers and textures first). */
    void destroy(Wgpu wgpu, int id, Kind kind) {
        Entry e = entry(id, kind);
        entries.remove(id);
        free(wgpu, e);
    }

    /** Forgets {@code id} without freeing its object (an encoder consumed by submit, the frame's texture). */
    void forget(int id) {
        entries.remove(id);
    }

    int size() {
        return entries.size();
    }

    /** Frees everything (the module was unloaded, replaced or removed). */
    void releaseAll(Wgpu wgpu) {
        for (Entry e : entries.values()) free(wgpu, e);
        entries.clear();
    }

    private static void free(Wgpu wgpu, Entry e) {
        if (e.borrowed) return;
        if (!e.pass.equals(MemorySegment.NULL)) {
            if (e.renderPass) {
                wgpu.endRenderPass(e.pass);
                wgpu.release("RenderPassEncoder", e.pass);
            } else {
                wgpu.endComputePass(e.pass);
                wgpu.release("ComputePassEncoder", e.pass);
            }
        }
        if (e.kind == Kind.BUFFER) wgpu.destroyBuffer(e.object);
        if (e.kind == Kind.TEXTURE) wgpu.destroyTexture(e.object);
        wgpu.release(e.kind.type, e.object);
    }
}
