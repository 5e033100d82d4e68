package dev.interstice.network;

import dev.interstice.network.wire.Frames;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.network.wire.ProtocolException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection: frames are read by the owner's reader thread and written by this connection's single writer
 * thread from one FIFO queue, so frames never interleave and leave in the order they were queued. The queue is
 * bounded two ways: "control" frames (requests, replies) by the owner's in-flight limit (checked here as a safety
 * cap), table events by {@code eventCapacity} — {@link #offerEvent} never blocks and reports a full queue instead.
 */
final class Connection {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private record Out(byte[] body, boolean event, Runnable afterWrite) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String label;
    private final int maxFrameBytes;
    private final int controlCapacity;
    private final int eventCapacity;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final ArrayDeque<Out> queue = new ArrayDeque<>();
    private int queuedControl;
    private int queuedEvents;

    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String closeReason;
    private final CompletableFuture<String> closedFuture = new CompletableFuture<>();

    Connection(Socket socket, String label, int maxFrameBytes, int controlCapacity, int eventCapacity) throws IOException {
        this.socket = socket;
        this.label = label;
        this.maxFrameBytes = maxFrameBytes;
        this.controlCapacity = controlCapacity;
        this.eventCapacity = eventCapacity;
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        Thread.ofVirtual().name("interstice-writer " + label).start(this::writeLoop);
    }

    String label() { return label; }

    Socket socket() { return socket; }

    /** Reads one frame body (owner's reader thread only); null at a clean end of stream. */
    byte[] readFrame() throws IOException, ProtocolException {
        return Frames.read(in, maxFrameBytes);
    }

    /** Reads and decodes one message; null at a clean end of stream. */
    Message readMessage() throws IOException, ProtocolException {
        byte[] body = readFrame();
        return body == null ? null : MessageCodec.decode(body);
    }

    /** Queues a request or reply; false if the connection is closed or its control queue is over its cap. */
    boolean send(Message m) {
        return send(MessageCodec.encode(m), null);
    }

    /** As {@link #send(Message)}; {@code afterWrite} runs once the frame is written (or the connection closed). */
    boolean send(Message m, Runnable afterWrite) {
        return send(MessageCodec.encode(m), afterWrite);
    }

    boolean send(byte[] body, Runnable afterWrite) {
        if (body.length > maxFrameBytes) {
            log.warn("{}: not sending a {}-byte frame (maximum {} bytes)", label, body.length, maxFrameBytes);
            if (afterWrite != null) afterWrite.run();
            return false;
        }
        lock.lock();
        try {
            if (closed.get() || queuedControl >= controlCapacity) {
                if (afterWrite != null) afterWrite.run();
                return false;
            }
            queuedControl++;
            queue.addLast(new Out(body, false, afterWrite));
            nonEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Queues a table event without blocking; false if closed or {@code eventCapacity} events are already queued. */
    boolean offerEvent(byte[] body) {
        lock.lock();
        try {
            if (closed.get() || queuedEvents >= eventCapacity) return false;
            queuedEvents++;
            queue.addLast(new Out(body, true, null));
            nonEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Sends {@code last} (e.g. a Reject or Closing) after whatever is queued, then closes. */
    void closeAfter(Message last, String reason) {
        if (!send(MessageCodec.encode(last), () -> close(reason))) close(reason);
    }

    boolean isClosed() { return closed.get(); }

    String closeReason() { return closeReason; }

    /** Completes with the close reason. */
    CompletableFuture<String> closed() { return closedFuture; }

    /** Closes the socket (idempotent); frames still queued are dropped, their callbacks run. */
    void close(String reason) {
        if (!closed.compareAndSet(false, true)) return;
        closeReason = reason;
        try {
            socket.close();
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
                    while (queue.isEmpty() && !closed.get()) nonEmpty.await();
                    if (closed.get()) return;
                    o = queue.pollFirst();
                    if (o.event()) queuedEvents--;
                    else queuedControl--;
                    more = !queue.isEmpty();
                } finally {
                    lock.unlock();
                }
                try {
                    Frames.write(out, o.body());
                    if (!more) out.flush();
                } finally {
                    runQuietly(o.afterWrite());
                }
            }
        } catch (IOException e) {
            close("write failed: " + e.getMessage());
        } catch (InterruptedException e) {
            close("writer interrupted");
        }
    }

    private void runQuietly(Runnable r) {
        if (r == null) return;
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("{}: callback failed: {}", label, e.toString());
        }
    }
}
