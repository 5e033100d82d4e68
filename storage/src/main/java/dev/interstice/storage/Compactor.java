package dev.interstice.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background compaction worker: owns the compactor thread, decides when to compact (enough sealed log, a quiet
 * log with new records, or on request), picks the segments of each run and hands them to a {@link Compaction}, and
 * stops on close. Counters are in {@link CompactionStats}.
 */
final class Compactor {
    private static final Logger log = LoggerFactory.getLogger(Compactor.class);

    /** Upper bound on the log bytes merged in one run (the delta is held in memory). */
    static final long MAX_RUN_BYTES = 256L << 20;

    private static final long MAX_LOG_BEFORE_COMPACTION = 1L << 30;

    private final Path root;
    private final long segmentBytes;
    private final boolean auto;
    private final long periodicNanos;
    private final IoHooks hooks;
    private final ScheduledExecutorService exec;
    private final CompactionAbort abort = new CompactionAbort();
    private final RowFileWriter rowFiles;
    private final CompactionStats stats;
    private final LogHistory history;
    private final AtomicBoolean autoQueued = new AtomicBoolean();
    private volatile long lastRunNanos;
    private Wal wal;

    // compactor thread state
    private SnapshotFile.OnDisk snapshot;

    /** {@code root}: the storage directory (absolute); {@code snapshot}: the newest one recovery found, or null. */
    Compactor(Path root, StorageConfig config, IoHooks hooks, SnapshotFile.OnDisk snapshot, long snapshotBytes) {
        this.root = root;
        this.segmentBytes = config.segmentBytes();
        this.auto = config.autoCompaction();
        this.periodicNanos = config.periodicCompaction().toNanos();
        this.hooks = hooks;
        this.snapshot = snapshot;
        this.stats = new CompactionStats(snapshot == null ? 0 : snapshot.lsn(), snapshotBytes);
        this.rowFiles = new RowFileWriter(root.resolve("rows"), abort);
        this.history = new LogHistory(root, config.logRetention());
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(
                1,
                r -> Thread.ofPlatform()
                        .name("interstice-compactor")
                        .daemon(true)
                        .priority(Thread.NORM_PRIORITY - 1)
                        .unstarted(r));
        e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.exec = e;
        this.lastRunNanos = System.nanoTime();
        long period = Math.max(1_000_000, periodicNanos / 4);
        exec.scheduleWithFixedDelay(this::periodic, period, period, TimeUnit.NANOSECONDS);
    }

    void attach(Wal wal) {
        this.wal = wal;
    }

    CompactionStats stats() {
        return stats;
    }

    /** Log bytes in sealed segments that trigger a background compaction. */
    long threshold() {
        return Math.max(2 * segmentBytes, Math.min(stats.snapshotBytes() / 2, MAX_LOG_BEFORE_COMPACTION));
    }

    /** Compactor thread: seal and compact a quiet log so that stateful row files do not lag far behind. */
    private void periodic() {
        Wal w = wal;
        if (w == null || abort.raised() || !auto) return;
        if (System.nanoTime() - lastRunNanos < periodicNanos) return;
        if (w.durableLsn() <= stats.lastSnapshotLsn()) {
            lastRunNanos = System.nanoTime();
            return; // nothing new
        }
        try {
            w.requestRoll().join();
            runOnce(true);
        } catch (CompactionAbort.Aborted e) {
            // closing
        } catch (Exception e) {
            if (!abort.raised()) log.error("periodic compaction failed: {}", e.toString(), e);
        }
        lastRunNanos = System.nanoTime();
    }

    /** Called by the WAL writer after sealing a segment (and at open): schedules a run when enough log piled up. */
    void maybeTrigger() {
        Wal w = wal;
        if (w == null || abort.raised() || !auto || w.sealedBytes() < threshold()) return;
        if (!autoQueued.compareAndSet(false, true)) return;
        try {
            exec.execute(() -> {
                autoQueued.set(false);
                try {
                    runOnce(false);
                } catch (CompactionAbort.Aborted e) {
                    // closing
                } catch (Exception e) {
                    log.error(
                            "background compaction failed (the log keeps growing until it succeeds): {}",
                            e.toString(),
                            e);
                }
            });
        } catch (RejectedExecutionException e) {
            autoQueued.set(false);
        }
    }

