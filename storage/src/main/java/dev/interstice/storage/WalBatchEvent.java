package dev.interstice.storage;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR: one group-commit batch of the log, from being taken to its waiters being completed. The times are
 * {@link System#nanoTime} values so that a recording can be joined with the runtime's and network's events by LSN
 * ({@code CallTimeline} in the benchmarks). Costs nothing unless a recording enables it.
 */
@Name("interstice.WalBatch")
@Label("WAL batch")
@Category({"Interstice", "Storage"})
@Description("A log batch: write, fsync and the completion of its waiters")
@StackTrace(false)
final class WalBatchEvent extends jdk.jfr.Event {
    @Label("First LSN")
    long firstLsn;

    @Label("Last LSN")
    long lastLsn;

    @Label("Records")
    int records;

    @Label("Waiters completed")
    int waiters;

    @Label("Taken (nanoTime)")
    long takenNanos;

    @Label("Written (nanoTime)")
    long writtenNanos;

    @Label("Fsync start (nanoTime)")
    long fsyncStartNanos;

    @Label("Fsync end (nanoTime)")
    long fsyncEndNanos;

    @Label("Waiters completed (nanoTime)")
    long completedNanos;
}
