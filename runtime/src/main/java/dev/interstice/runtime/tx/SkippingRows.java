package dev.interstice.runtime.tx;

import dev.interstice.abi.value.IndexKey;
import dev.interstice.runtime.table.StoredRow;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/** Committed rows, lazily, leaving out those whose primary key is in {@code skip} (the rows a transaction wrote). */
final class SkippingRows implements Iterator<StoredRow> {
    private final Iterator<StoredRow> rows;
    private final Set<IndexKey> skip;
    private StoredRow next;

    SkippingRows(Iterator<StoredRow> rows, Set<IndexKey> skip) {
        this.rows = rows;
        this.skip = skip;
    }

    @Override
    public boolean hasNext() {
        while (next == null && rows.hasNext()) {
            StoredRow r = rows.next();
            if (!skip.contains(r.pk())) next = r;
        }
        return next != null;
    }

    @Override
    public StoredRow next() {
        if (!hasNext()) throw new NoSuchElementException();
        StoredRow r = next;
        next = null;
        return r;
    }
}
