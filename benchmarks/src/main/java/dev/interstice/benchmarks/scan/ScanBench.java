package dev.interstice.benchmarks.scan;

import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;

import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.benchmarks.TempDirs;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeClient;
import dev.interstice.network.NodeServer;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.engine.EngineConfig;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A guest scanning a large table: the scan-workload module's {@code item} table filled with N rows, then read by its
 * queries through cursors (whole table, and an index range over a tenth of it), with the guest's memory before and
 * after; then ABI 6's whole-table scan of the same table for contrast; then pages of rows over the network as
 * {@code interstice rows --limit 100} asks them. With {@code serve} seconds it then keeps the node served on loopback
 * (the address printed) so that the real CLI can be timed against it.
 *
 * <pre>
 * java -Xmx12g -cp benchmarks/target/benchmarks.jar dev.interstice.benchmarks.scan.ScanBench [rows] [serve s]
 * </pre>
 * Defaults: 10,000,000 rows, no serving.
 */
public final class ScanBench {
    private static final String M = "scan-workload";
    private static final long CHUNK = 100_000;

    private ScanBench() {}

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000;
        int serve = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        Path dir = Files.createTempDirectory("interstice-scan-bench");
        var engine = EngineConfig.defaults().withCallDeadline(Duration.ofMinutes(10));
        try (Node node = Node.open(
                NodeConfig.at(dir).withAck(Ack.FAST).withEngine(engine).withLogSink((m, s) -> {}))) {
            node.load(M + ".wasm", wasm());
            long t0 = System.nanoTime();
            for (long first = 1; first <= rows; first += CHUNK)
                node.call(M, "seed", List.of(u64(first), u64(Math.min(CHUNK, rows - first + 1)), u32(100)));
            print("seeded %,d rows in %.1f s", rows, seconds(t0));
            scans(node, rows);
            pages(node, serve);
        } finally {
            TempDirs.delete(dir);
        }
    }

    private static void scans(Node node, long rows) {
        for (int run = 1; run <= 3; run++) {
            long before = node.guestMemoryBytes(M);
            long t = System.nanoTime();
            var r = longs(node.query(M, "iter_sum", List.of()));
            double s = seconds(t);
            print(
                    "cursor scan %d: %,d rows in %.2f s = %,.0f rows/s; guest memory %,d -> %,d bytes",
                    run, r[0], s, r[0] / s, before, node.guestMemoryBytes(M));
            if (r[0] != rows) throw new IllegalStateException("read " + r[0] + " rows of " + rows);
        }
        long t = System.nanoTime();
        var g = longs(node.query(M, "group_sum", List.of(u32(0), u32(10))));
        double s = seconds(t);
        print("cursor index range (grp 0..9, a tenth): %,d rows in %.2f s = %,.0f rows/s", g[0], s, g[0] / s);
        long before = node.guestMemoryBytes(M);
        t = System.nanoTime();
        try {
            var w = longs(node.query(M, "scan_sum", List.of()));
            print(
                    "whole-table TableScan: %,d rows in %.2f s; guest memory %,d -> %,d bytes",
                    w[0], seconds(t), before, node.guestMemoryBytes(M));
        } catch (RuntimeException e) {
            print("whole-table TableScan: failed after %.2f s: %s", seconds(t), e.getMessage());
        }
    }

    private static void pages(Node node, int serve) throws Exception {
        try (NodeServer server = NodeServer.start(node, NetworkConfig.defaults().withNodeName("scan-bench"))) {
            try (var c = NodeClient.connect(server.address(), NodeClient.Options.client())) {
                time("first page", () -> c.rowsPage(M, "item", List.of(), null, 101));
                time(
                        "page after id 9,999,900",
                        () -> c.rowsPage(M, "item", List.of(), new IndexKey(IntersticeValue.u64(9_999_900)), 101));
                time(
                        "page where grp = 42",
                        () -> c.rowsPage(
                                M, "item", List.of(new Message.Where("grp", 0, new IndexKey(u32(42)))), null, 101));
            }
            if (serve > 0) {
                print("serving on %s for %d s", server.address(), serve);
                Thread.sleep(serve * 1000L);
            }
        }
    }

    /** The median of 21 requests, each on the open connection. */
    private static void time(String what, Runnable page) {
        var ms = new double[21];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            page.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        print("rows page of 101 (%s): median %.2f ms, max %.2f ms", what, ms[ms.length / 2], ms[ms.length - 1]);
    }

    private static long[] longs(IntersticeValue v) {
        return ((IntersticeValue.Vec) v)
                .items().stream()
                        .mapToLong(x -> ((IntersticeValue.U64) x).value())
                        .toArray();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void print(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    private static byte[] wasm() throws java.io.IOException {
        try (InputStream in = ScanBench.class.getResourceAsStream("/modules/" + M + ".wasm")) {
            if (in == null) throw new IllegalStateException("modules/" + M + ".wasm is not on the class path");
            return in.readAllBytes();
        }
    }
}
