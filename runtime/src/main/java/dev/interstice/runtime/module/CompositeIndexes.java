package dev.interstice.runtime.module;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.runtime.table.CompositeIndex;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Composite indexes, our extension of the schema (docs/abi.md §4.3): ABI 6's {@code IndexSchema} names one field, so
 * a module declares an index over columns (a, b) of table t as a struct type definition named
 * {@code __interstice_index:t:a,b} whose fields are those columns (names and types, in order). No table or function
 * names such a type, so ABI-6 readers (upstream's node) keep it as an unused type and ignore it.
 */
public final class CompositeIndexes {
    /** The prefix of a composite index's type name. */
    public static final String PREFIX = "__interstice_index:";

    private CompositeIndexes() {}

    /** The composite indexes declared per table; a declaration that does not fit its table is refused. */
    public static Map<String, List<CompositeIndex>> of(ModuleSchema s) {
        var out = new LinkedHashMap<String, List<CompositeIndex>>();
        for (var e : s.typeDefinitions().entrySet()) {
            if (!e.getKey().startsWith(PREFIX)) continue;
            String where = "module '" + s.name() + "' composite index type '" + e.getKey() + "'";
            String rest = e.getKey().substring(PREFIX.length());
            int colon = rest.indexOf(':');
            if (colon < 0 || !(e.getValue() instanceof TypeDef.Struct st))
                throw new ModuleException(where + " must be a struct named " + PREFIX + "<table>:<column>,<column>...");
            String table = rest.substring(0, colon);
            TableSchema t = s.table(table)
                    .orElseThrow(
                            () -> new ModuleException(where + " names table '" + table + "', which is not declared"));
            List<String> columns = List.of(rest.substring(colon + 1).split(",", -1));
            if (columns.size() < 2) throw new ModuleException(where + " must name at least two columns");
            if (!st.fields().stream().map(FieldDef::name).toList().equals(columns))
                throw new ModuleException(where + ": its fields must be the columns " + columns + ", in that order");
            var seen = new HashSet<String>();
            for (FieldDef f : st.fields()) {
                if (!seen.add(f.name())) throw new ModuleException(where + " names column '" + f.name() + "' twice");
                IntersticeType type = columnType(t, f.name());
                if (type == null)
                    throw new ModuleException(where + ": table '" + table + "' has no column '" + f.name() + "'");
                if (!type.equals(f.type()))
                    throw new ModuleException(
                            where + ": column '" + f.name() + "' is " + type + " in the table, not " + f.type());
                if (!SchemaValidator.keyable(type, s.typeDefinitions()))
                    throw new ModuleException(
                            where + ": column '" + f.name() + "' of type " + type + " cannot be indexed");
            }
            out.computeIfAbsent(table, k -> new ArrayList<>()).add(new CompositeIndex(columns, false));
        }
        return out;
    }

    private static IntersticeType columnType(TableSchema t, String column) {
        if (t.primaryKey().name().equals(column)) return t.primaryKey().type();
        for (FieldDef f : t.fields()) if (f.name().equals(column)) return f.type();
        return null;
    }
}
