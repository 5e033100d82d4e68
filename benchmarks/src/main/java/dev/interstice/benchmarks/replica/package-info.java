/**
 * {@link dev.interstice.benchmarks.replica.ReplicaLagBench}: how long a committed change takes to reach a replica of
 * its table on another node (loopback), at a fixed rate of changes.
 */
package dev.interstice.benchmarks.replica;
