package dev.interstice.runtime.host;

import dev.interstice.abi.codec.HistoryCodec;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.Frame;
import dev.interstice.runtime.tx.TxException;
import java.util.List;

/**
 * What the node answers for {@code interstice_history} (docs/abi.md §4.6): a module's own tables as of a past
 * transaction, and its branches. Every method acts for the frame's module only; refusals throw {@link TxException}
 * (the guest gets {@code Err} with its message, the transaction stays intact).
 */
public interface History {
    /** A table's rows (encoded, in primary-key order) as of transaction {@code txId}, the last one at or before it. */
    record Past(long txId, List<byte[]> rows) {}

    Past asOf(Frame f, String table, long txId);

    /** Forks {@code branch} as of {@code fromTx}; answers the transaction whose state it starts from. */
    long fork(Frame f, String branch, long fromTx);

    void call(Frame f, String branch, String reducer, List<IntersticeValue> args);

    /** A table's rows as they are in {@code branch}, in primary-key order. */
    List<byte[]> branchRows(Frame f, String branch, String table);

    void discard(Frame f, String branch);

    /** Queues the merge for after the calling transaction commits; answers how many calls it will replay. */
    int merge(Frame f, String branch);

    List<HistoryCodec.Branch> branches(Frame f);

    /** The outcome of the frame module's last merge requested from a reducer, or null. */
    HistoryCodec.Merged lastMerge(Frame f);

    /** A node that offers no time travel (a module's description, tests). */
    History NONE = new History() {
        private static TxException none() {
            return new TxException("this node offers no time travel here");
        }

        @Override
        public Past asOf(Frame f, String table, long txId) {
            throw none();
        }

        @Override
        public long fork(Frame f, String branch, long fromTx) {
            throw none();
        }

        @Override
        public void call(Frame f, String branch, String reducer, List<IntersticeValue> args) {
            throw none();
        }

        @Override
        public List<byte[]> branchRows(Frame f, String branch, String table) {
            throw none();
        }

        @Override
        public void discard(Frame f, String branch) {
            throw none();
        }

        @Override
        public int merge(Frame f, String branch) {
            throw none();
        }

        @Override
        public List<HistoryCodec.Branch> branches(Frame f) {
            throw none();
        }

        @Override
        public HistoryCodec.Merged lastMerge(Frame f) {
            throw none();
        }
    };
}
