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
 * The write-ahead log. Appenders frame records into a shared pending buffer under a short lock. A batch is
 * <em>flushed</em>: the pending buffer swapped out, written with one write call, fsynced ({@code force(false)}), its
 * waiters completed. Whoever takes a batch does all of it on its own thread: the writer thread, or a caller blocked
 * in {@link #awaitDurable} that found a batch could start (then one waiting caller costs an fsync and no thread
 * hand-off at all). When the writer takes a batch is {@link GroupCommitPolicy}'s decision.
 *
 * <p>Writes are serial (the <em>write token</em>, taken under the lock with the batch), but up to
 * {@link #SYNCS_IN_FLIGHT} fsyncs run at once: a caller that arrives while an fsync runs writes its batch and starts
 * its own fsync at once instead of waiting for the running one to end (the disk serves concurrent syncs in parallel;
 * docs/benchmarks.md, durable latency). Each in-flight batch has its own channel on the active segment, so an
 * interrupt that closes one caller's channel leaves the others' fsyncs running. Because a batch is written only after
 * the previous one's write returned, an fsync that ends covers every batch before it: the durable LSN is the highest
 * last LSN of a batch whose fsync ended, unless the log failed (after a failed fsync nothing later counts).
 *
 * <p>Waiters are completed in LSN order (the completion lock is taken before they are picked) by the flushing thread
 * right after it gave its slot back (so a woken caller can flush its next record itself), or, for a large group, by
 * the completer thread (so the flushing thread is free at once); a later small group is then handed there too.
 * Segments are sealed by the writer thread alone, when no batch is in flight.
 */
final class Wal {
    private static final Logger log = LoggerFactory.getLogger(Wal.class);
    /** Appenders wait (backpressure) while this much is pending, which bounds the lag of fast-mode appends. */
    static final int MAX_PENDING = 8 << 20;

    private static final int INITIAL_BUFFER = 1 << 20;
    /** Groups of up to this many waiters are completed by the flushing thread itself; larger ones by the completer. */
    static final int INLINE_COMPLETIONS = 8;
    /**
     * How many batches may be fsyncing at once (1: one at a time). Two halve a lone caller's wait on this machine's
     * disk; more add little (docs/benchmarks.md). A system property, read once, for side-by-side measurements.
     */
    static final int SYNCS_IN_FLIGHT = Math.clamp(Integer.getInteger("interstice.wal.syncsInFlight", 2), 1, 8);

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
    private boolean writing; // the write token: a batch (or a segment roll) is being written; writes are serial
    private int syncing; // batches written (or being written) whose fsync has not ended
    private final boolean[] slotBusy = new boolean[SYNCS_IN_FLIGHT]; // which channel each in-flight batch uses
    private boolean rollDue; // the active segment is full: the writer seals it once nothing is in flight
    private boolean writerWaiting;
    private boolean closing;
    private CompletableFuture<Long> rollRequest;
    private long appendedRecords;
    private long appendedBytes;
    private long backpressureWaits;
    private byte[] spare = new byte[INITIAL_BUFFER]; // a batch buffer given back, for the next pending buffer
    private long activeSize; // bytes of records; a preallocated file is longer (zeros). Written with the write token
    private long writtenLsn;

    // ---- owned by the holder of the write token; the segment itself changes only when nothing is in flight
    private final FileChannel[] channels = new FileChannel[SYNCS_IN_FLIGHT]; // all on the active segment
    private Path activePath;
    private long activeFirstLsn;
    private boolean activePreallocated;
    private final Preallocator preallocator; // null: disabled

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
        try {
            for (int i = 0; i < channels.length; i++)
                channels[i] = FileChannel.open(activePath, StandardOpenOption.WRITE);
            this.activePreallocated = channels[0].size() >= segmentBytes; // recovery keeps a zero-filled tail
        } catch (IOException e) {
            for (FileChannel ch : channels) closeQuietly(ch);
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
     * Blocks until {@code lsn} is durable. If a batch can start (no write running, an fsync slot free), this thread
     * takes the pending records (its own and any others') and flushes them itself; otherwise it waits for the
     * running batches and the writer's next one.
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
            if (canStart() && !closing && rollRequest == null && pendingLen > 0) w = takeBatch();
        } finally {
            lock.unlock();
        }
        if (w != null) {
            // an interrupt pending now would close the channel at once; one arriving during the I/O is retried
            boolean interrupted = Thread.interrupted();
            try {
                flush(w);
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

    /** Under the lock: whether a batch may be taken now (no write running, an fsync slot free, no seal due). */
    private boolean canStart() {
        return !writing && syncing < SYNCS_IN_FLIGHT && !rollDue;
    }

    /** Under the lock: no batch is being written or fsynced (a segment may be sealed). */
    private boolean idle() {
        return !writing && syncing == 0;
    }

    /** Under the lock: what the group-commit policy decides on. */
    private GroupCommitPolicy.State state() {
        return new GroupCommitPolicy.State(
                pendingLen,
                pendingRecords,
                pendingSince,
                maxWaiterLsn > submittedLsn,
                !canStart(),
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
                channels[0].truncate(activeSize); // a cleanly closed log has no zero tail
                channels[0].force(true);
            } catch (IOException e) {
                log.warn("cannot trim the preallocated tail of {} (harmless): {}", activePath, e.toString());
            }
        }
        for (FileChannel ch : channels) closeQuietly(ch);
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

    /**
     * A batch taken from the pending buffer, to be written through channel {@code slot}; or ({@code batch} null) the
     * sealing of the active segment, with the roll request it answers if any.
     */
    private record Work(
            byte[] batch,
            int len,
            int records,
            long lastLsn,
            int slot,
            CompletableFuture<Long> roll,
            long takenNanos) {}

    private void run() {
        try {
            Work w;
            while ((w = nextWork()) != null) {
                if (w.batch() == null) seal(w.roll());
                else flush(w);
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    /**
     * Waits until the group-commit policy says flush, then takes the batch; or the sealing of the segment (when it is
     * full or a roll was requested, and nothing is in flight); null: stop (closed with everything flushed, or failed).
     */
    private Work nextWork() {
        lock.lock();
        try {
            while (true) {
                if (failure != null) return null;
                if (rollDue || pendingLen == 0 && (rollRequest != null || closing)) {
                    if (!idle()) {
                        awaitWork(-1); // a batch ending signals
                        continue;
                    }
                    if (!rollDue && rollRequest == null) return null;
                    // a roll request answers for everything appended before it: only once nothing is pending
                    CompletableFuture<Long> roll = pendingLen == 0 ? rollRequest : null;
                    if (roll != null) rollRequest = null;
                    rollDue = false;
                    writing = true; // the segment changes: nothing else may start
                    return new Work(null, 0, 0, 0, -1, roll, 0);
                }
                long wait = policy.waitNanos(state(), System.nanoTime());
                if (wait == GroupCommitPolicy.FLUSH) return takeBatch();
                awaitWork(wait == GroupCommitPolicy.UNTIL_SIGNALLED ? -1 : wait);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock, when {@link #canStart}: swaps the pending buffer out and takes the write token and a slot. */
    private Work takeBatch() {
        int slot = 0;
        while (slotBusy[slot]) slot++;
        slotBusy[slot] = true;
        Work w = new Work(pending, pendingLen, pendingRecords, lastLsn, slot, null, System.nanoTime());
        pending = spare != null ? spare : new byte[INITIAL_BUFFER];
        spare = null;
        pendingLen = 0;
        pendingRecords = 0;
        submittedLsn = lastLsn;
        writing = true;
        syncing++;
        policy.batchTaken();
        space.signalAll();
        return w;
    }

    /**
     * Writes the batch (holding the write token, given back once the write returned), fsyncs it, makes it and every
     * batch written before it durable, completes their waiters and gives its slot back.
     */
    private void flush(Work w) throws IOException {
        long offset = activeSize; // the write token's holder owns the end of the segment
        seal(w);
        boolean interrupted = write(w, offset);
        long written = System.nanoTime();
        lock.lock();
        try {
            activeSize = offset + w.len();
            writtenLsn = w.lastLsn();
            writing = false;
            if (writerWaiting && pendingLen > 0) work.signal();
        } finally {
            lock.unlock();
        }
        long t0;
        while (true) {
            try {
                hooks.beforeWalForce(activePath);
                t0 = System.nanoTime();
                channels[w.slot()].force(false);
                break;
            } catch (ClosedByInterruptException e) {
                // a flushing caller's thread was interrupted, which closed its channel: write again, then fsync
                interrupted |= Thread.interrupted();
                reopen(w.slot());
                interrupted |= write(w, offset);
            }
        }
        long t1 = System.nanoTime();
        if (interrupted) Thread.currentThread().interrupt(); // the caller's, kept
        fsyncNanos.addAndGet(t1 - t0);
        fsyncs.incrementAndGet();
        fsyncListener.fsynced(t1 - t0, w.records());
        CompletableFuture<?>[] done = null;
        // The slot goes back before the waiters are woken, so that a woken caller finds it free and can flush its next
        // record itself; the completion lock, taken before the waiters are picked, keeps completions in LSN order.
        completionLock.lock();
        try {
            lock.lock();
            try {
                syncing--;
                slotBusy[w.slot()] = false;
                if (spare == null && w.batch().length <= 16 * INITIAL_BUFFER) spare = w.batch();
                if (failure == null) { // after a failed write or fsync, a later fsync proves nothing
                    // this fsync covers every batch written before it was called, in flight or not
                    if (w.lastLsn() > durableLsn) durableLsn = w.lastLsn();
                    done = waiters.pollUpTo(durableLsn);
                }
                policy.fsyncCompleted(t1, t1 - t0, done == null ? 0 : done.length, pendingRecords);
                boolean switchToPreallocated = !activePreallocated
                        && preallocator != null
                        && activeSize < segmentBytes / 4
                        && preallocator.isReady();
                rollDue |= activeSize >= segmentBytes || switchToPreallocated;
                // A writer that went to sleep while this batch ran waits for this signal: with records pending it must
                // look again (and linger, or flush), or they would wait for the next append (LoadDriverTest found
                // that).
                if (writerWaiting && (closing || rollDue || rollRequest != null || pendingLen > 0)) work.signal();
            } finally {
                lock.unlock();
            }
            complete(done);
        } finally {
            completionLock.unlock();
        }
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
            event.completedNanos = System.nanoTime();
            event.commit();
        }
    }

    /**
     * Writes the batch at {@code offset} through its slot's channel; returns whether an interrupt closed the channel
     * on the way (it was reopened and the whole batch written again). A rewrite writes the same bytes: the records are
     * sealed once, before the first write.
     */
    private boolean write(Work w, long offset) throws IOException {
        hooks.beforeWalWrite(activePath, offset, w.len());
        boolean interrupted = false;
        while (true) {
            try {
                ByteBuffer bb = ByteBuffer.wrap(w.batch(), 0, w.len());
                while (bb.hasRemaining()) channels[w.slot()].write(bb, offset + bb.position());
                return interrupted;
            } catch (ClosedByInterruptException e) {
                interrupted |= Thread.interrupted();
                reopen(w.slot());
            }
        }
    }

    /** Stamps each record's CRC and the LSN durable before this write (every record up to it was fsynced). */
    private void seal(Work w) {
        long synced = durableLsn;
        for (int pos = 0; pos < w.len(); ) pos += WalFormat.seal(w.batch(), pos, synced);
        writes++;
        if (w.records() > maxBatchRecords) maxBatchRecords = w.records();
    }

    /**
     * After an interrupt closed a slot's channel during a write or fsync (the data written stays in the page cache):
     * reopens it, so the batch is written again and fsynced through the new descriptor. Rewriting dirties every page
     * of the batch again, so that fsync covers them all whatever the old descriptor's writeback did; every batch
     * before it was written completely before it.
     */
    private void reopen(int slot) throws IOException {
        closeQuietly(channels[slot]);
        channels[slot] = FileChannel.open(activePath, StandardOpenOption.WRITE);
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

    /** Writer thread, holding the write token with nothing in flight: seals the segment if it holds records. */
    private void seal(CompletableFuture<Long> request) throws IOException {
        if (activeSize > 0) roll();
        long sealedUpTo = activeFirstLsn - 1;
        lock.lock();
        try {
            writing = false;
            if (writerWaiting) work.signal();
        } finally {
            lock.unlock();
        }
        if (request != null) request.complete(sealedUpTo);
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
        Path zeroed = preallocator == null ? null : preallocator.take();
        FileChannel ch;
        if (zeroed != null) {
            java.nio.file.Files.move(zeroed, p, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
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
        if (activePreallocated) channels[0].truncate(activeSize);
        Segments.Sealed s = new Segments.Sealed(activePath, activeFirstLsn, writtenLsn, activeSize);
        for (int i = 0; i < channels.length; i++) { // nothing is in flight: no other thread uses them
            closeQuietly(channels[i]);
            channels[i] = i == 0 ? ch : FileChannel.open(p, StandardOpenOption.WRITE);
        }
        activePath = p;
        activeFirstLsn = next;
        activeSize = 0;
        activePreallocated = zeroed != null;
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
