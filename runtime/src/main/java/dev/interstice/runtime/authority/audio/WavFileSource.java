package dev.interstice.runtime.authority.audio;

import java.io.IOException;

/**
 * An input stream read from a WAV file, paced by the stream's sample rate from when it opened (a late reader gets
 * the next buffer, never a skipped one). At the end of the file the stream delivers nothing more.
 */
final class WavFileSource implements AudioSource {
    private final WavReader in;
    private final SampleClock clock;

    WavFileSource(WavReader in, long nowNanos) {
        this.in = in;
        this.clock = new SampleClock(in.sampleRate);
        clock.start(nowNanos);
    }

    @Override
    public float[] read(long nowNanos, int frames) throws IOException {
        if (in.framesLeft() < frames || clock.due(nowNanos) < frames) return null;
        clock.advance(frames);
        return in.read(frames);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
