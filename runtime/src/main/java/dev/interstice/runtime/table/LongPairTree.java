package dev.interstice.runtime.table;

import java.util.Arrays;

/**
 * A sorted set of {@code (long, long)} pairs (signed order, first then second): a B+ tree
 * whose pages are flat long arrays (pair i at 2i, 2i + 1), leaves linked left to right. A secondary index over an
 * integer column of a table with an integer primary key holds (column value, primary key) per row here: 16 bytes
 * (more with the pages' free room) and no object per row. A page overflowing at its end starts a new page instead of
 * halving, so pairs appended in runs fill pages completely; removal merges or rebalances a page under a quarter full. Not thread-safe; cursors are valid until the next change.
 */
final class LongPairTree {
    static final int LEAF = 64;
    static final int INNER = 64;

    private abstract static sealed class Page permits Leaf, Inner {
        final long[] keys;
        int n;

        Page(int capacity) {
            keys = new long[2 * capacity];
        }
    }

    private static final class Leaf extends Page {
        Leaf next;

        Leaf() {
            super(LEAF);
        }
    }

    /** {@code n} separator pairs and {@code n + 1} children: child i holds the pairs in [keys(i-1), keys(i)). */
    private static final class Inner extends Page {
        final Page[] kids = new Page[INNER + 1];

        Inner() {
            super(INNER);
        }
    }

    /** Reads the pairs in order from where {@link #from} placed it. */
    static final class Cursor {
        private Leaf leaf;
        private int i;

        private Cursor(Leaf leaf, int i) {
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

        /** Whether there is a current pair. */
        boolean valid() {
            return leaf != null;
        }

        long first() {
            return leaf.keys[2 * i];
        }

        long second() {
            return leaf.keys[2 * i + 1];
        }

        void advance() {
            i++;
            skip();
        }
    }

    private Page root = new Leaf();
    private int size;
    /** Whether the last insert or delete changed the set (set while it walks the tree). */
    private boolean changed;

    int size() {
        return size;
    }

    private static int compare(long[] keys, int i, long a, long b) {
        int c = Long.compare(keys[2 * i], a);
        return c != 0 ? c : Long.compare(keys[2 * i + 1], b);
    }

    /** Binary search among the first {@code n} pairs: the index, or -(insertion point) - 1. */
    private static int search(long[] keys, int n, long a, long b) {
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compare(keys, mid, a, b);
            if (c < 0) lo = mid + 1;
            else if (c > 0) hi = mid - 1;
            else return mid;
        }
        return -(lo + 1);
    }

    private static int childIndex(Inner in, long a, long b) {
        int i = search(in.keys, in.n, a, b);
        return i >= 0 ? i + 1 : -i - 1;
    }

    /** A cursor at the first pair {@code >= (a, b)} ({@code inclusive}) or {@code > (a, b)}. */
    Cursor from(long a, long b, boolean inclusive) {
        Page p = root;
        while (p instanceof Inner in) p = in.kids[childIndex(in, a, b)];
        Leaf leaf = (Leaf) p;
        int i = search(leaf.keys, leaf.n, a, b);
        i = i >= 0 ? (inclusive ? i : i + 1) : -i - 1;
        return new Cursor(leaf, i);
    }

    boolean contains(long a, long b) {
        Cursor c = from(a, b, true);
        return c.valid() && c.first() == a && c.second() == b;
    }

    /** Adds the pair; false if it was present. */
    boolean add(long a, long b) {
        changed = false;
        Page split = insert(root, a, b);
        if (split != null) {
            Inner top = new Inner();
            Leaf first = firstLeaf(split);
            top.keys[0] = first.keys[0];
            top.keys[1] = first.keys[1];
            top.kids[0] = root;
            top.kids[1] = split;
            top.n = 1;
            root = top;
        }
        if (changed) size++;
        return changed;
    }

