package dev.interstice.storage;

/** Told of every fsync of a log batch (metrics), on the syncer thread: must be quick. */
@FunctionalInterface
public interface FsyncListener {
    FsyncListener NONE = (nanos, records) -> {};

    /** One {@code force} of the log took {@code nanos} and made {@code records} records durable (the group commit). */
    void fsynced(long nanos, int records);
}
