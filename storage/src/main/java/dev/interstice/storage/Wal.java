package dev.interstice.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log. Appenders frame records into a shared pending buffer under a short lock. One writer thread
 * swaps the buffer out and writes it with one write call; the fsync ({@code force(false)}) of that batch runs on one
 * of up to {@link #MAX_SYNCS_IN_FLIGHT} syncer threads, so the next batch can be written and fsynced while the
 * previous fsync is still running (pipelined group commit). Every record appended while fsyncs run rides the next
 * batch. When to take a batch is {@link GroupCommitPolicy}'s decision; the writer asks it and acts.
 *
 * <p>Each syncer fsyncs through its own file descriptor: Linux reports a writeback error once per open file, so with
 * a shared descriptor one of two overlapping fsyncs could miss an error that concerns its data.
 */
final class Wal {
    private static final Logger log = LoggerFactory.getLogger(Wal.class);

    /** Concurrent fsyncs of the active segment (they overlap well on SSD/virtio disks). */
    static final int MAX_SYNCS_IN_FLIGHT = Integer.getInteger("interstice.wal.syncs", 1);
    /** Appenders wait (backpressure) while this much is pending, which bounds the lag of fast-mode appends. */
    static final int MAX_PENDING = 8 << 20;

    private static final int INITIAL_BUFFER = 1 << 20;

    private final Path walDir;
    private final long segmentBytes;
    private final GroupCommitPolicy policy;
    private final IoHooks hooks;
    private final Consumer<Segments.Sealed> onSealed;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition space = lock.newCondition();

    // ---- guarded by lock
    private byte[] pending = new byte[INITIAL_BUFFER];
    private int pendingLen;
    private int pendingRecords;
    private long pendingSince;
    private long lastLsn;
    private final WaiterHeap waiters = new WaiterHeap();
    private long maxWaiterLsn;
    private long submittedLsn; // highest LSN handed to an fsync
    private int inFlight;
    private final ArrayDeque<FileChannel> idleSyncChannels = new ArrayDeque<>();
    private boolean writerWaiting;
    private boolean closing;
    private CompletableFuture<Long> rollRequest;
    private long appendedRecords;
    private long appendedBytes;
    private long backpressureWaits;

    // ---- owned by the writer thread
    private FileChannel active;
    private final List<FileChannel> syncChannels = new ArrayList<>();
    private Path activePath;
    private long activeFirstLsn;
    private long activeSize; // bytes of records; a preallocated file is longer (zeros)
    private boolean activePreallocated;
    private final Preallocator preallocator; // null: disabled
    private long writtenLsn;
    private byte[] spare = new byte[INITIAL_BUFFER];

    // ---- shared
    private volatile long durableLsn;
    private volatile StorageException failure;
    private volatile long writes;
    private final AtomicLong fsyncs = new AtomicLong();
    private volatile FsyncListener fsyncListener = FsyncListener.NONE;
    private final AtomicLong fsyncNanos = new AtomicLong();
    private volatile long maxBatchRecords;
    private volatile long segmentsSealed;
    private final List<Segments.Sealed> sealed = new ArrayList<>(); // guarded by itself

    private final Thread writer;
    private final ExecutorService syncers;

    Wal(
            Path walDir,
            Path activePath,
            long activeFirstLsn,
            long activeSize,
            long lastLsn,
            List<Segments.Sealed> sealedSegments,
            long segmentBytes,
            long fastFlushNanos,
            boolean preallocate,
            IoHooks hooks,
            Consumer<Segments.Sealed> onSealed)
            throws IOException {
        this.walDir = walDir;
        this.segmentBytes = segmentBytes;
        this.policy = new GroupCommitPolicy(fastFlushNanos, MAX_SYNCS_IN_FLIGHT);
        this.hooks = hooks;
        this.onSealed = onSealed;
        this.activePath = activePath;
        this.activeFirstLsn = activeFirstLsn;
        this.activeSize = activeSize;
        this.lastLsn = lastLsn;
        this.writtenLsn = lastLsn;
        this.durableLsn = lastLsn;
        this.submittedLsn = lastLsn;
        this.sealed.addAll(sealedSegments);
        this.active = FileChannel.open(activePath, StandardOpenOption.WRITE);
        try {
            this.active.position(activeSize);
            this.activePreallocated = active.size() >= segmentBytes; // recovery keeps a zero-filled tail
            openSyncChannels(activePath);
        } catch (IOException e) {
            closeChannels();
            throw e;
        }
        this.preallocator = preallocate ? new Preallocator(walDir, segmentBytes) : null;
        AtomicInteger n = new AtomicInteger();
        this.syncers = Executors.newFixedThreadPool(
                MAX_SYNCS_IN_FLIGHT,
                r -> Thread.ofPlatform()
                        .name("interstice-wal-sync-" + n.incrementAndGet())
                        .daemon(true)
                        .unstarted(r));
        this.writer =
                Thread.ofPlatform().name("interstice-wal-writer").daemon(true).unstarted(this::run);
        this.writer.start();
    }

    private void openSyncChannels(Path p) throws IOException {
        for (int i = 0; i < MAX_SYNCS_IN_FLIGHT; i++) syncChannels.add(FileChannel.open(p, StandardOpenOption.WRITE));
        lock.lock();
        try {
            idleSyncChannels.clear();
            idleSyncChannels.addAll(syncChannels);
        } finally {
            lock.unlock();
        }
    }

    private void closeChannels() {
        for (FileChannel ch : syncChannels) closeQuietly(ch);
        syncChannels.clear();
        closeQuietly(active);
    }

    private void closeQuietly(FileChannel ch) {
        try {
            if (ch != null) ch.close();
        } catch (IOException e) {
            log.warn("closing {} failed", activePath, e);
        }
    }

    // ------------------------------------------------------------------------------------------------ append side

    /**
     * Appends one record. {@code payload} is called under the append lock (so it can validate against state that
     * only changes under this lock) and returns the encoded payload, or null to append nothing (then -1 is returned).
     * Returns the record's LSN.
     */
    long append(Supplier<Bytes.Sink> payload) {
        lock.lock();
        try {
            if (pendingLen >= MAX_PENDING) {
                backpressureWaits++;
                while (pendingLen >= MAX_PENDING && failure == null && !closing) {
                    if (writerWaiting) work.signal();
                    space.awaitUninterruptibly();
                }
            }
            checkUsable();
            Bytes.Sink p = payload.get();
            if (p == null) return -1;
            int len = p.len;
            if (len > WalFormat.MAX_PAYLOAD)
                throw new IllegalArgumentException(
                        "record too large: " + len + " bytes (max " + WalFormat.MAX_PAYLOAD + ")");
            int frame = WalFormat.HEADER + len;
            if (pending.length - pendingLen < frame) grow(frame);
            byte[] b = pending;
            int pos = pendingLen;
            long lsn = ++lastLsn;
            Bytes.putInt(b, pos, 0); // CRC: stamped by the writer
            Bytes.putInt(b, pos + 4, len);
            Bytes.putLong(b, pos + 8, lsn);
            Bytes.putLong(b, pos + 16, 0); // syncedLsn: stamped by the writer
            System.arraycopy(p.buf, 0, b, pos + WalFormat.HEADER, len);
            boolean wasEmpty = pendingLen == 0;
            pendingLen = pos + frame;
            pendingRecords++;
            appendedRecords++;
            appendedBytes += frame;
            if (wasEmpty) pendingSince = System.nanoTime();
            if (writerWaiting && policy.wakeWriter(state(), wasEmpty)) work.signal();
            return lsn;
        } finally {
            lock.unlock();
        }
    }

    private void grow(int frame) {
        long need = (long) pendingLen + frame;
        if (need > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("pending log data too large");
        long cap = Math.max(need, Math.min((long) Integer.MAX_VALUE - 16, pending.length * 2L));
        pending = Arrays.copyOf(pending, (int) cap);
    }

    private void checkUsable() {
        StorageException f = failure;
        if (f != null)
            throw new StorageException("log refuses appends after an earlier I/O failure: " + f.getMessage(), f);
        if (closing) throw new StorageException("storage is closed");
    }

    CompletableFuture<Void> whenDurable(long lsn) {
        if (lsn <= durableLsn) return CompletableFuture.completedFuture(null);
        lock.lock();
        try {
            if (lsn <= durableLsn) return CompletableFuture.completedFuture(null);
            StorageException f = failure;
            if (f != null) return CompletableFuture.failedFuture(notDurable(lsn, f));
            if (lsn > lastLsn)
                throw new IllegalArgumentException(
                        "LSN " + lsn + " has not been appended (last LSN is " + lastLsn + ")");
            CompletableFuture<Void> cf = new CompletableFuture<>();
            waiters.add(lsn, cf);
            if (lsn > maxWaiterLsn) maxWaiterLsn = lsn;
            if (writerWaiting && policy.wakeWriter(state(), false)) work.signal();
            return cf;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: what the group-commit policy decides on. */
    private GroupCommitPolicy.State state() {
        return new GroupCommitPolicy.State(
                pendingLen,
                pendingRecords,
                pendingSince,
                maxWaiterLsn > submittedLsn,
                inFlight,
                closing || rollRequest != null);
    }

    private static StorageException notDurable(long lsn, StorageException cause) {
        return new StorageException("log record " + lsn + " is not durable: " + cause.getMessage(), cause);
    }

    /** Asks the writer to seal the active segment (if it holds records); completes with the last sealed LSN. */
    CompletableFuture<Long> requestRoll() {
        lock.lock();
        try {
            StorageException f = failure;
            if (f != null) return CompletableFuture.failedFuture(f);
            if (closing) return CompletableFuture.failedFuture(new StorageException("storage is closed"));
            if (rollRequest == null) rollRequest = new CompletableFuture<>();
            if (writerWaiting) work.signal();
            return rollRequest;
        } finally {
            lock.unlock();
        }
    }

    long durableLsn() {
        return durableLsn;
    }

    StorageException failure() {
        return failure;
    }

    List<Segments.Sealed> sealedSegments() {
        synchronized (sealed) {
            return List.copyOf(sealed);
        }
    }

    /** Compactor thread: deletes sealed segments that a snapshot covers (files first, then the directory fsync). */
    void deleteSealed(List<Segments.Sealed> gone) throws IOException {
        for (Segments.Sealed s : gone) AtomicFiles.deleteIfExists(s.path());
        AtomicFiles.fsyncDirectory(walDir);
        synchronized (sealed) {
            sealed.removeAll(gone);
        }
    }

    long logBytes() {
        return activeSize + sealedBytes();
    }

    long sealedBytes() {
        long n = 0;
        synchronized (sealed) {
            for (Segments.Sealed s : sealed) n += s.bytes();
        }
        return n;
    }

    record Counters(
            long appendedRecords,
            long appendedBytes,
            long lastLsn,
            long durableLsn,
            long writes,
            long fsyncs,
            long fsyncMicros,
            long maxBatchRecords,
            long segmentsSealed,
            long backpressureWaits) {}

    Counters counters() {
        lock.lock();
        try {
            return new Counters(
                    appendedRecords,
                    appendedBytes,
                    lastLsn,
                    durableLsn,
                    writes,
                    fsyncs.get(),
                    fsyncNanos.get() / 1000,
                    maxBatchRecords,
                    segmentsSealed,
                    backpressureWaits);
        } finally {
            lock.unlock();
        }
    }

    /** Flushes and fsyncs everything appended, stops the threads. Throws if appended records could not be made durable. */
    void close() {
        lock.lock();
        try {
            closing = true;
            work.signalAll();
            space.signalAll();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (true) {
            try {
                writer.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        syncers.shutdown();
        while (true) {
            try {
                if (!syncers.awaitTermination(60, TimeUnit.SECONDS))
                    log.warn("WAL fsync threads did not stop within 60 s");
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (preallocator != null) preallocator.close();
        if (failure == null && activePreallocated) {
            try {
                active.truncate(activeSize); // a cleanly closed log has no zero tail
                active.force(true);
            } catch (IOException e) {
                log.warn("cannot trim the preallocated tail of {} (harmless): {}", activePath, e.toString());
            }
        }
        closeChannels();
        if (interrupted) Thread.currentThread().interrupt();
        StorageException f = failure;
        long last;
        lock.lock();
        try {
            last = lastLsn;
        } finally {
            lock.unlock();
        }
        if (f != null && last > durableLsn)
            throw new StorageException(
                    "records " + (durableLsn + 1) + ".." + last + " were not made durable: " + f.getMessage(), f);
    }

    // ------------------------------------------------------------------------------------------------ writer thread

    /** A batch taken from the pending buffer (with the roll requested meanwhile, if any), or a bare roll request. */
    private record Work(byte[] batch, int len, int records, long lastLsn, CompletableFuture<Long> roll) {}

    private void run() {
        try {
            Work w;
            while ((w = nextWork()) != null) {
                if (w.batch() == null) {
                    if (activeSize > 0) roll();
                    w.roll().complete(activeFirstLsn - 1);
                } else {
                    writeAndSync(w);
                }
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    /**
     * Waits until the group-commit policy says flush (then takes the batch) or a roll or close finds nothing pending;
     * null: stop (closed with everything written and fsynced, or failed).
     */
    private Work nextWork() {
        lock.lock();
        try {
            while (true) {
                if (failure != null) return null;
                if (pendingLen == 0 && (rollRequest != null || closing)) {
                    if (inFlight > 0) {
                        awaitWork(-1); // a finishing fsync signals
                        continue;
                    }
                    if (rollRequest == null) return null;
                    CompletableFuture<Long> roll = rollRequest;
                    rollRequest = null;
                    return new Work(null, 0, 0, 0, roll);
                }
                long wait = policy.waitNanos(state(), System.nanoTime());
                if (wait == GroupCommitPolicy.FLUSH) return takeBatch();
                awaitWork(wait == GroupCommitPolicy.UNTIL_SIGNALLED ? -1 : wait);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: swaps the pending buffer for the spare one. */
    private Work takeBatch() {
        Work w = new Work(pending, pendingLen, pendingRecords, lastLsn, rollRequest);
        pending = spare;
        pendingLen = 0;
        pendingRecords = 0;
        rollRequest = null;
        policy.batchTaken();
        space.signalAll();
        return w;
    }

    /** Writes a batch, then hands its fsync to a syncer, or fsyncs it here and seals the segment. */
    private void writeAndSync(Work w) throws IOException {
        writeBatch(w.batch(), w.len(), w.records(), w.lastLsn());
        spare = w.batch().length > 16 * INITIAL_BUFFER ? new byte[INITIAL_BUFFER] : w.batch();
        boolean switchToPreallocated =
                !activePreallocated && preallocator != null && activeSize < segmentBytes / 4 && preallocator.isReady();
        if (w.roll() != null || activeSize >= segmentBytes || switchToPreallocated) {
            syncInline(w.lastLsn());
            roll();
            if (w.roll() != null) w.roll().complete(activeFirstLsn - 1);
        } else {
            submitSync(w.lastLsn(), w.records());
        }
    }

    private void awaitWork(long nanos) {
        writerWaiting = true;
        try {
            if (nanos < 0) work.await();
            else work.awaitNanos(nanos);
        } catch (InterruptedException e) {
            // not used to stop the writer; closing is
        } finally {
            writerWaiting = false;
        }
    }

    private void writeBatch(byte[] batch, int len, int records, long last) throws IOException {
        long synced = durableLsn; // every record up to here was fsynced before this write
        for (int pos = 0; pos < len; ) pos += WalFormat.seal(batch, pos, synced);
        hooks.beforeWalWrite(activePath, activeSize, len);
        ByteBuffer bb = ByteBuffer.wrap(batch, 0, len);
        while (bb.hasRemaining()) active.write(bb);
        activeSize += len;
        writtenLsn = last;
        writes++;
        if (records > maxBatchRecords) maxBatchRecords = records;
    }

    private void submitSync(long last, int records) {
        FileChannel ch;
        Path path = activePath;
        lock.lock();
        try {
            inFlight++;
            submittedLsn = last;
            ch = idleSyncChannels.poll();
        } finally {
            lock.unlock();
        }
        syncers.execute(() -> sync(ch, path, last, records));
    }

    void setFsyncListener(FsyncListener l) {
        fsyncListener = l == null ? FsyncListener.NONE : l;
    }

    /** Runs on a syncer thread. */
    private void sync(FileChannel ch, Path path, long last, int records) {
        Throwable err = null;
        long lat = 0;
        try {
            hooks.beforeWalForce(path);
            long t0 = System.nanoTime();
            ch.force(false);
            lat = System.nanoTime() - t0;
            fsyncNanos.addAndGet(lat);
            fsyncs.incrementAndGet();
            fsyncListener.fsynced(lat, records);
        } catch (Throwable t) {
            err = t;
        }
        CompletableFuture<?>[] done = null;
        lock.lock();
        try {
            inFlight--;
            idleSyncChannels.add(ch);
            if (err == null && failure == null && last > durableLsn) {
                durableLsn = last; // an fsync covers everything written before it was called
                done = waiters.pollUpTo(last);
                policy.fsyncCompleted(System.nanoTime(), lat, done == null ? 0 : done.length, records, pendingRecords);
            }
            if (writerWaiting) work.signal();
        } finally {
            lock.unlock();
        }
        if (err != null) fail(err);
        if (done != null) for (CompletableFuture<?> cf : done) cf.complete(null);
    }

    /** Writer thread: waits for in-flight fsyncs, then fsyncs the active segment itself (before sealing it). */
    private void syncInline(long last) throws IOException {
        // (records = 0: no linger after a roll)
        lock.lock();
        try {
            while (inFlight > 0 && failure == null) awaitWork(-1);
            if (failure != null) throw new IOException("an fsync failed", failure);
            inFlight++;
            submittedLsn = last;
        } finally {
            lock.unlock();
        }
        FileChannel ch = syncChannels.getFirst();
        lock.lock();
        try {
            idleSyncChannels.remove(ch);
        } finally {
            lock.unlock();
        }
        sync(ch, activePath, last, 0);
        if (failure != null) throw new IOException("fsync failed", failure);
    }

    /**
     * Seals the active segment (fully written and fsynced) and starts a new one named by the next LSN: the
     * preallocated spare if one is ready, else a new empty file.
     */
    private void roll() throws IOException {
        long next = writtenLsn + 1;
        Path p = walDir.resolve(Segments.name(next));
        hooks.beforeSegmentCreate(p);
        Path spare = preallocator == null ? null : preallocator.take();
        FileChannel ch;
        if (spare != null) {
            java.nio.file.Files.move(spare, p, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            ch = FileChannel.open(p, StandardOpenOption.WRITE);
        } else {
            ch = PrivateFiles.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        try {
            AtomicFiles.fsyncDirectory(walDir);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        // A sealed segment holds exactly its records (recovery tolerates the zero tail if this does not persist).
        if (activePreallocated) active.truncate(activeSize);
        Segments.Sealed s = new Segments.Sealed(activePath, activeFirstLsn, writtenLsn, activeSize);
        closeChannels(); // no fsync is in flight here
        active = ch;
        activePath = p;
        activeFirstLsn = next;
        activeSize = 0;
        activePreallocated = spare != null;
        openSyncChannels(p);
        synchronized (sealed) {
            sealed.add(s);
        }
        segmentsSealed++;
        try {
            onSealed.accept(s);
        } catch (RuntimeException e) {
            log.warn("segment-sealed listener failed", e);
        }
    }

    private void fail(Throwable t) {
        StorageException f;
        CompletableFuture<?>[] dead;
        CompletableFuture<Long> roll;
        lock.lock();
        try {
            if (failure != null) return;
            f = new StorageException(
                    "log I/O failed on " + activePath + " (durable up to LSN " + durableLsn
                            + "); the log refuses further appends, reopen the storage to recover: " + t,
                    t);
            failure = f;
            dead = waiters.pollUpTo(Long.MAX_VALUE);
            roll = rollRequest;
            rollRequest = null;
            space.signalAll();
            work.signalAll();
        } finally {
            lock.unlock();
        }
        log.error("WAL failure: {}", f.getMessage(), t);
        if (roll != null) roll.completeExceptionally(f);
        if (dead != null) {
            for (CompletableFuture<?> cf : dead) cf.completeExceptionally(notDurable(durableLsn + 1, f));
        }
    }

    /** Binary min-heap of (lsn, future) kept in parallel arrays; guarded by the WAL lock. */
    private static final class WaiterHeap {
        private long[] lsns = new long[256];
        private CompletableFuture<?>[] futures = new CompletableFuture<?>[256];
        private int size;

        void add(long lsn, CompletableFuture<?> f) {
            if (size == lsns.length) {
                lsns = java.util.Arrays.copyOf(lsns, size * 2);
                futures = java.util.Arrays.copyOf(futures, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (lsns[parent] <= lsn) break;
                lsns[i] = lsns[parent];
                futures[i] = futures[parent];
                i = parent;
            }
            lsns[i] = lsn;
            futures[i] = f;
        }

        /** Removes and returns every future with lsn <= upTo (null if none). */
        CompletableFuture<?>[] pollUpTo(long upTo) {
            if (size == 0 || lsns[0] > upTo) return null;
            if (upTo == Long.MAX_VALUE || lsns[0] <= upTo && allAtMost(upTo)) {
                CompletableFuture<?>[] out = java.util.Arrays.copyOf(futures, size);
                java.util.Arrays.fill(futures, 0, size, null);
                size = 0;
                return out;
            }
            List<CompletableFuture<?>> out = new ArrayList<>();
            while (size > 0 && lsns[0] <= upTo) out.add(pollMin());
            return out.toArray(new CompletableFuture<?>[0]);
        }

        private boolean allAtMost(long upTo) {
            for (int i = 0; i < size; i++) if (lsns[i] > upTo) return false;
            return true;
        }

        private CompletableFuture<?> pollMin() {
            CompletableFuture<?> top = futures[0];
            int last = --size;
            long l = lsns[last];
            CompletableFuture<?> f = futures[last];
            futures[last] = null;
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) break;
                if (c + 1 < size && lsns[c + 1] < lsns[c]) c++;
                if (lsns[c] >= l) break;
                lsns[i] = lsns[c];
                futures[i] = futures[c];
                i = c;
            }
            if (size > 0) {
                lsns[i] = l;
                futures[i] = f;
            }
            return top;
        }
    }
}
