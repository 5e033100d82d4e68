package dev.interstice.network.wire;

import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.storage.Change;
import dev.interstice.storage.TableId;
import dev.interstice.storage.TxLog;
import dev.interstice.storage.TxOrigin;
import dev.interstice.storage.TxRecord;
import dev.interstice.storage.TxTrace;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of a {@link Message.LogPage}: {@code lsn txId timestampMs:i64 origin? [trace?] nChanges change*}, origin
 * = bool then {@code module reducer trigger callerNode callerModule args}, trace (type 67 only) = bool then {@code
 * parent? nCalls call*}, parent = bool then {@code traceNode traceTx parentNode parentTx}, call = {@code kind:u8 depth
 * node address module reducer}, change = {@code op:u8 (1 put, 2 delete, 3 clear) module table [key] [row]}.
 */
final class LogCodec {
    private LogCodec() {}

    private static final int PUT = 1;
    private static final int DELETE = 2;
    private static final int CLEAR = 3;

    static void write(PostcardWriter w, TxLog.Entry e, boolean traced) {
        TxRecord r = e.record();
        w.writeVarU64(e.lsn());
        w.writeVarU64(r.txId());
        w.writeI64(r.timestampMs());
        TxOrigin o = r.origin();
        w.writeBool(o != null);
        if (o != null) {
            w.writeString(o.module());
            w.writeString(o.reducer());
            w.writeString(o.trigger());
            w.writeString(o.callerNode());
            w.writeString(o.callerModule());
            bytes(w, o.args());
        }
        if (traced) writeTrace(w, r.trace());
        w.writeVarUsize(r.changes().size());
        for (Change c : r.changes()) {
            switch (c) {
                case Change.Put p -> {
                    table(w, PUT, p.table());
                    bytes(w, p.key());
                    bytes(w, p.row());
                }
                case Change.Delete d -> {
                    table(w, DELETE, d.table());
                    bytes(w, d.key());
                }
                case Change.Clear cl -> table(w, CLEAR, cl.table());
            }
        }
    }

    static List<TxLog.Entry> readAll(PostcardReader r, boolean traced) throws ProtocolException {
        int n = r.readVarUsize();
        var out = new ArrayList<TxLog.Entry>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) out.add(read(r, traced));
        return out;
    }

    private static void writeTrace(PostcardWriter w, TxTrace t) {
        w.writeBool(t != null);
        if (t == null) return;
        TxTrace.Parent p = t.parent();
        w.writeBool(p != null);
        if (p != null) {
            w.writeString(p.traceNode());
            w.writeVarU64(p.traceTx());
            w.writeString(p.node());
            w.writeVarU64(p.tx());
        }
        w.writeVarUsize(t.calls().size());
        for (TxTrace.Call c : t.calls()) {
            w.writeU8(c.kind().ordinal());
            w.writeVarU32(c.depth());
            w.writeString(c.node());
            w.writeString(c.address());
            w.writeString(c.module());
            w.writeString(c.reducer());
        }
    }

    private static TxTrace readTrace(PostcardReader r) throws ProtocolException {
        if (!r.readBool()) return null;
        TxTrace.Parent p = r.readBool()
                ? new TxTrace.Parent(r.readString(), r.readVarU64(), r.readString(), r.readVarU64())
                : null;
        int n = r.readVarUsize();
        if (n > TxTrace.MAX_CALLS + 1) throw new ProtocolException("a trace of " + n + " calls");
        var calls = new ArrayList<TxTrace.Call>(n);
        TxTrace.Kind[] kinds = TxTrace.Kind.values();
        for (int i = 0; i < n; i++) {
            int k = r.readU8();
            if (k >= kinds.length) throw new ProtocolException("unknown trace call kind " + k);
            calls.add(new TxTrace.Call(
                    kinds[k],
                    (int) Math.min(Integer.MAX_VALUE, r.readVarU32()),
                    r.readString(),
                    r.readString(),
                    r.readString(),
                    r.readString()));
        }
        return new TxTrace(p, calls);
    }

    private static TxLog.Entry read(PostcardReader r, boolean traced) throws ProtocolException {
        long lsn = r.readVarU64();
        long txId = r.readVarU64();
        long ts = r.readI64();
        TxOrigin origin = r.readBool()
                ? new TxOrigin(r.readString(), r.readString(), r.readString(), r.readString(), r.readString(), bytes(r))
                : null;
        TxTrace trace = traced ? readTrace(r) : null;
        int n = r.readVarUsize();
        var changes = new ArrayList<Change>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            int op = r.readU8();
            var table = new TableId(r.readString(), r.readString());
            changes.add(
                    switch (op) {
                        case PUT -> new Change.Put(table, bytes(r), bytes(r));
                        case DELETE -> new Change.Delete(table, bytes(r));
                        case CLEAR -> new Change.Clear(table);
                        default -> throw new ProtocolException("unknown log change " + op);
                    });
        }
        return new TxLog.Entry(lsn, new TxRecord(txId, ts, changes, origin, trace));
    }

    private static void table(PostcardWriter w, int op, TableId t) {
        w.writeU8(op);
        w.writeString(t.module());
        w.writeString(t.table());
    }

    /** After a page's records: each record's inputs ({@code n:varint (len:varint answer)*}), in order. */
    static void writeInputs(PostcardWriter w, List<TxLog.Entry> entries) {
        for (TxLog.Entry e : entries) {
            w.writeVarUsize(e.record().inputs().size());
            for (byte[] in : e.record().inputs()) bytes(w, in);
        }
    }

    /** {@code entries} with the inputs that follow them. */
    static List<TxLog.Entry> readInputs(PostcardReader r, List<TxLog.Entry> entries) throws ProtocolException {
        var out = new ArrayList<TxLog.Entry>(entries.size());
        for (TxLog.Entry e : entries) {
            int n = r.readVarUsize();
            if (n > r.remaining()) throw new ProtocolException("a record with " + n + " inputs");
            var inputs = new ArrayList<byte[]>(n);
            for (int i = 0; i < n; i++) inputs.add(bytes(r));
            TxRecord x = e.record();
            out.add(new TxLog.Entry(
                    e.lsn(), new TxRecord(x.txId(), x.timestampMs(), x.changes(), x.origin(), x.trace(), inputs)));
        }
        return out;
    }

    private static void bytes(PostcardWriter w, byte[] b) {
        w.writeVarUsize(b.length);
        w.writeRaw(b);
    }

    private static byte[] bytes(PostcardReader r) {
        return r.readBytes(r.readVarUsize());
    }
}
