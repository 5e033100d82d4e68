package dev.interstice.storage;

import dev.interstice.abi.schema.Persistence;
import dev.interstice.storage.Bytes.FormatException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** The set of persisted tables: number (used in log records) to table id and mode. Not thread-safe. */
final class Registry {
    record Meta(int no, TableId id, Persistence mode) {}

    private final TreeMap<Integer, Meta> byNo = new TreeMap<>();
    private final Map<TableId, Meta> byId = new HashMap<>();
    private int nextNo = 1;
    /** A table number known to exist: most ops refer to the previous op's table, this spares a TreeMap lookup each. */
    private int lastExisting = -1;

    Registry copy() {
        Registry r = new Registry();
        byNo.values().forEach(r::put);
        r.nextNo = nextNo;
        return r;
    }

    void put(Meta m) {
        Meta old = byNo.put(m.no(), m);
        if (old != null) byId.remove(old.id());
        byId.put(m.id(), m);
        nextNo = Math.max(nextNo, m.no() + 1);
    }

    Meta remove(int no) {
        if (no == lastExisting) lastExisting = -1;
        Meta old = byNo.remove(no);
        if (old != null) byId.remove(old.id());
        return old;
    }

    Meta byNo(int no) {
        return byNo.get(no);
    }

    Meta byId(TableId id) {
        return byId.get(id);
    }

    Collection<Meta> all() {
        return byNo.values();
    }

    int nextNo() {
        return nextNo;
    }

    void raiseNextNo(int n) {
        nextNo = Math.max(nextNo, n);
    }

    int allocateNo() {
        if (nextNo >= WalFormat.MAX_TABLE_NO) throw new StorageException("table numbers exhausted");
        return nextNo++;
    }

    /** Verifies that a record's table references are valid against this registry, before anything is applied. */
    final WalFormat.Visitor checker = new WalFormat.Visitor() {
        @Override
        public void begin(long lsn, boolean userTx, long txId, long timestampMs) {}

        private void exists(int no) throws FormatException {
            if (no == lastExisting) return;
            if (!byNo.containsKey(no)) throw new FormatException("record refers to unknown table number " + no);
            lastExisting = no;
        }

        @Override
        public void put(int tableNo, byte[] buf, int keyOff, int keyLen, int rowOff, int rowLen)
                throws FormatException {
            exists(tableNo);
        }

        @Override
        public void delete(int tableNo, byte[] buf, int keyOff, int keyLen) throws FormatException {
            exists(tableNo);
        }

        @Override
        public void clear(int tableNo) throws FormatException {
            exists(tableNo);
        }

        @Override
        public void declare(int tableNo, Persistence mode, TableId id) throws FormatException {
            Meta m = byNo.get(tableNo);
            if (m != null && !m.id().equals(id))
                throw new FormatException("table number " + tableNo + " redeclared as " + id + " (was " + m.id() + ")");
            Meta other = byId.get(id);
            if (other != null && other.no() != tableNo)
                throw new FormatException("table " + id + " declared as number " + tableNo + " but is " + other.no());
        }

        @Override
        public void drop(int tableNo) throws FormatException {
            exists(tableNo);
        }
    };
}
