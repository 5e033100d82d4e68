package dev.interstice.runtime.authority.audio;

/**
 * Paces a stream without a device by the stream's sample rate: how many frames are due at a given time since the
 * clock started. When the stream cannot supply what is due (its module is late), {@link #slip} restarts the clock
 * from that moment, so the late frames shift later instead of being replaced by silence.
 */
final class SampleClock {
    private final long sampleRate;
    private long anchorNanos;
    private long anchorFrames;
    private long frames;
    private boolean started;

    SampleClock(long sampleRate) {
        this.sampleRate = sampleRate;
    }

    boolean started() {
        return started;
    }

    void start(long nowNanos) {
        started = true;
        anchorNanos = nowNanos;
        anchorFrames = frames;
    }

    /** Frames due now and not yet {@link #advance advanced} past; 0 before {@link #start}. */
    long due(long nowNanos) {
        if (!started) return 0;
        long elapsed = Math.max(0, nowNanos - anchorNanos);
        long total = anchorFrames + (long) ((double) elapsed * sampleRate / 1_000_000_000L);
        return Math.max(0, total - frames);
    }

    /** {@code n} frames went out. */
    void advance(long n) {
        frames += n;
    }

    /** Fewer frames than due were there: the clock continues from now. */
    void slip(long nowNanos) {
        start(nowNanos);
    }

    /** Frames advanced in all. */
    long frames() {
        return frames;
    }

    /** Nanoseconds from {@code nowNanos} until {@code n} more frames are due (0 when they already are). */
    long nanosUntil(long n, long nowNanos) {
        if (!started) return 0;
        long target = frames + n - anchorFrames;
        long at = anchorNanos + (long) Math.ceil((double) target * 1_000_000_000L / sampleRate);
        return Math.max(0, at - nowNanos);
    }
}
