package dev.interstice.runtime.node;

import dev.interstice.runtime.exec.CommitLog;
import dev.interstice.storage.Storage;
import dev.interstice.storage.StorageException;
import dev.interstice.storage.TxRecord;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The durable storage behind the seam: the write-ahead log with group commit. */
record StorageCommitLog(Storage storage) implements CommitLog {
    @Override
    public long append(TxRecord record) {
        return storage.append(record);
    }

    @Override
    public Prepared prepare(TxRecord template) {
        Storage.Prepared p = storage.prepare(template);
        return (txId, timestampMs) -> storage.append(p, txId, timestampMs);
    }

    @Override
    public CompletableFuture<Void> whenDurable(long lsn) {
        return storage.whenDurable(lsn);
    }

    @Override
    public void awaitDurable(long lsn) {
        try {
            storage.awaitDurable(lsn);
        } catch (StorageException e) {
            throw new CompletionException(e);
        }
    }
}
