/**
 * A load generator for Interstice nodes, usable in process and (through another {@link
 * dev.interstice.cli.bench.Connector}) over the network.
 *
 * <ul>
 *   <li>{@link dev.interstice.cli.bench.Connector} / {@link dev.interstice.cli.bench.CallTarget}: connections
 *       to a node; {@link dev.interstice.cli.bench.InProcessConnector} wraps a {@code Node} in this process.</li>
 *   <li>{@link dev.interstice.cli.bench.LoadConfig} and {@link dev.interstice.cli.bench.LoadDriver}: closed or
 *       open loop (coordinated-omission corrected), warmup, calls in flight per connection, HdrHistogram latencies,
 *       a timeline, verification; the outcome is a {@link dev.interstice.cli.bench.LoadResult}.</li>
 *   <li>{@link dev.interstice.cli.bench.ArgTemplate} (JSON templates with {@code $seq $worker $op $client $now_ms
 *       $max_seq $max_client $total_sent}), {@link dev.interstice.cli.bench.TransferArgs} and
 *       {@link dev.interstice.cli.bench.Zipf}: call arguments.</li>
 *   <li>{@link dev.interstice.cli.bench.BenchmarkWorkload}: the benchmark-workload module, its setup and checks.</li>
 *   <li>{@link dev.interstice.cli.bench.Reports}: text summary, JSON and HTML (inline SVG) reports.</li>
 *   <li>{@link dev.interstice.cli.bench.InProcessBench}: the command-line profiles.</li>
 * </ul>
 */
package dev.interstice.cli.bench;