    /** Compacts every sealed segment; returns when done. */
    void compactNow() {
        Future<?> f;
        try {
            f = exec.submit(() -> {
                runOnce(true);
                return null;
            });
        } catch (RejectedExecutionException e) {
            throw new StorageException("storage is closed");
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw failure(e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static StorageException failure(Throwable c) {
        if (c instanceof StorageException se) return se;
        if (c instanceof CompactionAbort.Aborted) return new StorageException("storage closed during compaction");
        if (c instanceof IOException io) return new StorageException("compaction failed: " + io, io);
        return new StorageException("compaction failed: " + c, c);
    }

    /** Aborts a running compaction and stops the threads. */
    void close() {
        abort.raise();
        exec.shutdown();
        try {
            if (!exec.awaitTermination(60, TimeUnit.SECONDS)) log.warn("compactor did not stop within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        rowFiles.close();
    }

    // -------------------------------------------------------------------------------------------- compactor thread

    /** The sealed segments the snapshot already covers, and the next run to merge (contiguous, bounded). */
    private record Selection(List<Segments.Sealed> stale, List<Segments.Sealed> run) {}

    /**
     * Compacts sealed segments, at most {@link #MAX_RUN_BYTES} of log per snapshot. {@code all}: until the snapshot
     * covers every segment sealed when the call started; otherwise until the sealed log is below the threshold.
     */
    private void runOnce(boolean all) throws IOException {
        long target = 0;
        for (Segments.Sealed s : wal.sealedSegments()) target = Math.max(target, s.lastLsn());
        while (true) {
            abort.check();
            long covered = snapshot == null ? 0 : snapshot.lsn();
            Selection sel = select(covered);
            if (!sel.stale().isEmpty()) wal.retireSealed(sel.stale(), history);
            if (sel.run().isEmpty()) return;
            if (sel.run().getFirst().firstLsn() > covered + 1)
                throw new IllegalStateException("log segments do not continue the snapshot at LSN " + covered + ": "
                        + sel.run().getFirst().path());
            compact(sel.run());
            lastRunNanos = System.nanoTime();
            if (all ? snapshot.lsn() >= target : wal.sealedBytes() < threshold()) return;
        }
    }

    private Selection select(long covered) {
        List<Segments.Sealed> stale = new ArrayList<>();
        List<Segments.Sealed> run = new ArrayList<>();
        long bytes = 0;
        for (Segments.Sealed s : wal.sealedSegments()) {
            if (s.lastLsn() <= covered) {
                stale.add(s);
            } else if (run.isEmpty() || bytes + s.bytes() <= MAX_RUN_BYTES) {
                if (!run.isEmpty() && s.firstLsn() != run.getLast().lastLsn() + 1) break;
                run.add(s);
                bytes += s.bytes();
            }
        }
        return new Selection(stale, run);
    }

    private void compact(List<Segments.Sealed> run) throws IOException {
        long t0 = System.nanoTime();
        Compaction.Result r =
                new Compaction(root, snapshot, run, wal, rowFiles, hooks, abort, history).run(this::installed);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        stats.completed(r.lsn(), ms, r.rowFilesWritten());
        log.debug(
                "snapshot at LSN {} written in {} ms ({} bytes, {} segments merged, {} row files written)",
                r.lsn(),
                ms,
                r.snapshotBytes(),
                run.size(),
                r.rowFilesWritten());
    }

    /** The new snapshot is the base of every later run, even if dropping the files it covers fails. */
    private void installed(Compaction.Installed i) {
        snapshot = i.snapshot();
        stats.installed(i.bytes());
    }
}
