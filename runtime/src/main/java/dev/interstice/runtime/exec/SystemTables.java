package dev.interstice.runtime.exec;

import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.storage.TableId;
import dev.interstice.storage.TxTrace;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The node's own logged tables, written in the same log records as the transactions that change them: auto_inc
 * counters (so ids are never reused after deletes and a restart) and pending schedules (so timers survive a restart
 * and a scheduled reducer's run removes its entry atomically).
 */
public final class SystemTables {
    public static final String MODULE = "__interstice";
    public static final TableId SEQUENCES = new TableId(MODULE, "sequences");
    public static final TableId SCHEDULES = new TableId(MODULE, "schedules");
    /** Per replica (key {@link #replicaKey}): the schema it was created with, so a restart reads its rows back. */
    public static final TableId REPLICA_SCHEMAS = new TableId(MODULE, "replica_schemas");
    /** Per replica: the source stream's position (epoch, seq) its rows are at, logged with the rows it covers. */
    public static final TableId REPLICA_POSITIONS = new TableId(MODULE, "replica_positions");
    /**
     * Per module (key: its name): the SHA-256 of the code its tables' rows belong to, logged with every publish (and
     * with a migration's rewritten rows), so a restart picks the stored code the log agrees with.
     */
    public static final TableId CODE = new TableId(MODULE, "code");
    /** The content store (runtime/store, docs/store.md): the stores modules made (key: module, store id). */
    public static final TableId STORES = new TableId(MODULE, "stores");
    /** Per store: the content it holds (key: module, store, hash; row: size, time stored). */
    public static final TableId STORE_REFS = new TableId(MODULE, "store_refs");
    /** Per store: each label's content refs, oldest first (key: module, store, label). */
    public static final TableId STORE_LABELS = new TableId(MODULE, "store_labels");

    /** Per child module (key: its name): its parent, grant, revoked authorities and policy (authority/Children). */
    public static final TableId CHILDREN = new TableId(MODULE, "children");

    private SystemTables() {}

    /**
     * A pending schedule; {@code cause}: the transaction that scheduled it, as its records name it (this node "";
     * null: not known, from a log written before it was kept), so the run links to it in the trace after a restart.
     */
    public record Schedule(long seq, String module, String reducer, long dueMs, TxTrace.Parent cause) {
        public Schedule(long seq, String module, String reducer, long dueMs) {
            this(seq, module, reducer, dueMs, null);
        }
    }

    public static byte[] sequenceKey(TableId table, int column) {
        return (table.module() + '\u0000' + table.table() + '\u0000' + column).getBytes(StandardCharsets.UTF_8);
    }

    /** Inverse of {@link #sequenceKey}: module, table, column. */
    public static String[] parseSequenceKey(byte[] key) {
        return new String(key, StandardCharsets.UTF_8).split("\u0000", 3);
    }

    /** Where a replica's rows stand in its source's stream. */
    public record ReplicaPosition(String epoch, long seq) {}

    public static byte[] replicaKey(TableId replica) {
        return (replica.module() + '\u0000' + replica.table()).getBytes(StandardCharsets.UTF_8);
    }

    public static TableId parseReplicaKey(byte[] key) {
        String[] mt = new String(key, StandardCharsets.UTF_8).split("\u0000", 2);
        return new TableId(mt[0], mt[1]);
    }

    public static byte[] encodeReplicaPosition(ReplicaPosition p) {
        var w = new PostcardWriter(32);
        w.writeString(p.epoch());
        w.writeVarU64(p.seq());
        return w.toByteArray();
    }

    public static ReplicaPosition decodeReplicaPosition(byte[] row) {
        var r = new PostcardReader(row);
        return new ReplicaPosition(r.readString(), r.readVarU64());
    }

    public static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    public static long longOf(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }

    public static byte[] encodeSchedule(Schedule s) {
        var w = new PostcardWriter(64);
        w.writeString(s.module());
        w.writeString(s.reducer());
        w.writeVarU64(s.dueMs());
        if (s.cause() != null) { // absent in rows written before the cause was kept
            w.writeString(s.cause().traceNode());
            w.writeVarU64(s.cause().traceTx());
            w.writeString(s.cause().node());
            w.writeVarU64(s.cause().tx());
        }
        return w.toByteArray();
    }

    public static Schedule decodeSchedule(byte[] key, byte[] row) {
        var r = new PostcardReader(row);
        String module = r.readString();
        String reducer = r.readString();
        long due = r.readVarU64();
        var cause =
                r.atEnd() ? null : new TxTrace.Parent(r.readString(), r.readVarU64(), r.readString(), r.readVarU64());
        return new Schedule(longOf(key), module, reducer, due, cause);
    }
}
