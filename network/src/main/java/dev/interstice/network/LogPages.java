package dev.interstice.network;

import dev.interstice.network.wire.Message;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeLog;
import dev.interstice.storage.Change;
import dev.interstice.storage.TxLog;
import dev.interstice.storage.TxOrigin;
import dev.interstice.storage.TxRecord;
import java.util.List;
import java.util.function.Predicate;

/**
 * Answers {@link Message.ReadLog}: the admin reads the whole log; a token allowing {@code rows} on a module reads the
 * records concerning that module, with only that module's changes and, for records another module started, without
 * that call's arguments.
 */
final class LogPages {
    private LogPages() {}

    /** Records in one page at most, whatever the client asks for. */
    static final int MAX_RECORDS = 1000;

    /** Bytes of changes in one page at most (a page holds at least one record). */
    static final long MAX_BYTES = 4L << 20;

    static Message.LogPage read(Permissions permissions, Permissions.Credential c, Node node, Message.ReadLog r) {
        String module = r.module().isEmpty() ? null : r.module();
        String table = r.table().isEmpty() ? null : r.table();
        boolean admin = c instanceof Permissions.Admin;
        if (module == null) permissions.requireAdmin(c, "reading the whole transaction log (not one module's)");
        if (!admin && !permissions.allows(c, Action.ROWS, module))
            throw permissions.denied(c, Action.ROWS, module, "reading the transaction log");
        Predicate<TxRecord> concerns = NodeLog.filter(module, table);
        if (r.traceTx() != 0) concerns = concerns.and(inTrace(node.id(), r.traceNode(), r.traceTx()));
        Predicate<TxRecord> wanted = concerns;
        long[] budget = {MAX_BYTES};
        List<TxLog.Entry> entries = node.readLog(
                r.fromTx(), Math.clamp(r.limit(), 1, MAX_RECORDS), rec -> wanted.test(rec) && fits(budget, rec));
        return new Message.LogPage(
                r.id(),
                admin ? entries : entries.stream().map(e -> only(e, module)).toList(),
                r.traced(),
                r.inputs() && r.traced());
    }

    /**
     * The records of the trace rooted at transaction {@code traceTx} of node {@code traceNode} (empty: this node,
     * {@code self}): that transaction and every one its trace names as its root.
     */
    static Predicate<TxRecord> inTrace(String self, String traceNode, long traceTx) {
        boolean here = traceNode.isEmpty() || traceNode.equals(self);
        return rec -> {
            var p = rec.trace() == null ? null : rec.trace().parent();
            if (p == null) return here && rec.txId() == traceTx;
            boolean rootHere = p.traceNode().isEmpty() || p.traceNode().equals(self);
            return p.traceTx() == traceTx && (here ? rootHere : p.traceNode().equals(traceNode));
        };
    }

    /** Whether the record still fits the page's byte budget (the first one always does). */
    private static boolean fits(long[] budget, TxRecord rec) {
        if (budget[0] <= 0) return false;
        for (Change ch : rec.changes()) budget[0] -= ch.recordBytes();
        return true;
    }

    private static TxLog.Entry only(TxLog.Entry e, String module) {
        TxRecord r = e.record();
        TxOrigin o = r.origin();
        if (o != null && !o.module().equals(module))
            o = new TxOrigin(o.module(), o.reducer(), o.trigger(), o.callerNode(), o.callerModule(), new byte[0]);
        List<Change> mine = r.changes().stream()
                .filter(ch -> ch.table().module().equals(module))
                .toList();
        // the module's own transactions keep their inputs; another module's are withheld, as are its arguments
        var inputs = o != null && o.module().equals(module) ? r.inputs() : List.<byte[]>of();
        return new TxLog.Entry(e.lsn(), new TxRecord(r.txId(), r.timestampMs(), mine, o, r.trace(), inputs));
    }
}
