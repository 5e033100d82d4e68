package dev.interstice.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the next log segment in the background: {@code wal/prealloc-<n>.tmp}, zero-filled to the segment size
 * and fsynced. Writing into already allocated, already written blocks lets {@code fdatasync} skip the file-size and
 * extent metadata (no journal commit), which makes every group-commit fsync cheaper. Recovery deletes leftovers.
 */
final class Preallocator {
    private static final Logger log = LoggerFactory.getLogger(Preallocator.class);
    private static final int CHUNK = 1 << 20;

    private final Path walDir;
    private final long size;
    private final Thread thread;
    private Path ready; // guarded by this
    private boolean stop; // guarded by this
    private boolean broken; // guarded by this
    private int seq;

    Preallocator(Path walDir, long size) {
        this.walDir = walDir;
        this.size = size;
        this.thread = Thread.ofPlatform()
                .name("interstice-wal-prealloc")
                .daemon(true)
                .priority(Thread.NORM_PRIORITY - 1)
                .unstarted(this::run);
        thread.start();
    }

    /** A ready, fsynced, zero-filled file of the segment size (the caller renames it), or null if none is ready. */
    synchronized Path take() {
        Path p = ready;
        ready = null;
        notifyAll(); // prepare the next one
        return p;
    }

    synchronized boolean isReady() {
        return ready != null;
    }

    private void run() {
        while (true) {
            Path p;
            synchronized (this) {
                while (!stop && (ready != null || broken)) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // stop is the signal
                    }
                }
                if (stop) return;
                p = walDir.resolve("prealloc-" + (++seq) + ".tmp");
            }
            try {
                fill(p);
                synchronized (this) {
                    if (stop) {
                        AtomicFiles.deleteIfExists(p);
                        return;
                    }
                    ready = p;
                }
            } catch (IOException e) {
                log.warn("cannot preallocate log segments ({}); new segments are created empty", e.toString());
                try {
                    AtomicFiles.deleteIfExists(p);
                } catch (IOException ignored) {
                    // recovery deletes *.tmp
                }
                synchronized (this) {
                    broken = true;
                }
            }
        }
    }

    private final ByteBuffer zeros = ByteBuffer.allocateDirect(CHUNK);

    private void fill(Path p) throws IOException {
        try (FileChannel ch = PrivateFiles.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long off = 0; off < size; ) {
                synchronized (this) {
                    if (stop) return;
                }
                zeros.clear();
                zeros.limit((int) Math.min(CHUNK, size - off));
                off += ch.write(zeros, off);
            }
            ch.force(true);
        }
    }

    /** Stops the thread and deletes an unused prepared file. */
    void close() {
        synchronized (this) {
            stop = true;
            notifyAll();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Path p;
        synchronized (this) {
            p = ready;
            ready = null;
        }
        try {
            if (p != null) AtomicFiles.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("cannot delete {}", p, e);
        }
    }
}
