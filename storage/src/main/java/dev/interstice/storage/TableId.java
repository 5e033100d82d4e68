package dev.interstice.storage;

import java.util.Objects;

/** A table of a module. Both names are arbitrary (non-null) strings. */
public record TableId(String module, String table) implements Comparable<TableId> {
    public TableId {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(table, "table");
    }

    @Override
    public int compareTo(TableId o) {
        int c = module.compareTo(o.module);
        return c != 0 ? c : table.compareTo(o.table);
    }

    @Override
    public String toString() {
        return module + "/" + table;
    }
}
