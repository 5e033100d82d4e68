package dev.interstice.runtime.node;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR: a caller of {@code Node.call} waiting for its transaction to be durable, until it runs again (nanoTime). */
@Name("interstice.DurableWait")
@Label("Durable wait")
@Category({"Interstice", "Runtime"})
@Description("An in-process caller waiting for the fsync that covers its transaction")
@StackTrace(false)
final class DurableWaitEvent extends jdk.jfr.Event {
    @Label("LSN")
    long lsn;

    @Label("Wait start (nanoTime)")
    long startNanos;

    @Label("Resumed (nanoTime)")
    long resumedNanos;
}
