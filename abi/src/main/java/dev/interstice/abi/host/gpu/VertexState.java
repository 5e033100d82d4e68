package dev.interstice.abi.host.gpu;

import java.util.List;

/** The vertex stage of a render pipeline: shader module, entry point and the vertex buffers it reads. */
public record VertexState(int module, String entryPoint, List<VertexBufferLayout> buffers) {
    public VertexState {
        buffers = List.copyOf(buffers);
    }
}
