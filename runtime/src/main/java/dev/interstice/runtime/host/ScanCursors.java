package dev.interstice.runtime.host;

import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.abi.codec.ScanCodec;
import dev.interstice.runtime.exec.Frame;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.tx.TxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The scan cursors a guest instance opened with {@code interstice_scan} (docs/abi.md §4.2). A cursor belongs to the
 * call (frame) that opened it and is closed when that call ends, when it reaches its end, or by {@code Close}.
 */
final class ScanCursors {
    /** Open cursors per instance: a guest that never closes its cursors cannot pin unbounded host memory. */
    static final int MAX_OPEN = 64;
    /** Rows per page at most, whatever the guest asks for. */
    static final int MAX_PAGE_ROWS = 4096;
    /** A page stops once its rows' bytes reach this (it always holds at least one row). */
    static final int PAGE_BYTES = 256 * 1024;

    private record Cursor(Frame frame, Iterator<byte[]> rows) {}

    private final Map<Integer, Cursor> open = new HashMap<>();
    private int nextId = 1;

    int open(Frame f, Iterator<StoredRow> rows) {
        return openEncoded(f, new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public byte[] next() {
                return rows.next().encoded();
            }
        });
    }

    /** A cursor over rows already encoded (a past state, a branch's table), read as any other. */
    int openEncoded(Frame f, Iterator<byte[]> rows) {
        if (open.size() >= MAX_OPEN)
            throw new TxException("too many open scan cursors (" + MAX_OPEN + "); close the ones you no longer read");
        int id = nextId++;
        if (nextId <= 0) nextId = 1;
        open.put(id, new Cursor(f, rows));
        return id;
    }

    /** Writes the next page of cursor {@code id} into {@code out} as a {@code Page}; closes it at its end. */
    void next(Frame f, int id, int maxRows, PostcardWriter out) {
        Cursor c = cursor(f, id);
        int limit = Math.clamp(maxRows, 1, MAX_PAGE_ROWS);
        var rows = new ArrayList<byte[]>(Math.min(limit, 256));
        long bytes = 0;
        while (rows.size() < limit && bytes < PAGE_BYTES && c.rows().hasNext()) {
            byte[] r = c.rows().next();
            rows.add(r);
            bytes += r.length;
        }
        boolean done = !c.rows().hasNext();
        if (done) open.remove(id);
        ScanCodec.page(out, rows, done);
    }

    void close(Frame f, int id) {
        cursor(f, id);
        open.remove(id);
    }

    /** Closes the cursors opened by {@code f} (its call ended). */
    void closeAll(Frame f) {
        if (!open.isEmpty()) open.values().removeIf(c -> c.frame() == f);
    }

    private Cursor cursor(Frame f, int id) {
        Cursor c = open.get(id);
        if (c == null || c.frame() != f) throw new TxException("no open scan cursor " + Integer.toUnsignedString(id));
        return c;
    }
}