    /**
     * Fills an empty tree with {@code n} pairs sorted ascending ({@link LongPairs#sort}; a pair equal to the one before
     * is skipped): full leaves and inner pages built bottom up, no descent per pair.
     */
    void addSorted(long[] pairs, int n) {
        if (size != 0) throw new IllegalStateException("addSorted needs an empty tree");
        if (n == 0) return;
        java.util.ArrayList<Page> level = new java.util.ArrayList<>(n / LEAF + 1);
        Leaf leaf = null;
        for (int i = 0; i < n; i++) {
            long a = pairs[2 * i];
            long b = pairs[2 * i + 1];
            if (i > 0 && a == pairs[2 * i - 2] && b == pairs[2 * i - 1]) continue;
            if (leaf == null || leaf.n == LEAF) {
                Leaf next = new Leaf();
                if (leaf != null) leaf.next = next;
                leaf = next;
                level.add(leaf);
            }
            leaf.keys[2 * leaf.n] = a;
            leaf.keys[2 * leaf.n + 1] = b;
            leaf.n++;
            size++;
        }
        while (level.size() > 1) {
            // pages of up to INNER + 1 children, spread evenly so that none is under half full
            int groups = (level.size() + INNER) / (INNER + 1);
            java.util.ArrayList<Page> up = new java.util.ArrayList<>(groups);
            for (int g = 0, from = 0; g < groups; g++) {
                int to = (int) ((long) level.size() * (g + 1) / groups);
                Inner in = new Inner();
                for (int k = from; k < to; k++) {
                    Page kid = level.get(k);
                    in.kids[k - from] = kid;
                    if (k > from) {
                        Leaf first = firstLeaf(kid);
                        in.keys[2 * (k - from - 1)] = first.keys[0];
                        in.keys[2 * (k - from - 1) + 1] = first.keys[1];
                    }
                }
                in.n = to - from - 1;
                up.add(in);
                from = to;
            }
            level = up;
        }
        root = level.getFirst();
    }

    private static Leaf firstLeaf(Page p) {
        while (p instanceof Inner in) p = in.kids[0];
        return (Leaf) p;
    }

    /** Inserts below {@code p}; returns the new right sibling of {@code p} if it had to split, else null. */
    private Page insert(Page p, long a, long b) {
        if (p instanceof Leaf leaf) {
            int i = search(leaf.keys, leaf.n, a, b);
            if (i >= 0) return null;
            changed = true;
            i = -i - 1;
            if (leaf.n < LEAF) {
                insertAt(leaf, i, a, b);
                return null;
            }
            // full: a pair after the leaf's last starts a new leaf, else halve. An index's pairs arrive in runs (one
            // per value, keys ascending) that end inside the tree, not only at its end: each run fills its leaves.
            Leaf right = new Leaf();
            int keep = i == LEAF ? LEAF : LEAF / 2;
            int move = LEAF - keep;
            System.arraycopy(leaf.keys, 2 * keep, right.keys, 0, 2 * move);
            leaf.n = keep;
            right.n = move;
            right.next = leaf.next;
            leaf.next = right;
            if (i <= keep && keep < LEAF) insertAt(leaf, i, a, b);
            else insertAt(right, i - keep, a, b);
            return right;
        }
        Inner in = (Inner) p;
        int c = childIndex(in, a, b);
        Page split = insert(in.kids[c], a, b);
        if (split == null) return null;
        Leaf first = firstLeaf(split);
        long sa = first.keys[0];
        long sb = first.keys[1];
        if (in.n < INNER) {
            insertChild(in, c, sa, sb, split);
            return null;
        }
        // full inner page: split around the middle separator, which moves up (recomputed by firstLeaf)
        Inner right = new Inner();
        int keep = c == INNER ? INNER - 1 : INNER / 2; // after the last child: as for leaves
        int moveKeys = INNER - keep - 1;
        System.arraycopy(in.keys, 2 * (keep + 1), right.keys, 0, 2 * moveKeys);
        System.arraycopy(in.kids, keep + 1, right.kids, 0, moveKeys + 1);
        Arrays.fill(in.kids, keep + 1, INNER + 1, null);
        in.n = keep;
        right.n = moveKeys;
        if (c <= keep) insertChild(in, c, sa, sb, split);
        else insertChild(right, c - keep - 1, sa, sb, split);
        return right;
    }

    private static void insertAt(Leaf leaf, int i, long a, long b) {
        System.arraycopy(leaf.keys, 2 * i, leaf.keys, 2 * i + 2, 2 * (leaf.n - i));
        leaf.keys[2 * i] = a;
        leaf.keys[2 * i + 1] = b;
        leaf.n++;
    }

    /** Puts {@code kid} (whose first pair is {@code (sa, sb)}) right after child {@code c}. */
    private static void insertChild(Inner in, int c, long sa, long sb, Page kid) {
        System.arraycopy(in.keys, 2 * c, in.keys, 2 * c + 2, 2 * (in.n - c));
        System.arraycopy(in.kids, c + 1, in.kids, c + 2, in.n - c);
        in.keys[2 * c] = sa;
        in.keys[2 * c + 1] = sb;
        in.kids[c + 1] = kid;
        in.n++;
    }

    /** Removes the pair; false if it was absent. */
    boolean remove(long a, long b) {
        changed = false;
        delete(root, a, b);
        if (!changed) return false;
        size--;
        if (root instanceof Inner in && in.n == 0) root = in.kids[0]; // the tree gets one level shorter
        return true;
    }

