package dev.interstice.runtime.node;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content store's collection run every so often (docs/store.md), on its own daemon thread, until closed: content
 * no label names then lives between one and two grace periods, and a removed module's blobs go within one interval.
 * A failed run is logged and the next one tries again.
 */
final class PeriodicCollection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeriodicCollection.class);
    /** However short the grace, runs are at least this far apart (a collection takes the execution lock). */
    static final Duration MIN_INTERVAL = Duration.ofMillis(50);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r ->
            Thread.ofPlatform().name("interstice-store-collection").daemon(true).unstarted(r));

    PeriodicCollection(Duration every, Runnable collect) {
        long ms = Math.max(MIN_INTERVAL.toMillis(), every.toMillis());
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        collect.run();
                    } catch (RuntimeException e) {
                        log.warn("content store collection failed (tried again in {} ms): {}", ms, e.toString());
                    }
                },
                ms,
                ms,
                TimeUnit.MILLISECONDS);
    }

    /** Stops further runs; a run under way finishes on its own (not interrupted: it may be writing the log). */
    @Override
    public void close() {
        timer.shutdown();
    }
}
