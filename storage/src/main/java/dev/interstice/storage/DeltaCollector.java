package dev.interstice.storage;

import dev.interstice.abi.schema.Persistence;
import java.util.HashMap;
import java.util.Map;

/**
 * Collects the ops of the log records after a base snapshot into one {@link Delta} per table (entries point into the
 * scanned segments' arrays), checking each op against the registry it advances.
 *
 * <p>Checking op by op is equivalent to checking a whole record first: only DECLARE and DROP change the registry,
 * and they are alone in their record. A record rejected half-way has collected some ops, but then the run fails and
 * its deltas are dropped.
 */
final class DeltaCollector implements WalFormat.Visitor {
    final Registry registry;
    final Map<Integer, Delta> deltas = new HashMap<>();
    private final long baseLsn;
    private long lastTxId;
    /** Each module's newest audit chain link: the base snapshot's, advanced by the collected records. */
    final Map<String, byte[]> chainHeads = new HashMap<>();

    private boolean skip;
    private int lastNo = -1; // consecutive ops mostly touch the same table
    private Delta last;

    /** {@code registry}: a copy of the base snapshot's, advanced by the collected declarations and drops. */
    DeltaCollector(Registry registry, long baseLsn, long baseTxId) {
        this.registry = registry;
        this.baseLsn = baseLsn;
        this.lastTxId = baseTxId;
    }

    /** The highest user transaction id seen (or the base snapshot's). */
    long lastTxId() {
        return lastTxId;
    }

    @Override
    public void begin(long lsn, boolean userTx, long txId, long timestampMs) {
        skip = lsn <= baseLsn;
        if (!skip && userTx && txId > lastTxId) lastTxId = txId;
    }

    private Delta d(int no) {
        if (no != lastNo) {
            last = deltas.computeIfAbsent(no, k -> new Delta());
            lastNo = no;
        }
        return last;
    }

    @Override
    public void put(int no, byte[] buf, int keyOff, int keyLen, int rowOff, int rowLen) throws Bytes.FormatException {
        if (skip) return;
        registry.checker.put(no, buf, keyOff, keyLen, rowOff, rowLen);
        d(no).put(buf, keyOff, keyLen, rowOff, rowLen);
    }

    @Override
    public void link(String module, byte[] buf, int hashOff, int payloadOff, int hashedLen) {
        if (!skip) chainHeads.put(module, SnapshotFile.copy(buf, hashOff, AuditChain.HASH_BYTES));
    }

    @Override
    public void delete(int no, byte[] buf, int keyOff, int keyLen) throws Bytes.FormatException {
        if (skip) return;
        registry.checker.delete(no, buf, keyOff, keyLen);
        d(no).delete(buf, keyOff, keyLen);
    }

    @Override
    public void clear(int no) throws Bytes.FormatException {
        if (skip) return;
        registry.checker.clear(no);
        d(no).clear();
    }

    @Override
    public void declare(int no, Persistence mode, TableId id) throws Bytes.FormatException {
        if (skip) return;
        registry.checker.declare(no, mode, id);
        if (registry.byNo(no) == null) d(no).baseDiscarded = true;
        registry.put(new Registry.Meta(no, id, mode));
    }

    @Override
    public void drop(int no) throws Bytes.FormatException {
        if (skip) return;
        registry.checker.drop(no);
        registry.remove(no);
        deltas.remove(no);
        lastNo = -1;
    }
}
