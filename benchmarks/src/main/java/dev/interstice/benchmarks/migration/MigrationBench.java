package dev.interstice.benchmarks.migration;

import dev.interstice.benchmarks.TempDirs;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.MigrationModules;
import dev.interstice.runtime.testing.ModuleFixture;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Migrating a large table on a durable node: module "inv" v1 ({@link MigrationModules}) with N rows, then (a) a version
 * that only adds a btree index (rows kept as they are, the index built from them) and (b) v2, which adds an optional
 * column, widens a column and adds a btree index (every row rewritten and logged in one record). Each on a fresh node;
 * prints the publish's wall time (compile, plan, rewrite, log record durable, code switched), the heap's peak during it
 * (sum of the heap pools' peaks, reset just before), the heap after a GC before it, and the reopen time afterwards.
 *
 * <pre>
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar dev.interstice.benchmarks.migration.MigrationBench [rows]
 * </pre>
 * Default 1,000,000 rows.
 */
public final class MigrationBench {
    private MigrationBench() {}

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        ModuleFixture indexOnly = MigrationModules.inv(
                MigrationModules.items(
                        List.of(MigrationModules.NAME, MigrationModules.QTY),
                        List.of(MigrationModules.QTY_HASH, MigrationModules.NAME_BTREE)),
                new dev.interstice.abi.value.Row(
                        dev.interstice.abi.value.IntersticeValue.u64(0),
                        List.of(
                                dev.interstice.abi.value.IntersticeValue.str("item"),
                                dev.interstice.abi.value.IntersticeValue.u32(7))));
        run("add an index", rows, indexOnly.build());
        run("add a column + widen + add an index", rows, MigrationModules.v2().build());
    }

    private static void run(String what, int rows, byte[] next) throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("interstice-migration-bench");
        try {
            try (Node node = Node.open(NodeConfig.at(dir).withAck(Ack.FAST).withLogSink((m, s) -> {}))) {
                node.publish("inv.wasm", MigrationModules.v1().build(), false);
                for (int i = 0; i < rows / 1000; i++) node.call("inv", "fill", List.of());
                System.gc();
                long before = heapUsed();
                resetPeaks();
                long t0 = System.nanoTime();
                var p = node.publish("next.wasm", next, Node.PublishOptions.DEFAULT);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                long peak = heapPeak();
                System.out.printf(
                        Locale.ROOT,
                        "%s: %,d rows, publish %,d ms, heap before %,d MiB, peak during %,d MiB (rewritten: %s)%n",
                        what,
                        node.rows("inv", "items").size(),
                        ms,
                        before >> 20,
                        peak >> 20,
                        p.plan().orElseThrow().rewrittenTables());
            }
            long t1 = System.nanoTime();
            try (Node node = Node.open(NodeConfig.at(dir).withLogSink((m, s) -> {}))) {
                System.out.printf(
                        Locale.ROOT,
                        "  reopened with %,d rows in %,d ms%n",
                        node.rows("inv", "items").size(),
                        (System.nanoTime() - t1) / 1_000_000);
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .toList();
    }

    private static long heapUsed() {
        return heapPools().stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    }

    private static void resetPeaks() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long heapPeak() {
        return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
}
