package dev.interstice.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log. Appenders frame records into a shared pending buffer under a short lock. One batch at a time
 * is <em>flushed</em>: the pending buffer swapped out, written with one write call, fsynced ({@code force(false)}),
 * its waiters completed. Whoever holds the flush (the {@code flushing} token, taken under the lock) does all of it on
 * its own thread: the writer thread, or a caller blocked in {@link #awaitDurable} that found no flush running (then
 * one waiting caller costs an fsync and no thread hand-off at all). Records appended meanwhile ride the next batch,
 * which the writer starts as soon as the token is free. When to take a batch is {@link GroupCommitPolicy}'s decision.
 *
 * <p>Waiters are completed in LSN order by the flushing thread right after it gave the token back (so a woken caller
 * can flush its next record itself), or, for a large group, by the completer thread (so the flushing thread is free
 * at once); a later small group is then handed there too.
 */
final class Wal {
    private static final Logger log = LoggerFactory.getLogger(Wal.class);
    /** Appenders wait (backpressure) while this much is pending, which bounds the lag of fast-mode appends. */
    static final int MAX_PENDING = 8 << 20;

    private static final int INITIAL_BUFFER = 1 << 20;
    /** Groups of up to this many waiters are completed by the flushing thread itself; larger ones by the completer. */
    static final int INLINE_COMPLETIONS = 8;

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
    private long submittedLsn; // highest LSN taken as a batch
    private boolean flushing; // the token: a batch is being written, fsynced and completed
    private boolean rollDue; // a caller's flush filled the segment: the writer thread seals it
    private boolean writerWaiting;
    private boolean closing;
    private CompletableFuture<Long> rollRequest;
    private long appendedRecords;
    private long appendedBytes;
    private long backpressureWaits;

