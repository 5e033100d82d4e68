package dev.interstice.runtime.tx;

import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;

/** The net effect of a transaction on one row: insert (before null), delete (after null) or update. */
public record RowChange(Table table, StoredRow before, StoredRow after) {
    public boolean isInsert() {
        return before == null;
    }

    public boolean isDelete() {
        return after == null;
    }
}
