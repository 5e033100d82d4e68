package dev.interstice.runtime.authority.network;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.ModuleRegistry;
import dev.interstice.runtime.module.LoadedModule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers network events to the module that owns the socket, one at a time, in the order the sockets produced them
 * (so a connection's Received events come before its Closed), each as its own transaction on the holder's
 * {@code network} subscription. The queue holds no more than the sockets let in: each connection stops reading while
 * its window of undelivered chunks is full, each UDP socket drops datagrams beyond its queue, and every other event
 * happens once per handle.
 */
final class NetworkEvents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NetworkEvents.class);

    /** An event for {@code owner}; the value is built only when delivered; {@code delivered} runs afterwards. */
    record Delivery(LoadedModule owner, Supplier<IntersticeValue> event, int bytes, Runnable delivered) {}

    /** Wakes the delivery thread to stop, after the delivery under way (a guest is not interrupted mid-call). */
    private static final Delivery STOP = new Delivery(null, () -> null, 0, () -> {});

    private final Executor executor;
    private final LinkedBlockingQueue<Delivery> queue = new LinkedBlockingQueue<>();
    private final AtomicLong undeliveredBytes = new AtomicLong();
    private final AtomicLong peakUndeliveredBytes = new AtomicLong();
    private Thread thread;
    private volatile boolean closed;

    NetworkEvents(Executor executor) {
        this.executor = executor;
    }

    synchronized void emit(Delivery d) {
        if (closed) return;
        if (thread == null)
            thread = Thread.ofVirtual().name("interstice-network-events").start(this::run);
        peakUndeliveredBytes.accumulateAndGet(undeliveredBytes.addAndGet(d.bytes()), Math::max);
        queue.add(d);
    }

    int undeliveredEvents() {
        return queue.size();
    }

    long undeliveredBytes() {
        return undeliveredBytes.get();
    }

    long peakUndeliveredBytes() {
        return peakUndeliveredBytes.get();
    }

    private void run() {
        while (!closed) {
            Delivery d;
            try {
                d = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (d == STOP) return;
            try {
                if (!closed) deliver(d);
            } catch (RuntimeException e) {
                log.warn(
                        "a network event for module {} was not delivered: {}",
                        d.owner().name(),
                        e.toString());
            } finally {
                undeliveredBytes.addAndGet(-d.bytes());
                d.delivered().run();
            }
        }
    }

    private void deliver(Delivery d) {
        LoadedModule m = d.owner();
        var subscribers = executor.exclusive(() -> executor.modules().get(m.name()) == m
                ? executor.modules().coreSubscribers(m, SubscriptionEvent.Simple.NETWORK)
                : List.<ModuleRegistry.Subscriber>of());
        if (subscribers.isEmpty()) return; // the module was replaced or removed, or does not listen
        IntersticeValue event = d.event().get();
        var jobs = new ArrayList<Executor.Job>(subscribers.size());
        var ctx = CallContext.runtime(executor.services().nodeId());
        for (var s : subscribers) jobs.add(new Executor.Job(s.module(), s.reducer(), List.of(event), ctx, "network"));
        executor.runJobs(jobs);
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t == null) return;
        queue.add(STOP);
        try {
            // a delivery under way finishes before the node closes its storage
            if (!t.join(Duration.ofSeconds(10))) log.warn("network event delivery did not stop in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.clear();
    }
}
