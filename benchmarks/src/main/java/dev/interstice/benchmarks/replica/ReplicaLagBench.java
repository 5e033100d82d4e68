package dev.interstice.benchmarks.replica;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.benchmarks.TempDirs;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.ModuleFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Replica lag: two durable nodes in this process, served on loopback; module "bank" on the source commits one insert
 * into its public table {@code ledger} per call, at a fixed rate; module "copy" on the other node replicates it. The
 * lag of a row is the time from its commit on the source (the source's commit listener) to its commit in the replica
 * (the replicating node's commit listener), so it includes the source's fsync before the event leaves, the network,
 * and the replica's own logged transaction.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.interstice.benchmarks.replica.ReplicaLagBench [rate/s] [seconds] [warmup s]
 * </pre>
 * Defaults: 10000 changes/s for 10 s after 3 s of warm-up.
 */
public final class ReplicaLagBench {
    private static final String REPLICA = "__replica__bank_node__bank__ledger";

    private ReplicaLagBench() {}

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int total = rate * (seconds + warmup);
        var committedAt = new AtomicLongArray(total + 1);
        var histogram = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        var applied = new AtomicLong();
        Path dir = Files.createTempDirectory("interstice-replica-lag");
        try (Node source = Node.open(
                        NodeConfig.at(dir.resolve("source")).withAck(Ack.FAST).withLogSink((m, s) -> {}));
                Node replica = Node.open(NodeConfig.at(dir.resolve("replica")).withLogSink((m, s) -> {}))) {
            // registered before the server's table streams: the commit time is taken before the event can leave
            source.addCommitListener((tx, lsn, events) -> {
                long now = System.nanoTime();
                for (var e : events)
                    if (e.after() != null && e.table().equals("ledger")) committedAt.set((int) id(e.after()), now);
            });
            replica.addCommitListener((tx, lsn, events) -> {
                long now = System.nanoTime();
                for (var e : events) {
                    if (e.after() == null || !e.table().equals(REPLICA)) continue;
                    long id = id(e.after());
                    long at = committedAt.get((int) id);
                    if (id >= (long) rate * warmup && at != 0)
                        histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), (now - at) / 1000));
                    applied.incrementAndGet();
                }
            });
            run(source, replica, rate, total, warmup, histogram, applied);
        } finally {
            TempDirs.delete(dir);
        }
    }

    private static void run(
            Node source, Node replica, int rate, int total, int warmup, Histogram histogram, AtomicLong applied)
            throws Exception {
        try (NodeServer sourceServer =
                        NodeServer.start(source, NetworkConfig.defaults().withNodeName("bank-node"));
                NodeServer replicaServer =
                        NodeServer.start(replica, NetworkConfig.defaults().withNodeName("app-node"))) {
            source.load(bank());
            replica.load(copy(sourceServer.address()));
            waitFor(() -> replica.rows("copy", REPLICA) != null, "the replica to exist");

            long period = TimeUnit.SECONDS.toNanos(1) / rate;
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                long due = start + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
                source.call("bank", "record", List.of());
            }
            double achieved = total / ((System.nanoTime() - start) / 1e9);
            waitFor(() -> applied.get() >= total, "every change in the replica");
            System.out.printf(
                    Locale.ROOT,
                    "replica lag (commit on the source -> commit in the replica), %d changes at %.0f/s (target %d/s),"
                            + " %d measured after %d s warm-up:%n  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  p99.9 %.2f ms"
                            + "  max %.2f ms%n",
                    total,
                    achieved,
                    rate,
                    histogram.getTotalCount(),
                    warmup,
                    histogram.getValueAtPercentile(50) / 1000.0,
                    histogram.getValueAtPercentile(90) / 1000.0,
                    histogram.getValueAtPercentile(99) / 1000.0,
                    histogram.getValueAtPercentile(99.9) / 1000.0,
                    histogram.getMaxValue() / 1000.0);
        }
    }

    private static long id(byte[] row) {
        return ((IntersticeValue.U64) Abi.decodeRow(row).primaryKey()).value();
    }

    private static void waitFor(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (done.getAsBoolean()) return;
            } catch (RuntimeException notYet) {
                // e.g. the replica has no schema yet
            }
            if (System.nanoTime() > until) throw new IllegalStateException("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    /** Module "bank": public logged table {@code ledger} (auto_inc id, amount); {@code record} inserts one row. */
    static byte[] bank() {
        return ModuleFixture.module("bank")
                .visibility(Visibility.PUBLIC)
                .table(ModuleFixture.simpleTable(
                        "ledger",
                        true,
                        Persistence.LOGGED,
                        Visibility.PUBLIC,
                        List.of(new FieldDef("amount", IntersticeType.U64)),
                        List.of()))
                .blob("entry", Abi.encodeRow(new Row(IntersticeValue.u64(0), List.of(IntersticeValue.u64(10)))))
                .reducer("record", List.of(), List.of("ledger"), ModuleFixture.insertOrTrap("ledger", "entry"))
                .build();
    }

    /** Module "copy": replicates bank-node.bank.ledger and does nothing else. */
    static byte[] copy(String bankAddress) {
        var f = ModuleFixture.module("copy");
        return f.nodeDependency("bank-node", bankAddress)
                .replicate("bank-node", "bank", "ledger")
                .build();
    }
}
