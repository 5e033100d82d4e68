/** Frame times and host-call costs of the Gpu authority on a real WebGPU device. */
package dev.interstice.benchmarks.gpu;
