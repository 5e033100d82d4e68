package dev.interstice.webgpu;

import static dev.interstice.webgpu.CStruct.F32;
import static dev.interstice.webgpu.CStruct.F64;
import static dev.interstice.webgpu.CStruct.PTR;
import static dev.interstice.webgpu.CStruct.SV;
import static dev.interstice.webgpu.CStruct.U16;
import static dev.interstice.webgpu.CStruct.U32;
import static dev.interstice.webgpu.CStruct.U64;

/**
 * The webgpu.h structs this binding writes, field by field in the header's order (the standard header as Dawn ships it
 * in 2025; see docs/gpu.md for the version). Comments name the fields where the kinds alone do not.
 */
public final class Structs {
    private Structs() {}

    public static final CStruct CHAINED = CStruct.of(PTR, U32); // next, sType
    /** next, mode, callback, userdata1, userdata2: every async call's callback info. */
    public static final CStruct CALLBACK_INFO = CStruct.of(PTR, U32, PTR, PTR, PTR);
    /** next, featureLevel, powerPreference, forceFallbackAdapter, backendType, compatibleSurface. */
    public static final CStruct REQUEST_ADAPTER_OPTIONS = CStruct.of(PTR, U32, U32, U32, U32, PTR);

    public static final CStruct QUEUE_DESCRIPTOR = CStruct.of(PTR, SV);
    /** next, callback, userdata1, userdata2. */
    public static final CStruct UNCAPTURED_ERROR_CALLBACK_INFO = CStruct.of(PTR, PTR, PTR, PTR);
    /** next, label, requiredFeatureCount, requiredFeatures, requiredLimits, defaultQueue, deviceLost, uncapturedError. */
    public static final CStruct DEVICE_DESCRIPTOR = CStruct.of(
            PTR,
            SV,
            U64,
            PTR,
            PTR,
            QUEUE_DESCRIPTOR.field(),
            CALLBACK_INFO.field(),
            UNCAPTURED_ERROR_CALLBACK_INFO.field());

    /** chain, display, window. */
    public static final CStruct SURFACE_SOURCE_XLIB_WINDOW = CStruct.of(CHAINED.field(), PTR, U64);

    public static final CStruct SURFACE_DESCRIPTOR = CStruct.of(PTR, SV);
    /** next, device, format, usage, width, height, viewFormatCount, viewFormats, alphaMode, presentMode. */
    public static final CStruct SURFACE_CONFIGURATION = CStruct.of(PTR, PTR, U32, U64, U32, U32, U64, PTR, U32, U32);
    /** next, usages, formatCount, formats, presentModeCount, presentModes, alphaModeCount, alphaModes. */
    public static final CStruct SURFACE_CAPABILITIES = CStruct.of(PTR, U64, U64, PTR, U64, PTR, U64, PTR);
    /** next, texture, status. */
    public static final CStruct SURFACE_TEXTURE = CStruct.of(PTR, PTR, U32);

    /** next, label, usage, size, mappedAtCreation. */
    public static final CStruct BUFFER_DESCRIPTOR = CStruct.of(PTR, SV, U64, U64, U32);

    public static final CStruct EXTENT_3D = CStruct.of(U32, U32, U32);
    public static final CStruct ORIGIN_3D = CStruct.of(U32, U32, U32);
    /** next, label, usage, dimension, size, format, mipLevelCount, sampleCount, viewFormatCount, viewFormats. */
    public static final CStruct TEXTURE_DESCRIPTOR =
            CStruct.of(PTR, SV, U64, U32, EXTENT_3D.field(), U32, U32, U32, U64, PTR);
    /** next, label, format, dimension, baseMipLevel, mipLevelCount, baseArrayLayer, arrayLayerCount, aspect, usage. */
    public static final CStruct TEXTURE_VIEW_DESCRIPTOR = CStruct.of(PTR, SV, U32, U32, U32, U32, U32, U32, U32, U64);
    /** next, label, addressModeU/V/W, magFilter, minFilter, mipmapFilter, lodMinClamp, lodMaxClamp, compare, maxAnisotropy. */
    public static final CStruct SAMPLER_DESCRIPTOR =
            CStruct.of(PTR, SV, U32, U32, U32, U32, U32, U32, F32, F32, U32, U16);

    public static final CStruct BUFFER_BINDING_LAYOUT = CStruct.of(PTR, U32, U32, U64); // type, hasDynamicOffset, min
    public static final CStruct SAMPLER_BINDING_LAYOUT = CStruct.of(PTR, U32);
    public static final CStruct TEXTURE_BINDING_LAYOUT = CStruct.of(PTR, U32, U32, U32); // sampleType, viewDim, ms
    public static final CStruct STORAGE_TEXTURE_BINDING_LAYOUT = CStruct.of(PTR, U32, U32, U32); // access, format, dim
    /** next, binding, visibility, bindingArraySize, buffer, sampler, texture, storageTexture. */
    public static final CStruct BIND_GROUP_LAYOUT_ENTRY = CStruct.of(
            PTR,
            U32,
            U64,
            U32,
            BUFFER_BINDING_LAYOUT.field(),
            SAMPLER_BINDING_LAYOUT.field(),
            TEXTURE_BINDING_LAYOUT.field(),
            STORAGE_TEXTURE_BINDING_LAYOUT.field());

