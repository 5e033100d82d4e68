package dev.interstice.runtime.table;

import java.util.Arrays;

/**
 * Rows by integer key: an open-addressing hash (linear probing) whose slots are only the rows' {@link RowPages}
 * handles, 8 bytes each; a row's key is read from its record, and the handle's tag (low bits of the key's hash)
 * rules out almost every other row without reading its page. Filled up to 3/4 (a slot per 1.33-2.67 rows) where a
 * map of keys and values at load 1/2 spent 24-48 bytes a row. Deletion shifts later entries of the cluster back
 * (no tombstones), so probe lengths do not grow under churn. Not thread-safe.
 */
final class RowHash {
    private static final int MIN_CAPACITY = 16;
    /** 2^64 / golden ratio: Fibonacci hashing spreads sequential keys evenly over the table. */
    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;

    private final RowPages pages;
    private long[] slots;
    private int mask;
    /** 64 - log2(capacity): the product's top bits are the best mixed. */
    private int shift;

    private int size;

    RowHash(RowPages pages) {
        this.pages = pages;
        allocate(MIN_CAPACITY);
    }

    int size() {
        return size;
    }

    /** The tag a handle of {@code key} carries: low bits of the same product whose top bits pick the home slot. */
    static int tag(long key) {
        return (int) (key * GOLDEN & RowPages.TAG_MASK);
    }

    /** The slot where {@code key}'s probe starts. */
    int home(long key) {
        return (int) ((key * GOLDEN) >>> shift);
    }

    /** The slot holding {@code key}'s row, or {@code -(the free slot where it would go) - 1}. */
    int slot(long key) {
        int tag = tag(key);
        for (int i = home(key); ; i = (i + 1) & mask) {
            long h = slots[i];
            if (h == RowPages.NONE) return -i - 1;
            if (RowPages.tag(h) == tag && pages.key(h) == key) return i;
        }
    }

    /** {@code key}'s row handle, or {@link RowPages#NONE}. */
    long get(long key) {
        int i = slot(key);
        return i >= 0 ? slots[i] : RowPages.NONE;
    }

    long at(int slot) {
        return slots[slot];
    }

    /** Replaces the handle in a slot {@link #slot} found (the same key's row, moved). */
    void set(int slot, long handle) {
        slots[slot] = handle;
    }

    /**
     * Puts a new key's handle in the free slot {@link #slot} returned ({@code -slot - 1}); returns whether the hash is
     * now over 3/4 full, when the caller {@link #grow}s it.
     */
    boolean insert(int freeSlot, long handle) {
        slots[freeSlot] = handle;
        return ++size > (mask + 1) - ((mask + 1) >>> 2);
    }

    /** Removes the entry in {@code slot}. */
    void delete(int slot) {
        int hole = slot;
        // backward shift: move back each later entry of the cluster whose home is not between the hole and its slot
        for (int j = (hole + 1) & mask; slots[j] != RowPages.NONE; j = (j + 1) & mask) {
            int home = home(pages.key(slots[j]));
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = RowPages.NONE;
        size--;
    }

    /**
     * Doubles the capacity and re-inserts every row: from {@code order}'s (key, handle) pairs in key order when given
     * (it reads their leaves one after another instead of each row's page), else from the slots.
     */
    void grow(LongPairTree order) {
        resize(2 * (mask + 1), order);
    }

    /** Makes room for {@code rows} rows without growing (a bulk load that knows its count). */
    void reserve(int rows) {
        int capacity = mask + 1;
        while (rows > capacity - (capacity >>> 2) && capacity < 1 << 30) capacity *= 2;
        if (capacity > mask + 1) resize(capacity, null);
    }

    /**
     * Fills the empty hash ({@link #reserve}d for them) with {@code n} (home slot, handle) pairs of distinct keys
     * ({@link #home} of each handle's key): each goes to the first free slot from its home, as an insert would put it,
     * without reading any key back from its page.
     */
    void fill(long[] pairs, int n) {
        if (size != 0) throw new IllegalStateException("fill needs an empty hash");
        for (int i = 0; i < n; i++) {
            int s = (int) pairs[2 * i];
            while (slots[s] != RowPages.NONE) s = (s + 1) & mask;
            slots[s] = pairs[2 * i + 1];
        }
        size = n;
    }

    private void resize(int capacity, LongPairTree order) {
        long[] old = slots;
        allocate(capacity);
        if (order != null) {
            for (var c = order.from(Long.MIN_VALUE, Long.MIN_VALUE, true); c.valid(); c.advance())
                place(c.first(), c.second());
        } else {
            for (long h : old) if (h != RowPages.NONE) place(pages.key(h), h);
        }
    }

    private void place(long key, long handle) {
        int i = home(key);
        while (slots[i] != RowPages.NONE) i = (i + 1) & mask;
        slots[i] = handle;
    }

    private void allocate(int capacity) {
        slots = new long[capacity];
        Arrays.fill(slots, RowPages.NONE);
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }
}
