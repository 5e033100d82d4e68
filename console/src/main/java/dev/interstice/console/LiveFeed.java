package dev.interstice.console;

import dev.interstice.runtime.exec.CommitListener;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live updates for the open pages: every committed row change of the table a page browses, and every metrics sample.
 * Told of commits under the execution lock, so it only queues; each page's stream (a Server-Sent Events response)
 * takes from its own bounded queue. A page that falls behind gets one {@link Overflow} and reloads instead.
 */
final class LiveFeed implements CommitListener {
    /** Events queued per page at most before it is told to reload. */
    static final int QUEUE = 4096;

    sealed interface Event {}

    /** A row change; the page is told only once {@code lsn} is durable (nothing leaves the node before). */
    record RowChange(long txId, long lsn, RowEvent event) implements Event {}

    record MetricsSample(Metrics.Sample sample) implements Event {}

    /** Events were dropped: the page reloads its rows. */
    record Overflow() implements Event {}

    /** One open page: the table it browses (null: metrics only) and what is queued for it. */
    static final class Subscriber {
        final String module;
        final String table;
        final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
        private volatile boolean overflowed;

        Subscriber(String module, String table) {
            this.module = module;
            this.table = table;
        }

        void offer(Event e) {
            if (overflowed) return;
            if (!queue.offer(e)) {
                overflowed = true;
                queue.clear();
                queue.offer(new Overflow());
            }
        }

        /** After the page is told of an overflow it may receive again. */
        void resumed() {
            overflowed = false;
        }
    }

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();

    Subscriber subscribe(String module, String table) {
        var s = new Subscriber(module, table);
        subscribers.add(s);
        return s;
    }

    void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    int size() {
        return subscribers.size();
    }

    @Override
    public void committed(long txId, long horizonLsn, List<RowEvent> events) {
        for (Subscriber s : subscribers) {
            if (s.table == null) continue;
            for (RowEvent e : events)
                if (e.module().equals(s.module) && e.table().equals(s.table))
                    s.offer(new RowChange(txId, horizonLsn, e));
        }
    }

    void published(Metrics.Sample sample) {
        for (Subscriber s : subscribers) s.offer(new MetricsSample(sample));
    }
}
