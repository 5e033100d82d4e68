package dev.interstice.runtime.store;

import dev.interstice.runtime.exec.Invocation;
import dev.interstice.storage.ByteKey;
import dev.interstice.storage.Change;
import dev.interstice.storage.TableId;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The content store's logged rows (stores, refs, labels: system tables of exec/SystemTables) as the running
 * transaction sees them. Committed rows are kept in memory; a transaction's writes go to an overlay that is logged with
 * it ({@link Invocation#systemChange}) and applied when it commits ({@link Invocation#atCommit}), or forgotten with it.
 * Keys are their parts joined by NUL (names and labels cannot hold one), so a prefix selects one module or store.
 * Transactions run one at a time under the execution lock, so one overlay is enough: a write from another transaction
 * replaces a dropped one's.
 */
final class StoreIndex {
    static final char SEP = '\u0000';

    private final Map<TableId, TreeMap<String, byte[]>> committed = new HashMap<>();
    private Invocation owner;
    /** The owner's writes; a null value is a delete. */
    private final Map<TableId, TreeMap<String, byte[]>> pending = new HashMap<>();

    static String key(String... parts) {
        return String.join(String.valueOf(SEP), parts);
    }

    /** Loads a table's recovered rows. */
    void recover(TableId table, Map<ByteKey, byte[]> rows) {
        var t = committed(table);
        for (var e : rows.entrySet()) t.put(new String(e.getKey().bytes(), StandardCharsets.UTF_8), e.getValue());
    }

    /** The row {@code inv} sees, or null. */
    byte[] get(Invocation inv, TableId table, String key) {
        if (inv == owner) {
            var p = pending.get(table);
            if (p != null && p.containsKey(key)) return p.get(key);
        }
        return committed(table).get(key);
    }

    /** The rows {@code inv} sees whose key starts with {@code prefix} followed by the separator, in key order. */
    NavigableMap<String, byte[]> under(Invocation inv, TableId table, String prefix) {
        String from = prefix + SEP;
        String to = prefix + (char) (SEP + 1);
        var out = new TreeMap<>(committed(table).subMap(from, to));
        if (inv == owner) {
            var p = pending.get(table);
            if (p != null)
                for (var e : p.subMap(from, to).entrySet()) {
                    if (e.getValue() == null) out.remove(e.getKey());
                    else out.put(e.getKey(), e.getValue());
                }
        }
        return out;
    }

    /** The committed rows of a table (the collector's view; no transaction runs while it reads). */
    NavigableMap<String, byte[]> committedRows(TableId table) {
        return committed(table);
    }

    void put(Invocation inv, TableId table, String key, byte[] value) {
        write(inv, table, key, value);
        inv.systemChange(new Change.Put(table, bytes(key), value));
    }

    void delete(Invocation inv, TableId table, String key) {
        write(inv, table, key, null);
        inv.systemChange(new Change.Delete(table, bytes(key)));
    }

    private void write(Invocation inv, TableId table, String key, byte[] value) {
        if (inv != owner) {
            pending.clear();
            owner = inv;
            inv.atCommit(() -> apply(inv));
        }
        pending.computeIfAbsent(table, t -> new TreeMap<>()).put(key, value);
    }

    private void apply(Invocation inv) {
        if (inv != owner) return;
        for (var e : pending.entrySet()) {
            var t = committed(e.getKey());
            for (var w : e.getValue().entrySet()) {
                if (w.getValue() == null) t.remove(w.getKey());
                else t.put(w.getKey(), w.getValue());
            }
        }
        pending.clear();
        owner = null;
    }

    private TreeMap<String, byte[]> committed(TableId table) {
        return committed.computeIfAbsent(table, t -> new TreeMap<>());
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
