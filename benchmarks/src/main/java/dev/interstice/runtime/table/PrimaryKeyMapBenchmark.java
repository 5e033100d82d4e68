package dev.interstice.runtime.table;

import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.collections.Long2ObjectHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Integer primary keys: our {@link LongKeyMap} beside the maintained primitive maps it could be replaced by, on the
 * access patterns of a table with an auto_inc key (lookups of present and absent keys; insert the next key and delete
 * the oldest). Run: {@code java -jar benchmarks/target/benchmarks.jar PrimaryKeyMapBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@State(Scope.Thread)
public class PrimaryKeyMapBenchmark {
    /** The operations every candidate offers. */
    interface Map {
        Object get(long k);

        void put(long k, Object v);

        void remove(long k);
    }

    /**
     * "today": what a table kept for an integer key before issue 18 (ours for lookups plus a TreeMap of IndexKey for
     * key order, both written); "hash+btree": what it keeps since (ours plus a {@link LongBTree} of the same keys).
     */
    @Param({"ours", "agrona", "fastutil", "agrona-half", "fastutil-half", "today", "hash+btree"})
    public String impl;

    @Param({"1000000"})
    public int rows;

    private Map map;
    private long[] probes;
    private int next;
    private long oldest;
    private long newest;
    private static final Object ROW = new Object();

    @Setup(Level.Trial)
    public void fill() {
        map = switch (impl) {
            case "ours" -> {
                var m = new LongKeyMap<Object>();
                yield new Map() {
                    public Object get(long k) {
                        return m.get(k);
                    }

                    public void put(long k, Object v) {
                        m.put(k, v);
                    }

                    public void remove(long k) {
                        m.remove(k);
                    }
                };
            }
            case "agrona", "agrona-half" -> {
                // "-half": the same load limit as ours (1/2), to separate the hash from the load factor
                var m = impl.endsWith("half")
                        ? new Long2ObjectHashMap<Object>(16, 0.5f)
                        : new Long2ObjectHashMap<Object>();
                yield new Map() {
                    public Object get(long k) {
                        return m.get(k);
                    }

                    public void put(long k, Object v) {
                        m.put(k, v);
                    }

                    public void remove(long k) {
                        m.remove(k);
                    }
                };
            }
            case "fastutil", "fastutil-half" -> {
                var m = impl.endsWith("half")
                        ? new Long2ObjectOpenHashMap<Object>(16, 0.5f)
                        : new Long2ObjectOpenHashMap<Object>();
                yield new Map() {
                    public Object get(long k) {
                        return m.get(k);
                    }

                    public void put(long k, Object v) {
                        m.put(k, v);
                    }

                    public void remove(long k) {
                        m.remove(k);
                    }
                };
            }
            case "today" -> {
                var m = new LongKeyMap<Object>();
                var order = new java.util.TreeMap<dev.interstice.abi.value.IndexKey, Object>();
                yield new Map() {
                    public Object get(long k) {
                        return m.get(k);
                    }

                    public void put(long k, Object v) {
                        m.put(k, v);
                        order.put(
                                new dev.interstice.abi.value.IndexKey(dev.interstice.abi.value.IntersticeValue.u64(k)),
                                v);
                    }

                    public void remove(long k) {
                        m.remove(k);
                        order.remove(
                                new dev.interstice.abi.value.IndexKey(dev.interstice.abi.value.IntersticeValue.u64(k)));
                    }
                };
            }
            case "hash+btree" -> {
                var m = new LongKeyMap<Object>();
                var order = new LongBTree<Object>();
                yield new Map() {
                    public Object get(long k) {
                        return m.get(k);
                    }

                    public void put(long k, Object v) {
                        m.put(k, v);
                        order.put(k, v);
                    }

                    public void remove(long k) {
                        m.remove(k);
                        order.remove(k);
                    }
                };
            }
            default -> throw new IllegalArgumentException(impl);
        };
        for (long k = 0; k < rows; k++) map.put(k, ROW);
        oldest = 0;
        newest = rows;
        var random = new SplittableRandom(42);
        probes = new long[1 << 16];
        for (int i = 0; i < probes.length; i++) probes[i] = random.nextLong(2L * rows); // about half present
    }

    @Benchmark
    public Object lookup() {
        long k = probes[next++ & (probes.length - 1)];
        return map.get(k + oldest);
    }

    @Benchmark
    public void insertNextDeleteOldest() {
        map.put(newest++, ROW);
        map.remove(oldest++);
    }
}
