package dev.interstice.runtime.table;

import java.util.List;

/**
 * A btree index over several columns of a table, in order: range queries on (a, b) read equality on a, then a range
 * on b. Declared outside ABI 6's {@code IndexSchema}, which names one field (docs/abi.md, composite indexes).
 */
public record CompositeIndex(List<String> fields, boolean unique) {
    public CompositeIndex {
        fields = List.copyOf(fields);
        if (fields.size() < 2) throw new IllegalArgumentException("a composite index needs at least two columns");
    }

    /** The index's name: its columns joined by ','. */
    public String name() {
        return String.join(",", fields);
    }
}
