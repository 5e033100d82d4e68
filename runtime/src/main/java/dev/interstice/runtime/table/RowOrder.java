package dev.interstice.runtime.table;

import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.value.IndexKey;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A table's committed rows (their encoded bytes) in primary-key order (the order of {@link IndexKey}), for scans and
 * pages; read as {@link StoredRow} views made as they are read. Integer keys are kept in a {@link LongBTree} (no
 * object per row besides its bytes; FootprintBench, docs/benchmarks.md); other keys in a TreeMap. Point lookups go
 * through the table's hash index ({@link PrimaryIndex}), not here.
 */
sealed interface RowOrder permits RowOrder.Integers, RowOrder.Keys {

    void put(IndexKey pk, byte[] encoded);

    void remove(IndexKey pk);

    Iterator<StoredRow> all();

    /** The rows with keys after {@code pk} ({@code inclusive}: from it), in key order. */
    Iterator<StoredRow> from(IndexKey pk, boolean inclusive);

    /** The B+ tree for u8/u32/u64/i32/i64 keys, a TreeMap for every other key type. */
    static RowOrder forType(IntersticeType pkType) {
        IntegerKeys keys = IntegerKeys.forType(pkType, false);
        return keys == null ? new Keys() : new Integers(keys);
    }

    /** Keys of one integer variant as longs whose signed order is the keys' order ({@link IntegerKeys}). */
    final class Integers implements RowOrder {
        private final IntegerKeys keys;
        private final LongBTree<byte[]> tree = new LongBTree<>();
        private final LongBTree.EntryView<byte[], StoredRow> view;

        Integers(IntegerKeys keys) {
            this.keys = keys;
            this.view = (k, encoded) -> StoredRow.committed(keys.key(k), encoded);
        }

        @Override
        public void put(IndexKey pk, byte[] encoded) {
            // writes are type-checked against the schema before they reach a table
            if (!keys.ours(pk)) throw new IllegalArgumentException("primary key " + pk + " is of another type");
            tree.put(IntegerKeys.ordered(pk), encoded);
        }

        @Override
        public void remove(IndexKey pk) {
            if (keys.ours(pk)) tree.remove(IntegerKeys.ordered(pk));
        }

        @Override
        public Iterator<StoredRow> all() {
            return tree.entries(view);
        }

        @Override
        public Iterator<StoredRow> from(IndexKey pk, boolean inclusive) {
            if (keys.ours(pk)) return tree.from(IntegerKeys.ordered(pk), inclusive, view);
            // a key of another type sorts before or after every row, as IndexKey orders variants
            return pk.compareTo(keys.probe()) < 0 ? all() : Collections.emptyIterator();
        }
    }

    final class Keys implements RowOrder {
        private final TreeMap<IndexKey, byte[]> map = new TreeMap<>();

        @Override
        public void put(IndexKey pk, byte[] encoded) {
            map.put(pk, encoded);
        }

        @Override
        public void remove(IndexKey pk) {
            map.remove(pk);
        }

        @Override
        public Iterator<StoredRow> all() {
            return views(map);
        }

        @Override
        public Iterator<StoredRow> from(IndexKey pk, boolean inclusive) {
            return views(map.tailMap(pk, inclusive));
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
