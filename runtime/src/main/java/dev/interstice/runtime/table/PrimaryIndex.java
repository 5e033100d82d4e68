package dev.interstice.runtime.table;

import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import java.util.HashMap;

/**
 * A table's committed rows by primary key (hash lookup only; order lives in the table's tree). Integer keys get a
 * primitive-long map: on large tables a HashMap lookup is a chain of cache misses through node, key and boxed value.
 * Both behave as a map keyed by {@link IndexKey} equality, so a key of another variant is simply absent.
 */
sealed interface PrimaryIndex<V> permits PrimaryIndex.Hashed, PrimaryIndex.Integers {

    V get(IndexKey pk);

    void put(IndexKey pk, V value);

    void remove(IndexKey pk);

    int size();

    /** The integer map for u8/u32/u64/i32/i64 keys, a HashMap for every other key type. */
    static <V> PrimaryIndex<V> forType(IntersticeType pkType) {
        if (!(pkType instanceof IntersticeType.Primitive p)) return new Hashed<>();
        Class<? extends IntersticeValue> variant = switch (p.kind()) {
            case U8 -> IntersticeValue.U8.class;
            case U32 -> IntersticeValue.U32.class;
            case U64 -> IntersticeValue.U64.class;
            case I32 -> IntersticeValue.I32.class;
            case I64 -> IntersticeValue.I64.class;
            default -> null;
        };
        return variant == null ? new Hashed<>() : new Integers<>(variant);
    }

    final class Hashed<V> implements PrimaryIndex<V> {
        private final HashMap<IndexKey, V> map = new HashMap<>();

        @Override
        public V get(IndexKey pk) {
            return map.get(pk);
        }

        @Override
        public void put(IndexKey pk, V value) {
            map.put(pk, value);
        }

        @Override
        public void remove(IndexKey pk) {
            map.remove(pk);
        }

        @Override
        public int size() {
            return map.size();
        }
    }

    /** Keys of one integer variant, stored as a long ({@link IntegerKeys#ordered}); other variants are never present. */
    final class Integers<V> implements PrimaryIndex<V> {
        private final Class<? extends IntersticeValue> variant;
        private final LongKeyMap<V> map = new LongKeyMap<>();

        Integers(Class<? extends IntersticeValue> variant) {
            this.variant = variant;
        }

        @Override
        public V get(IndexKey pk) {
            IntersticeValue v = pk.value();
            return v.getClass() == variant ? map.get(IntegerKeys.ordered(pk)) : null;
        }

        @Override
        public void put(IndexKey pk, V value) {
            IntersticeValue v = pk.value();
            // writes are type-checked against the schema before they reach a table
            if (v.getClass() != variant)
                throw new IllegalArgumentException("primary key " + v + " is not a " + variant.getSimpleName());
            map.put(IntegerKeys.ordered(pk), value);
        }

        @Override
        public void remove(IndexKey pk) {
            IntersticeValue v = pk.value();
            if (v.getClass() == variant) map.remove(IntegerKeys.ordered(pk));
        }

        @Override
        public int size() {
            return map.size();
        }
    }
}
