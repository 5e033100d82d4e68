package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class GroupCommitTest {
    @TempDir
    Path dir;

    @Test
    void manyThreadsWaitingForDurabilityShareFsyncs() throws Exception {
        int threads = 48;
        int perThread = 200;
        try (Storage s = Storage.open(StorageConfig.defaults(dir), BOTH)) {
            List<Thread> ts = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            long lsn = s.append(
                                    tx(id * 1000L + i, put(LOG, id + "-" + i, "v"), put(STATE, "t" + id, "" + i)));
                            s.whenDurable(lsn).get(10, TimeUnit.SECONDS);
                            assertThat(s.durableLsn()).isGreaterThanOrEqualTo(lsn);
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            for (Thread t : ts) t.join();
            assertThat(errors).isEmpty();
            StorageStats st = s.stats();
            long txs = (long) threads * perThread;
            assertThat(st.appendedRecords()).isEqualTo(txs + 2); // + 2 table declarations
            assertThat(st.durableLsn()).isEqualTo(st.lastLsn());
            // group commit: far fewer fsyncs than transactions
            assertThat(st.fsyncs()).isLessThan(txs / 4);
            assertThat(st.maxBatchRecords()).isGreaterThan(4);
        }
        try (Storage s = Storage.open(StorageConfig.defaults(dir), BOTH)) {
            assertThat(s.recovered().rows(LOG)).hasSize(threads * perThread);
            assertThat(s.recovered().rows(STATE)).hasSize(threads);
        }
    }

    /**
     * A caller that flushes its own record (awaitDurable with no fsync running) leaves the writer thread able to flush
     * what is appended next with nobody waiting, within the fast-flush interval: a writer that fell asleep while the
     * caller's fsync ran used to sleep on until the next caller's flush.
     */
    @Test
    void aRecordNobodyWaitsForIsFlushedAfterACallersOwnFlush() throws Exception {
        Thread caller = Thread.currentThread();
        IoHooks slowCallerFsync = new IoHooks() {
            @Override
            public void beforeWalForce(Path segment) {
                // long enough for the idle writer's tick (half the fast-flush interval) to find the caller flushing
                if (Thread.currentThread() == caller) sleepQuietly(50);
            }
        };
        StorageConfig cfg = StorageConfig.defaults(dir).withFastFlushInterval(Duration.ofMillis(10));
        try (Storage s = Storage.open(cfg, BOTH, slowCallerFsync)) {
            for (int round = 0; round < 3; round++) {
                Thread.sleep(30); // the writer idle, nothing pending
                long waited = s.append(tx(2 * round + 1, put(LOG, "a" + round, "1")));
                s.awaitDurable(waited); // this thread takes the batch and fsyncs it itself
                long unwaited = s.append(tx(2 * round + 2, put(LOG, "b" + round, "2")));
                long t0 = System.nanoTime();
                while (s.durableLsn() < unwaited && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3))
                    Thread.sleep(1);
                assertThat(s.durableLsn())
                        .as("round %d: the record nobody waits for", round)
                        .isEqualTo(unwaited);
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void fastModeIsFlushedByTheTimer() throws Exception {
        StorageConfig cfg = StorageConfig.defaults(dir).withFastFlushInterval(Duration.ofMillis(10));
        try (Storage s = Storage.open(cfg, BOTH)) {
            long lsn = 0;
            for (int i = 0; i < 1000; i++) lsn = s.append(tx(i, put(LOG, "k" + i, "v")));
            long t0 = System.nanoTime();
            while (s.durableLsn() < lsn && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5)) Thread.sleep(1);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(s.durableLsn()).isEqualTo(lsn);
            assertThat(ms)
                    .as("fast appends are fsynced within ~10 ms (+ fsync time, generous bound)")
                    .isLessThan(1000);
            // nobody waited: the 1000 appends were fsynced in very few batches
            assertThat(s.stats().fsyncs()).isLessThan(50);
        }
    }

    @Test
    void waitingForAnOlderLsnCompletesImmediatelyAndFutureLsnIsRejected() {
        try (Storage s = Storage.open(StorageConfig.defaults(dir), BOTH)) {
            long a = s.append(tx(1, put(LOG, "a", "1")));
            s.whenDurable(a).join();
            assertThat(s.whenDurable(a)).isCompleted();
            assertThat(s.whenDurable(0)).isCompleted();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.whenDurable(a + 100))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void mixedDurableAndFastCallersAllComplete() throws Exception {
        try (Storage s = Storage.open(StorageConfig.defaults(dir), BOTH)) {
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                long lsn = s.append(tx(i, put(LOG, "k" + (i % 100), "v" + i)));
                if (i % 7 == 0) fs.add(s.whenDurable(lsn));
            }
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        }
        try (Storage s = Storage.open(StorageConfig.defaults(dir), Map.of())) {
            assertThat(rows(s, LOG)).hasSize(100).containsEntry("k99", "v4999");
        }
    }
}
