package dev.interstice.runtime.module;

import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.TableRef;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The tables a reducer or query declared it touches, resolved to (module, table), per kind of access. */
public record Access(Set<String> reads, Set<String> inserts, Set<String> updates, Set<String> deletes) {

    public enum Kind { READ, INSERT, UPDATE, DELETE }

    public static Access of(ReducerSchema r, String module) {
        return new Access(keys(r.reads(), module), keys(r.inserts(), module), keys(r.updates(), module), keys(r.deletes(), module));
    }

    public static Access of(QuerySchema q, String module) {
        return new Access(keys(q.reads(), module), Set.of(), Set.of(), Set.of());
    }

    public boolean allows(Kind kind, String module, String table) {
        String k = key(module, table);
        return switch (kind) {
            // a table one may write is also one may read: writes need the rows' current state
            case READ -> reads.contains(k) || inserts.contains(k) || updates.contains(k) || deletes.contains(k);
            case INSERT -> inserts.contains(k);
            case UPDATE -> updates.contains(k);
            case DELETE -> deletes.contains(k);
        };
    }

    private static Set<String> keys(List<TableRef> refs, String module) {
        var out = new HashSet<String>();
        for (TableRef r : refs) if (r.node().isCurrent()) out.add(key(r.module().resolve(module), r.table()));
        return Set.copyOf(out);
    }

    private static String key(String module, String table) {
        return module + '\u0000' + table;
    }
}
