package dev.interstice.network;

import dev.interstice.network.wire.Frames;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageBytes;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.network.wire.ProtocolException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection: frames are read by the owner's reader thread and written by this connection's single writer
 * thread from one FIFO queue, so frames never interleave and leave in the order they were queued. The queue is
 * bounded two ways: "control" frames (requests, replies) by the owner's in-flight limit (checked here as a safety
 * cap), table events by {@code eventCapacity} and the connection's memory budget — {@link #offerEvent} never blocks
 * and reports a full queue instead.
 *
 * <p>Memory: a frame body above {@link #SMALL_FRAME} is reserved in the {@link MemoryBudget} before it is read (the
 * owner releases it once the message is handled); queued frames count until written. Each direction has its own
 * account, so a reply waiting for room never waits for a request that waits for it. A reply
 * larger than a frame is cut into {@link Message.Part}s; a rows reply is produced {@link #CHUNK} by chunk as it is
 * written. A connection whose frame body arrives too slowly, or whose writer makes no progress for too long (the other
 * side does not read), is closed by a shared watch thread.
 */
final class Connection {
    /** Set up on first use: a short-lived client (a CLI command) that never logs does not pay for logging's start. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    }

    /** Frames up to this size are read without a reservation; it is also the limit of a handshake message. */
    static final int SMALL_FRAME = 64 * 1024;
    /** Pieces in which frames are written (progress is noted after each) and rows replies produced. */
    static final int CHUNK = 64 * 1024;
    /** Largest payload of one Part. */
    static final int MAX_PART = 1 << 20;

    private static final int PART_OVERHEAD = 32;

    /**
     * How a connection guards memory: the budget it draws on, how long a large frame waits for node-wide room, and the
     * body and write-stall timeouts (zero: not watched).
     */
    record Limits(
            int maxFrameBytes,
            int controlCapacity,
            int eventCapacity,
            MemoryBudget budget,
            Duration bufferWait,
            Duration bodyTimeout,
            Duration stallTimeout) {
        /** A client's connection: nothing is refused or watched here (what it reads answers its own requests). */
        static Limits client(int maxFrameBytes, int controlCapacity) {
            return new Limits(
                    maxFrameBytes,
                    controlCapacity,
                    1,
                    MemoryBudget.unlimited(),
                    Duration.ZERO,
                    Duration.ZERO,
                    Duration.ZERO);
        }
    }

    private record Out(MessageBytes body, long held, boolean event, Runnable afterWrite) {}

    private final Socket socket;
    /** The TCP socket under a TLS one (closed directly: closing TLS would wait for a writer stuck on a full socket). */
    private final Socket raw;

    private final InputStream in;
    private final OutputStream out;
    private final String label;
    private final Limits limits;
    private final int maxFrameBytes;
    /** Reserved incoming frames; queued outgoing frames (and what the owner reserves for replies). */
    private final MemoryBudget.Account reading;

    private final MemoryBudget.Account writing;
    private final boolean watched;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final ArrayDeque<Out> queue = new ArrayDeque<>();
    /** The writer thread is writing a frame (outside the lock). */
    private boolean writerBusy;
    /** The owner is writing a frame itself ({@link #sendNow}): the writer thread waits. */
    private boolean ownerWriting;

    private int queuedControl;
    private int queuedEvents;

    /** System.nanoTime when the body being read was announced; 0 between frames. */
    private volatile long readingSince;
    /** System.nanoTime of the writer's last progress while it has frames to write; 0 when idle. */
    private volatile long writingSince;

    private final AtomicBoolean expiring = new AtomicBoolean();

    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String closeReason;
    private final CompletableFuture<String> closedFuture = new CompletableFuture<>();

    /** A connection whose writer runs on {@code threads} (virtual for a node's many sessions). */
    Connection(Socket socket, String label, Limits limits, Thread.Builder threads) throws IOException {
        this(socket, socket, new byte[0], label, limits, threads);
    }

    /**
     * A connection over {@code socket} (TLS, or plaintext) on the TCP socket {@code raw}, whose first bytes
     * {@code consumed} were already read from it (to tell TLS from plaintext).
     */
    Connection(Socket socket, Socket raw, byte[] consumed, String label, Limits limits, Thread.Builder threads)
            throws IOException {
        this.socket = socket;
        this.raw = raw;
        this.label = label;
        this.limits = limits;
        this.maxFrameBytes = limits.maxFrameBytes();
        this.reading = limits.budget().open();
        this.writing = limits.budget().open();
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        this.in = new BufferedInputStream(
                consumed.length == 0
                        ? socket.getInputStream()
                        : new SequenceInputStream(new ByteArrayInputStream(consumed), socket.getInputStream()),
                64 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        threads.name("interstice-writer " + label).start(this::writeLoop);
        this.watched =
                limits.bodyTimeout().isPositive() || limits.stallTimeout().isPositive();
        if (watched) Watch.add(this);
    }

    String label() {
        return label;
    }

    Socket socket() {
        return socket;
    }

    /** Bytes this connection holds in the budget (reserved frames, queued replies). */
    long bufferedBytes() {
        return reading.held() + writing.held();
    }

    /** The account of outgoing frames, where the owner reserves for replies before queuing them. */
    MemoryBudget.Account replies() {
        return writing;
    }

    /**
     * Reads one frame body (owner's reader thread only); null at a clean end of stream. A body above
     * {@link #SMALL_FRAME} is reserved first: give it back with {@link #release(int)} once its message is handled.
     *
     * @throws BufferShortageException the node had no room for the frame within the buffer wait
     */
    byte[] readFrame() throws IOException, ProtocolException {
        return read(maxFrameBytes);
    }

    /** Gives back the reservation of a frame of {@code length} bytes returned by {@link #readFrame()}. */
    void release(int length) {
        if (length > SMALL_FRAME) reading.release(length);
    }

    /** Reads and decodes one handshake message (at most {@link #SMALL_FRAME} bytes); null at a clean end of stream. */
    Message readMessage() throws IOException, ProtocolException {
        byte[] body = read(Math.min(maxFrameBytes, SMALL_FRAME));
        return body == null ? null : MessageCodec.decode(body);
    }

    private byte[] read(int limit) throws IOException, ProtocolException {
        int len = Frames.readHeader(in, limit);
        if (len < 0) return null;
        boolean reserved = len > SMALL_FRAME;
        if (reserved) reserve(len);
        readingSince = System.nanoTime() | 1;
        try {
            return Frames.readBody(in, len);
        } catch (IOException | RuntimeException e) {
            if (reserved) reading.release(len);
            throw e;
        } finally {
            readingSince = 0;
        }
    }

    private void reserve(int len) throws IOException {
        MemoryBudget.Grant g;
        try {
            g = reading.reserve(len, limits.bufferWait());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for buffer memory");
        }
        switch (g) {
            case GRANTED -> {}
            case CLOSED -> throw new SocketException("connection closed");
            case NODE_SHORT ->
                throw new BufferShortageException("node is short of buffer memory: a frame of " + len
                        + " bytes found no room within " + limits.bufferWait().toMillis() + " ms; try again later");
        }
    }

    /** Queues a request or reply; false if the connection is closed or its control queue is over its cap. */
    boolean send(Message m) {
        return send(MessageBytes.of(m), false, null);
    }

    /** As {@link #send(Message)}; {@code afterWrite} runs once the frame is written (or the connection closed). */
    boolean send(Message m, Runnable afterWrite) {
        return send(MessageBytes.of(m), false, afterWrite);
    }

    boolean send(byte[] body, Runnable afterWrite) {
        return send(MessageBytes.encoded(body), false, afterWrite);
    }

    /**
     * Queues a request or reply. A reply larger than a frame goes out as Parts (the owner checks that the other side
     * reads them). {@code reserved}: the caller already took {@link MessageBytes#heldBytes()} from {@link #replies()};
     * otherwise they are counted now. They are given back once written or dropped.
     */
    boolean send(MessageBytes body, boolean reserved, Runnable afterWrite) {
        long held = body.heldBytes();
        if (body.size() > maxFrameBytes && body.id() < 0) {
            Log.LOG.warn("{}: not sending a {}-byte frame (maximum {} bytes)", label, body.size(), maxFrameBytes);
            dropped(held, reserved, afterWrite);
            return false;
        }
        lock.lock();
        try {
            if (closed.get() || queuedControl >= limits.controlCapacity()) {
                dropped(held, reserved, afterWrite);
                return false;
            }
            if (!reserved) writing.take(held);
            queuedControl++;
            queue.addLast(new Out(body, held, false, afterWrite));
            nonEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes a frame (a reply, or a client's sole call) on the calling thread when nothing is queued or being written
     * (saving the hand-off to the writer thread); otherwise queues it as {@link #send(MessageBytes, boolean, Runnable)}
     * does. Only a thread that may wait for this connection calls it: the owner's reader thread (a node's session),
     * whose blocked write blocks only this connection while the stall check still closes it, or a client's caller of a
     * sole call, which waits for its answer anyway.
     */
    boolean sendNow(MessageBytes body, Runnable afterWrite) {
        long held = body.heldBytes();
        boolean now;
        lock.lock();
        try {
            now = !closed.get() && !writerBusy && !ownerWriting && queue.isEmpty() && body.size() <= maxFrameBytes;
            if (now) {
                ownerWriting = true;
                writing.take(held);
            }
        } finally {
            lock.unlock();
        }
        if (!now) return send(body, false, afterWrite);
        try {
            writeOut(body, held, afterWrite, true);
            return true;
        } catch (IOException e) {
            close("write failed: " + e.getMessage());
            return false;
        } finally {
            lock.lock();
            try {
                ownerWriting = false;
                if (!queue.isEmpty()) nonEmpty.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    private void dropped(long held, boolean reserved, Runnable afterWrite) {
        if (reserved) writing.release(held);
        if (afterWrite != null) afterWrite.run();
    }

    /**
     * Queues a table event without blocking; false if closed, {@code eventCapacity} events are already queued, or the
     * connection's share of the memory budget is used up.
     */
    boolean offerEvent(byte[] body) {
        lock.lock();
        try {
            if (closed.get() || queuedEvents >= limits.eventCapacity() || !writing.tryTake(body.length)) return false;
            queuedEvents++;
            queue.addLast(new Out(MessageBytes.encoded(body), body.length, true, null));
            nonEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Sends {@code last} (e.g. a Reject or Closing) after whatever is queued, then closes. */
    void closeAfter(Message last, String reason) {
        if (!send(MessageBytes.of(last), false, () -> close(reason))) close(reason);
    }

    boolean isClosed() {
        return closed.get();
    }

    String closeReason() {
        return closeReason;
    }

    /** Completes with the close reason. */
    CompletableFuture<String> closed() {
        return closedFuture;
    }

    /** Closes the socket (idempotent); frames still queued are dropped, their callbacks run, the budget is given back. */
    void close(String reason) {
        if (!closed.compareAndSet(false, true)) return;
        closeReason = reason;
        if (watched) Watch.remove(this);
        try {
            raw.close();
            if (socket != raw) socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        ArrayDeque<Out> dropped;
        lock.lock();
        try {
            dropped = new ArrayDeque<>(queue);
            queue.clear();
            queuedControl = 0;
            queuedEvents = 0;
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        reading.close();
        writing.close();
        for (Out o : dropped) runQuietly(o.afterWrite());
        closedFuture.complete(reason);
    }

    private void writeLoop() {
        try {
            while (true) {
                Out o;
                boolean more;
                lock.lock();
                try {
                    writerBusy = false;
                    while ((queue.isEmpty() || ownerWriting) && !closed.get()) nonEmpty.await();
                    if (closed.get()) return;
                    writerBusy = true;
                    o = queue.pollFirst();
                    if (o.event()) queuedEvents--;
                    else queuedControl--;
                    more = !queue.isEmpty();
                } finally {
                    lock.unlock();
                }
                writeOut(o.body(), o.held(), o.afterWrite(), !more);
            }
        } catch (IOException e) {
            close("write failed: " + e.getMessage());
        } catch (InterruptedException e) {
            close("writer interrupted");
        }
    }

    /**
     * Writes one frame (the writer thread, or the owner in {@link #sendNow}), flushing when nothing follows it; its
     * bytes are given back and its callback runs whether or not the write succeeds.
     */
    private void writeOut(MessageBytes body, long held, Runnable afterWrite, boolean flush) throws IOException {
        progress();
        try {
            write(body);
            if (flush) {
                out.flush();
                writingSince = 0; // idle unless something was queued meanwhile (then the next take resets it)
            }
        } finally {
            writing.release(held);
            runQuietly(afterWrite);
        }
    }

    private void progress() {
        writingSince = System.nanoTime() | 1;
    }

    /** Writes one message: one frame, or Parts of at most {@link #MAX_PART} bytes when it is larger than a frame. */
    private void write(MessageBytes b) throws IOException {
        long size = b.size();
        byte[] whole = b.whole();
        byte[] chunk = whole == null ? new byte[(int) Math.min(CHUNK, size)] : null;
        if (size <= maxFrameBytes) {
            Frames.writeHeader(out, (int) size);
            copy(b, whole, chunk, 0, (int) size);
            return;
        }
        int partMax = Math.max(1, Math.min(maxFrameBytes - PART_OVERHEAD, MAX_PART));
        for (long at = 0; at < size; ) {
            int n = (int) Math.min(size - at, partMax);
            byte[] head = b.partHead(at + n == size, n);
            Frames.writeHeader(out, head.length + n);
            out.write(head);
            copy(b, whole, chunk, at, n);
            at += n;
        }
    }

    /** Writes the next {@code n} bytes of {@code b} (starting at {@code at} of {@code whole} when it is one array). */
    private void copy(MessageBytes b, byte[] whole, byte[] chunk, long at, int n) throws IOException {
        for (int done = 0; done < n; ) {
            int k = Math.min(CHUNK, n - done);
            if (whole != null) out.write(whole, (int) at + done, k);
            else {
                k = b.read(chunk, 0, Math.min(chunk.length, k));
                if (k == 0) throw new IllegalStateException("message ended before its announced size");
                out.write(chunk, 0, k);
            }
            done += k;
            progress();
        }
    }

    /** Closes this connection if a frame body is overdue or its writer has been stuck too long. */
    private void check(long now) {
        long r = readingSince;
        long body = limits.bodyTimeout().toNanos();
        if (r != 0 && body > 0 && now - r > body && expiring.compareAndSet(false, true)) {
            String why = "a frame's body did not arrive within "
                    + limits.bodyTimeout().toMillis() + " ms of its header";
            Log.LOG.warn("{}: closing: {}", label, why);
            closeAfter(new Message.Closing(why), why);
        }
        long w = writingSince;
        long stall = limits.stallTimeout().toNanos();
        if (w != 0 && stall > 0 && now - w > stall) {
            String why = "the other side read nothing for "
                    + limits.stallTimeout().toMillis() + " ms while " + writing.held() + " bytes were queued for it";
            Log.LOG.warn("{}: closing: {}", label, why);
            close(why);
        }
    }

    private void runQuietly(Runnable r) {
        if (r == null) return;
        try {
            r.run();
        } catch (RuntimeException e) {
            Log.LOG.warn("{}: callback failed: {}", label, e.toString());
        }
    }

    /** The node had no buffer memory for a frame in time: the owner closes the connection with this reason. */
    static final class BufferShortageException extends IOException {
        BufferShortageException(String message) {
            super(message);
        }
    }

    /** One daemon thread checks every watched connection's body and write progress ten times a second. */
    private static final class Watch {
        private static final Set<Connection> WATCHED = ConcurrentHashMap.newKeySet();
        private static final ScheduledExecutorService SWEEPER =
                Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                        .name("interstice-connection-watch")
                        .daemon(true)
                        .unstarted(r));

        static {
            SWEEPER.scheduleWithFixedDelay(Watch::sweep, 100, 100, TimeUnit.MILLISECONDS);
        }

        static void add(Connection c) {
            WATCHED.add(c);
        }

        static void remove(Connection c) {
            WATCHED.remove(c);
        }

        private static void sweep() {
            long now = System.nanoTime();
            for (Connection c : WATCHED) {
                try {
                    c.check(now);
                } catch (RuntimeException | Error e) {
                    // an exception would cancel the schedule: the watch must outlive any one connection (and a full
                    // heap)
                    Log.LOG.warn("{}: watch check failed: {}", c.label, e.toString());
                }
            }
        }
    }
}
