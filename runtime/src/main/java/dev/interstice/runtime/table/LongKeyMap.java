package dev.interstice.runtime.table;

import java.util.Objects;

/**
 * A hash map from a primitive {@code long} to a non-null value: open addressing with linear probing over parallel
 * arrays, so a lookup touches two array slots instead of chasing HashMap node -> key -> boxed value. A null value
 * marks a free slot (every long is a valid key). Deletion shifts later entries of the cluster back instead of
 * leaving tombstones, so probe lengths do not grow under delete/insert churn.
 */
final class LongKeyMap<V> {
    private static final int MIN_CAPACITY = 16;
    /** 2^64 / golden ratio: Fibonacci hashing spreads sequential keys evenly over the table. */
    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;

    private long[] keys;
    private Object[] values;
    private int mask;
    /** 64 - log2(capacity): the product's top bits are the best mixed. */
    private int shift;

    private int size;

    LongKeyMap() {
        allocate(MIN_CAPACITY);
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        for (int i = home(key); ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) return null;
            if (keys[i] == key) return (V) v;
        }
    }

    /** Returns the previous value, or null. */
    @SuppressWarnings("unchecked")
    V put(long key, V value) {
        Objects.requireNonNull(value);
        int i = home(key);
        for (; values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
        }
        keys[i] = key;
        values[i] = value;
        // keep the load at most 1/2: linear probing stays short there
        if (++size > (mask + 1) >>> 1) grow();
        return null;
    }

    /** Returns the removed value, or null. */
    @SuppressWarnings("unchecked")
    V remove(long key) {
        for (int i = home(key); ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) return null;
            if (keys[i] == key) {
                deleteAt(i);
                size--;
                return (V) v;
            }
        }
    }

    private int home(long key) {
        return (int) ((key * GOLDEN) >>> shift);
    }

    /**
     * Backward-shift deletion: walks the rest of the cluster and moves back each entry whose home is not between
     * the hole and its slot (cyclically), so every remaining entry stays reachable from its home without gaps.
     */
    private void deleteAt(int hole) {
        for (int j = (hole + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = home(keys[j]);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = null;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        allocate(oldKeys.length * 2);
        for (int k = 0; k < oldKeys.length; k++) {
            if (oldValues[k] == null) continue;
            int i = home(oldKeys[k]);
            while (values[i] != null) i = (i + 1) & mask;
            keys[i] = oldKeys[k];
            values[i] = oldValues[k];
        }
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }
}
