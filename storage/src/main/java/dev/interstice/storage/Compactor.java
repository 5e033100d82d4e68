package dev.interstice.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background compaction: merges the current snapshot with sealed log segments into a new snapshot as of the last
 * sealed LSN, materialises stateful tables into row files, then deletes what the new snapshot covers. Reads only
 * files (never the live state), so appends never wait for it.
 */
final class Compactor {
  private static final Logger log = LoggerFactory.getLogger(Compactor.class);

  /** Upper bound on the log bytes merged in one run (the delta is held in memory). */
  static final long MAX_RUN_BYTES = 256L << 20;
  private static final long MAX_LOG_BEFORE_COMPACTION = 1L << 30;
  /** Row files are written by this many threads (each write ends with an fsync; fsyncs overlap well). */
  static final int ROW_WRITERS = 4;

  private final Path root;
  private final Path walDir;
  private final Path rowsDir;
  private final long segmentBytes;
  private final IoHooks hooks;
  private final ScheduledExecutorService exec;
  private ExecutorService rowWriters; // created on first use
  private final AtomicBoolean autoQueued = new AtomicBoolean();
  private volatile boolean aborting;
  private Wal wal;

  // compactor thread state
  private SnapshotFile.OnDisk snapshot;

  // stats
  private volatile long snapshotBytes;
  private volatile long snapshotsTaken;
  private volatile long lastSnapshotLsn;
  private volatile long lastMillis;
  private volatile long totalMillis;
  private volatile long rowFilesWritten;

