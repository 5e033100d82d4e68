package dev.interstice.runtime.authority.gpu;

/** A Gpu call refused before it reached the GPU (an unknown handle, a limit); the message goes to the module. */
final class GpuRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GpuRefusal(String message) {
        super(message, null, false, false);
    }
}
