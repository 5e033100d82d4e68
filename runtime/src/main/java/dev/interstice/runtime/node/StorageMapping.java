package dev.interstice.runtime.node;

import dev.interstice.abi.schema.Persistence;
import dev.interstice.runtime.exec.SystemTables;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.table.Table;
import dev.interstice.storage.ByteKey;
import dev.interstice.storage.RecoveredState;
import dev.interstice.storage.TableId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Maps modules' tables to storage tables, and recovered storage state back into tables, counters and schedules. */
final class StorageMapping {
    private StorageMapping() {}

    static Map<TableId, Persistence> declaredTables(Collection<LoadedModule> modules) {
        var out = new LinkedHashMap<TableId, Persistence>();
        out.put(SystemTables.SEQUENCES, Persistence.LOGGED);
        out.put(SystemTables.SCHEDULES, Persistence.LOGGED);
        out.put(SystemTables.REPLICA_SCHEMAS, Persistence.LOGGED);
        out.put(SystemTables.REPLICA_POSITIONS, Persistence.LOGGED);
        out.put(SystemTables.CODE, Persistence.LOGGED);
        out.put(SystemTables.STORES, Persistence.LOGGED);
        out.put(SystemTables.STORE_REFS, Persistence.LOGGED);
        out.put(SystemTables.STORE_LABELS, Persistence.LOGGED);
        out.put(SystemTables.CHILDREN, Persistence.LOGGED);
        for (LoadedModule m : modules) out.putAll(declaredTables(m));
        return out;
    }

    static Map<TableId, Persistence> declaredTables(LoadedModule m) {
        var out = new LinkedHashMap<TableId, Persistence>();
        for (Table t : m.tables().values()) {
            Persistence p = t.schema().persistence();
            if (p != Persistence.EPHEMERAL) out.put(t.id(), p);
        }
        return out;
    }

    /** Loads recovered rows and auto_inc counters into the modules' tables. */
    static void loadTables(RecoveredState state, Collection<LoadedModule> modules) {
        Map<ByteKey, byte[]> sequences = state.rows(SystemTables.SEQUENCES);
        for (LoadedModule m : modules) {
            for (Table t : m.tables().values()) {
                if (t.schema().persistence() == Persistence.EPHEMERAL) continue;
                load(t, state);
                for (var col : t.autoIncCounters().entrySet()) {
                    byte[] v = sequences.get(new ByteKey(SystemTables.sequenceKey(t.id(), col.getKey())));
                    if (v != null) col.setValue(Math.max(col.getValue(), SystemTables.longOf(v)));
                }
            }
        }
    }

    /**
     * Streams the table's recovered rows into it ({@link Table#bulkLoad}: no map of them on the way). The caller
     * {@link RecoveredState#release}s them once no one can ask for them again.
     */
    static void load(Table t, RecoveredState state) {
        Table.Loader l = t.bulkLoad(state.sizeHint(t.id()));
        state.forEachRow(t.id(), (buf, keyOff, keyLen, rowOff, rowLen) -> l.add(buf, rowOff, rowLen));
        l.finish();
    }

    /** The code system table: module name -> SHA-256 of the code its rows belong to. */
    static Map<String, byte[]> codeHashes(RecoveredState state) {
        var out = new java.util.HashMap<String, byte[]>();
        for (var e : state.rows(SystemTables.CODE).entrySet())
            out.put(new String(e.getKey().bytes(), java.nio.charset.StandardCharsets.UTF_8), e.getValue());
        return out;
    }

    static List<SystemTables.Schedule> schedules(RecoveredState state) {
        var out = new ArrayList<SystemTables.Schedule>();
        for (var e : state.rows(SystemTables.SCHEDULES).entrySet())
            out.add(SystemTables.decodeSchedule(e.getKey().bytes(), e.getValue()));
        out.sort(java.util.Comparator.comparingLong(SystemTables.Schedule::seq));
        return out;
    }
}
