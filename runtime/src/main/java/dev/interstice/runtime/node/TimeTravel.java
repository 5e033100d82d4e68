package dev.interstice.runtime.node;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.CallResult;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import dev.interstice.storage.ByteKey;
import dev.interstice.storage.Storage;
import dev.interstice.storage.TableHistory;
import dev.interstice.storage.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Time travel: tables as of a past transaction, read from the log ({@link TableHistory}, no guest code runs), and a
 * module's tables made as they were again as one new transaction ({@code rewind}; nothing is erased from the log).
 */
final class TimeTravel {
    private TimeTravel() {}

    /** Why a rewind or an as-of read is refused: the history does not reach back that far. */
    static CallException notKept(TableHistory.NotKept e) {
        return new CallException(CallException.Kind.NOT_FOUND, e.getMessage());
    }

    /** The rows of {@code id} in the state read, in primary-key order. */
    static PastRows rows(TableHistory.State state, TableId id) {
        var rows = new TreeMap<IndexKey, byte[]>();
        for (byte[] r : state.tables().getOrDefault(id, new TreeMap<>()).values())
            rows.put(new IndexKey(Abi.decodeRow(r).primaryKey()), r);
        return new PastRows(state.txId(), List.copyOf(rows.values()));
    }

    static TableHistory.State read(Storage storage, Set<TableId> tables, long txId) {
        try {
            return storage.tablesAsOf(tables, txId);
        } catch (TableHistory.NotKept e) {
            throw notKept(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log: " + e.getMessage(), e);
        }
    }

    /**
     * Makes the module's stored tables as they were after {@code txId}, as one transaction (trigger {@code rewind}):
     * rows changed or gone since are put back as they were, rows added since are deleted. Refused when the module was
     * published since (its schema may differ from the rows'). Runs the changes' subscribers like any transaction.
     */
    static CallResult rewind(Executor executor, Storage storage, LoadedModule m, long txId) {
        if (storage == null)
            throw new CallException(CallException.Kind.UNSUPPORTED, "an in-memory node keeps no history to rewind");
        try {
            var published = storage.readLog(
                    txId + 1,
                    1,
                    r -> r.origin() != null
                            && r.origin().module().equals(m.name())
                            && r.origin().trigger().equals("publish"));
            if (!published.isEmpty())
                throw new CallException(
                        CallException.Kind.REFUSED,
                        "module '" + m.name() + "' cannot be rewound to tx " + txId + ": it was published at tx "
                                + published.getFirst().record().txId()
                                + " since, so its tables then may not fit its schema now");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log: " + e.getMessage(), e);
        }
        Set<TableId> ids = StorageMapping.declaredTables(m).keySet();
        TableHistory.State past = read(storage, ids, txId);
        return executor.runInternal(m.name(), "rewind", List.of(new IntersticeValue.U64(txId)), inv -> {
            for (Table t : m.tables().values()) {
                if (t.schema().persistence() == Persistence.EPHEMERAL) continue;
                Map<IndexKey, byte[]> then = new HashMap<>();
                for (byte[] r : past.tables()
                        .getOrDefault(t.id(), new TreeMap<ByteKey, byte[]>())
                        .values()) then.put(new IndexKey(Abi.decodeRow(r).primaryKey()), r);
                // every row that differs goes first, so that no unique index sees two rows at once
                for (StoredRow now : t.scan()) {
                    byte[] was = then.get(now.pk());
                    if (was != null && Arrays.equals(was, now.encoded())) then.remove(now.pk());
                    else inv.tx().delete(t, now.pk());
                }
                for (byte[] r : then.values()) {
                    Row row = Abi.decodeRow(r);
                    inv.tx().restore(t, row, r);
                }
            }
        });
    }
}
