package dev.interstice.runtime.authority.audio;

import dev.interstice.abi.host.AudioCall;
import dev.interstice.runtime.module.LoadedModule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One open stream of the Audio holder. An output stream queues the frames its module wrote (bounded: {@code buffers}
 * times its frames per buffer, counting writes reserved by transactions not yet committed) and feeds them to its sink
 * as the sink takes them; an input stream reads buffers from its source. Guarded by its own monitor: the calling
 * transaction, the effects thread and the audio pump all reach it.
 */
final class AudioStream {
    final long id;
    final LoadedModule owner;
    final AudioCall.StreamConfig config;
    private final AudioSink sink;
    private final AudioSource source;
    private final int channels;
    private final int framesPerBuffer;
    private final int capacity; // frames
    private final float[] ring; // interleaved frames
    private int head; // frame index of the oldest queued frame
    private int queued; // frames
    private long reserved; // frames written by transactions not yet committed
    private boolean active; // its opening transaction committed
    private boolean started; // output: the sink started playing
    boolean closing; // a CloseStream is pending (guarded by the authority's monitor)
    private boolean closed;

    AudioStream(
            long id,
            LoadedModule owner,
            AudioCall.StreamConfig config,
            AudioSink sink,
            AudioSource source,
            int buffers) {
        this.id = id;
        this.owner = owner;
        this.config = config;
        this.sink = sink;
        this.source = source;
        this.channels = config.channels();
        this.framesPerBuffer = (int) config.framesPerBuffer();
        this.capacity = sink == null ? 0 : framesPerBuffer * buffers;
        this.ring = new float[capacity * channels];
    }

    boolean output() {
        return sink != null;
    }

    String kind() {
        return output() ? "output" : "input";
    }

    synchronized void activate() {
        active = true;
    }

    /** Room for a write of {@code frames}, counted as reserved until its transaction ends; null, or why not. */
    synchronized String reserve(long frames) {
        if (queued + reserved + frames > capacity)
            return "audio stream " + id + " is full (" + (queued + reserved) + " frames queued, the limit is "
                    + capacity + " = " + capacity / framesPerBuffer
                    + " buffers): write when the audio_output handler asks for frames";
        reserved += frames;
        return null;
    }

    synchronized void unreserve(long frames) {
        reserved -= frames;
    }

    /** A committed write: its frames join the queue (dropped when the stream closed meanwhile). */
    synchronized void enqueue(List<float[]> planar) {
        int frames = planar.get(0).length;
        reserved -= frames;
        if (closed) return;
        for (int f = 0; f < frames; f++) {
            int at = ((head + queued) % capacity) * channels;
            for (int c = 0; c < channels; c++) ring[at + c] = planar.get(c)[f];
            queued++;
        }
    }

    /** Frames queued or reserved: what the module has written ahead. */
    synchronized long buffered() {
        return queued + reserved;
    }

    /** Whether the module should be asked for frames: another buffer fits. */
    synchronized boolean wantsFrames() {
        return active && !closed && !closing && queued + reserved + framesPerBuffer <= capacity;
    }

    /**
     * Output: hands the sink what it takes now; starts the sink once two buffers (or the whole queue's room) are
     * queued, so one late answer does not starve it at once.
     */
    synchronized void pump(long nowNanos) throws IOException {
        if (!active || closed || sink == null) return;
        if (!started) {
            if (queued < Math.min(2 * framesPerBuffer, capacity)) return;
            sink.start(nowNanos);
            started = true;
        }
        long due = sink.writable(nowNanos);
        if (due <= 0) return;
        int n = (int) Math.min(due, queued);
        drain(n);
        if (n < due) sink.late(nowNanos);
    }

    private void drain(int n) throws IOException {
        while (n > 0) {
            int run = Math.min(n, capacity - head);
            sink.write(ring, head * channels, run);
            head = (head + run) % capacity;
            queued -= run;
            n -= run;
        }
    }

    /** Nanoseconds until the sink takes another half buffer (how long the pump may sleep for this stream). */
    synchronized long nanosUntilNeeded(long nowNanos) {
        if (sink == null || !started) return Long.MAX_VALUE;
        return sink.nanosUntilWritable(Math.max(1, framesPerBuffer / 2), nowNanos);
    }

    /** Input: the next buffer, planar, when its source has one. */
    synchronized List<float[]> readInput(long nowNanos) throws IOException {
        if (!active || closed || source == null) return null;
        float[] interleaved = source.read(nowNanos, framesPerBuffer);
        if (interleaved == null) return null;
        var planar = new ArrayList<float[]>(channels);
        for (int c = 0; c < channels; c++) {
            float[] ch = new float[framesPerBuffer];
            for (int f = 0; f < framesPerBuffer; f++) ch[f] = interleaved[f * channels + c];
            planar.add(ch);
        }
        return planar;
    }

    /** Writes what is queued (unpaced) and releases the sink or source; idempotent. */
    synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            if (sink != null) drain(queued);
        } finally {
            if (sink != null) sink.close();
            else source.close();
        }
    }

    synchronized boolean closed() {
        return closed;
    }

    String describe() {
        return "audio " + kind() + " stream " + id + " (" + config.channels() + " channel(s) at " + config.sampleRate()
                + " Hz, " + config.framesPerBuffer() + " frames per buffer"
                + (sink != null ? ", to " + sink.describe() : "") + ")";
    }
}
