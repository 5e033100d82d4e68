package dev.interstice.benchmarks.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Turns a JFR recording of a node into a per-call breakdown of durable calls: the median, p99 and mean of each stage,
 * joined by LSN from the events {@code interstice.ReducerCall} (lock, execution, append), {@code interstice.WalBatch}
 * (the batch's write, fsync, waiters completed) and either {@code interstice.DurableReply} (network: frame read,
 * durability callback, reply written) or {@code interstice.DurableWait} (in process: the caller resumed).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.interstice.benchmarks.load.CallTimeline node.jfr
 * </pre>
 * Record with {@code -XX:StartFlightRecording=filename=node.jfr,settings=...} and a settings file enabling the
 * {@code interstice.*} events (scripts/bench/durable-latency.sh does this).
 */
public final class CallTimeline {
    private record Call(long asked, long start, long end) {}

    private record Batch(
            long first, long last, int records, long taken, long written, long fsyncStart, long fsyncEnd, long done) {}

    private record Reply(long arrived, long taken, long durable, long written) {}

    private record Wait(long start, long resumed) {}

    private CallTimeline() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: CallTimeline RECORDING.jfr");
            System.exit(2);
        }
        System.out.print(breakdown(Path.of(args[0])));
    }

    /** The breakdown as a text table. */
    static String breakdown(Path recording) throws IOException {
        Map<Long, Call> calls = new HashMap<>();
        List<Batch> batches = new ArrayList<>();
        Map<Long, Reply> replies = new HashMap<>();
        Map<Long, Wait> waits = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            switch (e.getEventType().getName()) {
                case "interstice.ReducerCall" ->
                    calls.put(
                            e.getLong("lsn"),
                            new Call(e.getLong("askedNanos"), e.getLong("startNanos"), e.getLong("endNanos")));
                case "interstice.WalBatch" ->
                    batches.add(new Batch(
                            e.getLong("firstLsn"),
                            e.getLong("lastLsn"),
                            e.getInt("records"),
                            e.getLong("takenNanos"),
                            e.getLong("writtenNanos"),
                            e.getLong("fsyncStartNanos"),
                            e.getLong("fsyncEndNanos"),
                            e.getLong("completedNanos")));
                case "interstice.DurableReply" ->
                    replies.put(
                            e.getLong("lsn"),
                            new Reply(
                                    e.getLong("arrivedNanos"),
                                    e.getLong("takenNanos"),
                                    e.getLong("durableNanos"),
                                    e.getLong("writtenNanos")));
                case "interstice.DurableWait" ->
                    waits.put(e.getLong("lsn"), new Wait(e.getLong("startNanos"), e.getLong("resumedNanos")));
                default -> {}
            }
        }
        batches.sort((a, b) -> Long.compare(a.first(), b.first()));
        var stages = new LinkedHashMap<String, List<Long>>();
        int joined = 0;
        for (var ce : calls.entrySet()) {
            long lsn = ce.getKey();
            Call c = ce.getValue();
            Batch b = find(batches, lsn);
            Reply r = replies.get(lsn);
            Wait w = waits.get(lsn);
            if (b == null || (r == null && w == null)) continue;
            joined++;
            if (r != null) {
                add(stages, "frame read -> worker asks for the lock", c.asked() - r.arrived());
            }
            add(stages, "lock wait", c.start() - c.asked());
            add(stages, "execution + log append", c.end() - c.start());
            add(stages, "appended -> batch taken (running fsync, writer wake-up)", b.taken() - c.end());
            add(stages, "write()", b.written() - b.taken());
            add(stages, "written -> fsync starts", b.fsyncStart() - b.written());
            add(stages, "fsync", b.fsyncEnd() - b.fsyncStart());
            if (r != null) {
                add(stages, "fsync end -> durable callback runs", r.durable() - b.fsyncEnd());
                add(stages, "durable callback -> reply written", r.written() - r.durable());
                add(stages, "total: frame read -> reply written", r.written() - r.arrived());
            } else {
                add(stages, "fsync end -> caller resumed", w.resumed() - b.fsyncEnd());
                add(stages, "total: asks for the lock -> resumed", w.resumed() - c.asked());
            }
        }
        long[] sizes = batches.stream().mapToLong(Batch::records).sorted().toArray();
        var out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%d durable calls joined by LSN, %d batches (records per batch: median %d, p99 %d)%n",
                joined,
                batches.size(),
                pct(sizes, 50),
                pct(sizes, 99)));
        out.append(String.format(Locale.ROOT, "%-58s %9s %9s %9s%n", "stage (µs)", "p50", "p99", "mean"));
        for (var s : stages.entrySet()) {
            long[] v = s.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
            double mean = Arrays.stream(v).average().orElse(0) / 1000.0;
            out.append(String.format(
                    Locale.ROOT,
                    "%-58s %9.1f %9.1f %9.1f%n",
                    s.getKey(),
                    pct(v, 50) / 1000.0,
                    pct(v, 99) / 1000.0,
                    mean));
        }
        return out.toString();
    }

    private static void add(Map<String, List<Long>> stages, String stage, long nanos) {
        stages.computeIfAbsent(stage, k -> new ArrayList<>()).add(nanos);
    }

    private static Batch find(List<Batch> batches, long lsn) {
        int lo = 0;
        int hi = batches.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Batch b = batches.get(mid);
            if (lsn < b.first()) hi = mid - 1;
            else if (lsn > b.last()) lo = mid + 1;
            else return b;
        }
        return null;
    }

    private static long pct(long[] sorted, int p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.min(sorted.length - 1, Math.ceil(sorted.length * p / 100.0) - 1);
        return sorted[Math.max(0, i)];
    }
}
