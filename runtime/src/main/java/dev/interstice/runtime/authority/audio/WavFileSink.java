package dev.interstice.runtime.authority.audio;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An output stream recorded to a WAV file (16-bit PCM at the stream's rate and channels), paced by a
 * {@link SampleClock} as a device would be. A late module never leaves silence in the file: the clock slips, so the
 * file holds exactly the frames the module wrote, in order, and a second of audio takes a second of wall time.
 */
final class WavFileSink implements AudioSink {
    private final Path file;
    private final WavWriter out;
    private final SampleClock clock;

    WavFileSink(Path file, long sampleRate, int channels) throws IOException {
        this.file = file;
        this.out = new WavWriter(file, sampleRate, channels);
        this.clock = new SampleClock(sampleRate);
    }

    @Override
    public long writable(long nowNanos) {
        return clock.due(nowNanos);
    }

    @Override
    public void write(float[] samples, int offset, int frames) throws IOException {
        out.write(samples, offset, frames);
        clock.advance(frames);
    }

    @Override
    public void late(long nowNanos) {
        clock.slip(nowNanos);
    }

    @Override
    public void start(long nowNanos) {
        clock.start(nowNanos);
    }

    @Override
    public long nanosUntilWritable(long frames, long nowNanos) {
        return clock.nanosUntil(frames, nowNanos);
    }

    long framesWritten() {
        return out.frames();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    @Override
    public String describe() {
        return "the WAV file " + file;
    }
}
