package dev.interstice.storage;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** One change of a transaction. Keys and rows are opaque bytes; the arrays must not be mutated after append. */
public sealed interface Change permits Change.Put, Change.Delete, Change.Clear {
    /**
     * At most what a change of a key of {@code keyLength} bytes and a row of {@code rowLength} bytes (0 for none) takes
     * in a log record, framing included: for sizing a record before it is made (a record is refused whole above
     * {@link Storage#MAX_RECORD_BYTES}).
     */
    static long recordBytes(int keyLength, int rowLength) {
        return 16L + keyLength + rowLength;
    }

    /** {@link #recordBytes(int, int)} of this change. */
    default long recordBytes() {
        return switch (this) {
            case Put p -> recordBytes(p.key().length, p.row().length);
            case Delete d -> recordBytes(d.key().length, 0);
            case Clear c -> recordBytes(0, 0);
        };
    }

    TableId table();

    /** Insert or update. */
    record Put(TableId table, byte[] key, byte[] row) implements Change {
        public Put {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(row, "row");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Put p
                    && table.equals(p.table)
                    && Arrays.equals(key, p.key)
                    && Arrays.equals(row, p.row);
        }

        @Override
        public int hashCode() {
            return (table.hashCode() * 31 + Arrays.hashCode(key)) * 31 + Arrays.hashCode(row);
        }

        @Override
        public String toString() {
            return "Put[" + table + ", " + HexFormat.of().formatHex(key) + ", " + row.length + " bytes]";
        }
    }

    record Delete(TableId table, byte[] key) implements Change {
        public Delete {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(key, "key");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Delete d && table.equals(d.table) && Arrays.equals(key, d.key);
        }

        @Override
        public int hashCode() {
            return table.hashCode() * 31 + Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Delete[" + table + ", " + HexFormat.of().formatHex(key) + "]";
        }
    }

    /** Removes every row of the table. */
    record Clear(TableId table) implements Change {
        public Clear {
            Objects.requireNonNull(table, "table");
        }
    }
}
