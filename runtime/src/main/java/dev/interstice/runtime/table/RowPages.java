package dev.interstice.runtime.table;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Rows' encoded bytes packed one after another in large {@code byte[]} pages, each row as a record {@code [key: 8
 * bytes][length: 2 bytes][the row]}, found by a {@code long} handle (page, offset, and a tag the caller chooses): no
 * array header and no reference per row. Rows of {@link #LARGE} bytes or more get a page of their own. Removing a
 * row only counts its record as dead; a page whose records are at least half dead is reported by {@link #wasteful()}
 * so its owner moves the live ones to the page being filled ({@link PagedRows#compact}) and {@link #release}s it.
 * Not thread-safe.
 */
final class RowPages {
    /** 256 KiB: under G1's humongous-object threshold (half a region) at every region size, so pages stay young-collectable. */
    static final int PAGE_BITS = 18;

    static final int PAGE = 1 << PAGE_BITS;
    /** Rows this long or longer get a page of their own (at most 1/16 of a shared page is lost at its end). */
    static final int LARGE = 1 << 14;

    static final int TAG_BITS = 20;
    static final long TAG_MASK = (1L << TAG_BITS) - 1;
    private static final int PAGE_INDEX_BITS = 64 - PAGE_BITS - TAG_BITS;
    /** The all-ones page index is never used, so no handle is -1: callers use it as "no row". */
    static final long NONE = -1L;

    private static final int MAX_PAGES = (1 << PAGE_INDEX_BITS) - 1;
    private static final int HEAD = 10;
    /** The length field of a row in a page of its own: the row is the rest of the page. */
    private static final int OWN_PAGE = 0xFFFF;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORTS =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[][] pages = new byte[16][];
    /** Bytes written into each page (its records end there). */
    private int[] used = new int[16];
    /** Bytes of each page's removed records; -1 once the page is reported wasteful. */
    private int[] dead = new int[16];
    /** Page indexes handed out; those released since are on {@link #free}. */
    private int count;

    private int[] free = new int[16];
    private int frees;
    /** The shared page rows are appended to, or -1. */
    private int current = -1;
    /** A released shared page kept for the next one, so churn does not allocate pages. */
    private byte[] spare;

    private int[] wasteful = new int[4];
    private int wastefuls;

    static int page(long handle) {
        return (int) (handle >>> (PAGE_BITS + TAG_BITS));
    }

    static int offset(long handle) {
        return (int) (handle >>> TAG_BITS) & (PAGE - 1);
    }

    static int tag(long handle) {
        return (int) (handle & TAG_MASK);
    }

    static long handle(int page, int offset, int tag) {
        return ((long) page << (PAGE_BITS + TAG_BITS)) | ((long) offset << TAG_BITS) | tag;
    }

    /** Appends {@code row} under {@code key}; returns its handle carrying {@code tag} (its low {@link #TAG_BITS}). */
    long add(long key, byte[] row, int tag) {
        return add(key, row, 0, row.length, tag);
    }

    /** {@link #add(long, byte[], int)} of the row at {@code buf[off, off + len)}. */
    long add(long key, byte[] buf, int off, int len, int tag) {
        if (len >= LARGE) {
            int p = newPage(new byte[HEAD + len]);
            write(pages[p], 0, key, OWN_PAGE, buf, off, len);
            used[p] = HEAD + len;
            return handle(p, 0, tag);
        }
        int at = reserve(HEAD + len);
        write(pages[current], at, key, len, buf, off, len);
        return handle(current, at, tag);
    }

    /** Copies a shared page's record to the page being filled; returns its new handle (same tag). */
    long move(long handle) {
        int p = page(handle);
        int from = offset(handle);
        int size = HEAD + length(handle);
        int at = reserve(size);
        System.arraycopy(pages[p], from, pages[current], at, size);
        return handle(current, at, tag(handle));
    }

    /** Room for {@code size} bytes at the end of the current page (a new one when it is full): their offset. */
    private int reserve(int size) {
        if (current < 0 || used[current] + size > PAGE) {
            int old = current;
            byte[] page = spare != null ? spare : new byte[PAGE];
            spare = null;
            current = newPage(page);
            if (old >= 0) checkWaste(old);
        }
        int at = used[current];
        used[current] = at + size;
        return at;
    }

    private static void write(byte[] page, int at, long key, int length, byte[] buf, int off, int len) {
        LONGS.set(page, at, key);
        SHORTS.set(page, at + 8, (short) length);
        System.arraycopy(buf, off, page, at + HEAD, len);
    }

    private int newPage(byte[] page) {
        int p;
        if (frees > 0) p = free[--frees];
        else {
            if (count == MAX_PAGES) throw new IllegalStateException("table too large: " + MAX_PAGES + " row pages");
            p = count++;
            if (p == pages.length) {
                int n = p * 2;
                pages = Arrays.copyOf(pages, n);
                used = Arrays.copyOf(used, n);
                dead = Arrays.copyOf(dead, n);
            }
        }
        pages[p] = page;
        used[p] = 0;
        dead[p] = 0;
        return p;
    }

    long key(long handle) {
        return (long) LONGS.get(pages[page(handle)], offset(handle));
    }

    int length(long handle) {
        byte[] page = pages[page(handle)];
        int n = Short.toUnsignedInt((short) SHORTS.get(page, offset(handle) + 8));
        return n == OWN_PAGE ? page.length - HEAD : n;
    }

    /** A copy of the row's bytes (the page's may move or be overwritten at the next change). */
    byte[] copy(long handle) {
        int at = offset(handle) + HEAD;
        return Arrays.copyOfRange(pages[page(handle)], at, at + length(handle));
    }

    /** Overwrites the row in place with {@code row}, which has the same length. */
    void overwrite(long handle, byte[] buf, int off, int len) {
        System.arraycopy(buf, off, pages[page(handle)], offset(handle) + HEAD, len);
    }

    /** Marks the row's record dead: a page of its own goes at once, a shared page may become {@link #wasteful()}. */
    void remove(long handle) {
        int p = page(handle);
        if (length(handle) >= LARGE) {
            release(p);
            return;
        }
        if (dead[p] < 0) return; // already reported; its owner compacts it
        dead[p] += HEAD + length(handle);
        if (p != current) checkWaste(p);
    }

    private void checkWaste(int p) {
        if (dead[p] >= 0 && 2 * dead[p] >= used[p]) {
            dead[p] = -1;
            if (wastefuls == wasteful.length) wasteful = Arrays.copyOf(wasteful, 2 * wastefuls);
            wasteful[wastefuls++] = p;
        }
    }

    /** A page whose records are at least half dead, to compact and {@link #release}; -1 when there is none. */
    int wasteful() {
        return wastefuls == 0 ? -1 : wasteful[--wastefuls];
    }

    /** The handles' offsets of the records in page {@code p} in order: {@code end(p)} bounds them. */
    int end(int p) {
        return used[p];
    }

    /** The offset of the record after the one at {@code at} in shared page {@code p}. */
    int next(int p, int at) {
        return at + HEAD + Short.toUnsignedInt((short) SHORTS.get(pages[p], at + 8));
    }

    /** The key of the record at {@code at} in page {@code p}. */
    long keyAt(int p, int at) {
        return (long) LONGS.get(pages[p], at);
    }

    /** Frees page {@code p}: every handle into it is invalid from now on. */
    void release(int p) {
        byte[] page = pages[p];
        if (page.length == PAGE && p != current) spare = page;
        if (p == current) current = -1;
        pages[p] = null;
        used[p] = 0;
        dead[p] = 0;
        if (frees == free.length) free = Arrays.copyOf(free, 2 * frees);
        free[frees++] = p;
    }

    /** Bytes held in pages (for tests and measurements). */
    long pageBytes() {
        long n = 0;
        for (int p = 0; p < count; p++) if (pages[p] != null) n += pages[p].length;
        return n;
    }
}
