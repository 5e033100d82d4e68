package dev.interstice.runtime.authority.audio;

import java.io.IOException;

/** Where an output stream's frames go: a sound device or a WAV file. Used by one thread at a time. */
interface AudioSink extends AutoCloseable {
    /** Frames the sink takes at {@code nowNanos} without waiting. */
    long writable(long nowNanos);

    /** Writes {@code frames} interleaved frames from {@code samples[offset..]}: at most {@link #writable}. */
    void write(float[] samples, int offset, int frames) throws IOException;

    /** The stream could not supply all that was writable at {@code nowNanos} (its module is late). */
    void late(long nowNanos);

    /** The first frames are queued: playing starts now. */
    void start(long nowNanos);

    /** Nanoseconds until the sink will take {@code frames} more (a hint for how long the pump may sleep). */
    long nanosUntilWritable(long frames, long nowNanos);

    /** Writes what remains without pacing (the stream is closing), then releases the sink. */
    @Override
    void close() throws IOException;

    String describe();
}
