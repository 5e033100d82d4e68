package dev.interstice.runtime.table;

import dev.interstice.abi.host.IndexQuery;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.ValueText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The committed rows a filter selects, read lazily through the one index that answers it: equality on the first
 * columns of an index (the primary key, a column's index or a composite index), then a range on the next one. A
 * filter no index answers is refused, naming the indexes there are: rows requests never read a whole table to filter.
 */
public final class RowSelector {
    private RowSelector() {}

    /**
     * The rows of {@code t} matching every condition, after the row whose primary key is {@code after} (null: from
     * the first), in primary-key order without conditions, else in the chosen index's order. Valid until the next
     * commit. Throws IllegalArgumentException with the reason when the filter cannot be answered.
     */
    public static Iterator<StoredRow> open(Table t, List<Condition> where, IndexKey after) {
        return open(t, where, after, row -> true);
    }

    /**
     * As {@link #open(Table, List, IndexKey)}, for a reader who may see only the rows {@code visible} accepts (a table's
     * view): an {@code after} row it may not see is answered exactly as a missing one, so the answer tells nothing of it.
     */
    public static Iterator<StoredRow> open(
            Table t, List<Condition> where, IndexKey after, java.util.function.Predicate<StoredRow> visible) {
        if (where.isEmpty()) return t.scanAfter(after);
        String pk = t.schema().primaryKey().name();
        var byField = new LinkedHashMap<String, List<Condition>>();
        for (Condition c : where)
            byField.computeIfAbsent(c.field(), f -> new ArrayList<>()).add(c);
        for (String f : byField.keySet()) if (!f.equals(pk)) t.column(f); // names an unknown field
        if (byField.size() == 1 && byField.containsKey(pk))
            return primaryKeyRange(t, query(pk, byField.get(pk)), after);
        String refusal = "";
        for (SecondaryIndex ix : t.indexes()) {
            IndexRange range = rangeFor(t, ix, byField);
            if (range == null) continue;
            try {
                ix.check(range);
            } catch (IllegalArgumentException e) {
                refusal = "; index '" + ix.schema().field() + "': " + e.getMessage();
                continue;
            }
            IndexKey afterKey = null;
            if (after != null) {
                StoredRow last = t.get(after);
                if (last == null || !visible.test(last) || !range.matches(ix.keyOf(last.row()), ix.arity()))
                    throw new IllegalArgumentException("no row with primary key " + ValueText.of(after.value())
                            + " matches the filter (the --after row must be the last row of a page)");
                afterKey = ix.keyOf(last.row());
            }
            Iterator<IndexKey> pks = ix.pks(range, afterKey, after);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return pks.hasNext();
                }

                @Override
                public StoredRow next() {
                    return t.get(pks.next());
                }
            };
        }
        throw new IllegalArgumentException("no index of table '" + t.schema().name() + "' answers " + describe(where)
                + ": --where needs equality on an index's first columns and at most a range on the next one"
                + " (indexes: " + indexNames(t) + ")" + refusal);
    }

    /** The range of {@code ix} that {@code byField} names exactly (every condition used), or null. */
    private static IndexRange rangeFor(Table t, SecondaryIndex ix, Map<String, List<Condition>> byField) {
        List<String> columns = columnsOf(t, ix);
        var prefix = new ArrayList<IndexKey>();
        int used = 0;
        IndexQuery q = null;
        for (String col : columns) {
            List<Condition> cs = byField.get(col);
            if (cs == null) break;
            used++;
            if (cs.size() == 1 && cs.getFirst().op() == Condition.Op.EQ) {
                prefix.add(cs.getFirst().value());
                continue;
            }
            q = query(col, cs);
            break;
        }
        return used == byField.size() ? new IndexRange(prefix, q) : null;
    }

    private static List<String> columnsOf(Table t, SecondaryIndex ix) {
        return List.of(ix.schema().field().split(","));
    }

    /** The conditions on one column as one query: an equality, one bound, or a lower and an upper bound. */
    private static IndexQuery query(String field, List<Condition> cs) {
        Condition lower = null;
        Condition upper = null;
        for (Condition c : cs) {
            switch (c.op()) {
                case EQ -> {
                    if (cs.size() > 1)
                        throw new IllegalArgumentException(
                                "'" + field + "' has an equality and other conditions: give one or the other");
                    return new IndexQuery.Eq(c.value());
                }
                case GT, GTE -> {
                    if (lower != null) throw new IllegalArgumentException("'" + field + "' has two lower bounds");
                    lower = c;
                }
                case LT, LTE -> {
                    if (upper != null) throw new IllegalArgumentException("'" + field + "' has two upper bounds");
                    upper = c;
                }
            }
        }
        if (lower != null && upper != null)
            return new IndexQuery.Range(
                    lower.value(), upper.value(), lower.op() == Condition.Op.GTE, upper.op() == Condition.Op.LTE);
        Condition c = lower != null ? lower : upper;
        return switch (c.op()) {
            case GT -> new IndexQuery.Gt(c.value());
            case GTE -> new IndexQuery.Gte(c.value());
            case LT -> new IndexQuery.Lt(c.value());
            default -> new IndexQuery.Lte(c.value());
        };
    }

    /** Rows whose primary key lies in {@code q}, after {@code after}, from the ordered rows. */
    private static Iterator<StoredRow> primaryKeyRange(Table t, IndexQuery q, IndexKey after) {
        if (q instanceof IndexQuery.Eq eq) {
            StoredRow r = t.get(eq.key());
            return r == null || (after != null && eq.key().compareTo(after) <= 0)
                    ? Collections.emptyIterator()
                    : List.of(r).iterator();
        }
        var range = IndexRange.of(q);
        IndexKey lower = range.lowerBound();
        IndexKey start = after != null && (lower == null || after.compareTo(lower) >= 0) ? after : null;
        Iterator<StoredRow> rows =
                start != null ? t.scanAfter(start) : lower == null ? t.scanAfter(null) : t.scanFrom(lower);
        return new Iterator<>() {
            private StoredRow next;
            private boolean done;

            @Override
            public boolean hasNext() {
                while (next == null && !done && rows.hasNext()) {
                    StoredRow r = rows.next();
                    int pos = range.position(r.pk());
                    if (pos > 0) done = true;
                    else if (pos == 0) next = r;
                }
                return next != null;
            }

            @Override
            public StoredRow next() {
                if (!hasNext()) throw new NoSuchElementException();
                StoredRow r = next;
                next = null;
                return r;
            }
        };
    }

    private static String describe(List<Condition> where) {
        return String.join(
                " and ",
                where.stream()
                        .map(c -> c.field() + " " + c.op().symbol + " "
                                + ValueText.of(c.value().value()))
                        .toList());
    }

    private static String indexNames(Table t) {
        var names = new ArrayList<String>();
        names.add(t.schema().primaryKey().name() + " (primary key)");
        for (SecondaryIndex ix : t.indexes())
            names.add(
                    ix.arity() > 1
                            ? "(" + ix.schema().field() + ")"
                            : ix.schema().field());
        return String.join(", ", names);
    }
}
