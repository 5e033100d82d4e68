package dev.interstice.runtime.table;

import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.value.IndexKey;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A table's committed rows as their encoded bytes, by primary key: point lookups and key order (scans, pages), read
 * as {@link StoredRow} views made as they are read. Integer keys (u8/u32/u64/i32/i64) are kept in {@link PagedRows}
 * (rows packed in pages, no object per row); every other key type in a hash map and a TreeMap of key objects.
 * Behaves as a map keyed by {@link IndexKey} equality and order, so a key of another variant is simply absent.
 */
sealed interface RowStore permits PagedRows, RowStore.Keyed {

    /** The row's bytes (the caller's to keep), or null. */
    byte[] get(IndexKey pk);

    /** Adds or replaces the row of {@code pk}. */
    void put(IndexKey pk, byte[] encoded);

    void remove(IndexKey pk);

    /**
     * Adds or replaces the row of {@code pk} from {@code buf[off, off + len)} (a bulk load, which copies it); returns
     * whether a row of that key was replaced.
     */
    boolean load(IndexKey pk, byte[] buf, int off, int len);

    int size();

    Iterator<StoredRow> all();

    /** The rows with keys after {@code pk} ({@code inclusive}: from it), in key order. */
    Iterator<StoredRow> from(IndexKey pk, boolean inclusive);

    /**
     * Announces a bulk load of about {@code rows} rows into an empty store (recovery): the store may take the rows
     * {@link #load}ed until {@link #endLoad} without making them findable (any other call ends the load first).
     */
    default void beginLoad(int rows) {}

    /** Ends what {@link #beginLoad} started; returns whether a key was loaded more than once (the last row won). */
    default boolean endLoad() {
        return false;
    }

    static RowStore forType(IntersticeType pkType) {
        IntegerKeys keys = IntegerKeys.forType(pkType, false);
        return keys == null ? new Keyed() : new PagedRows(keys);
    }

    /** Any key type: a hash map for lookups beside a TreeMap for order, both holding the same arrays. */
    final class Keyed implements RowStore {
        private final HashMap<IndexKey, byte[]> byKey = new HashMap<>();
        private final TreeMap<IndexKey, byte[]> ordered = new TreeMap<>();

        @Override
        public byte[] get(IndexKey pk) {
            return byKey.get(pk); // never written to: a change puts another array
        }

        @Override
        public void put(IndexKey pk, byte[] encoded) {
            byKey.put(pk, encoded);
            ordered.put(pk, encoded);
        }

        @Override
        public boolean load(IndexKey pk, byte[] buf, int off, int len) {
            byte[] encoded = java.util.Arrays.copyOfRange(buf, off, off + len);
            ordered.put(pk, encoded);
            return byKey.put(pk, encoded) != null;
        }

        @Override
        public void remove(IndexKey pk) {
            byKey.remove(pk);
            ordered.remove(pk);
        }

        @Override
        public int size() {
            return byKey.size();
        }

        @Override
        public Iterator<StoredRow> all() {
            return views(ordered);
        }

        @Override
        public Iterator<StoredRow> from(IndexKey pk, boolean inclusive) {
            return views(ordered.tailMap(pk, inclusive));
        }

        private static Iterator<StoredRow> views(Map<IndexKey, byte[]> rows) {
            Iterator<Map.Entry<IndexKey, byte[]>> it = rows.entrySet().iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public StoredRow next() {
                    var e = it.next();
                    return StoredRow.committed(e.getKey(), e.getValue());
                }
            };
        }
    }
}
