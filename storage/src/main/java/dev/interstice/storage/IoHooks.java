package dev.interstice.storage;

import java.io.IOException;
import java.nio.file.Path;

/** Test seam: called before the storage's I/O operations; an implementation may throw to simulate disk errors. */
interface IoHooks {
  IoHooks NONE = new IoHooks() {};

  IoHooks NO_AUTO_COMPACTION = new IoHooks() {
    @Override
    public boolean autoCompaction() {
      return false;
    }
  };

  /** For tests that inspect the exact segment layout: no background compaction, no preallocated segments. */
  IoHooks EXACT_LAYOUT = new IoHooks() {
    @Override
    public boolean autoCompaction() {
      return false;
    }

    @Override
    public boolean preallocate() {
      return false;
    }
  };

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

  /** Tests that need sealed segments to stay around turn background compaction off. */
  default boolean autoCompaction() {
    return true;
  }

  /** How old the oldest unsnapshotted record may get on a quiet log before a compaction runs anyway. */
  default long periodicSnapshotNanos() {
    return java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
  }

  /** Tests that need the exact segment layout turn segment preallocation off. */
  default boolean preallocate() {
    return true;
  }
}
