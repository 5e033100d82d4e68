package dev.interstice.runtime.table;

import dev.interstice.abi.host.IndexQuery;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.value.IndexKey;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A hash or btree index over one column of committed rows. Unique indexes map a key to one primary key; others map
 * a key to the sorted set of primary keys that have it, so every lookup returns rows in a deterministic order.
 */
public final class SecondaryIndex {
    private final IndexSchema schema;
    private final int column;
    private final Map<IndexKey, Object> entries;

    public SecondaryIndex(IndexSchema schema, int column) {
        this.schema = schema;
        this.column = column;
        this.entries = schema.type() == IndexSchema.Type.BTREE ? new TreeMap<>() : new HashMap<>();
    }

    public IndexSchema schema() {
        return schema;
    }

    /** The indexed column among the row's non-key entries, or -1 for the primary key itself. */
    public int column() {
        return column;
    }

    public boolean unique() {
        return schema.unique();
    }

    public void add(IndexKey key, IndexKey pk) {
        if (schema.unique()) {
            entries.put(key, pk);
            return;
        }
        @SuppressWarnings("unchecked")
        var set = (TreeSet<IndexKey>) entries.computeIfAbsent(key, k -> new TreeSet<IndexKey>());
        set.add(pk);
    }

    public void remove(IndexKey key, IndexKey pk) {
        if (schema.unique()) {
            entries.remove(key, pk);
            return;
        }
        Object o = entries.get(key);
        if (o instanceof TreeSet<?> set) {
            set.remove(pk);
            if (set.isEmpty()) entries.remove(key);
        }
    }

    /** The primary key holding {@code key} in a unique index, or null. */
    public IndexKey owner(IndexKey key) {
        return (IndexKey) entries.get(key);
    }

    /** Appends the primary keys matching {@code q}, in index-key then primary-key order. */
    public void collect(IndexQuery q, List<IndexKey> out) {
        if (q instanceof IndexQuery.Eq eq) {
            add(entries.get(eq.key()), out);
            return;
        }
        if (!(entries instanceof NavigableMap<IndexKey, Object> tree))
            throw new IllegalArgumentException(
                    "a hash index supports only equality lookups; declare the index btree for ranges");
        NavigableMap<IndexKey, Object> view = switch (q) {
            case IndexQuery.Lt x -> tree.headMap(x.key(), false);
            case IndexQuery.Lte x -> tree.headMap(x.key(), true);
            case IndexQuery.Gt x -> tree.tailMap(x.key(), false);
            case IndexQuery.Gte x -> tree.tailMap(x.key(), true);
            case IndexQuery.Range r ->
                r.min().compareTo(r.max()) > 0
                        ? new TreeMap<>()
                        : tree.subMap(r.min(), r.includeMin(), r.max(), r.includeMax());
            case IndexQuery.Eq x -> throw new IllegalStateException();
        };
        for (Object o : view.values()) add(o, out);
    }

    @SuppressWarnings("unchecked")
    private static void add(Object o, List<IndexKey> out) {
        if (o == null) return;
        if (o instanceof IndexKey pk) out.add(pk);
        else out.addAll((Collection<IndexKey>) o);
    }
}
