package dev.interstice.runtime.table;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An ordered map from a primitive {@code long} (signed order) to non-null values: a B+ tree whose pages are parallel
 * arrays, leaves linked left to right. A row costs its key and a reference in a leaf (12 bytes, ~17 with the pages'
 * free room) instead of a TreeMap entry, a hash map slot and their key objects; a lookup reads about
 * log<sub>64</sub>(n) pages. Appending in key order (auto-increment keys) fills leaves completely: the rightmost
 * leaf splits unevenly. Removal merges or rebalances a page that falls under a quarter full, so deleting most rows
 * gives their memory back. Not thread-safe; iterators are valid until the next change.
 */
final class LongBTree<V> {
    static final int LEAF = 64;
    static final int INNER = 64;

    private abstract static sealed class Page permits Leaf, Inner {
        final long[] keys;
        int n;

        Page(int capacity) {
            keys = new long[capacity];
        }
    }

    private static final class Leaf extends Page {
        final Object[] values = new Object[LEAF];
        Leaf next;

        Leaf() {
            super(LEAF);
        }
    }

    /** {@code n} separator keys and {@code n + 1} children: child i holds the keys in [keys[i-1], keys[i]). */
    private static final class Inner extends Page {
        final Page[] kids = new Page[INNER + 1];

        Inner() {
            super(INNER);
        }
    }

