package dev.interstice.storage;

import dev.interstice.abi.schema.Persistence;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage layer: a write-ahead log with group commit (one record per transaction), background snapshots, stateful
 * row files and crash recovery. See {@code storage/README.md} for the on-disk format and the guarantees.
 *
 * <p>LSNs are the storage's own dense sequence (1, 2, 3, ...): every transaction, table declaration and table drop
 * takes one. The runtime's {@link TxRecord#txId()} is stored in the record and reported back by recovery as
 * {@link RecoveredState#lastTxId()}.
 *
 * <p>Durability model: every log record (transaction, declaration, drop) gets its LSN when it is appended, and LSN
 * order is the one order of all records. A record is <em>durable</em> once an fsync covers it: then it survives any
 * crash of the process or the machine. Whatever a crash loses is a suffix of the log: recovery always yields the
 * state after some prefix of the LSN order that includes every durable record. Each method below says what holds
 * when it returns.
 *
 * <p>Thread-safety: every method may be called from any thread. {@link #append} is cheap (encode and copy into a
 * buffer under a lock held for well under a microsecond; it only blocks when 8 MiB of log data are already waiting
 * for the writer — backpressure). Durability futures complete on internal threads: do not block in their dependent
 * actions, and do not call the blocking methods ({@link #snapshotNow}, {@link #close}) from them.
 */
public final class Storage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Storage.class);

    /** The largest record payload {@link #append} accepts (a transaction's changes encoded, about 16 bytes each + data). */
    public static final int MAX_RECORD_BYTES = WalFormat.MAX_PAYLOAD;

    private final StorageConfig config;
    private final FileChannel lockChannel;
    private final FileLock fileLock;
    private final Wal wal;
    private final Compactor compactor;
    private final RecoveredState recovered;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Live table registry: mutated only inside WAL append callbacks (under the WAL lock). */
    private final Registry registry;
    /** Immutable copy of {@link #registry} for lock-free reads by appenders. */
    private volatile Map<TableId, Registry.Meta> view;
    /** Every module's audit chain: links are stamped under the WAL's append lock, in LSN order. */
    private final AuditChain chain;

    private Storage(
            StorageConfig config,
            FileChannel lockChannel,
            FileLock fileLock,
            Recovery.Result r,
            IoHooks hooks,
            Map<TableId, Persistence> tables)
            throws IOException {
        this.config = config;
        this.lockChannel = lockChannel;
        this.fileLock = fileLock;
        this.registry = r.registry();
        this.chain = new AuditChain(r.chainHeads());
        publishView();
        Path root = config.directory();
        this.compactor = new Compactor(root, config, hooks, r.snapshot(), r.snapshotBytes());
        this.wal = new Wal(
                root.resolve("wal"),
                r.activePath(),
                r.activeFirstLsn(),
                r.activeSize(),
                r.lastLsn(),
                r.sealed(),
                config.segmentBytes(),
                config.fastFlushInterval().toNanos(),
                config.preallocateSegments(),
                hooks,
                s -> compactor.maybeTrigger());
        compactor.attach(wal);
        try {
            Map<TableId, RecoveredRows> out = new HashMap<>();
            for (Registry.Meta m : registry.all()) out.put(m.id(), r.rows().get(m.no()));
            Set<TableId> known = new HashSet<>(out.keySet());
            for (Map.Entry<TableId, Persistence> e : tables.entrySet()) {
                declareTable(e.getKey(), e.getValue());
                known.add(e.getKey());
            }
            this.recovered = new RecoveredState(r.lastLsn(), known, out, r.warnings(), r.lastTxId(), r.truncations());
        } catch (RuntimeException e) {
            compactor.close();
            try {
                wal.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        compactor.maybeTrigger();
    }

    /**
     * Opens (creating if needed) the storage in {@code cfg.directory()}, recovers its state and declares
     * {@code tables} (new tables, or a changed mode, are logged). Throws {@link StorageCorruptionException} for damage
     * other than a torn tail unless {@code cfg.salvage()}.
     *
     * <p>Blocks the calling thread for recovery. On return the directory is locked against other openers until
     * {@link #close}, {@link #recovered()} holds every durable record (and possibly later ones that reached the disk),
     * repairs of the log (torn tail, salvage) are fsynced, and the declarations of {@code tables} are appended but, like
     * any append, not yet durable.
     */
    public static Storage open(StorageConfig cfg, Map<TableId, Persistence> tables) {
        return open(cfg, tables, IoHooks.NONE);
    }

    static Storage open(StorageConfig cfg, Map<TableId, Persistence> tables, IoHooks hooks) {
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(tables, "tables");
        Path root = cfg.directory().toAbsolutePath();
        cfg = cfg.withDirectory(root);
        FileChannel lockCh = null;
        FileLock lock = null;
        try {
            AtomicFiles.createDirectoriesDurably(root);
            AtomicFiles.createDirectoriesDurably(root.resolve("wal"));
            AtomicFiles.createDirectoriesDurably(root.resolve("rows"));
            lockCh = PrivateFiles.open(root.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockCh.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new StorageLockedException("storage " + root + " is already open in this JVM");
            }
            if (lock == null)
                throw new StorageLockedException("storage " + root + " is already open by another process");
            long t0 = System.nanoTime();
            Recovery.Result r = new Recovery(
                            root,
                            root.resolve("wal"),
                            root.resolve("rows"),
                            cfg.salvage(),
                            new LogHistory(root, cfg.logRetention()))
                    .run();
            log.info(
                    "recovered {} up to LSN {} in {} ms ({} tables{})",
                    root,
                    r.lastLsn(),
                    (System.nanoTime() - t0) / 1_000_000,
                    r.registry().all().size(),
                    r.warnings().isEmpty() ? "" : ", " + r.warnings().size() + " warnings");
            return new Storage(cfg, lockCh, lock, r, hooks, tables);
        } catch (IOException e) {
            closeQuietly(lockCh);
            throw new StorageException("cannot open storage " + root + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(lockCh);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /**
     * Committed, durable transactions read back from the log and its kept history ({@link TxLog}), oldest first: at
     * most {@code limit} with a txId of at least {@code fromTx} that {@code filter} accepts. Reads files only.
     */
    public List<TxLog.Entry> readLog(long fromTx, int limit, java.util.function.Predicate<TxRecord> filter)
            throws IOException {
        Map<Integer, TableId> known = new HashMap<>();
        for (Registry.Meta m : view.values()) known.put(m.no(), m.id());
        return TxLog.read(config.directory(), fromTx, limit, durableLsn(), filter, known);
    }

    /**
     * The tables as they were after transaction {@code txId}, from durable records only ({@link TableHistory}); throws
     * {@link TableHistory.NotKept} when the kept history does not reach that far. Reads files only.
     */
    public TableHistory.State tablesAsOf(java.util.Set<TableId> tables, long txId) throws IOException {
        return TableHistory.asOf(config.directory(), tables, txId, durableLsn());
    }

    /** The last durable transaction committed at or before {@code timeMs} ({@link TableHistory#txAt}). */
    public long txAt(long timeMs) throws IOException {
        return TableHistory.txAt(config.directory(), timeMs, durableLsn());
    }

    /** The configuration in use (its directory made absolute). No I/O. */
    public StorageConfig config() {
        return config;
    }

    /**
     * What recovery found at open: the log position and each table's rows until the runtime has loaded and
     * {@link RecoveredState#release released} them. No I/O.
     */
    public RecoveredState recovered() {
        return recovered;
    }

    /**
     * Declares a table (a module loaded later). Idempotent; declaring an existing table with another mode keeps its
     * rows and changes where they are persisted.
     *
     * <p>Does no I/O (it may block for backpressure like {@link #append}). On return the declaration is a log record
     * ordered before every later append, which may now refer to the table. It is durable once an fsync covers a later
     * record ({@link #whenDurable} of any later append), or within about {@link StorageConfig#fastFlushInterval()}; a
     * crash before that forgets it together with every later record.
     *
     * @throws StorageException if the log refuses appends (closed, or after an I/O failure)
     * @throws IllegalArgumentException for an ephemeral table: those are never stored
     */
    public void declareTable(TableId id, Persistence mode) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(mode, "mode");
        if (mode == Persistence.EPHEMERAL)
            throw new IllegalArgumentException("table " + id + " is ephemeral: it is never stored");
        Registry.Meta cur = view.get(id);
        if (cur != null && cur.mode() == mode) return;
        wal.append(lsn -> {
            Registry.Meta c = registry.byId(id);
            if (c != null && c.mode() == mode) return null;
            int no = c != null ? c.no() : registry.allocateNo();
            Bytes.Sink s =
                    new Bytes.Sink(32 + id.module().length() * 3 + id.table().length() * 3);
            WalFormat.encodeDeclare(s, no, mode, id);
            registry.put(new Registry.Meta(no, id, mode));
            publishView();
            return s;
        });
    }

    /**
     * Drops a table and its data (a log record, so crash-consistent with the transactions around it). No-op if unknown.
     * Durability as for {@link #declareTable}: on return later appends may no longer refer to the table; the drop is
     * durable once an fsync covers a later record, and a crash before that loses it with every later record.
     *
     * @throws StorageException if the log refuses appends (closed, or after an I/O failure)
     */
    public void dropTable(TableId id) {
        Objects.requireNonNull(id, "id");
        if (!view.containsKey(id)) return;
        wal.append(lsn -> {
            Registry.Meta c = registry.byId(id);
            if (c == null) return null;
            Bytes.Sink s = new Bytes.Sink(16);
            WalFormat.encodeDrop(s, c.no());
            registry.remove(c.no());
            publishView();
            return s;
        });
    }

    private void publishView() {
        Map<TableId, Registry.Meta> m = new HashMap<>();
        for (Registry.Meta meta : registry.all()) m.put(meta.id(), meta);
        view = Map.copyOf(m);
    }

    /**
     * Appends one transaction (all its changes, atomically) and returns its LSN. Every table must be declared.
     *
     * <p>Does no I/O; blocks only while 8 MiB of appended data wait for the writer (backpressure). On return the record
     * has its LSN, after every record appended before the call on any thread, and is <em>not</em> durable yet: it is
     * durable once {@link #whenDurable} of its LSN completes; without a waiter the writer fsyncs it within about
     * {@link StorageConfig#fastFlushInterval()} (unless appends outrun the disk). A crash before that may lose it, but
     * then also every later record; its changes are recovered all or none.
     *
     * @throws IllegalArgumentException if a change refers to an undeclared table
     * @throws StorageException         if the log refuses appends (closed, or after an I/O failure)
     */
    public long append(TxRecord tx) {
        return append(prepare(tx), tx.txId(), tx.timestampMs());
    }

    /**
     * A record encoded ahead of its append, by {@link #prepare}: everything but its transaction id and time, which are
     * written in place when it is appended.
     */
    public static final class Prepared {
        private final TxRecord record;
        private final Map<TableId, Registry.Meta> view;
        private final Bytes.Sink body;
        private final List<String> modules;

        private Prepared(TxRecord record, Map<TableId, Registry.Meta> view, Bytes.Sink body, List<String> modules) {
            this.record = record;
            this.view = view;
            this.body = body;
            this.modules = modules;
        }
    }

    /**
     * Encodes {@code tx} for a later {@link #append(Prepared, long, long)} with its id and time (those of {@code tx}
     * are placeholders): the encoding can then run before the caller's commit section, outside its lock. Does no I/O
     * and changes nothing.
     *
     * @throws IllegalArgumentException if a change refers to an undeclared table
     */
    public Prepared prepare(TxRecord tx) {
        Objects.requireNonNull(tx, "tx");
        Map<TableId, Registry.Meta> v = view;
        Bytes.Sink body = encode(tx, v);
        List<String> modules = modules(tx);
        if (!modules.isEmpty()) body.buf[0] |= (byte) WalFormat.FLAG_CHAIN;
        return new Prepared(tx, v, body, modules);
    }

    /**
     * Appends a {@link #prepare}d record as transaction {@code txId} at {@code timestampMs}: the same bytes {@link
     * #append(TxRecord)} of that record with this id and time writes. A prepared record is appended at most once.
     */
    public long append(Prepared p, long txId, long timestampMs) {
        List<String> modules = p.modules;
        return wal.append(lsn -> {
            // tables declared since it was prepared renumber nothing already declared, but a re-declared table would:
            // encode again then
            Bytes.Sink b = view == p.view
                    ? p.body
                    : encode(
                            new TxRecord(
                                    txId,
                                    timestampMs,
                                    p.record.changes(),
                                    p.record.origin(),
                                    p.record.trace(),
                                    p.record.inputs()),
                            view);
            WalFormat.setIdAndTime(b.buf, txId, timestampMs);
            if (!modules.isEmpty()) {
                b.buf[0] |= (byte) WalFormat.FLAG_CHAIN;
                chain.stamp(b, lsn, modules);
            }
            return b;
        });
    }

    /** The modules whose tables the transaction changes, sorted: each gets a link in its audit chain. */
    private static List<String> modules(TxRecord tx) {
        List<Change> changes = tx.changes();
        if (changes.isEmpty()) return List.of();
        String only = changes.getFirst().table().module();
        boolean one = true;
        for (Change c : changes)
            if (!c.table().module().equals(only)) {
                one = false;
                break;
            }
        if (one) return List.of(only);
        var set = new TreeSet<String>();
        for (Change c : changes) set.add(c.table().module());
        return List.copyOf(set);
    }

    /**
     * The newest audit chain link of every module that has committed a change (see {@link AuditChain}): the value a
     * third party can be given to later check an export against.
     */
    public Map<String, byte[]> auditHeads() {
        return wal.underAppendLock(chain::heads);
    }

    private static Bytes.Sink encode(TxRecord tx, Map<TableId, Registry.Meta> v) {
        int size = 24;
        for (Change c : tx.changes()) {
            size += 16;
            if (c instanceof Change.Put p) size += p.key().length + p.row().length;
            else if (c instanceof Change.Delete d) size += d.key().length;
        }
        Bytes.Sink s = new Bytes.Sink(size);
        WalFormat.encodeTx(s, tx, id -> {
            Registry.Meta m = v.get(id);
            if (m == null) throw new IllegalArgumentException("table not declared: " + id);
            return m.no();
        });
        return s;
    }

    /**
     * Completes once the record with this LSN and every earlier one are fsynced: from then on they survive any crash.
     * Completes exceptionally with a {@link StorageException} if the log failed before that (the records may or may not
     * be recovered after a restart). Never blocks; a waiter makes the writer flush soon (at once, or after a linger of
     * at most 1 ms so that concurrent committers share one fsync). The future completes on the caller's thread if already durable, else on an internal
     * thread: do not block in its dependent actions.
     *
     * @throws IllegalArgumentException if no record with this LSN has been appended
     */
    public CompletableFuture<Void> whenDurable(long lsn) {
        return wal.whenDurable(lsn);
    }

    /**
     * Blocks until the record at {@code lsn} is durable. When no batch is being written, the calling thread writes
     * and fsyncs the pending records itself (with every other waiter's), so that one caller waiting for each of its
     * records costs an fsync and no thread wake-ups.
     *
     * @throws StorageException if it cannot be made durable (an I/O failure; the log then refuses appends)
     */
    public void awaitDurable(long lsn) {
        wal.awaitDurable(lsn);
    }

    /** Every record up to this LSN is fsynced (never decreases). Never blocks. */
    public long durableLsn() {
        return wal.durableLsn();
    }

    /** Who is told of each fsync of a log batch and how many records it covered (metrics). */
    public void setFsyncListener(FsyncListener l) {
        wal.setFsyncListener(l);
    }

    /**
     * Counters since open. Never blocks for I/O; the log's counters are read together, the compaction counters
     * separately, so the two groups may be a moment apart.
     */
    public StorageStats stats() {
        Wal.Counters c = wal.counters();
        CompactionStats cs = compactor.stats();
        StorageException f = wal.failure();
        return new StorageStats(
                c.appendedRecords(),
                c.appendedBytes(),
                c.lastLsn(),
                c.durableLsn(),
                c.writes(),
                c.fsyncs(),
                c.fsyncMicros(),
                c.maxBatchRecords(),
                c.segmentsSealed(),
                c.backpressureWaits(),
                cs.snapshotsTaken(),
                cs.lastSnapshotLsn(),
                cs.lastMillis(),
                cs.totalMillis(),
                wal.logBytes(),
                cs.snapshotBytes(),
                cs.rowFilesWritten(),
                f == null ? null : f.getMessage());
    }

    /**
     * Seals the active log segment and compacts. Appends continue meanwhile.
     *
     * <p>Blocks the caller until done (do not call it from a durability future's dependent action). On return
     * everything appended before the call is durable, an installed snapshot (fsynced, renamed, directory fsynced)
     * covers it, stateful tables' row files reflect it, and the segments it covers are deleted.
     *
     * @throws StorageException if the storage is closed, the log failed, or the compaction failed (the files on disk
     *                          still recover to the same state; a later compaction retries)
     */
    public void snapshotNow() {
        try {
            wal.requestRoll().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StorageException se)
                throw new StorageException("snapshot failed: " + se.getMessage(), se);
            throw e;
        }
        compactor.compactNow();
    }

    /**
     * Flushes and fsyncs everything appended, stops the background threads and releases the directory lock. Idempotent.
     *
     * <p>Blocks until the writer is done. On normal return every record appended before the call is durable (and every
     * {@link #whenDurable} future has completed); later appends throw. A running compaction is abandoned (safe: the
     * next open cleans up after it). Call it when no append is in progress on another thread.
     *
     * @throws StorageException if appended records could not be made durable (it names the LSN range); the directory
     *                          lock is released anyway
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        List<RuntimeException> errors = new ArrayList<>();
        try {
            wal.close();
        } catch (RuntimeException e) {
            errors.add(e);
        }
        compactor.close();
        try {
            fileLock.release();
        } catch (IOException e) {
            log.warn("releasing the storage lock failed", e);
        }
        closeQuietly(lockChannel);
        if (!errors.isEmpty()) throw errors.getFirst();
    }
}
