package dev.interstice.runtime.authority.audio;

import java.io.IOException;

/** Where an input stream's frames come from: a capture device or a WAV file. Used by one thread at a time. */
interface AudioSource extends AutoCloseable {
    /** The next {@code frames} interleaved frames if they are available at {@code nowNanos}, else null. */
    float[] read(long nowNanos, int frames) throws IOException;

    @Override
    void close() throws IOException;
}
