/**
 * {@link dev.interstice.benchmarks.load.InProcessBench}: the load profiles of {@code dev.interstice.cli.bench} on a
 * node in the driver's own process (no network), for separating the runtime's cost from the network's.
 */
package dev.interstice.benchmarks.load;
