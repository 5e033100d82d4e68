package dev.interstice.runtime.exec;

/** A committed reducer call: its transaction id and log position (0 when it persisted nothing). */
public record CallResult(long txId, long lsn) {}