    private void delete(Page p, long a, long b) {
        if (p instanceof Leaf leaf) {
            int i = search(leaf.keys, leaf.n, a, b);
            if (i < 0) return;
            changed = true;
            System.arraycopy(leaf.keys, 2 * (i + 1), leaf.keys, 2 * i, 2 * (leaf.n - i - 1));
            leaf.n--;
            return;
        }
        Inner in = (Inner) p;
        int c = childIndex(in, a, b);
        delete(in.kids[c], a, b);
        if (changed) rebalance(in, c);
    }

    /** After a removal below child {@code c} of {@code in}: a child under a quarter full merges or borrows. */
    private static void rebalance(Inner in, int c) {
        Page kid = in.kids[c];
        int capacity = kid instanceof Leaf ? LEAF : INNER;
        if (kid.n >= capacity / 4 || in.n == 0) return;
        int left = c > 0 ? c - 1 : c; // merge or balance the pair (left, left + 1)
        Page x = in.kids[left];
        Page y = in.kids[left + 1];
        if (x instanceof Leaf lx) balanceLeaves(in, left, lx, (Leaf) y);
        else balanceInners(in, left, (Inner) x, (Inner) y);
    }

    private static void balanceLeaves(Inner parent, int left, Leaf x, Leaf y) {
        int total = x.n + y.n;
        if (total <= LEAF) { // merge y into x
            System.arraycopy(y.keys, 0, x.keys, 2 * x.n, 2 * y.n);
            x.n = total;
            x.next = y.next;
            removeChild(parent, left + 1);
            return;
        }
        int target = total / 2; // x keeps target pairs, y the rest
        if (x.n < target) {
            int move = target - x.n;
            System.arraycopy(y.keys, 0, x.keys, 2 * x.n, 2 * move);
            System.arraycopy(y.keys, 2 * move, y.keys, 0, 2 * (y.n - move));
        } else {
            int move = x.n - target;
            System.arraycopy(y.keys, 0, y.keys, 2 * move, 2 * y.n);
            System.arraycopy(x.keys, 2 * target, y.keys, 0, 2 * move);
        }
        y.n = total - target;
        x.n = target;
        parent.keys[2 * left] = y.keys[0];
        parent.keys[2 * left + 1] = y.keys[1];
    }

    private static void balanceInners(Inner parent, int left, Inner x, Inner y) {
        int total = x.n + 1 + y.n; // separators if the parent's came down between them
        if (total <= INNER) { // merge y into x, the parent's separator between
            x.keys[2 * x.n] = parent.keys[2 * left];
            x.keys[2 * x.n + 1] = parent.keys[2 * left + 1];
            System.arraycopy(y.keys, 0, x.keys, 2 * (x.n + 1), 2 * y.n);
            System.arraycopy(y.kids, 0, x.kids, x.n + 1, y.n + 1);
            x.n = total;
            removeChild(parent, left + 1);
            return;
        }
        // rotate through the parent until both hold about half: x gets the separators before index target
        long[] keys = new long[2 * total];
        Page[] kids = new Page[total + 1];
        System.arraycopy(x.keys, 0, keys, 0, 2 * x.n);
        keys[2 * x.n] = parent.keys[2 * left];
        keys[2 * x.n + 1] = parent.keys[2 * left + 1];
        System.arraycopy(y.keys, 0, keys, 2 * (x.n + 1), 2 * y.n);
        System.arraycopy(x.kids, 0, kids, 0, x.n + 1);
        System.arraycopy(y.kids, 0, kids, x.n + 1, y.n + 1);
        int target = total / 2; // separator target moves up
        Arrays.fill(x.kids, null);
        Arrays.fill(y.kids, null);
        System.arraycopy(keys, 0, x.keys, 0, 2 * target);
        System.arraycopy(kids, 0, x.kids, 0, target + 1);
        x.n = target;
        System.arraycopy(keys, 2 * (target + 1), y.keys, 0, 2 * (total - target - 1));
        System.arraycopy(kids, target + 1, y.kids, 0, total - target);
        y.n = total - target - 1;
        parent.keys[2 * left] = keys[2 * target];
        parent.keys[2 * left + 1] = keys[2 * target + 1];
    }

    /** Removes child {@code c} (c >= 1) and the separator before it. */
    private static void removeChild(Inner in, int c) {
        System.arraycopy(in.keys, 2 * c, in.keys, 2 * (c - 1), 2 * (in.n - c));
        System.arraycopy(in.kids, c + 1, in.kids, c, in.n - c);
        in.kids[in.n] = null;
        in.n--;
    }
}
