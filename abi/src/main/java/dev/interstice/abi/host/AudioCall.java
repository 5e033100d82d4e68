package dev.interstice.abi.host;

import java.util.List;

/**
 * A request to the Audio authority (upstream {@code AudioCall}, ABI 6): OpenOutputStream 0, OpenInputStream 1,
 * CloseStream 2, WriteFramesF32Planar 3. Answered by {@code AudioResponse}: Ok 0, StreamOpened{stream_id} 1,
 * Err(String) 2.
 */
public sealed interface AudioCall {
    /** Upstream {@code AudioStreamConfig}: {@code sample_rate} u32, {@code channels} u16, {@code frames_per_buffer} u32. */
    record StreamConfig(long sampleRate, int channels, long framesPerBuffer) {}

    record OpenOutputStream(StreamConfig config) implements AudioCall {}

    record OpenInputStream(StreamConfig config) implements AudioCall {}

    record CloseStream(long streamId) implements AudioCall {}

    /**
     * {@code data}: one array per channel, each of {@code frames} samples as the guest sent them (the decoder checks
     * nothing about their sizes; the authority does). Owned by the record.
     */
    record WriteFramesF32Planar(long streamId, long frames, int channels, List<float[]> data) implements AudioCall {}
}
