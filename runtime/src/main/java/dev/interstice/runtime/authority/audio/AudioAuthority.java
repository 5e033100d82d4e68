package dev.interstice.runtime.authority.audio;

import dev.interstice.abi.codec.AudioCodec;
import dev.interstice.abi.host.AudioCall;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.SubscriptionSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.Frame;
import dev.interstice.runtime.module.LoadedModule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Audio authority: the holder's streams and the pump that keeps them going. Opening a stream opens its device or
 * file at once (so a refusal is answered at the call) and closes it again when the transaction is dropped; frames a
 * write queues and a close take effect once the transaction commits. The pump thread ({@code interstice-audio}) feeds
 * each output stream's sink as it takes frames, asks the holder's {@code audio_output} handler for more whenever a
 * buffer's room is free (one transaction per request; again at once while the module keeps answering, else once per
 * buffer period), and delivers captured buffers to its {@code audio_input} handler as {@code (stream_id, data)}, one
 * transaction each. A module's streams close when it is unloaded, replaced or removed, and all at node shutdown.
 */
public final class AudioAuthority implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AudioAuthority.class);
    /** Input buffers one pump round delivers per stream: a slow handler cannot make the pump fall further behind. */
    private static final int INPUT_BUFFERS_PER_ROUND = 4;

    private final AudioSettings settings;
    private final Executor executor;
    private final Map<Long, AudioStream> streams = new LinkedHashMap<>();
    private final Map<LoadedModule, Long> nextAsk = new HashMap<>(); // owner -> earliest nanoTime to ask again
    private long nextId = 1;
    private int outputFiles;
    private Thread pump;
    private volatile boolean closed;

    public AudioAuthority(AudioSettings settings, Executor executor) {
        this.settings = settings;
        this.executor = executor;
    }

    public AudioSettings settings() {
        return settings;
    }

    /** A call of the holder (already checked to hold Audio), answered as upstream's {@code AudioResponse}. */
    public byte[] call(Frame f, AudioCall call) {
        try {
            return switch (call) {
                case AudioCall.OpenOutputStream o -> open(f, o.config(), true);
                case AudioCall.OpenInputStream o -> open(f, o.config(), false);
                case AudioCall.CloseStream c -> close(f, c.streamId());
                case AudioCall.WriteFramesF32Planar w -> write(f, w);
            };
        } catch (Refused r) {
            return AudioCodec.err(r.getMessage());
        }
    }

    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private byte[] open(Frame f, AudioCall.StreamConfig c, boolean output) throws Refused {
        String kind = output ? "output" : "input";
        AudioLimits l = settings.limits();
        if (c.sampleRate() < 1 || c.sampleRate() > l.maxSampleRate())
            throw new Refused("audio " + kind + " stream refused: sample_rate " + c.sampleRate()
                    + " Hz is not within 1.." + l.maxSampleRate());
        if (c.channels() < 1 || c.channels() > l.maxChannels())
            throw new Refused("audio " + kind + " stream refused: channels " + c.channels() + " is not within 1.."
                    + l.maxChannels());
        if (c.framesPerBuffer() < 1 || c.framesPerBuffer() > l.maxFramesPerBuffer())
            throw new Refused("audio " + kind + " stream refused: frames_per_buffer " + c.framesPerBuffer()
                    + " is not within 1.." + l.maxFramesPerBuffer());
        AudioStream s;
        synchronized (this) {
            if (closed) throw new Refused("the node is shutting down");
            long open =
                    streams.values().stream().filter(x -> x.owner == f.module()).count();
            if (open >= l.maxStreamsPerModule())
                throw new Refused("too many audio streams open (the limit is " + l.maxStreamsPerModule()
                        + " per module): close one first");
            long id = nextId; // taken only by a stream that opens
            try {
                s = output
                        ? new AudioStream(id, f.module(), c, openSink(c), null, l.maxQueuedBuffers())
                        : new AudioStream(id, f.module(), c, null, openSource(c), l.maxQueuedBuffers());
            } catch (IOException e) {
                throw new Refused("audio " + kind + " stream refused: " + e.getMessage());
            }
            nextId++;
            streams.put(id, s);
        }
        f.invocation().ifDropped(() -> discard(s));
        f.invocation().afterCommit(() -> {
            s.activate();
            wake();
        });
        log.info("module {} opened {}", f.module().name(), s.describe());
        return AudioCodec.streamOpened(s.id);
    }

    /** Under the monitor. */
    private AudioSink openSink(AudioCall.StreamConfig c) throws IOException {
        if (settings.silent()) return new SilentSink();
        if (settings.outputFile() != null) {
            Path file = outputFiles == 0 ? settings.outputFile() : numbered(settings.outputFile(), outputFiles + 1);
            outputFiles++;
            return new WavFileSink(file, c.sampleRate(), c.channels());
        }
        if (settings.devices() && SoundDevices.outputAvailable())
            return SoundDevices.openOutput(
                    c.sampleRate(),
                    c.channels(),
                    c.framesPerBuffer(),
                    settings.limits().maxQueuedBuffers());
        throw new IOException("this node has no sound output device and no output file");
    }

    /** {@code out.wav} -> {@code out-2.wav}. */
    static Path numbered(Path file, int n) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot > 0 ? name.substring(0, dot) + "-" + n + name.substring(dot) : name + "-" + n;
        return file.resolveSibling(numbered);
    }

    private AudioSource openSource(AudioCall.StreamConfig c) throws IOException {
        if (settings.silent()) return new SilentSink();
        if (settings.inputFile() != null) {
            var in = new WavReader(settings.inputFile());
            if (in.sampleRate != c.sampleRate() || in.channels != c.channels()) {
                in.close();
                throw new IOException("the input file " + settings.inputFile() + " holds " + in.channels
                        + " channel(s) at " + in.sampleRate + " Hz, the stream asks for " + c.channels()
                        + " at " + c.sampleRate() + " Hz");
            }
            return new WavFileSource(in, System.nanoTime());
        }
        if (settings.devices())
            return SoundDevices.openInput(
                    c.sampleRate(),
                    c.channels(),
                    c.framesPerBuffer(),
                    settings.limits().maxQueuedBuffers());
        throw new IOException("this node has no capture device and no input file");
    }

    private byte[] close(Frame f, long id) throws Refused {
        AudioStream s;
        synchronized (this) {
            s = lookup(f, id);
            if (s.closing) throw new Refused("audio stream " + id + " is already closed");
            s.closing = true;
        }
        f.invocation().ifDropped(() -> {
            synchronized (this) {
                s.closing = false;
            }
        });
        f.invocation().afterCommit(() -> discard(s));
        return AudioCodec.ok();
    }

    private byte[] write(Frame f, AudioCall.WriteFramesF32Planar w) throws Refused {
        AudioStream s;
        synchronized (this) {
            s = lookup(f, w.streamId());
            if (s.closing) throw new Refused("audio stream " + w.streamId() + " is closed");
        }
        if (!s.output())
            throw new Refused("audio stream " + s.id + " is an input stream: frames are written to output streams");
        var c = s.config;
        if (w.channels() != c.channels())
            throw new Refused(
                    "audio stream " + s.id + " has " + c.channels() + " channel(s); the write says " + w.channels());
        if (w.frames() != c.framesPerBuffer())
            throw new Refused("audio stream " + s.id + " takes " + c.framesPerBuffer()
                    + " frames per write (its frames_per_buffer); the write says " + w.frames());
        if (w.data().size() != w.channels())
            throw new Refused("the write says " + w.channels() + " channel(s) but carries "
                    + w.data().size());
        for (int i = 0; i < w.data().size(); i++)
            if (w.data().get(i).length != w.frames())
                throw new Refused("channel " + i + " of the write holds "
                        + w.data().get(i).length + " samples, not " + w.frames());
        String full = s.reserve(w.frames());
        if (full != null) throw new Refused(full);
        f.invocation().ifDropped(() -> s.unreserve(w.frames()));
        f.invocation().afterCommit(() -> s.enqueue(w.data()));
        return AudioCodec.ok();
    }

    /** Under the monitor: the frame's module's open stream {@code id}. */
    private AudioStream lookup(Frame f, long id) throws Refused {
        AudioStream s = streams.get(id);
        if (s == null || s.owner != f.module())
            throw new Refused("audio stream " + Long.toUnsignedString(id) + " is not open"
                    + (s == null ? "" : " in this module") + " (open one with OpenOutputStream or OpenInputStream)");
        return s;
    }

    /** A module version was unloaded, replaced or removed: its streams close. Under the execution lock. */
    public void release(LoadedModule m) {
        List<AudioStream> gone = new ArrayList<>();
        synchronized (this) {
            for (var s : streams.values()) if (s.owner == m) gone.add(s);
            nextAsk.remove(m);
        }
        for (AudioStream s : gone) discard(s);
    }

    /** Closes then forgets: a stream leaves {@link #describeStreams} only once its file is whole. */
    private void discard(AudioStream s) {
        try {
            s.close();
        } catch (IOException e) {
            log.warn("closing {} of module {} failed: {}", s.describe(), s.owner.name(), e.getMessage());
        } finally {
            synchronized (this) {
                streams.remove(s.id, s);
            }
        }
    }

    /** The streams open now (for tests and {@code node show}). */
    public synchronized List<String> describeStreams() {
        return streams.values().stream().map(AudioStream::describe).toList();
    }

    private synchronized void wake() {
        if (closed || settings.silent()) return; // silent: nothing plays, so nothing asks for frames
        if (pump == null) {
            pump = Thread.ofPlatform().daemon().name("interstice-audio").start(this::run);
        }
        notifyAll();
    }

    private void run() {
        while (!closed) {
            List<AudioStream> now;
            synchronized (this) {
                while (!closed && streams.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                now = new ArrayList<>(streams.values());
            }
            long sleep = round(now);
            if (sleep > 0) LockSupport.parkNanos(sleep);
        }
    }

    /** One pump round; answers how long to sleep. */
    private long round(List<AudioStream> all) {
        long t = System.nanoTime();
        long sleep = TimeUnit.MILLISECONDS.toNanos(5);
        var askOwners = new LinkedHashMap<LoadedModule, Boolean>();
        for (AudioStream s : all) {
            try {
                if (s.output()) {
                    s.pump(t);
                    if (s.wantsFrames()) askOwners.put(s.owner, true);
                    sleep = Math.min(sleep, s.nanosUntilNeeded(t));
                } else {
                    for (int i = 0; i < INPUT_BUFFERS_PER_ROUND && !closed; i++) {
                        List<float[]> data = s.readInput(System.nanoTime());
                        if (data == null) break;
                        deliverInput(s, data);
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.warn("{} of module {} failed and is closed: {}", s.describe(), s.owner.name(), e.toString());
                discard(s);
            }
        }
        for (LoadedModule owner : askOwners.keySet()) {
            long period = periodNanos(all, owner);
            Long at;
            synchronized (this) {
                at = nextAsk.get(owner);
            }
            if (at != null && System.nanoTime() < at) {
                sleep = Math.min(sleep, at - System.nanoTime());
                continue;
            }
            long before = buffered(all, owner);
            askForFrames(owner);
            // a module that answered may be asked again at once (filling its queue); one that did not, next period
            boolean answered = buffered(all, owner) > before;
            synchronized (this) {
                nextAsk.put(owner, answered ? System.nanoTime() : System.nanoTime() + period);
            }
            if (answered) sleep = 0;
        }
        return Math.max(sleep, TimeUnit.MICROSECONDS.toNanos(200));
    }

    private static long buffered(List<AudioStream> all, LoadedModule owner) {
        long n = 0;
        for (AudioStream s : all) if (s.owner == owner && s.output()) n += s.buffered();
        return n;
    }

    private static long periodNanos(List<AudioStream> all, LoadedModule owner) {
        long p = Long.MAX_VALUE;
        for (AudioStream s : all)
            if (s.owner == owner && s.output())
                p = Math.min(p, s.config.framesPerBuffer() * 1_000_000_000L / s.config.sampleRate());
        return p == Long.MAX_VALUE ? TimeUnit.MILLISECONDS.toNanos(10) : p;
    }

    private void askForFrames(LoadedModule owner) {
        String handler = handler(owner, SubscriptionEvent.Simple.AUDIO_OUTPUT);
        if (handler == null) return;
        run(owner, handler, List.of(), "audio_output");
    }

    private void deliverInput(AudioStream s, List<float[]> data) {
        String handler = handler(s.owner, SubscriptionEvent.Simple.AUDIO_INPUT);
        if (handler == null) return;
        run(s.owner, handler, List.of(IntersticeValue.u64(s.id), AudioCodec.planarValue(data)), "audio_input");
    }

    private void run(LoadedModule owner, String reducer, List<IntersticeValue> args, String why) {
        try {
            executor.runJobs(List.of(new Executor.Job(
                    owner.name(),
                    reducer,
                    args,
                    CallContext.runtime(executor.services().nodeId()),
                    why)));
        } catch (RuntimeException e) {
            if (!closed) log.warn("{} of module {} not delivered: {}", why, owner.name(), e.getMessage());
        }
    }

    /** The module's first handler of {@code kind} (upstream takes the first too). */
    private static String handler(LoadedModule m, SubscriptionEvent.Simple kind) {
        for (SubscriptionSchema s : m.schema().subscriptions())
            if (s.event() instanceof SubscriptionEvent.Core c && c.kind() == kind) return s.reducer();
        return null;
    }

    /** Stops the pump and closes every stream (output files get their final header). */
    @Override
    public void close() {
        Thread t;
        List<AudioStream> all;
        synchronized (this) {
            closed = true;
            t = pump;
            all = new ArrayList<>(streams.values());
            notifyAll();
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (AudioStream s : all) discard(s);
    }
}
