package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.BOTH;
import static dev.interstice.storage.Fixtures.LOG;
import static dev.interstice.storage.Fixtures.put;
import static dev.interstice.storage.Fixtures.rows;
import static dev.interstice.storage.Fixtures.tx;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches fsync in parallel: a caller that arrives while an fsync runs writes its record and starts its own fsync at
 * once, and that fsync makes every record written before it durable.
 */
@Timeout(60)
class OverlappingSyncTest {
    @TempDir
    Path dir;

    /** Holds the first fsync of the thread named {@code held} before it starts, until released. */
    static final class HeldSync implements IoHooks {
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean interruptNextOfOthers = new AtomicBoolean();
        volatile String held = "";

        @Override
        public void beforeWalForce(Path segment) {
            if (Thread.currentThread().getName().equals(held) && holding.getCount() > 0) {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (!Thread.currentThread().getName().equals(held) && interruptNextOfOthers.getAndSet(false)) {
                Thread.currentThread().interrupt(); // the force that follows closes this thread's channel
            }
        }
    }

    private static StorageConfig config(Path dir) {
        // no timer flush and no segment switch: the callers do every flush themselves
        return StorageConfig.defaults(dir)
                .withFastFlushInterval(Duration.ofSeconds(30))
                .withPreallocateSegments(false);
    }

    @Test
    void aCallerArrivingDuringAnFsyncDoesNotWaitForIt() throws Exception {
        HeldSync hooks = new HeldSync();
        try (Storage s = Storage.open(config(dir), BOTH, hooks)) {
            s.awaitDurable(s.append(tx(1, put(LOG, "warm", "up"))));
            List<String> fsyncThreads = new CopyOnWriteArrayList<>();
            s.setFsyncListener(
                    (nanos, records) -> fsyncThreads.add(Thread.currentThread().getName()));
            hooks.held = "first";
            long first = s.append(tx(2, put(LOG, "first", "1")));
            Thread a = Thread.ofPlatform().name("first").start(() -> s.awaitDurable(first));
            assertThat(hooks.holding.await(10, TimeUnit.SECONDS)).isTrue(); // written, its fsync not yet started

            long second = s.append(tx(3, put(LOG, "second", "2")));
            CompletableFuture<Void> mine = CompletableFuture.runAsync(() -> s.awaitDurable(second));
            try {
                mine.get(10, TimeUnit.SECONDS); // would wait behind the held fsync with one sync at a time
            } finally {
                if (!mine.isDone()) hooks.release.countDown(); // so that the storage can close
            }
            assertThat(s.durableLsn())
                    .as("the second fsync covers the first record, written before it")
                    .isGreaterThanOrEqualTo(second);
            assertThat(s.whenDurable(first)).isCompleted();
            assertThat(fsyncThreads).hasSize(1).doesNotContain("first");

            hooks.release.countDown();
            a.join(10_000);
            assertThat(a.isAlive()).isFalse();
            assertThat(fsyncThreads).hasSize(2).contains("first");
        }
        try (Storage s = Storage.open(config(dir), BOTH)) {
            assertThat(rows(s, LOG)).containsKeys("warm", "first", "second");
        }
    }

    @Test
    void anInterruptDuringOneFsyncLeavesTheOtherRunningAndLosesNothing() throws Exception {
        HeldSync hooks = new HeldSync();
        try (Storage s = Storage.open(config(dir), BOTH, hooks)) {
            s.awaitDurable(s.append(tx(1, put(LOG, "warm", "up"))));
            hooks.held = "first";
            long first = s.append(tx(2, put(LOG, "first", "1")));
            Thread a = Thread.ofPlatform().name("first").start(() -> s.awaitDurable(first));
            assertThat(hooks.holding.await(10, TimeUnit.SECONDS)).isTrue();

            hooks.interruptNextOfOthers.set(true);
            long second = s.append(tx(3, put(LOG, "second", "2")));
            try {
                s.awaitDurable(second); // its channel is closed by the interrupt: reopened, rewritten, fsynced
                assertThat(Thread.currentThread().isInterrupted())
                        .as("the caller's interrupt is kept")
                        .isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(s.durableLsn()).isGreaterThanOrEqualTo(second);

            hooks.release.countDown(); // the held fsync runs on its own channel, which the interrupt left open
            a.join(10_000);
            assertThat(a.isAlive()).isFalse();
            assertThat(s.stats().failure()).isNull();
            s.awaitDurable(s.append(tx(4, put(LOG, "after", "3")))); // the log is still usable
        }
        try (Storage s = Storage.open(config(dir), BOTH)) {
            assertThat(rows(s, LOG))
                    .containsKeys("warm", "first", "second", "after")
                    .hasSize(4);
        }
    }
}
