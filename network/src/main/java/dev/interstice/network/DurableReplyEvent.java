package dev.interstice.network;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR: one durable call served over the network, from its frame being read to its reply being written to the socket
 * (System.nanoTime values, joined with the runtime's and the log's events by LSN in the benchmarks' CallTimeline).
 */
@Name("interstice.DurableReply")
@Label("Durable reply")
@Category({"Interstice", "Network"})
@Description("A durable call over the network: arrival, durability callback, reply written")
@StackTrace(false)
final class DurableReplyEvent extends jdk.jfr.Event {
    @Label("LSN")
    long lsn;

    @Label("Frame read (nanoTime)")
    long arrivedNanos;

    @Label("Worker took it (nanoTime)")
    long takenNanos;

    @Label("Durable callback (nanoTime)")
    long durableNanos;

    @Label("Reply written (nanoTime)")
    long writtenNanos;
}
