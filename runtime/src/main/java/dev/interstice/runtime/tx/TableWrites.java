package dev.interstice.runtime.tx;

import dev.interstice.abi.value.IndexKey;
import dev.interstice.runtime.table.SecondaryIndex;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A transaction's writes to one table: per primary key, the committed row it started from and the row it has now
 * (null = deleted), in first-touch order. Unique-index owners of the written rows are tracked so that uniqueness is
 * checked against committed state plus this write set.
 */
final class TableWrites {
    static final class Entry {
        final StoredRow before;
        StoredRow after;

        Entry(StoredRow before) {
            this.before = before;
            this.after = before;
        }
    }

    final Table table;
    private final Transaction tx;
    final LinkedHashMap<IndexKey, Entry> entries = new LinkedHashMap<>();
    private final Map<SecondaryIndex, Map<IndexKey, IndexKey>> uniqueOwners = new HashMap<>();

    TableWrites(Table table, Transaction tx) {
        this.table = table;
        this.tx = tx;
    }

    Entry entry(IndexKey pk) {
        return entries.get(pk);
    }

    /** Sets the current version of {@code pk}'s row (null deletes it). */
    void put(IndexKey pk, StoredRow after) {
        Entry e = entries.computeIfAbsent(pk, k -> new Entry(tx.committed(table, k)));
        if (e.after != null) unindex(e.after);
        e.after = after;
        if (after != null) index(after);
    }

    /** Owner of {@code key} in a unique index among rows written by this transaction, or null. */
    IndexKey writtenOwner(SecondaryIndex ix, IndexKey key) {
        Map<IndexKey, IndexKey> m = uniqueOwners.get(ix);
        return m == null ? null : m.get(key);
    }

    private void index(StoredRow row) {
        for (SecondaryIndex ix : table.indexes()) {
            if (!ix.unique()) continue;
            uniqueOwners.computeIfAbsent(ix, k -> new HashMap<>()).put(ix.keyOf(row.row()), row.pk());
        }
    }

    private void unindex(StoredRow row) {
        for (SecondaryIndex ix : table.indexes()) {
            if (!ix.unique()) continue;
            Map<IndexKey, IndexKey> m = uniqueOwners.get(ix);
            if (m != null) m.remove(ix.keyOf(row.row()), row.pk());
        }
    }
}
