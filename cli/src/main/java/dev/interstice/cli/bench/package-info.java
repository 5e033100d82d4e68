/**
 * {@code interstice benchmark}, and the load driver behind it, usable over the network and in process.
 *
 * <ul>
 *   <li>{@link dev.interstice.cli.bench.Connector} / {@link dev.interstice.cli.bench.CallTarget}: connections to a node;
 *       {@link dev.interstice.cli.bench.NetworkConnector} speaks the node protocol (one {@code NodeClient} per
 *       connection, pipelined), {@link dev.interstice.cli.bench.InProcessConnector} wraps a {@code Node} in this
 *       process (used by {@code InProcessBench} in the benchmarks module).</li>
 *   <li>{@link dev.interstice.cli.bench.LoadConfig} and {@link dev.interstice.cli.bench.LoadDriver}: closed or open
 *       loop (coordinated-omission corrected), warmup, calls in flight per connection, HdrHistogram latencies, a
 *       timeline, verification; the outcome is a {@link dev.interstice.cli.bench.LoadResult}.</li>
 *   <li>{@link dev.interstice.cli.bench.ArgTemplate} (JSON templates with {@code $seq $worker $op $client $now_ms
 *       $max_seq $max_client $total_sent}), {@link dev.interstice.cli.bench.TransferArgs} and
 *       {@link dev.interstice.cli.bench.Zipf}: call arguments.</li>
 *   <li>{@link dev.interstice.cli.bench.BenchmarkWorkload}: the benchmark-workload module, its setup and checks;
 *       {@link dev.interstice.cli.bench.Profiles}: the built-in profiles.</li>
 *   <li>{@link dev.interstice.cli.bench.Reports}: text summary, JSON and HTML (inline SVG) reports.</li>
 *   <li>{@link dev.interstice.cli.bench.BenchmarkCommand}: the command ({@code list-profiles}, {@code profile},
 *       {@code run}, {@code scenario}); scenario files are read by {@code ScenarioFile}.</li>
 * </ul>
 */
package dev.interstice.cli.bench;
