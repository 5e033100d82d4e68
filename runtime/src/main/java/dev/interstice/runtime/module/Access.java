package dev.interstice.runtime.module;

import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.TableRef;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tables a reducer or query declared it touches, resolved to (module, table), with the kinds of access declared
 * for each. Checked on every table operation a guest makes, so it is two map lookups and a bit test.
 */
public final class Access {

    public enum Kind {
        READ,
        INSERT,
        UPDATE,
        DELETE
    }

    /** module -> table -> bit set of {@link Kind} ordinals. */
    private final Map<String, Map<String, Integer>> declared;
    /** Other nodes' tables declared as read ("node\0module\0table", lower case, as upstream compares them). */
    private final Set<String> remoteReads;

    private Access(Map<String, Map<String, Integer>> declared, Set<String> remoteReads) {
        this.declared = declared;
        this.remoteReads = remoteReads;
    }

    public static Access of(ReducerSchema r, String module) {
        var m = new HashMap<String, Map<String, Integer>>();
        declare(m, r.reads(), module, Kind.READ);
        declare(m, r.inserts(), module, Kind.INSERT);
        declare(m, r.updates(), module, Kind.UPDATE);
        declare(m, r.deletes(), module, Kind.DELETE);
        return new Access(m, remoteReads(r.reads()));
    }

    public static Access of(QuerySchema q, String module) {
        var m = new HashMap<String, Map<String, Integer>>();
        declare(m, q.reads(), module, Kind.READ);
        return new Access(m, remoteReads(q.reads()));
    }

    public boolean allows(Kind kind, String module, String table) {
        Map<String, Integer> tables = declared.get(module);
        Integer bits = tables == null ? null : tables.get(table);
        if (bits == null) return false;
        // a table one may write is also one may read: writes need the rows' current state
        return kind == Kind.READ || (bits & (1 << kind.ordinal())) != 0;
    }

    /**
     * Whether reading the local replica of {@code node.module.table} is declared: as upstream's SDKs declare it, a read
     * of that table on the other node ({@code TableRef} with node {@code Other(node)}).
     */
    public boolean allowsReplicaRead(String node, String module, String table) {
        return remoteReads.contains(remoteKey(node, module, table));
    }

    private static Set<String> remoteReads(List<TableRef> refs) {
        var out = new HashSet<String>();
        for (TableRef r : refs)
            if (!r.node().isCurrent() && !r.module().isCurrent())
                out.add(remoteKey(r.node().other(), r.module().other(), r.table()));
        return out;
    }

    private static String remoteKey(String node, String module, String table) {
        return (node + '\0' + module + '\0' + table).toLowerCase(java.util.Locale.ROOT);
    }

    private static void declare(Map<String, Map<String, Integer>> m, List<TableRef> refs, String module, Kind kind) {
        for (TableRef r : refs)
            if (r.node().isCurrent())
                m.computeIfAbsent(r.module().resolve(module), k -> new HashMap<>())
                        .merge(r.table(), 1 << kind.ordinal(), (a, b) -> a | b);
    }
}
