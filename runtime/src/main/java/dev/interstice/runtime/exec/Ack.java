package dev.interstice.runtime.exec;

/** When a reducer call is acknowledged. */
public enum Ack {
    /** After the fsync that covers the transaction: a crash cannot take it back. */
    DURABLE,
    /** After commit in memory; the log is fsynced within about 10 ms. */
    FAST
}
