/** The scan benchmark: a guest reading a large table through cursors, and rows pages over the network. */
package dev.interstice.benchmarks.scan;