    private Page root = new Leaf();
    private int size;

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        Page p = root;
        while (p instanceof Inner in) p = in.kids[childIndex(in, key)];
        Leaf leaf = (Leaf) p;
        int i = search(leaf.keys, leaf.n, key);
        return i >= 0 ? (V) leaf.values[i] : null;
    }

    /** Binary search among the first {@code n} keys: the index, or -(insertion point) - 1. */
    private static int search(long[] keys, int n, long key) {
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long k = keys[mid];
            if (k < key) lo = mid + 1;
            else if (k > key) hi = mid - 1;
            else return mid;
        }
        return -(lo + 1);
    }

    /** The child of {@code in} whose range holds {@code key}. */
    private static int childIndex(Inner in, long key) {
        int i = search(in.keys, in.n, key);
        return i >= 0 ? i + 1 : -i - 1;
    }

    /** Maps {@code key} to {@code value} (non-null); returns the value it replaced, or null. */
    @SuppressWarnings("unchecked")
    V put(long key, V value) {
        if (value == null) throw new NullPointerException("value");
        Object[] replaced = new Object[1];
        Page split = insert(root, key, value, replaced);
        if (split != null) {
            Inner top = new Inner();
            top.keys[0] = firstKey(split);
            top.kids[0] = root;
            top.kids[1] = split;
            top.n = 1;
            root = top;
        }
        if (replaced[0] == null) size++;
        return (V) replaced[0];
    }

    private static long firstKey(Page p) {
        while (p instanceof Inner in) p = in.kids[0];
        return p.keys[0];
    }

    /** Inserts below {@code p}; returns the new right sibling of {@code p} if it had to split, else null. */
    private static Page insert(Page p, long key, Object value, Object[] replaced) {
        if (p instanceof Leaf leaf) {
            int i = search(leaf.keys, leaf.n, key);
            if (i >= 0) {
                replaced[0] = leaf.values[i];
                leaf.values[i] = value;
                return null;
            }
            i = -i - 1;
            if (leaf.n < LEAF) {
                insertAt(leaf, i, key, value);
                return null;
            }
            // full: an append at the very end starts a new leaf (keys in order fill leaves completely), else halve
            Leaf right = new Leaf();
            int keep = i == LEAF && leaf.next == null ? LEAF : LEAF / 2;
            int move = LEAF - keep;
            System.arraycopy(leaf.keys, keep, right.keys, 0, move);
            System.arraycopy(leaf.values, keep, right.values, 0, move);
            java.util.Arrays.fill(leaf.values, keep, LEAF, null);
            leaf.n = keep;
            right.n = move;
            right.next = leaf.next;
            leaf.next = right;
            if (i <= keep && keep < LEAF) insertAt(leaf, i, key, value);
            else insertAt(right, i - keep, key, value);
            return right;
        }
        Inner in = (Inner) p;
        int c = childIndex(in, key);
        Page split = insert(in.kids[c], key, value, replaced);
        if (split == null) return null;
        long sep = firstKey(split);
        if (in.n < INNER) {
            insertChild(in, c, sep, split);
            return null;
        }
        // full inner page: split around the middle separator, which moves up (it is recomputed by firstKey)
        Inner right = new Inner();
        int keep = c == INNER && isRightmost(in) ? INNER - 1 : INNER / 2;
        // right gets keys[keep+1..] and kids[keep+1..]; keys[keep] is the separator between the two
        int moveKeys = INNER - keep - 1;
        System.arraycopy(in.keys, keep + 1, right.keys, 0, moveKeys);
        System.arraycopy(in.kids, keep + 1, right.kids, 0, moveKeys + 1);
        java.util.Arrays.fill(in.kids, keep + 1, INNER + 1, null);
        in.n = keep;
        right.n = moveKeys;
        if (c <= keep) insertChild(in, c, sep, split);
        else insertChild(right, c - keep - 1, sep, split);
        return right;
    }

    /** Whether every key of the tree beyond this page's last is absent: only ever true on the rightmost path. */
    private static boolean isRightmost(Inner in) {
        Page p = in.kids[in.n];
        while (p instanceof Inner i) p = i.kids[i.n];
        return ((Leaf) p).next == null;
    }

    private static void insertAt(Leaf leaf, int i, long key, Object value) {
        System.arraycopy(leaf.keys, i, leaf.keys, i + 1, leaf.n - i);
        System.arraycopy(leaf.values, i, leaf.values, i + 1, leaf.n - i);
        leaf.keys[i] = key;
        leaf.values[i] = value;
        leaf.n++;
    }

    /** Puts {@code kid} (whose first key is {@code sep}) right after child {@code c}. */
    private static void insertChild(Inner in, int c, long sep, Page kid) {
        System.arraycopy(in.keys, c, in.keys, c + 1, in.n - c);
        System.arraycopy(in.kids, c + 1, in.kids, c + 2, in.n - c);
        in.keys[c] = sep;
        in.kids[c + 1] = kid;
        in.n++;
    }

    /** Removes {@code key}; returns its value, or null if it was absent. */
    @SuppressWarnings("unchecked")
    V remove(long key) {
        Object[] removed = new Object[1];
        delete(root, key, removed);
        if (removed[0] == null) return null;
        size--;
        if (root instanceof Inner in && in.n == 0) root = in.kids[0]; // the tree gets one level shorter
        return (V) removed[0];
    }

    private static void delete(Page p, long key, Object[] removed) {
        if (p instanceof Leaf leaf) {
            int i = search(leaf.keys, leaf.n, key);
            if (i < 0) return;
            removed[0] = leaf.values[i];
            System.arraycopy(leaf.keys, i + 1, leaf.keys, i, leaf.n - i - 1);
            System.arraycopy(leaf.values, i + 1, leaf.values, i, leaf.n - i - 1);
            leaf.values[--leaf.n] = null;
            return;
        }
        Inner in = (Inner) p;
        int c = childIndex(in, key);
        delete(in.kids[c], key, removed);
        if (removed[0] != null) rebalance(in, c);
    }

    /** After a removal below child {@code c} of {@code in}: a child under a quarter full merges or borrows. */
    private static void rebalance(Inner in, int c) {
        Page kid = in.kids[c];
        int capacity = kid instanceof Leaf ? LEAF : INNER;
        if (kid.n >= capacity / 4 || in.n == 0) return;
        int left = c > 0 ? c - 1 : c; // merge or balance the pair (left, left + 1)
        Page a = in.kids[left];
        Page b = in.kids[left + 1];
        if (a instanceof Leaf la) balanceLeaves(in, left, la, (Leaf) b);
        else balanceInners(in, left, (Inner) a, (Inner) b);
    }

    private static void balanceLeaves(Inner parent, int left, Leaf a, Leaf b) {
        int total = a.n + b.n;
        if (total <= LEAF) { // merge b into a
            System.arraycopy(b.keys, 0, a.keys, a.n, b.n);
            System.arraycopy(b.values, 0, a.values, a.n, b.n);
            a.n = total;
            a.next = b.next;
            removeChild(parent, left + 1);
            return;
        }
        int target = total / 2; // a keeps target entries, b the rest
        if (a.n < target) {
            int move = target - a.n;
            System.arraycopy(b.keys, 0, a.keys, a.n, move);
            System.arraycopy(b.values, 0, a.values, a.n, move);
            System.arraycopy(b.keys, move, b.keys, 0, b.n - move);
            System.arraycopy(b.values, move, b.values, 0, b.n - move);
            java.util.Arrays.fill(b.values, b.n - move, b.n, null);
        } else {
            int move = a.n - target;
            System.arraycopy(b.keys, 0, b.keys, move, b.n);
            System.arraycopy(b.values, 0, b.values, move, b.n);
            System.arraycopy(a.keys, target, b.keys, 0, move);
            System.arraycopy(a.values, target, b.values, 0, move);
            java.util.Arrays.fill(a.values, target, a.n, null);
        }
        b.n = total - target;
        a.n = target;
        parent.keys[left] = b.keys[0];
    }

    private static void balanceInners(Inner parent, int left, Inner a, Inner b) {
        long sep = parent.keys[left];
        int total = a.n + 1 + b.n; // keys if the separator came down between them
        if (total <= INNER) { // merge b into a, the separator between
            a.keys[a.n] = sep;
            System.arraycopy(b.keys, 0, a.keys, a.n + 1, b.n);
            System.arraycopy(b.kids, 0, a.kids, a.n + 1, b.n + 1);
            a.n = total;
            removeChild(parent, left + 1);
            return;
        }
        // rotate through the parent until both hold about half: a gets keys up to index target of the combined run
        long[] keys = new long[total];
        Page[] kids = new Page[total + 1];
        System.arraycopy(a.keys, 0, keys, 0, a.n);
        keys[a.n] = sep;
        System.arraycopy(b.keys, 0, keys, a.n + 1, b.n);
        System.arraycopy(a.kids, 0, kids, 0, a.n + 1);
        System.arraycopy(b.kids, 0, kids, a.n + 1, b.n + 1);
        int target = total / 2; // keys[target] moves up
        java.util.Arrays.fill(a.kids, null);
        java.util.Arrays.fill(b.kids, null);
        System.arraycopy(keys, 0, a.keys, 0, target);
        System.arraycopy(kids, 0, a.kids, 0, target + 1);
        a.n = target;
        System.arraycopy(keys, target + 1, b.keys, 0, total - target - 1);
        System.arraycopy(kids, target + 1, b.kids, 0, total - target);
        b.n = total - target - 1;
        parent.keys[left] = keys[target];
    }

    /** Removes child {@code c} (c >= 1) and the separator before it. */
    private static void removeChild(Inner in, int c) {
        System.arraycopy(in.keys, c, in.keys, c - 1, in.n - c);
        System.arraycopy(in.kids, c + 1, in.kids, c, in.n - c);
        in.kids[in.n] = null;
        in.n--;
    }

    /** A value seen with its key, e.g. to make a view of the entry. */
    @FunctionalInterface
    interface EntryView<V, R> {
        R of(long key, V value);
    }

    /** The values with keys {@code >= from} ({@code inclusive}) or {@code > from}, in key order. */
    Iterator<V> from(long from, boolean inclusive) {
        return from(from, inclusive, (k, v) -> v);
    }

    /** The entries with keys {@code >= from} ({@code inclusive}) or {@code > from} in key order, as {@code view}s. */
    <R> Iterator<R> from(long from, boolean inclusive, EntryView<V, R> view) {
        Page p = root;
        while (p instanceof Inner in) p = in.kids[childIndex(in, from)];
        Leaf leaf = (Leaf) p;
        int i = search(leaf.keys, leaf.n, from);
        i = i >= 0 ? (inclusive ? i : i + 1) : -i - 1;
        return new Entries<>(leaf, i, view);
    }

    /** Every value in key order. */
    Iterator<V> values() {
        return entries((k, v) -> v);
    }

    /** Every entry in key order, as {@code view}s. */
    <R> Iterator<R> entries(EntryView<V, R> view) {
        Page p = root;
        while (p instanceof Inner in) p = in.kids[0];
        return new Entries<>((Leaf) p, 0, view);
    }

    private static final class Entries<V, R> implements Iterator<R> {
        private final EntryView<V, R> view;
        private Leaf leaf;
        private int i;

        Entries(Leaf leaf, int i, EntryView<V, R> view) {
            this.view = view;
            this.leaf = leaf;
            this.i = i;
            skip();
        }

        private void skip() {
            while (leaf != null && i >= leaf.n) {
                leaf = leaf.next;
                i = 0;
            }
        }

        @Override
        public boolean hasNext() {
            return leaf != null;
        }

        @Override
        @SuppressWarnings("unchecked")
        public R next() {
            if (leaf == null) throw new NoSuchElementException();
            R r = view.of(leaf.keys[i], (V) leaf.values[i]);
            i++;
            skip();
            return r;
        }
    }
}