    // ---- owned by the writer thread
    // ---- owned by the holder of the flushing token (handed over under the lock)
    private FileChannel active;
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
    private final ExecutorService completer;
    /** Groups handed to the completer and not yet completed: while any are, later groups go there too (LSN order). */
    private final AtomicInteger completerBacklog = new AtomicInteger();
    /** Held from giving the token back until the group's waiters are completed (or handed to the completer). */
    private final ReentrantLock completionLock = new ReentrantLock();

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
        this.policy = new GroupCommitPolicy(fastFlushNanos);
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
        } catch (IOException e) {
            closeQuietly(active);
            throw e;
        }
        this.preallocator = preallocate ? new Preallocator(walDir, segmentBytes) : null;
        this.completer = Executors.newSingleThreadExecutor(r ->
                Thread.ofPlatform().name("interstice-wal-complete").daemon(true).unstarted(r));
        this.writer =
                Thread.ofPlatform().name("interstice-wal-writer").daemon(true).unstarted(this::run);
        this.writer.start();
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
     * only changes under this lock, and stamp what must follow LSN order) with the LSN the record gets, and returns the
     * encoded payload, or null to append nothing (then -1 is returned). Returns the record's LSN.
     */
    long append(LongFunction<Bytes.Sink> payload) {
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
            Bytes.Sink p = payload.apply(lastLsn + 1);
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
            if (writerWaiting && policy.wakeWriter(state())) work.signal();
            return lsn;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code read} under the append lock: for state that appends change under it. */
    <T> T underAppendLock(java.util.function.Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
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

    /**
     * Blocks until {@code lsn} is durable. If no flush is running, this thread takes the pending records (its own and
     * any others') and flushes them itself; otherwise it waits for the running flush and the writer's next one.
     */
    void awaitDurable(long lsn) {
        if (lsn <= durableLsn) return;
        Work w = null;
        lock.lock();
        try {
            if (lsn <= durableLsn) return;
            StorageException f = failure;
            if (f != null) throw notDurable(lsn, f);
            if (lsn > lastLsn)
                throw new IllegalArgumentException(
                        "LSN " + lsn + " has not been appended (last LSN is " + lastLsn + ")");
            if (!flushing && !closing && !rollDue && rollRequest == null && pendingLen > 0) w = takeBatch();
        } finally {
            lock.unlock();
        }
        if (w != null) {
            // an interrupt pending now would close the channel at once; one arriving during the I/O is retried
            boolean interrupted = Thread.interrupted();
            try {
                flush(w, false);
            } catch (Throwable t) {
                fail(t);
            } finally {
                if (interrupted) Thread.currentThread().interrupt();
            }
            if (lsn <= durableLsn) return;
        }
        try {
            whenDurable(lsn).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof StorageException se) throw se;
            throw new StorageException("log record " + lsn + " is not durable: " + e.getCause(), e.getCause());
        }
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
            if (writerWaiting && policy.wakeWriter(state())) work.signal();
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
                flushing,
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
    /** Takes segments a snapshot covers out of the log: into the history under its retention, or deleted. */
    void retireSealed(List<Segments.Sealed> gone, LogHistory history) throws IOException {
        history.retire(gone.stream().map(Segments.Sealed::path).toList());
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
        completer.shutdown();
        while (true) {
            try {
                if (!completer.awaitTermination(60, TimeUnit.SECONDS))
                    log.warn("WAL completer thread did not stop within 60 s");
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
        closeQuietly(active);
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
    private record Work(
            byte[] batch, int len, int records, long lastLsn, CompletableFuture<Long> roll, long takenNanos) {}

    private void run() {
        try {
            Work w;
            while ((w = nextWork()) != null) flush(w, true);
        } catch (Throwable t) {
            fail(t);
        }
    }

    /**
     * Waits until the group-commit policy says flush, then takes the batch and the flushing token; or a bare roll
     * request when nothing is pending; null: stop (closed with everything flushed, or failed).
     */
    private Work nextWork() {
        lock.lock();
        try {
            while (true) {
                if (failure != null) return null;
                if (pendingLen == 0 && (rollRequest != null || closing)) {
                    if (flushing) {
                        awaitWork(-1); // the flush ending signals
                        continue;
                    }
                    if (rollRequest == null) return null;
                    CompletableFuture<Long> roll = rollRequest;
                    rollRequest = null;
                    flushing = true;
                    return new Work(null, 0, 0, 0, roll, 0);
                }
                if (rollDue && !flushing) { // a caller filled the segment: seal it here, not on its thread
                    rollDue = false;
                    flushing = true;
                    return new Work(null, 0, 0, 0, null, 0);
                }
                long wait = policy.waitNanos(state(), System.nanoTime());
                if (wait == GroupCommitPolicy.FLUSH) return takeBatch();
                // A caller holds the token (its own fsync): the writer keeps its idle tick meanwhile. The end of that
                // fsync wakes it only if records are pending then, and an append does not wake it, so a record
                // appended just after with nobody waiting for it (a fast ack, a schedule's run) would otherwise wait
                // for the next caller's fsync, however long that takes (ReplayTest found that). The tick bounds what
                // this costs; a signal at every such fsync's end would not be bounded.
                awaitWork(wait != GroupCommitPolicy.UNTIL_SIGNALLED ? wait : flushing ? policy.idleNanos() : -1);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: swaps the pending buffer for the spare one and takes the flushing token. */
    private Work takeBatch() {
        Work w = new Work(pending, pendingLen, pendingRecords, lastLsn, rollRequest, System.nanoTime());
        pending = spare;
        pendingLen = 0;
        pendingRecords = 0;
        rollRequest = null;
        submittedLsn = lastLsn;
        flushing = true;
        policy.batchTaken();
        space.signalAll();
        return w;
    }

    /**
     * Holding the token: writes the batch, fsyncs it, completes its waiters, seals the segment if it is full or a
     * roll was asked for ({@code mayRoll}: the writer thread; a caller leaves that to the writer), then gives the
     * token back.
     */
    private void flush(Work w, boolean mayRoll) throws IOException {
        if (w.batch() == null) {
            if (activeSize > 0) roll();
            long sealedUpTo = activeFirstLsn - 1;
            releaseToken(false);
            if (w.roll() != null) w.roll().complete(sealedUpTo);
            return;
        }
        long offset = activeSize;
        long t0;
        boolean interrupted = false;
        while (true) {
            try {
                writeBatch(w.batch(), w.len(), w.records(), w.lastLsn());
                hooks.beforeWalForce(activePath);
                t0 = System.nanoTime();
                active.force(false);
                break;
            } catch (ClosedByInterruptException e) {
                // a flushing caller's thread was interrupted, which closed the channel: write it again, then fsync
                interrupted |= Thread.interrupted();
                reopen(offset);
            }
        }
        long t1 = System.nanoTime();
        if (interrupted) Thread.currentThread().interrupt(); // the caller's, kept
        long written = t0;
        spare = w.batch().length > 16 * INITIAL_BUFFER ? new byte[INITIAL_BUFFER] : w.batch();
        fsyncNanos.addAndGet(t1 - t0);
        fsyncs.incrementAndGet();
        fsyncListener.fsynced(t1 - t0, w.records());
        CompletableFuture<?>[] done;
        lock.lock();
        try {
            durableLsn = w.lastLsn(); // an fsync covers everything written before it was called
            done = waiters.pollUpTo(w.lastLsn());
            policy.fsyncCompleted(t1, t1 - t0, done == null ? 0 : done.length, pendingRecords);
        } finally {
            lock.unlock();
        }
        boolean switchToPreallocated =
                !activePreallocated && preallocator != null && activeSize < segmentBytes / 4 && preallocator.isReady();
        boolean rollNow = w.roll() != null || activeSize >= segmentBytes || switchToPreallocated;
        if (rollNow && mayRoll) {
            try {
                roll();
            } catch (IOException | RuntimeException e) {
                fail(e); // the log stops; the group just fsynced is durable all the same
                complete(done);
                throw e;
            }
        }
        long sealedUpTo = activeFirstLsn - 1;
        // The token goes back before the waiters are woken, so that a woken caller finds it free and can flush its
        // next record itself; the completion lock, taken before, keeps the groups' completions in LSN order.
        completionLock.lock();
        try {
            releaseToken(rollNow && !mayRoll);
            complete(done);
        } finally {
            completionLock.unlock();
        }
        long completed = System.nanoTime();
        if (w.roll() != null) w.roll().complete(sealedUpTo);
        var event = new WalBatchEvent();
        if (event.isEnabled()) {
            event.lastLsn = w.lastLsn();
            event.firstLsn = w.lastLsn() - w.records() + 1;
            event.records = w.records();
            event.waiters = done == null ? 0 : done.length;
            event.takenNanos = w.takenNanos();
            event.writtenNanos = written;
            event.fsyncStartNanos = t0;
            event.fsyncEndNanos = t1;
            event.completedNanos = completed;
            event.commit();
        }
    }

    /**
     * After an interrupt closed the active channel during a write or fsync (the data written stays in the page
     * cache): reopens it at {@code offset}, the batch's start, so the batch is written again and fsynced through the
     * new descriptor. Rewriting dirties every page of the batch again, so that fsync covers them all whatever the old
     * descriptor's writeback did; everything before {@code offset} was fsynced already.
     */
    private void reopen(long offset) throws IOException {
        closeQuietly(active);
        active = FileChannel.open(activePath, StandardOpenOption.WRITE);
        active.position(offset);
        activeSize = offset;
    }

    /** Completes a group of waiters: here if it is small and no earlier group is still being completed, else there. */
    private void complete(CompletableFuture<?>[] done) {
        if (done == null) return;
        if (done.length <= INLINE_COMPLETIONS && completerBacklog.get() == 0) {
            for (CompletableFuture<?> cf : done) cf.complete(null);
            return;
        }
        completerBacklog.incrementAndGet();
        completer.execute(() -> {
            try {
                for (CompletableFuture<?> cf : done) cf.complete(null);
            } finally {
                completerBacklog.decrementAndGet();
            }
        });
    }

    /** Gives the flushing token back ({@code roll}: the segment must be sealed); wakes the writer if it must act now. */
    private void releaseToken(boolean roll) {
        lock.lock();
        try {
            flushing = false;
            rollDue |= roll;
            // A writer that went to sleep while this flush ran waits for this signal: with records pending it must
            // look again (and linger, or flush), or they would wait for the next append (LoadDriverTest found that).
            if (writerWaiting && (closing || rollDue || rollRequest != null || pendingLen > 0)) work.signal();
        } finally {
            lock.unlock();
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

    void setFsyncListener(FsyncListener l) {
        fsyncListener = l == null ? FsyncListener.NONE : l;
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
        closeQuietly(active); // held by the flushing thread: nothing else uses it
        active = ch;
        activePath = p;
        activeFirstLsn = next;
        activeSize = 0;
        activePreallocated = spare != null;
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
            flushing = false;
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
