package dev.interstice.runtime.authority.file;

import java.util.ArrayDeque;
import java.util.function.LongConsumer;

/**
 * The watch events waiting for the File holder's handlers, in order and bounded: an event equal to the last waiting
 * one is coalesced with it (the handler would see the same thing twice); past {@code capacity} events are dropped and
 * counted, and the count is reported once the queue has drained (the holder is slower than the file system).
 */
final class FileEventQueue {
    record Event(String variant, String path) {}

    private final ArrayDeque<Event> pending = new ArrayDeque<>();
    private final int capacity;
    private final LongConsumer reportDropped;
    private long dropped;
    private boolean closed;

    FileEventQueue(int capacity, LongConsumer reportDropped) {
        this.capacity = capacity;
        this.reportDropped = reportDropped;
    }

    synchronized void offer(Event e) {
        if (closed || e.equals(pending.peekLast())) return;
        if (pending.size() >= capacity) {
            dropped++;
            return;
        }
        pending.add(e);
        notifyAll();
    }

    /** Events the watch service itself lost (its own overflow). */
    synchronized void lost(long n) {
        dropped += n;
    }

    /** The next event, waiting for one; null once closed. */
    synchronized Event take() throws InterruptedException {
        while (!closed && pending.isEmpty()) {
            if (dropped > 0) {
                reportDropped.accept(dropped);
                dropped = 0;
            }
            wait();
        }
        return closed ? null : pending.poll();
    }

    synchronized void close() {
        closed = true;
        pending.clear();
        notifyAll();
    }
}
