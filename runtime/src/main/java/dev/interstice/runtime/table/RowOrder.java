package dev.interstice.runtime.table;

import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import java.util.Collections;
import java.util.Iterator;
import java.util.TreeMap;

/**
 * A table's committed rows in primary-key order (the order of {@link IndexKey}), for scans and pages. Integer keys are
 * kept in a {@link LongBTree} (no object per row besides the row; FootprintBench, docs/benchmarks.md); other keys in a
 * TreeMap. Point lookups go through the table's hash index ({@link PrimaryIndex}), not here.
 */
sealed interface RowOrder permits RowOrder.Integers, RowOrder.Keys {

    void put(StoredRow row);

    void remove(IndexKey pk);

    Iterator<StoredRow> all();

    /** The rows with keys after {@code pk} ({@code inclusive}: from it), in key order. */
    Iterator<StoredRow> from(IndexKey pk, boolean inclusive);

    /** The B+ tree for u8/u32/u64/i32/i64 keys, a TreeMap for every other key type. */
    static RowOrder forType(IntersticeType pkType) {
        if (!(pkType instanceof IntersticeType.Primitive p)) return new Keys();
        return switch (p.kind()) {
            case U8 -> new Integers(new IndexKey(IntersticeValue.u8(0)));
            case U32 -> new Integers(new IndexKey(IntersticeValue.u32(0)));
            case U64 -> new Integers(new IndexKey(IntersticeValue.u64(0)));
            case I32 -> new Integers(new IndexKey(IntersticeValue.i32(0)));
            case I64 -> new Integers(new IndexKey(IntersticeValue.i64(0)));
            default -> new Keys();
        };
    }

    /** Keys of one integer variant as longs whose signed order is the keys' order (u64: sign bit flipped). */
    final class Integers implements RowOrder {
        private final IndexKey probe; // any key of the variant: how a key of another variant compares with all rows
        private final LongBTree<StoredRow> tree = new LongBTree<>();

        Integers(IndexKey probe) {
            this.probe = probe;
        }

        private boolean ours(IndexKey pk) {
            return pk.value().getClass() == probe.value().getClass();
        }

        /**
         * The key as a long in signed order (u64: raw bits with the sign bit flipped; every other variant its value):
         * distinct keys of one variant give distinct longs, so the hash index keys on it too.
         */
        static long ordered(IndexKey pk) {
            IntersticeValue v = pk.value();
            if (v instanceof IntersticeValue.U64 x) return x.value() ^ Long.MIN_VALUE;
            if (v instanceof IntersticeValue.I64 x) return x.value();
            if (v instanceof IntersticeValue.U32 x) return x.value();
            if (v instanceof IntersticeValue.I32 x) return x.value();
            if (v instanceof IntersticeValue.U8 x) return x.value();
            throw new IllegalArgumentException("not an integer key: " + v);
        }

        @Override
        public void put(StoredRow row) {
            // writes are type-checked against the schema before they reach a table
            if (!ours(row.pk())) throw new IllegalArgumentException("primary key " + row.pk() + " is of another type");
            tree.put(ordered(row.pk()), row);
        }

        @Override
        public void remove(IndexKey pk) {
            if (ours(pk)) tree.remove(ordered(pk));
        }

        @Override
        public Iterator<StoredRow> all() {
            return tree.values();
        }

        @Override
        public Iterator<StoredRow> from(IndexKey pk, boolean inclusive) {
            if (ours(pk)) return tree.from(ordered(pk), inclusive);
            // a key of another type sorts before or after every row, as IndexKey orders variants
            return pk.compareTo(probe) < 0 ? all() : Collections.emptyIterator();
        }
    }

    final class Keys implements RowOrder {
        private final TreeMap<IndexKey, StoredRow> map = new TreeMap<>();

        @Override
        public void put(StoredRow row) {
            map.put(row.pk(), row);
        }

        @Override
        public void remove(IndexKey pk) {
            map.remove(pk);
        }

        @Override
        public Iterator<StoredRow> all() {
            return map.values().iterator();
        }

        @Override
        public Iterator<StoredRow> from(IndexKey pk, boolean inclusive) {
            return map.tailMap(pk, inclusive).values().iterator();
        }
    }
}
