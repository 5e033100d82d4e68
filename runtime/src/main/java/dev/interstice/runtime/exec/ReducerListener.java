package dev.interstice.runtime.exec;

/**
 * Told how long each committed reducer transaction took (a call, a due schedule, a subscriber; not the lifecycle hooks
 * of a module install), under the execution lock, so it must only record. Benchmarks use it to measure e.g. a game's tick without instrumenting the
 * module.
 */
@FunctionalInterface
public interface ReducerListener {
    /** {@code runNanos}: the reducer's own run (guest code and host calls); {@code commitNanos}: the commit after it. */
    void ran(String module, String reducer, long txId, long runNanos, long commitNanos);
}
