package dev.interstice.storage;

import dev.interstice.abi.schema.Persistence;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Brings STATEFUL tables' row files to the state as of a compaction's end LSN. Each row file is written atomically
 * (tmp, fsync, rename); many rows are written by {@link #ROW_WRITERS} threads, whose fsyncs overlap well.
 */
final class RowFileWriter {
    /** Row files are written by this many threads. */
    static final int ROW_WRITERS = 4;

    private final Path rowsDir;
    private final CompactionAbort abort;
    private ExecutorService pool; // created on first use, guarded by this

    RowFileWriter(Path rowsDir, CompactionAbort abort) {
        this.rowsDir = rowsDir;
        this.abort = abort;
    }

    /**
     * Brings table {@code m}'s row files (as of {@code base}, where the table was {@code old}, null if unknown) forward
     * by {@code d} (null: unchanged); returns the number of files written. The directory is fsynced when done.
     */
    long materialise(Registry.Meta m, Registry.Meta old, Delta d, SnapshotFile.OnDisk base) throws IOException {
        Path dir = RowFiles.tableDir(rowsDir, m.id());
        long written;
        if (old != null && old.mode() == Persistence.STATEFUL) {
            if (d == null) return 0;
            written = applyDelta(dir, d);
        } else {
            written = rewrite(dir, old, d, base);
        }
        AtomicFiles.fsyncDirectory(dir);
        return written;
    }

    /** Incremental: the directory holds the state as of the base snapshot. */
    private long applyDelta(Path dir, Delta d) throws IOException {
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
        return writeRows(dir, puts);
    }

    /** A new table instance or a LOGGED -> STATEFUL switch: whatever the directory holds is not state. */
    private long rewrite(Path dir, Registry.Meta old, Delta d, SnapshotFile.OnDisk base) throws IOException {
        RowFiles.deleteTree(dir);
        AtomicFiles.createDirectoriesDurably(dir);
        TreeMap<ByteKey, byte[]> full = new TreeMap<>();
        if (old != null && (d == null || !d.baseDiscarded)) full.putAll(readSnapshotSection(base, old.no()));
        if (d != null) {
            for (int i = 0; i < d.size(); i++) {
                Delta.Entry e = d.get(i);
                if (e.tombstone()) full.remove(new ByteKey(e.key()));
                else full.put(new ByteKey(e.key()), e.row());
            }
        }
        return writeRows(dir, new ArrayList<>(full.entrySet()));
    }

    /** Writes row files (each atomically: tmp, fsync, rename), in parallel when there are many. */
    private long writeRows(Path dir, List<Map.Entry<ByteKey, byte[]>> rows) throws IOException {
        if (rows.size() < 16) {
            for (Map.Entry<ByteKey, byte[]> e : rows) {
                abort.check();
                RowFiles.write(dir, e.getKey().bytes(), e.getValue());
            }
            return rows.size();
        }
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        ExecutorService p = pool();
        for (int t = 0; t < ROW_WRITERS; t++) {
            fs.add(p.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < rows.size()) {
                    abort.check();
                    Map.Entry<ByteKey, byte[]> e = rows.get(i);
                    RowFiles.write(dir, e.getKey().bytes(), e.getValue());
                }
                return null;
            }));
        }
        awaitAll(fs);
        return rows.size();
    }

    private synchronized ExecutorService pool() {
        if (pool == null) {
            AtomicInteger n = new AtomicInteger();
            pool = Executors.newFixedThreadPool(
                    ROW_WRITERS,
                    r -> Thread.ofPlatform()
                            .name("interstice-row-writer-" + n.incrementAndGet())
                            .daemon(true)
                            .unstarted(r));
        }
        return pool;
    }

    /** Waits for every task, then rethrows the first failure. */
    private static void awaitAll(List<Future<?>> fs) throws IOException {
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
    }

    /** The rows of table {@code no}'s section in a snapshot (empty if there is none). */
    private static TreeMap<ByteKey, byte[]> readSnapshotSection(SnapshotFile.OnDisk base, int no) throws IOException {
        TreeMap<ByteKey, byte[]> out = new TreeMap<>();
        if (base == null) return out;
        try (SnapshotFile.Reader r = new SnapshotFile.Reader(base.path())) {
            int s;
            while ((s = r.nextSection()) >= 0) {
                if (s != no) continue;
                while (r.nextRow()) out.put(new ByteKey(r.key()), r.row());
                break;
            }
        }
        return out;
    }

    /** A table's rows from its row files, in key order. */
    TreeMap<ByteKey, byte[]> read(TableId id) throws IOException {
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

    /** Stops the writer threads (a running write is aborted through the {@link CompactionAbort}). */
    void close() {
        ExecutorService p;
        synchronized (this) {
            p = pool;
        }
        if (p != null) p.shutdownNow();
    }
}
