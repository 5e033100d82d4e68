package dev.interstice.network;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.SubscriptionEvent.TableEventKind;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subscribing side of one remote table: where its stream was read up to (epoch, sequence number) and a mirror
 * of the table's rows as last delivered, used to turn a snapshot after a lost connection into exactly the changes
 * missed. Mutated only by its link's delivery thread; {@link #position()} is read by the connecting thread.
 */
final class RemoteTable {
    /** What to resume after. */
    record Position(String epoch, long seq) {}

    /** A change to deliver to local subscribers. */
    record Change(TableEventKind kind, byte[] before, byte[] after) {
        List<byte[]> rows() {
            return switch (kind) {
                case INSERT -> List.of(after);
                case DELETE -> List.of(before);
                case UPDATE -> List.of(before, after);
            };
        }
    }

    final String module;
    final String table;
    /** Local names of the remote node (modules may name it differently); events are delivered under each. */
    volatile Set<String> nodeNames;

    private volatile Position position = new Position("", 0);
    /** Rows as delivered, by encoded primary key; null until the first snapshot (the baseline). */
    private Map<ByteBuffer, byte[]> mirror;
    /** The subscription id on the current connection; 0 when none is live or pending, -1 while one is being sent. */
    final java.util.concurrent.atomic.AtomicLong subscription = new java.util.concurrent.atomic.AtomicLong();
    /** After a gap: events are ignored until the next Subscribed. */
    boolean awaitingResubscribe;

    volatile boolean removed;
    /** A Subscribed reply was processed on the current connection (events flow). */
    volatile boolean synced;
    /** The last reason a subscription was refused (logged once, not at every retry). */
    volatile String lastFailure;
    /**
     * A subscription that cannot succeed by retrying (UNSUPPORTED: e.g. its snapshot is larger than this node accepts)
     * is retried with a doubling delay instead of at every refresh, so a refused snapshot is not streamed again each
     * second. {@code System.nanoTime()} before which no retry is sent, and the failures in a row behind it.
     */
    volatile long retryNotBefore;

    volatile int hopelessFailures;
    /** Some local module keeps a replica of this table (node/Replicas): its changes are applied there first. */
    volatile boolean replicated;
    /** The source's schema was checked against the replicas on the current connection. */
    volatile boolean schemaChecked;

    RemoteTable(String module, String table, Set<String> nodeNames) {
        this.module = module;
        this.table = table;
        this.nodeNames = nodeNames;
    }

    Position position() {
        return position;
    }

    String label() {
        return module + "." + table;
    }

    /** Nothing was received yet in this run: the position and mirror are as the table was created. */
    boolean fresh() {
        return mirror == null && position.epoch().isEmpty();
    }

    /** Starts from the replicas' persisted position and rows (a restarted node resumes where its replicas are). */
    void seed(String epoch, long seq, List<byte[]> rows) {
        var m = new LinkedHashMap<ByteBuffer, byte[]>(Math.max(16, rows.size() * 2));
        for (byte[] r : rows) m.put(key(r), r);
        mirror = m;
        position = new Position(epoch, seq);
    }

    /** The next subscription asks for a snapshot (its difference with the mirror is delivered, as after a resync). */
    void forceSnapshot() {
        position = new Position("", 0);
        awaitingResubscribe = true; // events of the previous subscription still queued are not applied
    }

    /** A resumed stream: nothing to deliver; events continue after max(seen, seq). */
    void resumed(String epoch, long seq) {
        long seen = epoch.equals(position.epoch()) ? Math.max(position.seq(), seq) : seq;
        position = new Position(epoch, seen);
        awaitingResubscribe = false;
    }

    /**
     * A snapshot: the first one is the baseline (nothing delivered: a subscription sees changes from then on); later
     * ones yield the changes between the mirror and the snapshot (deletes, then updates and inserts in key order).
     */
    List<Change> snapshot(String epoch, long seq, List<byte[]> rows) {
        var next = new LinkedHashMap<ByteBuffer, byte[]>(Math.max(16, rows.size() * 2));
        for (byte[] r : rows) next.put(key(r), r);
        var changes = new ArrayList<Change>();
        if (mirror != null) {
            for (var e : mirror.entrySet())
                if (!next.containsKey(e.getKey())) changes.add(new Change(TableEventKind.DELETE, e.getValue(), null));
            for (var e : next.entrySet()) {
                byte[] old = mirror.get(e.getKey());
                if (old == null) changes.add(new Change(TableEventKind.INSERT, null, e.getValue()));
                else if (!java.util.Arrays.equals(old, e.getValue()))
                    changes.add(new Change(TableEventKind.UPDATE, old, e.getValue()));
            }
        }
        mirror = next;
        position = new Position(epoch, seq);
        awaitingResubscribe = false;
        return changes;
    }

    enum Verdict {
        DELIVER,
        DUPLICATE,
        GAP
    }

    /** Checks an event's sequence number and applies it to the mirror when it is the next one. */
    Verdict event(long seq, TableEventKind kind, byte[] before, byte[] after) {
        if (awaitingResubscribe) return Verdict.DUPLICATE;
        long last = position.seq();
        if (seq <= last) return Verdict.DUPLICATE;
        if (seq != last + 1) {
            awaitingResubscribe = true;
            return Verdict.GAP;
        }
        if (mirror != null) {
            if (kind == TableEventKind.DELETE) mirror.remove(key(before));
            else {
                if (kind == TableEventKind.UPDATE) mirror.remove(key(before));
                mirror.put(key(after), after);
            }
        }
        position = new Position(position.epoch(), seq);
        return Verdict.DELIVER;
    }

    private static ByteBuffer key(byte[] row) {
        return ByteBuffer.wrap(Abi.encodeValue(Abi.decodeRow(row).primaryKey()));
    }
}
