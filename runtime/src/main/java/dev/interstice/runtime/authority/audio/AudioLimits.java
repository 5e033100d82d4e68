package dev.interstice.runtime.authority.audio;

/**
 * Bounds on what the Audio holder may ask: streams open at once per module, frames queued per output stream (in
 * buffers of its {@code frames_per_buffer}), and the stream shapes accepted (channels, sample rate, frames per buffer,
 * which together bound the samples of one write).
 */
public record AudioLimits(
        int maxStreamsPerModule, int maxQueuedBuffers, int maxChannels, long maxSampleRate, long maxFramesPerBuffer) {

    public static AudioLimits defaults() {
        return new AudioLimits(8, 4, 8, 384_000, 16_384);
    }
}
