package dev.interstice.runtime.authority.audio;

/**
 * A silent node's stream ({@link AudioSettings#silent}): as output it takes every frame and discards it, as input it
 * never has frames.
 */
final class SilentSink implements AudioSink, AudioSource {
    @Override
    public long writable(long nowNanos) {
        return Long.MAX_VALUE;
    }

    @Override
    public void write(float[] samples, int offset, int frames) {}

    @Override
    public void late(long nowNanos) {}

    @Override
    public void start(long nowNanos) {}

    @Override
    public long nanosUntilWritable(long frames, long nowNanos) {
        return 0;
    }

    @Override
    public float[] read(long nowNanos, int frames) {
        return null;
    }

    @Override
    public void close() {}

    @Override
    public String describe() {
        return "silence (nothing is played)";
    }
}
