package dev.interstice.benchmarks.runtime;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.benchmarks.TempDirs;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.ModuleFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue target: 64 concurrent callers in process, each inserting a 64-byte row into a logged table through a reducer,
 * acknowledged {@code DURABLE} (after the covering fsync) or {@code FAST} (after commit). Prints fsyncs per second at
 * the end of each trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Threads(64)
@Fork(
        value = 1,
        jvmArgsAppend = {"-XX:+UseG1GC", "-Xmx4g"})
public class DurableInsertBenchmark {
    @Param({"DURABLE", "FAST"})
    public Ack ack;

    private Node node;
    private Path dir;
    private long startNanos;
    private long startFsyncs;
    private CallContext caller;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("interstice-durable-bench");
        var table = ModuleFixture.simpleTable(
                "rows",
                true,
                Persistence.LOGGED,
                Visibility.PUBLIC,
                List.of(new FieldDef("payload", IntersticeType.STRING)),
                List.of());
        var module = ModuleFixture.module("bench")
                .table(table)
                .blob(
                        "row",
                        Abi.encodeRow(new Row(IntersticeValue.u64(0), List.of(IntersticeValue.str("x".repeat(60))))))
                .reducer("insert", List.of(), List.of("rows"), ModuleFixture.insertOrTrap("rows", "row"));
        node = Node.open(NodeConfig.at(dir).withLogSink((m, s) -> {}));
        node.load(module.build());
        caller = new CallContext(node.id(), "");
    }

    @Setup(Level.Iteration)
    public void mark() {
        startNanos = System.nanoTime();
        startFsyncs = node.storageStats().orElseThrow().fsyncs();
    }

    @TearDown(Level.Iteration)
    public void report() {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf(
                "  [%s] fsyncs/s %.0f%n",
                ack, (node.storageStats().orElseThrow().fsyncs() - startFsyncs) / secs);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        node.close();
        TempDirs.delete(dir);
    }

    @Benchmark
    public Object insert() {
        return node.call("bench", "insert", List.of(), caller, ack);
    }

    /**
     * The same 64 callers as virtual threads, as the node's own network sessions are: a caller waiting for the lock or
     * for its fsync then parks without an OS context switch.
     */
    @Fork(
            value = 1,
            jvmArgsAppend = {"-XX:+UseG1GC", "-Xmx4g", "-Djmh.executor=VIRTUAL"})
    public static class VirtualCallers extends DurableInsertBenchmark {}
}
