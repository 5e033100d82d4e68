package dev.interstice.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Test seam for fault injection: called before the storage's I/O operations; an implementation may throw to
 * simulate disk errors, or block to hold a compaction at a named point. Settings live in {@link StorageConfig}.
 */
interface IoHooks {
    IoHooks NONE = new IoHooks() {};

    default void beforeWalWrite(Path segment, long position, int bytes) throws IOException {}

    default void beforeWalForce(Path segment) throws IOException {}

    default void beforeSegmentCreate(Path segment) throws IOException {}

    /**
     * Named points of a compaction: "rows-written" (row files and their directories fsynced), "snapshot-started"
     * (tmp snapshot file open, header written, rows about to be merged), "snapshot-written"
     * (tmp snapshot fsynced, not renamed), "snapshot-installed" (renamed and directory fsynced, old files not yet
     * deleted).
     */
    default void compactionPoint(String point) throws IOException {}
}
