package dev.interstice.runtime.exec;

import dev.interstice.storage.TxRecord;
import java.util.concurrent.CompletableFuture;

/**
 * The storage seam: the executor hands every committed transaction's persistent changes here, in commit order,
 * under its execution lock. Implementations must not do I/O on the caller's thread.
 */
public interface CommitLog {
    /** Accepts a committed transaction; returns its log position. Throws if the log cannot accept writes. */
    long append(TxRecord record);

    /**
     * A record encoded ahead of the commit section ({@link #prepare}): appended once, with the id and time the commit
     * gives it.
     */
    @FunctionalInterface
    interface Prepared {
        /** Appends the record as transaction {@code txId} at {@code timestampMs}; as {@link #append}. */
        long append(long txId, long timestampMs);
    }

    /**
     * Prepares {@code template} (its id and time are placeholders) for an append later: what can be done before the
     * commit section is (the durable log encodes it now). Throws as {@link #append} would for a record it cannot
     * take.
     */
    default Prepared prepare(TxRecord template) {
        return (txId, timestampMs) -> append(new TxRecord(
                txId, timestampMs, template.changes(), template.origin(), template.trace(), template.inputs()));
    }

    /** Completes once the transaction at {@code lsn} survives a crash. */
    CompletableFuture<Void> whenDurable(long lsn);

    /**
     * Blocks until the transaction at {@code lsn} survives a crash; throws a {@link
     * java.util.concurrent.CompletionException} whose cause says why it cannot. An implementation may do the fsync on
     * the caller's thread (one waiting caller then needs no wake-up).
     */
    default void awaitDurable(long lsn) {
        whenDurable(lsn).join();
    }

    /** Nothing is persisted: every node starts empty (tests, ephemeral nodes). */
    static CommitLog none() {
        return new CommitLog() {
            private long lsn;

            @Override
            public long append(TxRecord record) {
                return ++lsn;
            }

            @Override
            public CompletableFuture<Void> whenDurable(long lsn) {
                return CompletableFuture.completedFuture(null);
            }
        };
    }
}
