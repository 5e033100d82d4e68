package dev.interstice.benchmarks.table;

import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;

import dev.interstice.runtime.engine.EngineConfig;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.management.ObjectName;

/**
 * What a committed row costs in heap (issue 18): the scan-workload module's {@code item} table (u64 primary key, a u32
 * with a btree index, a u64) filled with N rows on an in-memory node, the heap after a full collection before and
 * after, per row, beside the rows' mean encoded size; then the classes that hold the most.
 *
 * <pre>
 * java -Xmx8g -cp benchmarks/target/benchmarks.jar dev.interstice.benchmarks.table.FootprintBench [rows]
 * </pre>
 * Default: 1,000,000 rows.
 */
public final class FootprintBench {
    private static final String M = "scan-workload";
    private static final long CHUNK = 100_000;

    private FootprintBench() {}

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        var engine = EngineConfig.defaults().withCallDeadline(Duration.ofMinutes(10));
        try (Node node = Node.open(NodeConfig.inMemory().withEngine(engine).withLogSink((m, s) -> {}))) {
            node.load(M + ".wasm", wasm());
            long before = heapAfterGc();
            long t0 = System.nanoTime();
            for (long first = 1; first <= rows; first += CHUNK)
                node.call(M, "seed", List.of(u64(first), u64(Math.min(CHUNK, rows - first + 1)), u32(100)));
            double seconds = (System.nanoTime() - t0) / 1e9;
            long after = heapAfterGc();
            long encoded = 0;
            var sample =
                    node.rowsPage(M, "item", false, List.of(), null, 10_000).rows();
            for (byte[] r : sample) encoded += r.length;
            double perRow = (after - before) / (double) rows;
            double enc = encoded / (double) sample.size();
            System.out.printf(
                    Locale.ROOT,
                    "%,d rows seeded in %.1f s; heap %,d -> %,d bytes: %.1f bytes per row, of which encoded row %.1f"
                            + " (mean of %,d): %.1f bytes per row beyond the encoded row (1 secondary index)%n",
                    rows,
                    seconds,
                    before,
                    after,
                    perRow,
                    enc,
                    sample.size(),
                    perRow - enc);
            histogram(15);
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The top of the JVM's class histogram of live objects (jcmd GC.class_histogram, in process). */
    private static void histogram(int top) throws Exception {
        String h = (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram",
                        new Object[] {new String[0]},
                        new String[] {String[].class.getName()});
        h.lines().limit(top + 3L).forEach(System.out::println);
    }

    private static byte[] wasm() throws Exception {
        try (InputStream in = FootprintBench.class.getResourceAsStream("/modules/" + M + ".wasm")) {
            if (in == null) throw new IllegalStateException("no " + M + ".wasm on the class path");
            return in.readAllBytes();
        }
    }
}
