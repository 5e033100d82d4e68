package dev.interstice.benchmarks.store;

import static dev.interstice.abi.value.IntersticeValue.str;

import dev.interstice.benchmarks.TempDirs;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The content store through the library example (docs/store.md): {@code save} (a reducer storing a document's text
 * under a label: blob written and fsynced, label row logged, durable acknowledgement) and {@code read} (a query
 * reading it back, re-hashed), for 16-byte, 4 KiB and 1 MiB documents, each text distinct (no deduplication), on one
 * durable node in this process. Sizes run interleaved, round after round, so a busy machine affects them alike.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.interstice.benchmarks.store.StoreBench [rounds]
 * </pre>
 */
public final class StoreBench {
    private static final String M = "library";
    private static final int[] SIZES = {16, 4096, 1 << 20};

    private StoreBench() {}

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dir = Files.createTempDirectory("interstice-store-bench");
        try (Node node = Node.open(NodeConfig.at(dir).withAck(Ack.DURABLE).withLogSink((m, s) -> {}))) {
            node.load(M + ".wasm", wasm());
            long[][] save = new long[SIZES.length][rounds];
            long[][] read = new long[SIZES.length][rounds];
            for (int warm = 0; warm < 20; warm++)
                round(node, -1 - warm, new long[SIZES.length], new long[SIZES.length]);
            for (int r = 0; r < rounds; r++) {
                long[] s = new long[SIZES.length];
                long[] q = new long[SIZES.length];
                round(node, r, s, q);
                for (int i = 0; i < SIZES.length; i++) {
                    save[i][r] = s[i];
                    read[i][r] = q[i];
                }
            }
            for (int i = 0; i < SIZES.length; i++)
                System.out.printf(
                        Locale.ROOT,
                        "%8d bytes: save median %7.3f ms p90 %7.3f ms | read median %7.3f ms p90 %7.3f ms%n",
                        SIZES[i],
                        pct(save[i], 50),
                        pct(save[i], 90),
                        pct(read[i], 50),
                        pct(read[i], 90));
        } finally {
            TempDirs.delete(dir);
        }
    }

    private static void round(Node node, int r, long[] save, long[] read) {
        for (int i = 0; i < SIZES.length; i++) {
            String title = "doc" + i;
            String text = text(r, SIZES[i]);
            long t0 = System.nanoTime();
            node.call(M, "save", List.of(str(title), str(text)));
            long t1 = System.nanoTime();
            var back = node.query(M, "read", List.of(str(title)));
            long t2 = System.nanoTime();
            if (!back.equals(str(text))) throw new AssertionError("read back other content");
            save[i] = t1 - t0;
            read[i] = t2 - t1;
        }
    }

    /** {@code size} bytes of ASCII text, distinct per round. */
    private static String text(int round, int size) {
        var sb = new StringBuilder(size);
        sb.append(round).append(':');
        while (sb.length() < size) sb.append((char) ('a' + sb.length() % 26));
        return sb.substring(0, size);
    }

    private static double pct(long[] nanos, int p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, s.length * p / 100)] / 1e6;
    }

    private static byte[] wasm() throws Exception {
        try (InputStream in = StoreBench.class.getResourceAsStream("/modules/" + M + ".wasm")) {
            if (in == null) throw new IllegalStateException("modules/" + M + ".wasm is not on the classpath");
            return in.readAllBytes();
        }
    }
}
