package dev.interstice.abi.host.gpu;

import java.util.List;

/** How one vertex buffer is laid out ({@code arrayStride} is a u64). */
public record VertexBufferLayout(long arrayStride, VertexStepMode stepMode, List<VertexAttribute> attributes) {
    public VertexBufferLayout {
        attributes = List.copyOf(attributes);
    }
}
