package dev.interstice.storage;

import static dev.interstice.storage.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Simulated disk errors through the I/O seam: failed appends are never acknowledged and the log fails stop. */
@Timeout(60)
class DiskErrorTest {
    @TempDir
    Path dir;

    static final class Faults implements IoHooks {
        final AtomicBoolean failWrite = new AtomicBoolean();
        final AtomicBoolean failForce = new AtomicBoolean();
        final AtomicBoolean failCreate = new AtomicBoolean();
        volatile String failCompactionAt;

        @Override
        public void beforeWalWrite(Path segment, long position, int bytes) throws IOException {
            if (failWrite.get()) throw new IOException("No space left on device (simulated)");
        }

        @Override
        public void beforeWalForce(Path segment) throws IOException {
            if (failForce.get()) throw new IOException("Input/output error (simulated fsync failure)");
        }

        @Override
        public void beforeSegmentCreate(Path segment) throws IOException {
            if (failCreate.get()) throw new IOException("No space left on device (simulated)");
        }

        @Override
        public void compactionPoint(String point) throws IOException {
            if (point.equals(failCompactionAt))
                throw new IOException("No space left on device (simulated at " + point + ")");
        }
    }

    @Test
    void diskFullOnWriteFailsTheAppendAndRefusesFurtherAppends() throws Exception {
        Faults f = new Faults();
        Storage s = Storage.open(cfg(dir), BOTH, f);
        long ok = s.append(tx(1, put(LOG, "a", "1"), put(STATE, "a", "1")));
        s.whenDurable(ok).get(5, TimeUnit.SECONDS);

        f.failWrite.set(true);
        long bad = s.append(tx(2, put(LOG, "b", "2")));
        CompletableFuture<Void> fut = s.whenDurable(bad);
        assertThatThrownBy(() -> fut.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("not durable")
                .hasMessageContaining("No space left on device");
        assertThat(s.durableLsn()).isEqualTo(ok);
        assertThat(s.stats().failure()).contains("refuses further appends");
        assertThatThrownBy(() -> s.append(tx(3, put(LOG, "c", "3"))))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("refuses appends");
        assertThat(s.whenDurable(bad)).isCompletedExceptionally();
        assertThat(s.whenDurable(ok)).isCompleted();
        assertThatThrownBy(s::close).isInstanceOf(StorageException.class).hasMessageContaining("not made durable");

        try (Storage r = Storage.open(cfg(dir), BOTH)) {
            assertThat(rows(r, LOG)).containsOnlyKeys("a");
            assertThat(rows(r, STATE)).containsOnlyKeys("a");
            r.append(tx(4, put(LOG, "d", "4"))); // usable again after reopening
        }
    }

    @Test
    void fsyncFailureFailsEveryWaiterAndNoneIsAcknowledged() throws Exception {
        Faults f = new Faults();
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        Storage s = Storage.open(cfg(dir), BOTH, f);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int id = t;
            ts.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100_000; i++) {
                    long txId = id * 1_000_000L + i;
                    long lsn;
                    try {
                        lsn = s.append(tx(txId, put(LOG, "k" + txId, "v")));
                    } catch (StorageException e) {
                        return; // refused after the failure: fine
                    }
                    try {
                        s.whenDurable(lsn).get(10, TimeUnit.SECONDS);
                        acked.add(txId);
                    } catch (ExecutionException e) {
                        failures.add(e.getCause());
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }
            }));
        }
        Thread.sleep(200);
        f.failForce.set(true);
        for (Thread t : ts) t.join();
        assertThat(failures).isNotEmpty().allSatisfy(e -> assertThat(e).isInstanceOf(StorageException.class));
        long durable = s.durableLsn();
        assertThatThrownBy(s::close).isInstanceOf(StorageException.class);
        assertThat(acked).isNotEmpty();

        try (Storage r = Storage.open(cfg(dir), BOTH)) {
            // every acknowledged transaction survived
            for (long id : acked) assertThat(r.recovered().rows(LOG)).containsKey(new ByteKey(b("k" + id)));
            assertThat(r.recovered().lastLsn()).isGreaterThanOrEqualTo(durable);
        }
    }

    @Test
    void failedSegmentRollFailsStop() throws Exception {
        Faults f = new Faults();
        StorageConfig small = cfg(dir).withSegmentBytes(4096);
        Storage s = Storage.open(small, BOTH, f);
        f.failCreate.set(true);
        Throwable failure = null;
        long lastOk = 0;
        for (int i = 0; i < 1000 && failure == null; i++) {
            try {
                long lsn = s.append(tx(i, put(LOG, "k" + i, "x".repeat(100))));
                s.whenDurable(lsn).get(5, TimeUnit.SECONDS);
                lastOk = i;
            } catch (StorageException e) {
                failure = e;
            } catch (ExecutionException e) {
                failure = e.getCause();
            }
        }
        assertThat(failure).isInstanceOf(StorageException.class);
        assertThat(s.stats().failure()).isNotNull();
        try {
            s.close();
        } catch (StorageException expected) {
            // records appended after the failure were not made durable
        }
        try (Storage r = Storage.open(small, BOTH)) {
            assertThat(r.recovered().rows(LOG)).hasSizeGreaterThanOrEqualTo((int) lastOk + 1);
        }
    }

    @Test
    void compactionFailureLeavesTheLogUsable() throws Exception {
        Faults f = new Faults();
        try (Storage s = Storage.open(cfg(dir), BOTH, f)) {
            for (int i = 0; i < 100; i++)
                s.append(tx(i, put(LOG, "k" + i, "v" + i), put(STATE, "s" + (i % 7), "v" + i)));
            for (String point : List.of("rows-written", "snapshot-written")) {
                f.failCompactionAt = point;
                assertThatThrownBy(s::snapshotNow)
                        .isInstanceOf(StorageException.class)
                        .hasMessageContaining("No space left");
                long lsn = s.append(tx(1000, put(LOG, "still", "works")));
                s.whenDurable(lsn).get(5, TimeUnit.SECONDS);
            }
            try (var st = Files.list(dir)) {
                assertThat(st.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
            }
            f.failCompactionAt = null;
            s.snapshotNow();
            assertThat(s.stats().snapshotsTaken()).isEqualTo(1);
        }
        try (Storage s = Storage.open(cfg(dir), BOTH)) {
            assertThat(rows(s, LOG)).hasSize(101);
            assertThat(rows(s, STATE)).hasSize(7);
        }
    }
}