  Compactor(Path root, Path walDir, Path rowsDir, long segmentBytes, IoHooks hooks, SnapshotFile.OnDisk snapshot,
      long snapshotBytes) {
    this.root = root;
    this.walDir = walDir;
    this.rowsDir = rowsDir;
    this.segmentBytes = segmentBytes;
    this.hooks = hooks;
    this.snapshot = snapshot;
    this.snapshotBytes = snapshotBytes;
    this.lastSnapshotLsn = snapshot == null ? 0 : snapshot.lsn();
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1,
        r -> Thread.ofPlatform().name("interstice-compactor").daemon(true).priority(Thread.NORM_PRIORITY - 1)
            .unstarted(r));
    e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.exec = e;
    this.lastRunNanos = System.nanoTime();
    // With little traffic segments seal rarely: compact anyway once the last compaction is this old.
    this.periodicNanos = hooks.periodicSnapshotNanos();
    long period = Math.max(1_000_000, periodicNanos / 4);
    exec.scheduleWithFixedDelay(this::periodic, period, period, TimeUnit.NANOSECONDS);
  }

  private volatile long lastRunNanos;
  private final long periodicNanos;

  /** Compactor thread: seal and compact a quiet log so that stateful row files do not lag far behind. */
  private void periodic() {
    Wal w = wal;
    if (w == null || aborting || !hooks.autoCompaction()) return;
    if (System.nanoTime() - lastRunNanos < periodicNanos) return;
    if (w.durableLsn() <= lastSnapshotLsn) {
      lastRunNanos = System.nanoTime();
      return; // nothing new
    }
    try {
      w.requestRoll().join();
      runOnce(true);
    } catch (Aborted e) {
      // closing
    } catch (Exception e) {
      if (!aborting) log.error("periodic compaction failed: {}", e.toString(), e);
    }
    lastRunNanos = System.nanoTime();
  }

  void attach(Wal wal) {
    this.wal = wal;
  }

  /** Log bytes in sealed segments that trigger a background compaction. */
  long threshold() {
    return Math.max(2 * segmentBytes, Math.min(snapshotBytes / 2, MAX_LOG_BEFORE_COMPACTION));
  }

  /** Called by the WAL writer after sealing a segment (and at open): schedules a run when enough log piled up. */
  void maybeTrigger() {
    Wal w = wal;
    if (w == null || aborting || !hooks.autoCompaction() || w.sealedBytes() < threshold()) return;
    if (!autoQueued.compareAndSet(false, true)) return;
    try {
      exec.execute(() -> {
        autoQueued.set(false);
        try {
          runOnce(false);
        } catch (Aborted e) {
          // closing
        } catch (Exception e) {
          log.error("background compaction failed (the log keeps growing until it succeeds): {}", e.toString(), e);
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
          Throwable c = e.getCause();
          if (c instanceof StorageException se) throw se;
          if (c instanceof Aborted) throw new StorageException("storage closed during compaction");
          if (c instanceof IOException io) throw new StorageException("compaction failed: " + io, io);
          throw new StorageException("compaction failed: " + c, c);
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  void close() {
    aborting = true;
    exec.shutdown();
    try {
      if (!exec.awaitTermination(60, TimeUnit.SECONDS)) log.warn("compactor did not stop within 60 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ExecutorService rw;
    synchronized (this) {
      rw = rowWriters;
    }
    if (rw != null) rw.shutdownNow();
  }

  long snapshotBytes() {
    return snapshotBytes;
  }

  long snapshotsTaken() {
    return snapshotsTaken;
  }

  long lastSnapshotLsn() {
    return lastSnapshotLsn;
  }

  long lastMillis() {
    return lastMillis;
  }

  long totalMillis() {
    return totalMillis;
  }

  long rowFilesWritten() {
    return rowFilesWritten;
  }

  // -------------------------------------------------------------------------------------------------------------

  private static final class Aborted extends RuntimeException {
    Aborted() {
      super("compaction aborted", null, false, false);
    }
  }

  private void checkAbort() {
    if (aborting) throw new Aborted();
  }

  /**
   * Compacts sealed segments, at most {@link #MAX_RUN_BYTES} of log per snapshot. {@code all}: until the snapshot
   * covers every segment sealed when the call started; otherwise until the sealed log is below the threshold.
   */
  private void runOnce(boolean all) throws IOException {
    long target = 0;
    for (Segments.Sealed s : wal.sealedSegments()) target = Math.max(target, s.lastLsn());
    while (true) {
      checkAbort();
      long covered = snapshot == null ? 0 : snapshot.lsn();
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
      if (!stale.isEmpty()) deleteSegments(stale);
      if (run.isEmpty()) return;
      if (run.getFirst().firstLsn() > covered + 1)
        throw new IllegalStateException("log segments do not continue the snapshot at LSN " + covered + ": "
            + run.getFirst().path());
      compact(run);
      lastRunNanos = System.nanoTime();
      if (all ? snapshot.lsn() >= target : wal.sealedBytes() < threshold()) return;
    }
  }

  private void compact(List<Segments.Sealed> segs) throws IOException {
    long t0 = System.nanoTime();
    long oldLsn = snapshot == null ? 0 : snapshot.lsn();
    long newLsn = segs.getLast().lastLsn();

    // ---- old snapshot's registry
    Registry oldReg = new Registry();
    long lastTxId = 0;
    if (snapshot != null) {
      try (SnapshotFile.Reader r = new SnapshotFile.Reader(snapshot.path())) {
        r.tables.forEach(oldReg::put);
        oldReg.raiseNextNo(r.nextTableNo);
        lastTxId = r.lastTxId;
      }
    }

    // ---- delta from the sealed segments (entries point into the segment arrays, kept for the run)
    Registry reg = oldReg.copy();
    Map<Integer, Delta> deltas = new HashMap<>();
    long[] maxTx = {lastTxId};
    // Checks each op against the registry, then collects it. Equivalent to checking a whole record first: only
    // DECLARE and DROP change the registry, and they are alone in their record. A record rejected half-way has
    // collected some ops, but then the run fails and its delta is dropped.
    WalFormat.Visitor collect = new WalFormat.Visitor() {
      boolean skip;
      int lastNo = -1; // consecutive ops mostly touch the same table
      Delta last;

      @Override
      public void begin(long lsn, boolean userTx, long txId, long timestampMs) {
        skip = lsn <= oldLsn;
        if (!skip && userTx && txId > maxTx[0]) maxTx[0] = txId;
      }

      private Delta d(int no) {
        if (no != lastNo) {
          last = deltas.computeIfAbsent(no, k -> new Delta());
          lastNo = no;
        }
        return last;
      }

      @Override
      public void put(int no, byte[] buf, int keyOff, int keyLen, int rowOff, int rowLen)
          throws Bytes.FormatException {
        if (skip) return;
        reg.checker.put(no, buf, keyOff, keyLen, rowOff, rowLen);
        d(no).put(buf, keyOff, keyLen, rowOff, rowLen);
      }

      @Override
      public void delete(int no, byte[] buf, int keyOff, int keyLen) throws Bytes.FormatException {
        if (skip) return;
        reg.checker.delete(no, buf, keyOff, keyLen);
        d(no).delete(buf, keyOff, keyLen);
      }

      @Override
      public void clear(int no) throws Bytes.FormatException {
        if (skip) return;
        reg.checker.clear(no);
        d(no).clear();
      }

      @Override
      public void declare(int no, PersistenceMode mode, TableId id) throws Bytes.FormatException {
        if (skip) return;
        reg.checker.declare(no, mode, id);
        if (reg.byNo(no) == null) d(no).baseDiscarded = true;
        reg.put(new Registry.Meta(no, id, mode));
      }

      @Override
      public void drop(int no) throws Bytes.FormatException {
        if (skip) return;
        reg.checker.drop(no);
        reg.remove(no);
        deltas.remove(no);
        lastNo = -1;
      }
    };
    for (Segments.Sealed s : segs) {
      checkAbort();
      byte[] data = Files.readAllBytes(s.path());
      Segments.Scan scan = Segments.scan(data, data.length, s.firstLsn(), collect, null);
      if (!scan.clean())
        throw new StorageCorruptionException(s.path(), scan.validEnd(), "sealed segment damaged: " + scan.badReason());
      if (scan.nextLsn() - 1 != s.lastLsn())
        throw new StorageCorruptionException(s.path(), data.length,
            "sealed segment ends at LSN " + (scan.nextLsn() - 1) + ", expected " + s.lastLsn());
    }
    long newTxId = maxTx[0];

    // ---- phase 1: stateful tables -> row files (fsynced) before the snapshot that vouches for them
    long files = 0;
    for (Registry.Meta m : reg.all()) {
      if (m.mode() != PersistenceMode.STATEFUL) continue;
      checkAbort();
      files += materialise(m, oldReg.byNo(m.no()), deltas.get(m.no()));
    }
    hooks.compactionPoint("rows-written");

    // ---- phase 2: the new snapshot
    Path fin = root.resolve(SnapshotFile.name(newLsn));
    Path tmp = root.resolve(SnapshotFile.name(newLsn) + ".tmp");
    long size;
    try {
      size = writeSnapshot(tmp, newLsn, newTxId, reg, oldReg, deltas);
      hooks.compactionPoint("snapshot-written");
      AtomicFiles.move(tmp, fin);
    } catch (IOException | RuntimeException e) {
      try {
        AtomicFiles.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort; recovery deletes *.tmp
      }
      throw e;
    }
    AtomicFiles.fsyncDirectory(root);
    hooks.compactionPoint("snapshot-installed");

    // ---- phase 3: drop what the new snapshot covers
    SnapshotFile.OnDisk old = snapshot;
    snapshot = new SnapshotFile.OnDisk(fin, newLsn);
    snapshotBytes = size;
    if (old != null) {
      AtomicFiles.deleteIfExists(old.path());
      AtomicFiles.fsyncDirectory(root);
    }
    deleteSegments(segs);
    Set<Path> statefulDirs = new HashSet<>();
    for (Registry.Meta m : reg.all())
      if (m.mode() == PersistenceMode.STATEFUL) statefulDirs.add(RowFiles.tableDir(rowsDir, m.id()));
    for (Registry.Meta m : oldReg.all()) {
      Path dir = RowFiles.tableDir(rowsDir, m.id());
      if (m.mode() == PersistenceMode.STATEFUL && !statefulDirs.contains(dir) && Files.exists(dir)) {
        RowFiles.deleteTree(dir);
        AtomicFiles.fsyncDirectory(dir.getParent());
      }
    }

    long ms = (System.nanoTime() - t0) / 1_000_000;
    rowFilesWritten += files;
    lastMillis = ms;
    totalMillis += ms;
    lastSnapshotLsn = newLsn;
    snapshotsTaken++;
    log.debug("snapshot at LSN {} written in {} ms ({} bytes, {} segments merged, {} row files written)", newLsn, ms,
        size, segs.size(), files);
  }

  private void deleteSegments(List<Segments.Sealed> segs) throws IOException {
    for (Segments.Sealed s : segs) AtomicFiles.deleteIfExists(s.path());
    AtomicFiles.fsyncDirectory(walDir);
    wal.removeSealed(segs);
  }

  /** Brings a stateful table's row files to the state as of the new snapshot; returns the number of files written. */
  private long materialise(Registry.Meta m, Registry.Meta old, Delta d) throws IOException {
    Path dir = RowFiles.tableDir(rowsDir, m.id());
    long written = 0;
    if (old != null && old.mode() == PersistenceMode.STATEFUL) {
      // Incremental: the directory holds the state as of the old snapshot.
      if (d == null) return 0;
      AtomicFiles.createDirectoriesDurably(dir);
      if (d.baseDiscarded) {
        Set<String> keep = new HashSet<>();
        for (int i = 0; i < d.size(); i++)
          if (!d.get(i).tombstone()) keep.add(RowFiles.fileName(d.get(i).key()));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
          for (Path p : ds) if (!keep.contains(p.getFileName().toString())) AtomicFiles.deleteIfExists(p);
        }
      }
      List<Map.Entry<ByteKey, byte[]>> puts = new ArrayList<>();
      for (int i = 0; i < d.size(); i++) {
        Delta.Entry e = d.get(i);
        if (e.tombstone()) RowFiles.delete(dir, e.key());
        else puts.add(Map.entry(new ByteKey(e.key()), e.row()));
      }
      written += writeRows(dir, puts);
    } else {
      // A new table instance or a LOGGED -> STATEFUL switch: whatever the directory holds is not state.
      RowFiles.deleteTree(dir);
      AtomicFiles.createDirectoriesDurably(dir);
      TreeMap<ByteKey, byte[]> full = new TreeMap<>();
      if (old != null && (d == null || !d.baseDiscarded)) full.putAll(readSnapshotSection(old.no()));
      if (d != null) {
        for (int i = 0; i < d.size(); i++) {
          Delta.Entry e = d.get(i);
          if (e.tombstone()) full.remove(new ByteKey(e.key()));
          else full.put(new ByteKey(e.key()), e.row());
        }
      }
      written += writeRows(dir, new ArrayList<>(full.entrySet()));
    }
    AtomicFiles.fsyncDirectory(dir);
    return written;
  }

  /** Writes row files (each atomically: tmp, fsync, rename), in parallel when there are many. */
  private long writeRows(Path dir, List<Map.Entry<ByteKey, byte[]>> rows) throws IOException {
    if (rows.size() < 16) {
      for (Map.Entry<ByteKey, byte[]> e : rows) {
        checkAbort();
        RowFiles.write(dir, e.getKey().bytes(), e.getValue());
      }
      return rows.size();
    }
    ExecutorService pool;
    synchronized (this) {
      if (rowWriters == null) {
        AtomicInteger n = new AtomicInteger();
        rowWriters = Executors.newFixedThreadPool(ROW_WRITERS,
            r -> Thread.ofPlatform().name("interstice-row-writer-" + n.incrementAndGet()).daemon(true).unstarted(r));
      }
      pool = rowWriters;
    }
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < ROW_WRITERS; t++) {
      fs.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < rows.size()) {
          if (aborting) throw new Aborted();
          Map.Entry<ByteKey, byte[]> e = rows.get(i);
          RowFiles.write(dir, e.getKey().bytes(), e.getValue());
        }
        return null;
      }));
    }
    Throwable first = null;
    for (Future<?> f : fs) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (first == null) first = e.getCause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (first == null) first = e;
      }
    }
    if (first instanceof IOException io) throw io;
    if (first instanceof RuntimeException re) throw re;
    if (first instanceof Error err) throw err;
    if (first != null) throw new IOException("row file write interrupted", first);
    return rows.size();
  }

  private TreeMap<ByteKey, byte[]> readSnapshotSection(int no) throws IOException {
    TreeMap<ByteKey, byte[]> out = new TreeMap<>();
    if (snapshot == null) return out;
    try (SnapshotFile.Reader r = new SnapshotFile.Reader(snapshot.path())) {
      int s;
      while ((s = r.nextSection()) >= 0) {
        if (s != no) continue;
        while (r.nextRow()) out.put(new ByteKey(r.key()), r.row());
        break;
      }
    }
    return out;
  }

  private TreeMap<ByteKey, byte[]> readRowFiles(TableId id) throws IOException {
    TreeMap<ByteKey, byte[]> out = new TreeMap<>();
    Path dir = RowFiles.tableDir(rowsDir, id);
    if (!Files.isDirectory(dir)) return out;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + RowFiles.SUFFIX)) {
      for (Path p : ds) {
        byte[][] kv = RowFiles.decode(p, Files.readAllBytes(p));
        out.put(new ByteKey(kv[0]), kv[1]);
      }
    }
    return out;
  }

  private long writeSnapshot(Path tmp, long lsn, long lastTxId, Registry reg, Registry oldReg,
      Map<Integer, Delta> deltas) throws IOException {
    SnapshotFile.Reader oldReader = snapshot == null ? null : new SnapshotFile.Reader(snapshot.path());
    try (FileChannel ch = PrivateFiles.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      SnapshotFile.Writer w = new SnapshotFile.Writer(ch);
      w.header(lsn, lastTxId, reg.nextNo(), List.copyOf(reg.all()));
      hooks.compactionPoint("snapshot-started");
      int oldSection = oldReader == null ? -1 : oldReader.nextSection();
      for (Registry.Meta m : reg.all()) {
        if (m.mode() != PersistenceMode.LOGGED) continue;
        checkAbort();
        w.section(m.no());
        Registry.Meta old = oldReg.byNo(m.no());
        Delta d = deltas.get(m.no());
        boolean useBase = old != null && (d == null || !d.baseDiscarded);
        Delta.Entry[] changes = d == null ? Delta.NONE : d.sorted();
        if (useBase && old.mode() == PersistenceMode.LOGGED) {
          while (oldSection >= 0 && oldSection < m.no()) oldSection = oldReader.nextSection();
          if (oldSection == m.no()) {
            mergeStream(w, oldReader, changes);
            oldSection = oldReader.nextSection();
            continue;
          }
          useBase = false;
        }
        int next = 0;
        if (useBase) {
          // A STATEFUL -> LOGGED switch: the base is the table's row files.
          for (Map.Entry<ByteKey, byte[]> e : readRowFiles(m.id()).entrySet()) {
            byte[] k = e.getKey().bytes();
            byte[] r = e.getValue();
            next = mergeRow(w, changes, next, k, 0, k.length, r, 0, r.length);
          }
        }
        writeChanges(w, changes, next);
      }
      long size = w.finish();
      ch.force(true);
      return size;
    } finally {
      if (oldReader != null) oldReader.close();
    }
  }

  /** Merges the old snapshot's current section (sorted) with sorted changes (changes win, tombstones drop). */
  private void mergeStream(SnapshotFile.Writer w, SnapshotFile.Reader base, Delta.Entry[] changes)
      throws IOException {
    int next = 0;
    long n = 0;
    while (base.nextRow()) {
      if ((++n & 0xFFF) == 0) checkAbort();
      byte[] b = base.buf();
      next = mergeRow(w, changes, next, b, base.keyOff(), base.keyLen(), b, base.rowOff(), base.rowLen());
    }
    writeChanges(w, changes, next);
  }

  /**
   * Writes the base row {@code kb[keyOff, +keyLen) -> rb[rowOff, +rowLen)} merged with {@code changes[next..]}:
   * first the changes of smaller keys, then the row itself or the change of its key. Returns the next change.
   */
  private static int mergeRow(SnapshotFile.Writer w, Delta.Entry[] changes, int next, byte[] kb, int keyOff,
      int keyLen, byte[] rb, int rowOff, int rowLen) throws IOException {
    long prefix = Delta.prefix(kb, keyOff, keyLen);
    int c = 1;
    while (next < changes.length && (c = changes[next].compareTo(kb, keyOff, keyLen, prefix)) < 0)
      write(w, changes[next++]);
    if (next < changes.length && c == 0) write(w, changes[next++]);
    else w.row(kb, keyOff, keyLen, rb, rowOff, rowLen);
    return next;
  }

  private static void writeChanges(SnapshotFile.Writer w, Delta.Entry[] changes, int from) throws IOException {
    for (int i = from; i < changes.length; i++) write(w, changes[i]);
  }

  private static void write(SnapshotFile.Writer w, Delta.Entry e) throws IOException {
    if (!e.tombstone()) w.row(e.buf, e.keyOff, e.keyLen, e.buf, e.rowOff, e.rowLen);
  }
}
