package dev.interstice.runtime.module;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.TypeDef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a new version of a module can replace the loaded one and keep its tables. A pure function of the two
 * schemas (it depends only on the ABI types, so it can move wherever the replacement is implemented).
 *
 * <p>Compatible: the same tables with the same primary key, columns (names, order, types — named types compared by
 * their definitions), auto_inc and persistence. Added tables, indexes, reducers and queries are compatible, as are
 * removed indexes and visibility changes. Breaking: a removed table, a changed key or column, a changed index
 * (e.g. made unique), a changed persistence or auto_inc. Changes to reducers and queries never break stored data but
 * are listed, since callers may depend on them.
 */
public final class SchemaDiff {
    /** {@code breaking} empty means the tables can be kept. */
    public record Result(
            String module, String fromVersion, String toVersion, List<String> breaking, List<String> changes) {
        public Result {
            breaking = List.copyOf(breaking);
            changes = List.copyOf(changes);
        }

        public boolean compatible() {
            return breaking.isEmpty();
        }

        /** A readable diff: breaking changes marked "!", other changes "~", "+" or "-". */
        public String describe() {
            var sb = new StringBuilder("module '")
                    .append(module)
                    .append("' ")
                    .append(fromVersion)
                    .append(" -> ")
                    .append(toVersion)
                    .append(
                            compatible()
                                    ? ": compatible, its tables are kept"
                                    : ": INCOMPATIBLE, its tables cannot be kept");
            for (String b : breaking) sb.append("\n  ! ").append(b);
            for (String c : changes) sb.append("\n  ").append(c);
            return sb.toString();
        }
    }

    private SchemaDiff() {}

    public static Result compare(ModuleSchema current, ModuleSchema next) {
        var breaking = new ArrayList<String>();
        var changes = new ArrayList<String>();
        if (!current.name().equals(next.name()))
            breaking.add("module name changed from '" + current.name() + "' to '" + next.name() + "'");
        var types = new TypeComparison(current.typeDefinitions(), next.typeDefinitions());

        for (TableSchema t : current.tables()) {
            TableSchema n = next.table(t.name()).orElse(null);
            if (n == null) {
                breaking.add("table '" + t.name() + "' removed (its rows would be lost)");
                continue;
            }
            String where = "table '" + t.name() + "'";
            if (!t.primaryKey().name().equals(n.primaryKey().name()))
                breaking.add(where + ": primary key renamed '" + t.primaryKey().name() + "' -> '"
                        + n.primaryKey().name() + "'");
            String pk = types.differ(t.primaryKey().type(), n.primaryKey().type());
            if (pk != null)
                breaking.add(where + ": primary key '" + t.primaryKey().name() + "' changed type " + pk);
            if (t.primaryKeyAutoInc() != n.primaryKeyAutoInc())
                breaking.add(where + ": primary key auto_inc " + (n.primaryKeyAutoInc() ? "added" : "removed"));
            compareColumns(where, t.fields(), n.fields(), types, breaking);
            if (t.persistence() != n.persistence())
                breaking.add(where + ": persistence changed " + t.persistence() + " -> " + n.persistence());
            if (t.visibility() != n.visibility())
                changes.add("~ " + where + ": visibility " + t.visibility() + " -> " + n.visibility());
            if (!t.typeName().equals(n.typeName()))
                changes.add("~ " + where + ": row type renamed '" + t.typeName() + "' -> '" + n.typeName() + "'");
            for (IndexSchema i : t.indexes()) {
                IndexSchema ni = n.indexes().stream()
                        .filter(x -> x.field().equals(i.field()))
                        .findFirst()
                        .orElse(null);
                if (ni == null) changes.add("- " + where + ": index on '" + i.field() + "' removed");
                else if (!ni.equals(i))
                    breaking.add(where + ": index on '" + i.field() + "' changed " + index(i) + " -> " + index(ni));
            }
            for (IndexSchema ni : n.indexes())
                if (t.indexes().stream().noneMatch(x -> x.field().equals(ni.field())))
                    changes.add("+ " + where + ": index " + index(ni) + " on '" + ni.field() + "' added"
                            + (ni.unique() ? " (existing rows must be unique on it)" : ""));
        }
        for (TableSchema n : next.tables())
            if (current.table(n.name()).isEmpty()) changes.add("+ table '" + n.name() + "' added");

        for (ReducerSchema r : current.reducers()) {
            ReducerSchema n = next.reducer(r.name()).orElse(null);
            if (n == null) changes.add("- reducer '" + r.name() + "' removed");
            else if (!signature(r.arguments()).equals(signature(n.arguments())))
                changes.add("~ reducer '" + r.name() + "' arguments " + signature(r.arguments()) + " -> "
                        + signature(n.arguments()));
        }
        for (ReducerSchema n : next.reducers())
            if (current.reducer(n.name()).isEmpty()) changes.add("+ reducer '" + n.name() + "' added");
        for (QuerySchema q : current.queries()) {
            QuerySchema n = next.query(q.name()).orElse(null);
            if (n == null) changes.add("- query '" + q.name() + "' removed");
            else if (!signature(q.arguments()).equals(signature(n.arguments()))
                    || !q.returnType().equals(n.returnType()))
                changes.add("~ query '" + q.name() + "' " + signature(q.arguments()) + " -> " + q.returnType()
                        + " became " + signature(n.arguments()) + " -> " + n.returnType());
        }
        for (QuerySchema n : next.queries())
            if (current.query(n.name()).isEmpty()) changes.add("+ query '" + n.name() + "' added");
        if (current.visibility() != next.visibility())
            changes.add("~ module visibility " + current.visibility() + " -> " + next.visibility());
        return new Result(
                current.name(), current.version().toString(), next.version().toString(), breaking, changes);
    }

