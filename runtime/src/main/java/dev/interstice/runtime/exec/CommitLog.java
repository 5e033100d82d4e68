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
