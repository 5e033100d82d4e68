package dev.interstice.runtime.exec;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR: one reducer call from outside (API, network), from asking for the execution lock to releasing it. The times
 * are {@link System#nanoTime} values, joined with the log's and the network's events by LSN (the benchmarks'
 * {@code CallTimeline}). Costs nothing unless a recording enables it.
 */
@Name("interstice.ReducerCall")
@Label("Reducer call")
@Category({"Interstice", "Runtime"})
@Description("A reducer call: lock wait, execution and commit (the log append), with its LSN")
@StackTrace(false)
final class ReducerCallEvent extends jdk.jfr.Event {
    @Label("LSN")
    long lsn;

    @Label("Asked for the lock (nanoTime)")
    long askedNanos;

    @Label("Execution start (nanoTime)")
    long startNanos;

    @Label("Execution end, appended (nanoTime)")
    long endNanos;
}