    private static void compareColumns(
            String where, List<FieldDef> cur, List<FieldDef> next, TypeComparison types, List<String> breaking) {
        for (int i = 0; i < cur.size(); i++) {
            FieldDef f = cur.get(i);
            int j = indexOf(next, f.name());
            if (j < 0) {
                breaking.add(where + ": column '" + f.name() + "' removed");
                continue;
            }
            if (j != i)
                breaking.add(where + ": column '" + f.name() + "' moved from position " + (i + 1) + " to " + (j + 1));
            String d = types.differ(f.type(), next.get(j).type());
            if (d != null) breaking.add(where + ": column '" + f.name() + "' changed type " + d);
        }
        for (FieldDef f : next)
            if (indexOf(cur, f.name()) < 0)
                breaking.add(where + ": column '" + f.name() + "' added (existing rows have no value for it)");
    }

    private static int indexOf(List<FieldDef> fields, String name) {
        for (int i = 0; i < fields.size(); i++) if (fields.get(i).name().equals(name)) return i;
        return -1;
    }

    private static String index(IndexSchema i) {
        return (i.unique() ? "unique " : "")
                + i.type().name().toLowerCase(java.util.Locale.ROOT)
                + (i.autoInc() ? " auto_inc" : "");
    }

    private static String signature(List<FieldDef> args) {
        var parts = new ArrayList<String>();
        for (FieldDef a : args) parts.add(a.name() + ": " + a.type());
        return "(" + String.join(", ", parts) + ")";
    }

    /** Structural comparison of types of two schemas, named types through each schema's definitions. */
    static final class TypeComparison {
        private final Map<String, TypeDef> left;
        private final Map<String, TypeDef> right;
        private final Set<String> assumedEqual = new HashSet<>();

        TypeComparison(Map<String, TypeDef> left, Map<String, TypeDef> right) {
            this.left = left;
            this.right = right;
        }

        /** Null if the types are the same, else "a -> b" with the reason. */
        String differ(IntersticeType a, IntersticeType b) {
            String why = reason(a, b);
            return why == null ? null : a + " -> " + b + (why.isEmpty() ? "" : " (" + why + ")");
        }

        private String reason(IntersticeType a, IntersticeType b) {
            if (a instanceof IntersticeType.Named na && b instanceof IntersticeType.Named nb) {
                if (!na.name().equals(nb.name())) return "";
                if (!assumedEqual.add(na.name())) return null; // recursive type: equal unless shown otherwise
                return defs(na.name(), left.get(na.name()), right.get(nb.name()));
            }
            if (a.tag() != b.tag()) return "";
            return switch (a) {
                case IntersticeType.Primitive p -> p.equals(b) ? null : "";
                case IntersticeType.Vec v -> reason(v.element(), ((IntersticeType.Vec) b).element());
                case IntersticeType.Option o -> reason(o.inner(), ((IntersticeType.Option) b).inner());
                case IntersticeType.Tuple t -> {
                    var u = (IntersticeType.Tuple) b;
                    if (t.elements().size() != u.elements().size()) yield "";
                    for (int i = 0; i < t.elements().size(); i++) {
                        String r = reason(t.elements().get(i), u.elements().get(i));
                        if (r != null) yield r;
                    }
                    yield null;
                }
                case IntersticeType.Named n -> "";
            };
        }

        private String defs(String name, TypeDef a, TypeDef b) {
            if (a == null && b == null) return null;
            if (a == null || b == null) return "type " + name + (a == null ? " now defined" : " no longer defined");
            if (a.getClass() != b.getClass()) return "type " + name + " changed between struct and enum";
            List<FieldDef> fa = a instanceof TypeDef.Struct s ? s.fields() : ((TypeDef.Enum) a).variants();
            List<FieldDef> fb = b instanceof TypeDef.Struct s ? s.fields() : ((TypeDef.Enum) b).variants();
            String member = a instanceof TypeDef.Struct ? "field" : "variant";
            if (fa.size() != fb.size())
                return "type " + name + " has " + fb.size() + " " + member + "s instead of " + fa.size();
            for (int i = 0; i < fa.size(); i++) {
                if (!Objects.equals(fa.get(i).name(), fb.get(i).name()))
                    return "type " + name + ": " + member + " " + (i + 1) + " is '"
                            + fb.get(i).name() + "' instead of '" + fa.get(i).name() + "'";
                String r = reason(fa.get(i).type(), fb.get(i).type());
                if (r != null)
                    return "type " + name + ": " + member + " '" + fa.get(i).name() + "' changed type"
                            + (r.isEmpty() ? "" : " (" + r + ")");
            }
            return null;
        }
    }
}