    public static final CStruct BIND_GROUP_LAYOUT_DESCRIPTOR = CStruct.of(PTR, SV, U64, PTR);
    /** next, binding, buffer, offset, size, sampler, textureView. */
    public static final CStruct BIND_GROUP_ENTRY = CStruct.of(PTR, U32, PTR, U64, U64, PTR, PTR);
    /** next, label, layout, entryCount, entries. */
    public static final CStruct BIND_GROUP_DESCRIPTOR = CStruct.of(PTR, SV, PTR, U64, PTR);
    /** next, label, bindGroupLayoutCount, bindGroupLayouts, immediateSize. */
    public static final CStruct PIPELINE_LAYOUT_DESCRIPTOR = CStruct.of(PTR, SV, U64, PTR, U32);

    public static final CStruct SHADER_SOURCE_WGSL = CStruct.of(CHAINED.field(), SV);
    public static final CStruct SHADER_MODULE_DESCRIPTOR = CStruct.of(PTR, SV);

    /** next, format, offset, shaderLocation. */
    public static final CStruct VERTEX_ATTRIBUTE = CStruct.of(PTR, U32, U64, U32);
    /** next, stepMode, arrayStride, attributeCount, attributes. */
    public static final CStruct VERTEX_BUFFER_LAYOUT = CStruct.of(PTR, U32, U64, U64, PTR);
    /** next, module, entryPoint, constantCount, constants, bufferCount, buffers. */
    public static final CStruct VERTEX_STATE = CStruct.of(PTR, PTR, SV, U64, PTR, U64, PTR);
    /** next, topology, stripIndexFormat, frontFace, cullMode, unclippedDepth. */
    public static final CStruct PRIMITIVE_STATE = CStruct.of(PTR, U32, U32, U32, U32, U32);
    /** compare, failOp, depthFailOp, passOp. */
    public static final CStruct STENCIL_FACE_STATE = CStruct.of(U32, U32, U32, U32);
    /**
     * next, format, depthWriteEnabled (optional bool), depthCompare, stencilFront, stencilBack, stencilReadMask,
     * stencilWriteMask, depthBias, depthBiasSlopeScale, depthBiasClamp.
     */
    public static final CStruct DEPTH_STENCIL_STATE = CStruct.of(
            PTR, U32, U32, U32, STENCIL_FACE_STATE.field(), STENCIL_FACE_STATE.field(), U32, U32, U32, F32, F32);
    /** next, count, mask, alphaToCoverageEnabled. */
    public static final CStruct MULTISAMPLE_STATE = CStruct.of(PTR, U32, U32, U32);
    /** operation, srcFactor, dstFactor. */
    public static final CStruct BLEND_COMPONENT = CStruct.of(U32, U32, U32);

    public static final CStruct BLEND_STATE = CStruct.of(BLEND_COMPONENT.field(), BLEND_COMPONENT.field());
    /** next, format, blend, writeMask. */
    public static final CStruct COLOR_TARGET_STATE = CStruct.of(PTR, U32, PTR, U64);
    /** next, module, entryPoint, constantCount, constants, targetCount, targets. */
    public static final CStruct FRAGMENT_STATE = CStruct.of(PTR, PTR, SV, U64, PTR, U64, PTR);
    /** next, label, layout, vertex, primitive, depthStencil, multisample, fragment. */
    public static final CStruct RENDER_PIPELINE_DESCRIPTOR = CStruct.of(
            PTR, SV, PTR, VERTEX_STATE.field(), PRIMITIVE_STATE.field(), PTR, MULTISAMPLE_STATE.field(), PTR);
    /** next, module, entryPoint, constantCount, constants. */
    public static final CStruct COMPUTE_STATE = CStruct.of(PTR, PTR, SV, U64, PTR);

    public static final CStruct COMPUTE_PIPELINE_DESCRIPTOR = CStruct.of(PTR, SV, PTR, COMPUTE_STATE.field());

    public static final CStruct COLOR = CStruct.of(F64, F64, F64, F64);
    /** next, view, depthSlice, resolveTarget, loadOp, storeOp, clearValue. */
    public static final CStruct RENDER_PASS_COLOR_ATTACHMENT = CStruct.of(PTR, PTR, U32, PTR, U32, U32, COLOR.field());
    /**
     * next, view, depthLoadOp, depthStoreOp, depthClearValue, depthReadOnly, stencilLoadOp, stencilStoreOp,
     * stencilClearValue, stencilReadOnly.
     */
    public static final CStruct RENDER_PASS_DEPTH_STENCIL_ATTACHMENT =
            CStruct.of(PTR, PTR, U32, U32, F32, U32, U32, U32, U32, U32);
    /** next, label, colorAttachmentCount, colorAttachments, depthStencilAttachment, occlusionQuerySet, timestamps. */
    public static final CStruct RENDER_PASS_DESCRIPTOR = CStruct.of(PTR, SV, U64, PTR, PTR, PTR, PTR);

    public static final CStruct COMPUTE_PASS_DESCRIPTOR = CStruct.of(PTR, SV, PTR);
    /** offset, bytesPerRow, rowsPerImage. */
    public static final CStruct TEXEL_COPY_BUFFER_LAYOUT = CStruct.of(U64, U32, U32);

    public static final CStruct TEXEL_COPY_BUFFER_INFO = CStruct.of(TEXEL_COPY_BUFFER_LAYOUT.field(), PTR);
    /** texture, mipLevel, origin, aspect. */
    public static final CStruct TEXEL_COPY_TEXTURE_INFO = CStruct.of(PTR, U32, ORIGIN_3D.field(), U32);
}
