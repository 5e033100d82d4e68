package dev.interstice.runtime.exec;

/**
 * How a node with more than one executor ran its top-level reducer calls (docs/parallel-execution.md); all zero with
 * one executor. {@code committed}: speculations committed as they ran; {@code reexecuted}: speculations a commit
 * since their start invalidated, run again under the execution lock; {@code fallbacks}: speculations that did
 * something they cannot validate (a scan, an auto_inc insert, a nested call, time, random, an effect) or failed, run
 * again under the lock; {@code serial}: calls not speculated at all (their reducer fell back recently, or refused).
 */
public record ExecutionStats(long committed, long reexecuted, long fallbacks, long serial) {
    public static final ExecutionStats NONE = new ExecutionStats(0, 0, 0, 0);
}
