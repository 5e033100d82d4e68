package dev.interstice.network.wire;

import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.storage.Change;
import dev.interstice.storage.TableId;
import dev.interstice.storage.TxLog;
import dev.interstice.storage.TxOrigin;
import dev.interstice.storage.TxRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of a {@link Message.LogPage}: {@code lsn txId timestampMs:i64 origin? nChanges change*}, origin = bool
 * then {@code module reducer trigger callerNode callerModule args}, change = {@code op:u8 (1 put, 2 delete, 3 clear)
 * module table [key] [row]}.
 */
final class LogCodec {
    private LogCodec() {}

    private static final int PUT = 1;
    private static final int DELETE = 2;
    private static final int CLEAR = 3;

    static void write(PostcardWriter w, TxLog.Entry e) {
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

    static List<TxLog.Entry> readAll(PostcardReader r) throws ProtocolException {
        int n = r.readVarUsize();
        var out = new ArrayList<TxLog.Entry>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) out.add(read(r));
        return out;
    }

    private static TxLog.Entry read(PostcardReader r) throws ProtocolException {
        long lsn = r.readVarU64();
        long txId = r.readVarU64();
        long ts = r.readI64();
        TxOrigin origin = r.readBool()
                ? new TxOrigin(r.readString(), r.readString(), r.readString(), r.readString(), r.readString(), bytes(r))
                : null;
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
        return new TxLog.Entry(lsn, new TxRecord(txId, ts, changes, origin));
    }

    private static void table(PostcardWriter w, int op, TableId t) {
        w.writeU8(op);
        w.writeString(t.module());
        w.writeString(t.table());
    }

    private static void bytes(PostcardWriter w, byte[] b) {
        w.writeVarUsize(b.length);
        w.writeRaw(b);
    }

    private static byte[] bytes(PostcardReader r) {
        return r.readBytes(r.readVarUsize());
    }
}
