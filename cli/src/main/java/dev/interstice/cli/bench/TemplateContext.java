package dev.interstice.cli.bench;

/**
 * The values a call's arguments may refer to (placeholders of {@link ArgTemplate}).
 *
 * @param seq       this connection's call number, from 1 ({@code $seq})
 * @param worker    the connection's index, from 0 ({@code $worker})
 * @param op        the call number over all connections, from 1 ({@code $op})
 * @param client    the connection's client id, {@code <run id>-<worker>} ({@code $client})
 * @param nowMs     wall-clock time in ms ({@code $now_ms})
 * @param maxSeq    during a run the same as seq; after it, the highest seq any connection sent ({@code $max_seq})
 * @param maxClient during a run the same as client; after it, the client that sent max_seq ({@code $max_client})
 * @param totalSent calls sent so far over all connections, this one included ({@code $total_sent})
 */
public record TemplateContext(
        long seq, int worker, long op, String client, long nowMs, long maxSeq, String maxClient, long totalSent) {}
