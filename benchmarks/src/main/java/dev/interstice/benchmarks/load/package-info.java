/**
 * A load generator for Interstice nodes, usable in process and (through another {@link
 * dev.interstice.benchmarks.load.Connector}) over the network.
 *
 * <ul>
 *   <li>{@link dev.interstice.benchmarks.load.Connector} / {@link dev.interstice.benchmarks.load.CallTarget}: connections
 *       to a node; {@link dev.interstice.benchmarks.load.InProcessConnector} wraps a {@code Node} in this process.</li>
 *   <li>{@link dev.interstice.benchmarks.load.LoadConfig} and {@link dev.interstice.benchmarks.load.LoadDriver}: closed or
 *       open loop (coordinated-omission corrected), warmup, calls in flight per connection, HdrHistogram latencies,
 *       a timeline, verification; the outcome is a {@link dev.interstice.benchmarks.load.LoadResult}.</li>
 *   <li>{@link dev.interstice.benchmarks.load.ArgTemplate} (JSON templates with {@code $seq $worker $op $client $now_ms
 *       $max_seq $max_client $total_sent}), {@link dev.interstice.benchmarks.load.TransferArgs} and
 *       {@link dev.interstice.benchmarks.load.Zipf}: call arguments.</li>
 *   <li>{@link dev.interstice.benchmarks.load.BenchmarkWorkload}: the benchmark-workload module, its setup and checks.</li>
 *   <li>{@link dev.interstice.benchmarks.load.Reports}: text summary, JSON and HTML (inline SVG) reports.</li>
 *   <li>{@link dev.interstice.benchmarks.load.InProcessBench}: the command-line profiles.</li>
 * </ul>
 */
package dev.interstice.benchmarks.load;
