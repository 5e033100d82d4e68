package dev.interstice.runtime.exec;

/** What the executor needs from its node: identity, time, randomness, logging and the scheduler. */
public interface NodeServices {
    String nodeId();

    long clockMillis();

    /** Seed of transaction {@code txId}'s random numbers: a function of the node id and the transaction id only. */
    long randomSeed(long txId);

    /** A committed schedule entry: run {@code reducer} at {@code dueMs}. */
    void schedule(SystemTables.Schedule entry);

    /** A guest's log line; {@code txId} is the transaction it ran in (0: none, e.g. a query or describe). */
    void guestLog(String module, long txId, String message);

    /** Longest guest log line kept, in bytes (longer ones are cut). */
    int maxLogLineBytes();
}
