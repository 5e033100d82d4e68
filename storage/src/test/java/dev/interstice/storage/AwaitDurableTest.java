package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.BOTH;
import static dev.interstice.storage.Fixtures.LOG;
import static dev.interstice.storage.Fixtures.put;
import static dev.interstice.storage.Fixtures.rows;
import static dev.interstice.storage.Fixtures.tx;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Storage#awaitDurable}: the blocking wait, which lets a lone waiting caller do the fsync itself. */
@Timeout(60)
class AwaitDurableTest {
    @TempDir
    Path dir;

    @Test
    void aLoneWaitingCallerWritesAndFsyncsOnItsOwnThread() {
        // no timer flush can take a record between its append and its wait, and no segment switch needs the writer
        var cfg = StorageConfig.defaults(dir)
                .withFastFlushInterval(Duration.ofSeconds(30))
                .withPreallocateSegments(false);
        try (Storage s = Storage.open(cfg, BOTH)) {
            s.awaitDurable(s.append(tx(1, put(LOG, "warm", "up")))); // the declarations are flushed too
            List<String> fsyncThreads = new CopyOnWriteArrayList<>();
            s.setFsyncListener(
                    (nanos, records) -> fsyncThreads.add(Thread.currentThread().getName()));
            for (int i = 0; i < 20; i++) {
                long lsn = s.append(tx(10 + i, put(LOG, "k" + i, "v" + i)));
                s.awaitDurable(lsn);
                assertThat(s.durableLsn()).isGreaterThanOrEqualTo(lsn);
            }
            // nothing else was pending or running: no hand-off to the writer thread and back
            assertThat(fsyncThreads)
                    .hasSize(20)
                    .containsOnly(Thread.currentThread().getName());
        }
        try (Storage s = Storage.open(StorageConfig.defaults(dir), BOTH)) {
            assertThat(rows(s, LOG)).hasSize(21);
        }
    }

    @Test
    void anInterruptedCallerStillMakesItsRecordDurableAndKeepsItsInterrupt() {
        try (Storage s = Storage.open(StorageConfig.defaults(dir), BOTH)) {
            for (int i = 0; i < 5; i++) {
                long lsn = s.append(tx(i, put(LOG, "k" + i, "v" + i)));
                Thread.currentThread().interrupt(); // closes a FileChannel that this thread writes to
                try {
                    s.awaitDurable(lsn);
                    assertThat(Thread.currentThread().isInterrupted())
                            .as("the caller's interrupt is kept")
                            .isTrue();
                } finally {
                    Thread.interrupted();
                }
                assertThat(s.durableLsn()).isGreaterThanOrEqualTo(lsn);
            }
            assertThat(s.stats().lastLsn()).isEqualTo(s.durableLsn());
            s.awaitDurable(s.append(tx(9, put(LOG, "after", "interrupts")))); // the log is still usable
        }
        try (Storage s = Storage.open(StorageConfig.defaults(dir), BOTH)) {
            assertThat(rows(s, LOG)).containsKeys("k0", "k4", "after").hasSize(6);
        }
    }

    @Test
    void concurrentWaitersAreAllDurableAndShareFsyncs() throws Exception {
        int threads = 8;
        int perThread = 100;
        try (Storage s = Storage.open(StorageConfig.defaults(dir), BOTH)) {
            List<Thread> ts = new ArrayList<>();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            long lsn = s.append(tx(id * 1000L + i, put(LOG, id + "-" + i, "v")));
                            s.awaitDurable(lsn);
                            assertThat(s.durableLsn()).isGreaterThanOrEqualTo(lsn);
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            for (Thread t : ts) t.join();
            assertThat(errors).isEmpty();
            assertThat(s.stats().durableLsn()).isEqualTo(s.stats().lastLsn());
        }
        try (Storage s = Storage.open(StorageConfig.defaults(dir), BOTH)) {
            assertThat(rows(s, LOG)).hasSize(threads * perThread);
        }
    }

    /**
     * Callers that flush themselves and callers that wait on a future, together: every future completes well within
     * the writer's idle tick (15 s here), with no append after it to wake anyone. A flush by a caller that ended with
     * a linger and records pending used to leave the writer asleep, and the futures waited for the next append.
     */
    @Test
    void futuresCompleteWhileCallersFlushThemselves() throws Exception {
        var cfg = StorageConfig.defaults(dir).withFastFlushInterval(Duration.ofSeconds(30));
        try (Storage s = Storage.open(cfg, BOTH)) {
            List<Thread> ts = new ArrayList<>();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                boolean flushesItself = t % 2 == 0;
                int calls = flushesItself ? 100 : 400; // the futures go on alone at the end
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < calls && errors.isEmpty(); i++) {
                            long lsn = s.append(tx(id * 1000L + i, put(LOG, id + "-" + i, "v")));
                            if (flushesItself) s.awaitDurable(lsn);
                            else s.whenDurable(lsn).get(5, java.util.concurrent.TimeUnit.SECONDS);
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            for (Thread t : ts) t.join();
            assertThat(errors).as("a durable wait that never ended").isEmpty();
        }
    }
}
