package dev.interstice.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log: appenders frame records into a shared pending buffer under a short lock; one writer thread
 * swaps the buffer out, writes it with one write call and makes it durable with one {@code force(false)}. Every
 * record appended while an fsync runs rides the next one (group commit).
 */
final class Wal {
  private static final Logger log = LoggerFactory.getLogger(Wal.class);

  /** Once this much is pending the writer flushes without waiting for a durability waiter or the timer. */
  static final int EAGER_BYTES = 1 << 20;
  /** Appenders wait (backpressure) while this much is pending. */
  static final int MAX_PENDING = 64 << 20;
  private static final int INITIAL_BUFFER = 1 << 20;

  private final Path walDir;
  private final long segmentBytes;
  private final long fastFlushNanos;
  private final IoHooks hooks;
  private final Consumer<Segments.Sealed> onSealed;
  private final Completer completer;

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
  private boolean writerWaiting;
  private boolean closing;
  private CompletableFuture<Long> rollRequest;
  private long appendedRecords;
  private long appendedBytes;

  // ---- owned by the writer thread
  private FileChannel active;
  private Path activePath;
  private long activeFirstLsn;
  private long activeSize;
  private long writtenLsn;
  private byte[] spare = new byte[INITIAL_BUFFER];

  // ---- shared
  private volatile long durableLsn;
  private volatile StorageException failure;
  private volatile long writes;
  private volatile long fsyncs;
  private volatile long maxBatchRecords;
  private volatile long segmentsSealed;
  private final List<Segments.Sealed> sealed = new ArrayList<>(); // guarded by itself

  private final Thread writer;

