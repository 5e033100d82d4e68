package dev.interstice.runtime.tx;

import dev.interstice.runtime.table.StoredRow;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Committed rows (lazily, in scan order, already without the rows the transaction changed) merged with the rows the
 * transaction wrote that the scan selects (a sorted copy taken when the scan opened).
 */
final class MergedRows implements Iterator<StoredRow> {
    private final Iterator<StoredRow> committed;
    private final List<StoredRow> written;
    private final Comparator<StoredRow> order;
    private StoredRow nextCommitted;
    private int w;

    MergedRows(Iterator<StoredRow> committed, List<StoredRow> written, Comparator<StoredRow> order) {
        this.committed = committed;
        this.written = written;
        this.order = order;
        this.nextCommitted = committed.hasNext() ? committed.next() : null;
    }

    @Override
    public boolean hasNext() {
        return nextCommitted != null || w < written.size();
    }

    @Override
    public StoredRow next() {
        if (!hasNext()) throw new NoSuchElementException();
        if (nextCommitted == null || (w < written.size() && order.compare(written.get(w), nextCommitted) < 0))
            return written.get(w++);
        StoredRow r = nextCommitted;
        nextCommitted = committed.hasNext() ? committed.next() : null;
        return r;
    }
}
