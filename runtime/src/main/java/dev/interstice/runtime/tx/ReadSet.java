package dev.interstice.runtime.tx;

import dev.interstice.abi.value.IndexKey;
import dev.interstice.runtime.table.SecondaryIndex;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.function.Predicate;

/**
 * What a speculative transaction read of committed tables: every primary key it looked up (found or absent, including
 * the keys it wrote: their committed row is the change's "before") and every unique-index key whose committed owner
 * it checked. Committed tables are read under {@code shared}, the read side of the lock a commit takes to apply its
 * rows, so a read never sees half of a commit. The transaction is still what the serial order would produce if no
 * transaction committed after it started changed any of these keys ({@link #conflicts}).
 */
public final class ReadSet {
    private record UniqueRead(Table table, SecondaryIndex index, IndexKey key) {}

    /** How long {@link #lockSpinning} spins before it parks. */
    public static final long SPIN_NANOS = 50_000;

    private final Lock shared;
    /** Per table, each key read and the committed row it had (null: none): read once, the same row every time. */
    private final Map<Table, Map<IndexKey, StoredRow>> keys = new HashMap<>();

    private final List<UniqueRead> uniques = new ArrayList<>();

    public ReadSet(Lock shared) {
        this.shared = shared;
    }

    /** The committed row of {@code pk} in {@code t} (null: none), noted; a key read before answers as it did then. */
    StoredRow get(Table t, IndexKey pk) {
        Map<IndexKey, StoredRow> read = keys.computeIfAbsent(t, k -> new HashMap<>());
        StoredRow r = read.get(pk);
        if (r != null || read.containsKey(pk)) return r;
        lock();
        try {
            r = t.get(pk);
        } finally {
            shared.unlock();
        }
        read.put(pk, r);
        return r;
    }

    /** The committed owner of {@code key} in unique index {@code ix} of {@code t}, noted. */
    IndexKey owner(Table t, SecondaryIndex ix, IndexKey key) {
        uniques.add(new UniqueRead(t, ix, key));
        lock();
        try {
            return ix.owner(key);
        } finally {
            shared.unlock();
        }
    }

    /** Whether {@code t} assigns auto_inc values (such inserts read a counter every insert changes: not validated). */
    boolean autoIncrements(Table t) {
        lock();
        try {
            return !t.autoIncCounters().isEmpty();
        } finally {
            shared.unlock();
        }
    }

    private void lock() {
        lockSpinning(shared);
    }

    /**
     * Takes {@code l}, spinning up to {@link #SPIN_NANOS} before it parks: a commit holds the locks speculations meet
     * for microseconds, while a parked thread's wake-up costs a scheduler round trip (milliseconds on a busy machine).
     */
    public static void lockSpinning(Lock l) {
        if (l.tryLock()) return;
        long until = System.nanoTime() + SPIN_NANOS;
        do {
            Thread.onSpinWait();
            if (l.tryLock()) return;
        } while (System.nanoTime() < until);
        l.lock();
    }

    /** Whether every table read passes {@code current} (the caller checks they are still the node's tables). */
    public boolean allTables(Predicate<Table> current) {
        for (Table t : keys.keySet()) if (!current.test(t)) return false;
        for (UniqueRead u : uniques) if (!current.test(u.table())) return false;
        return true;
    }

    /** Whether a commit of {@code changes} changed anything this read set read. */
    public boolean conflicts(List<RowChange> changes) {
        for (RowChange c : changes) {
            Map<IndexKey, StoredRow> read = keys.get(c.table());
            if (read != null
                    && ((c.before() != null && read.containsKey(c.before().pk()))
                            || (c.after() != null && read.containsKey(c.after().pk())))) return true;
            for (UniqueRead u : uniques) {
                if (u.table() != c.table()) continue;
                if ((c.before() != null
                                && u.key().equals(u.index().keyOf(c.before().row())))
                        || (c.after() != null
                                && u.key().equals(u.index().keyOf(c.after().row())))) return true;
            }
        }
        return false;
    }
}
