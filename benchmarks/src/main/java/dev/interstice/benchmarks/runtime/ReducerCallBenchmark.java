package dev.interstice.benchmarks.runtime;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.cli.NodeMetrics;
import dev.interstice.runtime.exec.CallObserver;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.ModuleFixture;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One reducer call through the public Node API, in process, commit included: an empty reducer, and one that inserts
 * a 64-byte row into an auto-increment table (ephemeral, so this measures execution, not the log); each without
 * and with the node's metrics.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReducerCallBenchmark {
    @Param({"EPHEMERAL"})
    public Persistence persistence;

    /** With the node's metrics on ({@code node start --metrics}): what the per-call counters and histogram cost. */
    @Param({"false", "true"})
    public boolean metrics;

    private Node node;
    private CallObserver observer = (module, reducer, txId, runNanos, commitNanos, failure) -> {};

    @Setup(Level.Trial)
    public void setUp() {
        var table = ModuleFixture.simpleTable(
                "rows",
                true,
                persistence,
                Visibility.PUBLIC,
                List.of(new FieldDef("payload", IntersticeType.STRING)),
                List.of());
        var module = ModuleFixture.module("bench")
                .table(table)
                .blob(
                        "row",
                        Abi.encodeRow(new Row(IntersticeValue.u64(0), List.of(IntersticeValue.str("x".repeat(64))))))
                .reducer("noop", List.of(), List.of(), "")
                .reducer("insert", List.of(), List.of("rows"), ModuleFixture.insertOrTrap("rows", "row"));
        node = Node.open(NodeConfig.inMemory());
        node.load(module.build());
        if (metrics) {
            var meters = new NodeMetrics(node);
            node.observe(meters, meters);
            observer = meters;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        node.close();
    }

    @Benchmark
    public Object emptyReducer() {
        return node.call("bench", "noop", List.of());
    }

    /** What metrics add to a call, alone: the observer a call reports to (a no-op without metrics). */
    @Benchmark
    public void observerAlone() {
        observer.reducer("bench", "noop", 1, 1234, 0, null);
    }

    @Benchmark
    public Object insertReducer() {
        return node.call("bench", "insert", List.of());
    }
}
