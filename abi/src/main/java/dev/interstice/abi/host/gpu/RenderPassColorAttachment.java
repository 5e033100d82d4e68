package dev.interstice.abi.host.gpu;

import java.util.OptionalInt;

/** One colour attachment of a render pass: a texture view id, an optional resolve target id. */
public record RenderPassColorAttachment(
        int view, OptionalInt resolveTarget, LoadOp load, StoreOp store, Color clearColor) {}