  Wal(
      Path walDir,
      Path activePath,
      long activeFirstLsn,
      long activeSize,
      long lastLsn,
      List<Segments.Sealed> sealedSegments,
      long segmentBytes,
      long fastFlushNanos,
      IoHooks hooks,
      Consumer<Segments.Sealed> onSealed)
      throws IOException {
    this.walDir = walDir;
    this.segmentBytes = segmentBytes;
    this.fastFlushNanos = fastFlushNanos;
    this.hooks = hooks;
    this.onSealed = onSealed;
    this.activePath = activePath;
    this.activeFirstLsn = activeFirstLsn;
    this.activeSize = activeSize;
    this.lastLsn = lastLsn;
    this.writtenLsn = lastLsn;
    this.durableLsn = lastLsn;
    this.sealed.addAll(sealedSegments);
    this.active = FileChannel.open(activePath, StandardOpenOption.WRITE);
    this.active.position(activeSize);
    this.completer = new Completer();
    this.writer = Thread.ofPlatform().name("interstice-wal-writer").daemon(true).unstarted(this::run);
    this.writer.start();
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
      while (pendingLen >= MAX_PENDING && failure == null && !closing) {
        if (writerWaiting) work.signal();
        space.awaitUninterruptibly();
      }
      checkUsable();
      Bytes.Sink p = payload.get();
      if (p == null) return -1;
      int len = p.len;
      if (len > WalFormat.MAX_PAYLOAD)
        throw new IllegalArgumentException("record too large: " + len + " bytes (max " + WalFormat.MAX_PAYLOAD + ")");
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
      if (writerWaiting && (wasEmpty || pendingLen >= EAGER_BYTES)) work.signal();
      return lsn;
    } finally {
      lock.unlock();
    }
  }

  private void grow(int frame) {
    long need = (long) pendingLen + frame;
    long cap = Math.max(need, Math.min((long) Integer.MAX_VALUE - 16, pending.length * 2L));
    if (need > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("pending log data too large");
    pending = java.util.Arrays.copyOf(pending, (int) cap);
  }

  private void checkUsable() {
    StorageException f = failure;
    if (f != null) throw new StorageException("log refuses appends after an earlier I/O failure: " + f.getMessage(), f);
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
        throw new IllegalArgumentException("LSN " + lsn + " has not been appended (last LSN is " + lastLsn + ")");
      CompletableFuture<Void> cf = new CompletableFuture<>();
      waiters.add(lsn, cf);
      if (writerWaiting) work.signal();
      return cf;
    } finally {
      lock.unlock();
    }
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

  long lastLsn() {
    lock.lock();
    try {
      return lastLsn;
    } finally {
      lock.unlock();
    }
  }

  StorageException failure() {
    return failure;
  }

  List<Segments.Sealed> sealedSegments() {
    synchronized (sealed) {
      return List.copyOf(sealed);
    }
  }

  void removeSealed(List<Segments.Sealed> gone) {
    synchronized (sealed) {
      sealed.removeAll(gone);
    }
  }

  long logBytes() {
    long n = activeSize;
    synchronized (sealed) {
      for (Segments.Sealed s : sealed) n += s.bytes();
    }
    return n;
  }

  long sealedBytes() {
    long n = 0;
    synchronized (sealed) {
      for (Segments.Sealed s : sealed) n += s.bytes();
    }
    return n;
  }

  record Counters(long appendedRecords, long appendedBytes, long lastLsn, long durableLsn, long writes, long fsyncs,
      long maxBatchRecords, long segmentsSealed) {}

  Counters counters() {
    lock.lock();
    try {
      return new Counters(appendedRecords, appendedBytes, lastLsn, durableLsn, writes, fsyncs, maxBatchRecords,
          segmentsSealed);
    } finally {
      lock.unlock();
    }
  }

  /** Flushes and fsyncs everything appended, stops the writer. Throws if appended records could not be made durable. */
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
    try {
      active.close();
    } catch (IOException e) {
      log.warn("closing {} failed", activePath, e);
    }
    if (interrupted) Thread.currentThread().interrupt();
    StorageException f = failure;
    if (f != null && lastLsn > durableLsn)
      throw new StorageException("records " + (durableLsn + 1) + ".." + lastLsn + " were not made durable: "
          + f.getMessage(), f);
  }

  // ------------------------------------------------------------------------------------------------ writer thread

  private void run() {
    try {
      while (true) {
        byte[] batch = null;
        int len = 0;
        int records = 0;
        long last = 0;
        CompletableFuture<Long> roll = null;
        lock.lock();
        try {
          while (true) {
            if (pendingLen > 0) {
              long waited = System.nanoTime() - pendingSince;
              if (!waiters.isEmpty() || closing || rollRequest != null || pendingLen >= EAGER_BYTES
                  || waited >= fastFlushNanos) break;
              awaitWork(fastFlushNanos - waited);
            } else if (rollRequest != null) {
              roll = rollRequest;
              rollRequest = null;
              break;
            } else if (closing) {
              return;
            } else {
              awaitWork(-1);
            }
          }
          if (roll == null) {
            batch = pending;
            len = pendingLen;
            records = pendingRecords;
            last = lastLsn;
            pending = spare;
            pendingLen = 0;
            pendingRecords = 0;
            space.signalAll();
          }
        } finally {
          lock.unlock();
        }
        if (roll != null) {
          if (activeSize > 0) roll();
          roll.complete(activeFirstLsn - 1);
          continue;
        }
        writeBatch(batch, len, records, last);
        spare = batch.length > 16 * INITIAL_BUFFER ? new byte[INITIAL_BUFFER] : batch;
        if (activeSize >= segmentBytes) {
          roll();
        }
      }
    } catch (Throwable t) {
      fail(t);
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
    long synced = writtenLsn; // every earlier write has been forced: writtenLsn == durableLsn here
    for (int pos = 0; pos < len; ) pos += WalFormat.seal(batch, pos, synced);
    hooks.beforeWalWrite(activePath, activeSize, len);
    ByteBuffer bb = ByteBuffer.wrap(batch, 0, len);
    while (bb.hasRemaining()) active.write(bb);
    activeSize += len;
    writtenLsn = last;
    writes++;
    hooks.beforeWalForce(activePath);
    active.force(false);
    fsyncs++;
    if (records > maxBatchRecords) maxBatchRecords = records;
    CompletableFuture<?>[] done;
    lock.lock();
    try {
      durableLsn = last;
      done = waiters.pollUpTo(last);
    } finally {
      lock.unlock();
    }
    if (done != null) completer.complete(done);
    // A roll requested while appends keep coming must not starve.
    CompletableFuture<Long> roll = null;
    lock.lock();
    try {
      if (rollRequest != null && !closing) {
        roll = rollRequest;
        rollRequest = null;
      }
    } finally {
      lock.unlock();
    }
    if (roll != null) {
      roll();
      roll.complete(activeFirstLsn - 1);
    }
  }

  /** Seals the active segment (already fully forced) and starts a new one named by the next LSN. */
  private void roll() throws IOException {
    long next = writtenLsn + 1;
    Path p = walDir.resolve(Segments.name(next));
    hooks.beforeSegmentCreate(p);
    FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      AtomicFiles.fsyncDirectory(walDir);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    Segments.Sealed s = new Segments.Sealed(activePath, activeFirstLsn, writtenLsn, activeSize);
    active.close();
    active = ch;
    activePath = p;
    activeFirstLsn = next;
    activeSize = 0;
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
    StorageException f = new StorageException(
        "log write/fsync failed on " + activePath + " (durable up to LSN " + durableLsn
            + "); the log refuses further appends, reopen the storage to recover: " + t,
        t);
    log.error("WAL failure: {}", f.getMessage(), t);
    CompletableFuture<?>[] dead;
    CompletableFuture<Long> roll;
    lock.lock();
    try {
      failure = f;
      dead = waiters.pollUpTo(Long.MAX_VALUE);
      roll = rollRequest;
      rollRequest = null;
      space.signalAll();
    } finally {
      lock.unlock();
    }
    if (roll != null) roll.completeExceptionally(f);
    if (dead != null) {
      for (CompletableFuture<?> cf : dead) cf.completeExceptionally(notDurable(durableLsn + 1, f));
    }
  }

  /** Completes durability futures off the writer thread, so waking many waiters overlaps the next fsync. */
  private static final class Completer {
    private final java.util.concurrent.ExecutorService exec;

    Completer() {
      exec = java.util.concurrent.Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().name("interstice-wal-completer").daemon(true).unstarted(r));
    }

    void complete(CompletableFuture<?>[] done) {
      try {
        exec.execute(() -> {
          for (CompletableFuture<?> cf : done) cf.complete(null);
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        for (CompletableFuture<?> cf : done) cf.complete(null);
      }
    }

    void shutdown() {
      exec.shutdown();
      try {
        exec.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Binary min-heap of (lsn, future) kept in parallel arrays; guarded by the WAL lock. */
  private static final class WaiterHeap {
    private long[] lsns = new long[256];
    private CompletableFuture<?>[] futures = new CompletableFuture<?>[256];
    private int size;

    boolean isEmpty() {
      return size == 0;
    }

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
