package dev.interstice.runtime.table;

import dev.interstice.abi.host.IndexQuery;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import java.util.List;

/**
 * Which entries of an index a scan reads: equality on the index's first {@code prefix.size()} columns, then
 * optionally {@code query} on the next one. A single-column index takes {@code ([], query)} (or {@code ([v], null)});
 * a composite index on (a, b) takes {@code ([a], Range on b)}, {@code ([a], null)} or {@code ([a, b], null)}.
 */
public record IndexRange(List<IndexKey> prefix, IndexQuery query) {
    public IndexRange {
        prefix = List.copyOf(prefix);
    }

    /** The whole query on a single-column index, as ABI-6's {@code TableIndexScan} asks it. */
    public static IndexRange of(IndexQuery q) {
        return new IndexRange(List.of(), q);
    }

    /** The columns this range constrains. */
    int columns() {
        return prefix.size() + (query == null ? 0 : 1);
    }

    /** Whether {@code key}, an index key of {@code arity} columns, lies in the range. */
    public boolean matches(IndexKey key, int arity) {
        for (int i = 0; i < prefix.size(); i++) if (!component(key, arity, i).equals(prefix.get(i))) return false;
        return query == null || position(component(key, arity, prefix.size())) == 0;
    }

    /** -1: the column's value is before the query's range, 0: in it, 1: after it. */
    int position(IndexKey v) {
        return switch (query) {
            case IndexQuery.Eq x -> Integer.signum(v.compareTo(x.key()));
            case IndexQuery.Lt x -> v.compareTo(x.key()) < 0 ? 0 : 1;
            case IndexQuery.Lte x -> v.compareTo(x.key()) <= 0 ? 0 : 1;
            case IndexQuery.Gt x -> v.compareTo(x.key()) > 0 ? 0 : -1;
            case IndexQuery.Gte x -> v.compareTo(x.key()) >= 0 ? 0 : -1;
            case IndexQuery.Range r -> {
                int lo = v.compareTo(r.min());
                if (r.includeMin() ? lo < 0 : lo <= 0) yield -1;
                int hi = v.compareTo(r.max());
                yield (r.includeMax() ? hi <= 0 : hi < 0) ? 0 : 1;
            }
        };
    }

    /** The lowest value the query accepts on its column, or null when it is unbounded below. */
    IndexKey lowerBound() {
        return switch (query) {
            case IndexQuery.Eq x -> x.key();
            case IndexQuery.Gt x -> x.key();
            case IndexQuery.Gte x -> x.key();
            case IndexQuery.Range r -> r.min();
            case IndexQuery.Lt x -> null;
            case IndexQuery.Lte x -> null;
        };
    }

    /** Column {@code i} of an index key: the key itself for a single-column index, else the tuple's element. */
    static IndexKey component(IndexKey key, int arity, int i) {
        if (arity == 1) return key;
        return new IndexKey(((IntersticeValue.Tuple) key.value()).items().get(i));
    }
}
