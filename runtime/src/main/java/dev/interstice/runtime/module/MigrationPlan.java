package dev.interstice.runtime.module;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleDependency;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.ValueText;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a new version of a module takes over the loaded version's tables: a pure function of the two schemas, the
 * operator's {@link Options} and the other loaded modules (its dependants). Row-keeping changes are planned
 * automatically (add a column that is optional or has a zero value the operator allowed, widen a number, make a column
 * optional, reorder columns, add/drop/change an index, logged <-> stateful, add a table); every change that loses or
 * reinterprets data needs its own allowance ({@code drop-column:T.c}, {@code drop-table:T}, {@code narrow:T.c},
 * {@code primary-key:T}, {@code ephemeral:T}) and renames are declared ({@code rename-column:T.old=new},
 * {@code rename-table:old=new}). Anything else is refused with the reason. {@link Migration} carries the plan out.
 */
public final class MigrationPlan {
    /** What the operator allowed: {@code allow} holds change tokens as above; {@code zeroDefaults} fills added columns. */
    public record Options(Set<String> allow, boolean zeroDefaults) {
        public static final Options NONE = new Options(Set.of(), false);

        public Options {
            allow = Set.copyOf(allow);
        }

        boolean allows(String change) {
            return allow.contains(change);
        }
    }

    /**
     * Where a new column's values come from: old column {@code oldColumn} (-1: the old key) through {@code conversion},
     * or {@code constant} for every row.
     */
    record Source(String oldName, int oldColumn, ValueConversion conversion, IntersticeValue constant) {
        IntersticeValue of(dev.interstice.abi.value.Row old) {
            if (constant != null) return constant;
            return conversion.apply(
                    oldColumn < 0 ? old.primaryKey() : old.entries().get(oldColumn));
        }
    }

    /**
     * One kept table: its old name, whether its rows are rewritten (and how: {@code key}, {@code fields}), whether its
     * unique indexes must be checked against the rows, and whether every row must be written to the log (its encoding
     * changed, or it was not stored before).
     */
    record TableStep(
            String from,
            String to,
            boolean rewrite,
            Source key,
            List<Source> fields,
            boolean checkUnique,
            boolean log) {}

    private final String module;
    private final String fromVersion;
    private final String toVersion;
    private final List<String> steps = new ArrayList<>();
    private final List<String> refusals = new ArrayList<>();
    private final Map<String, TableStep> tables = new LinkedHashMap<>();
    private final List<String> droppedTables = new ArrayList<>();
    /** Old table -> migration reducer, for the tables whose rows a reducer migrates. */
    private final Map<String, String> migrations = new LinkedHashMap<>();
    /** New tables rebuilt by a migration reducer (they start empty) -> whether their columns differ from the old. */
    private final Map<String, Boolean> rebuilt = new LinkedHashMap<>();

    private MigrationPlan(ModuleSchema current, ModuleSchema next) {
        this.module = current.name();
        this.fromVersion = current.version().toString();
        this.toVersion = next.version().toString();
    }

    /** Plans the migration from {@code current} to {@code next}; {@code others}: the other loaded modules. */
    public static MigrationPlan of(
            ModuleSchema current, ModuleSchema next, Options options, Collection<ModuleSchema> others) {
        return of(current, next, ColumnDefaults.NONE, options, others);
    }

    /** As above; {@code defaults}: the column defaults {@code next} declares (an added column gets its default). */
    public static MigrationPlan of(
            ModuleSchema current,
            ModuleSchema next,
            ColumnDefaults defaults,
            Options options,
            Collection<ModuleSchema> others) {
        return of(current, next, defaults, MigrationReducers.NONE, options, others);
    }

    /** As above; {@code reducers}: the migration reducers {@code next} declares (they rebuild the tables they name). */
    public static MigrationPlan of(
            ModuleSchema current,
            ModuleSchema next,
            ColumnDefaults defaults,
            MigrationReducers reducers,
            Options options,
            Collection<ModuleSchema> others) {
        var plan = new MigrationPlan(current, next);
        plan.planMigrationReducers(current, next, reducers);
        if (!current.name().equals(next.name()))
            plan.refusals.add("module name changed from '" + current.name() + "' to '" + next.name() + "'");
        var renamedFrom = new LinkedHashMap<String, String>();
        var keptFrom = new java.util.HashSet<String>();
        for (String a : options.allow())
            if (a.startsWith("rename-table:") && a.contains("=")) {
                String[] r = a.substring("rename-table:".length()).split("=", 2);
                renamedFrom.put(r[1], r[0]);
            }
        for (TableSchema n : next.tables()) {
            String fromName = renamedFrom.getOrDefault(n.name(), n.name());
            TableSchema t = current.table(fromName).orElse(null);
            if (t != null && plan.migrations.containsKey(t.name())) {
                keptFrom.add(t.name());
                boolean reshaped =
                        !t.primaryKey().equals(n.primaryKey()) || !t.fields().equals(n.fields());
                plan.rebuilt.put(n.name(), reshaped);
                plan.steps.add(
                        "~ table '" + n.name() + "' rebuilt by migration reducer '" + plan.migrations.get(t.name())
                                + "' (it starts empty; the reducer is called once per old row of '" + t.name()
                                + "' in the migration's transaction)");
            } else if (t == null) plan.steps.add("+ table '" + n.name() + "' added");
            else {
                keptFrom.add(t.name());
                new TablePlanner(plan, current, next, defaults, options, t, n).plan();
            }
        }
        for (TableSchema t : current.tables()) {
            if (keptFrom.contains(t.name())) continue;
            if (plan.migrations.containsKey(t.name())) {
                plan.steps.add("- table '" + t.name() + "' dropped after migration reducer '"
                        + plan.migrations.get(t.name()) + "' has been called with each of its rows");
                plan.droppedTables.add(t.name());
            } else if (options.allows("drop-table:" + t.name())) {
                plan.steps.add("- table '" + t.name() + "' dropped with its rows (allowed)");
                plan.droppedTables.add(t.name());
            } else
                plan.refusals.add("table '" + t.name()
                        + "' removed: its rows would be lost (allow with --allow drop-table:" + t.name() + ")");
        }
        for (String c : SchemaDiff.compare(current, next).changes())
            if (c.contains("reducer '") || c.contains("query '") || c.contains("module visibility")) plan.steps.add(c);
        plan.checkDependants(current, next, others);
        return plan;
    }

    public String module() {
        return module;
    }

    /** Checks the declared migration reducers against the loaded version's tables; the valid ones are planned. */
    private void planMigrationReducers(ModuleSchema current, ModuleSchema next, MigrationReducers reducers) {
        reducers.byTable().forEach((table, reducer) -> {
            TableSchema old = current.table(table).orElse(null);
            if (old == null) {
                refusals.add("migration reducer '" + reducer + "' is declared for table '" + table + "', which version "
                        + fromVersion + " does not have");
                return;
            }
            String why = MigrationReducers.mismatch(old, next.reducer(reducer).orElseThrow(), next);
            if (why != null)
                refusals.add("migration reducer '" + reducer + "' cannot take the old rows of table '" + table + "': "
                        + why);
            else migrations.put(table, reducer);
        });
    }

    /** Old table -> the reducer each of its rows is passed to, in the migration's transaction. */
    public Map<String, String> migrations() {
        return java.util.Collections.unmodifiableMap(migrations);
    }

    /** New tables a migration reducer rebuilds: they start empty. */
    public List<String> rebuiltTables() {
        return List.copyOf(rebuilt.keySet());
    }

    /** No refusals: the plan can be carried out. */
    public boolean allowed() {
        return refusals.isEmpty();
    }

    public List<String> steps() {
        return List.copyOf(steps);
    }

    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    /** Kept tables (by new name) whose rows are rewritten. */
    public List<String> rewrittenTables() {
        return tables.values().stream()
                .filter(TableStep::rewrite)
                .map(TableStep::to)
                .toList();
    }

    /** Old tables whose rows are dropped (allowed, or renamed away: their rows moved). */
    public List<String> droppedTables() {
        var out = new ArrayList<>(droppedTables);
        for (TableStep s : tables.values()) if (!s.from().equals(s.to())) out.add(s.from());
        return out;
    }

    Map<String, TableStep> tableSteps() {
        return tables;
    }

    /** A readable plan: "!" refusals, then the steps ("+", "-", "~"). */
    public String describe() {
        var sb = new StringBuilder("migration plan for module '")
                .append(module)
                .append("' ")
                .append(fromVersion)
                .append(" -> ")
                .append(toVersion)
                .append(allowed() ? ":" : ": REFUSED, nothing was changed:");
        for (String r : refusals) sb.append("\n  ! ").append(r);
        if (!refusals.isEmpty())
            sb.append("\n  (or let a migration reducer convert a table's rows: @reducer({ migrates: \"<table>\" }),"
                    + " docs/modules.md)");
        for (String s : steps) sb.append("\n  ").append(s);
        if (steps.isEmpty() && refusals.isEmpty()) sb.append("\n  (no changes: the tables are kept as they are)");
        return sb.toString();
    }

    /** Refuses changes that break a loaded module subscribing to this one's tables or depending on its reducers. */
    private void checkDependants(ModuleSchema current, ModuleSchema next, Collection<ModuleSchema> others) {
        for (ModuleSchema o : others) {
            if (o.name().equals(module)) continue;
            for (var sub : o.subscriptions()) {
                if (!(sub.event() instanceof SubscriptionEvent.Table te)
                        || !te.node().isCurrent()
                        || !te.module().equals(module)) continue;
                String why = subscriptionBreak(te.table(), next);
                if (why != null)
                    refusals.add("module '" + o.name() + "' subscribes to " + module + "." + te.table() + ", which "
                            + why + " (its reducer '" + sub.reducer() + "')");
            }
            boolean depends = o.moduleDependencies().stream()
                    .map(ModuleDependency::moduleName)
                    .anyMatch(module::equals);
            if (!depends) continue;
            for (var r : current.reducers()) {
                var nr = next.reducer(r.name());
                if (nr.isEmpty() || !nr.get().arguments().equals(r.arguments()))
                    refusals.add("module '" + o.name() + "' depends on module '" + module + "', whose reducer '"
                            + r.name() + "' this version " + (nr.isEmpty() ? "removes" : "changes"));
            }
            for (var q : current.queries()) {
                var nq = next.query(q.name());
                if (nq.isEmpty()
                        || !nq.get().arguments().equals(q.arguments())
                        || !nq.get().returnType().equals(q.returnType()))
                    refusals.add("module '" + o.name() + "' depends on module '" + module + "', whose query '"
                            + q.name() + "' this version " + (nq.isEmpty() ? "removes" : "changes"));
            }
        }
    }

    private String subscriptionBreak(String table, ModuleSchema next) {
        TableSchema n = next.table(table).orElse(null);
        if (n == null) return "this version removes";
        if (n.visibility() == Visibility.PRIVATE) return "this version makes private";
        TableStep s = tables.get(table);
        if ((s != null && s.rewrite()) || rebuilt.getOrDefault(table, false))
            return "changes its columns (its subscribers would receive rows of a new shape)";
        return null;
    }

    /** Plans one kept table. */
    private static final class TablePlanner {
        private final MigrationPlan plan;
        private final ModuleSchema current;
        private final ModuleSchema next;
        private final ColumnDefaults defaults;
        private final Options options;
        private final TableSchema t;
        private final TableSchema n;
        private final String where;
        private final Set<String> used = new java.util.HashSet<>();

        TablePlanner(
                MigrationPlan plan,
                ModuleSchema current,
                ModuleSchema next,
                ColumnDefaults defaults,
                Options options,
                TableSchema t,
                TableSchema n) {
            this.plan = plan;
            this.defaults = defaults;
            this.current = current;
            this.next = next;
            this.options = options;
            this.t = t;
            this.n = n;
            this.where = "table '" + n.name() + "'";
        }

        void plan() {
            int refusalsBefore = plan.refusals.size();
            if (!t.name().equals(n.name()))
                plan.steps.add("~ table '" + t.name() + "' renamed to '" + n.name() + "' (declared; rows moved)");
            Source key = keySource();
            boolean rewrite = !t.name().equals(n.name())
                    || key == null
                    || key.oldColumn() != -1
                    || key.conversion() != ValueConversion.IDENTITY;
            var fields = new ArrayList<Source>();
            for (int i = 0; i < n.fields().size(); i++) {
                Source s = fieldSource(n.fields().get(i));
                fields.add(s);
                if (s == null || s.oldColumn() != i || s.conversion() != ValueConversion.IDENTITY) rewrite = true;
            }
            if (n.fields().size() != t.fields().size()) rewrite = true;
            for (FieldDef f : allColumns(t)) {
                if (used.contains(f.name())) continue;
                if (options.allows("drop-column:" + n.name() + "." + f.name()))
                    plan.steps.add("- " + where + ": column '" + f.name() + "' dropped with its values (allowed)");
                else
                    plan.refusals.add(where + ": column '" + f.name() + "' removed: its values would be lost (allow"
                            + " with --allow drop-column:" + n.name() + "." + f.name() + ")");
            }
            if (t.primaryKeyAutoInc() != n.primaryKeyAutoInc())
                plan.steps.add(
                        "~ " + where + ": primary key auto_inc " + (n.primaryKeyAutoInc() ? "added" : "removed"));
            boolean indexesChanged = indexes();
            boolean log = rewrite || persistence();
            if (plan.refusals.size() == refusalsBefore)
                plan.tables.put(
                        n.name(),
                        new TableStep(t.name(), n.name(), rewrite, key, fields, indexesChanged || rewrite, log));
            if (rewrite && plan.refusals.size() == refusalsBefore)
                plan.steps.add("~ " + where + ": every row is rewritten in the migration's transaction");
        }

        private Source keySource() {
            String name = n.primaryKey().name();
            String oldName = renamedFrom(name);
            if (!oldName.equals(t.primaryKey().name())) {
                if (!options.allows("primary-key:" + n.name())) {
                    plan.refusals.add(where + ": primary key changes from '"
                            + t.primaryKey().name() + "' to '" + name
                            + "' (rows would be re-keyed; allow with --allow primary-key:" + n.name() + ")");
                    return null;
                }
                plan.steps.add("~ " + where + ": primary key changes from '"
                        + t.primaryKey().name() + "' to '" + name
                        + "' (allowed; rows re-keyed, a duplicate key is refused)");
            }
            Source s = convert(n.primaryKey(), oldName);
            if (s == null && oldColumn(oldName) == Integer.MIN_VALUE)
                plan.refusals.add(where + ": primary key '" + name + "' has no column to take its values from");
            return s;
        }

        private Source fieldSource(FieldDef f) {
            String oldName = renamedFrom(f.name());
            if (!oldName.equals(f.name()))
                plan.steps.add("~ " + where + ": column '" + oldName + "' renamed to '" + f.name() + "' (declared)");
            Source s = convert(f, oldName);
            if (s != null || oldColumn(oldName) != Integer.MIN_VALUE) return s;
            IntersticeValue declared = defaults.of(n.name(), f.name());
            if (declared != null) {
                plan.steps.add("+ " + where + ": column '" + f.name() + "' " + f.type() + " added ("
                        + ValueText.of(declared) + " in every row: the module's default)");
                return new Source(null, Integer.MIN_VALUE, null, declared);
            }
            if (f.type() instanceof IntersticeType.Option) {
                plan.steps.add("+ " + where + ": column '" + f.name() + "' " + f.type() + " added (none in every row)");
                return new Source(null, Integer.MIN_VALUE, null, IntersticeValue.Option.NONE);
            }
            IntersticeValue zero = ValueConversion.zero(f.type());
            if (options.zeroDefaults() && zero != null) {
                plan.steps.add("+ " + where + ": column '" + f.name() + "' " + f.type() + " added ("
                        + ValueText.of(zero) + " in every row: --zero-defaults)");
                return new Source(null, Integer.MIN_VALUE, null, zero);
            }
            plan.refusals.add(where + ": column '" + f.name() + "' " + f.type() + " added, and existing rows have no"
                    + " value for it (declare a default, make it optional"
                    + (zero == null
                            ? ")"
                            : ", or publish with --zero-defaults to give every row " + ValueText.of(zero) + ")"));
            return null;
        }

        /** The source old column {@code oldName} gives the new column {@code f}, or null (refused or absent). */
        private Source convert(FieldDef f, String oldName) {
            int col = oldColumn(oldName);
            if (col == Integer.MIN_VALUE) return null;
            used.add(oldName);
            IntersticeType from =
                    col < 0 ? t.primaryKey().type() : t.fields().get(col).type();
            boolean narrow = options.allows("narrow:" + n.name() + "." + f.name());
            ValueConversion c =
                    ValueConversion.between(from, f.type(), false, current.typeDefinitions(), next.typeDefinitions());
            if (c == null && narrow) {
                c = ValueConversion.between(from, f.type(), true, current.typeDefinitions(), next.typeDefinitions());
                if (c != null)
                    plan.steps.add("~ " + where + ": column '" + f.name() + "' narrowed " + from + " -> " + f.type()
                            + " (allowed; a value that does not fit is refused)");
            } else if (c != null && c != ValueConversion.IDENTITY)
                plan.steps.add("~ " + where + ": column '" + f.name() + "' widened " + from + " -> " + f.type());
            if (c == null) {
                plan.refusals.add(where + ": column '" + f.name() + "' changed type " + from + " -> " + f.type()
                        + ", which is not a widening"
                        + (ValueConversion.between(
                                                from, f.type(), true, current.typeDefinitions(), next.typeDefinitions())
                                        != null
                                ? " (allow the narrowing with --allow narrow:" + n.name() + "." + f.name() + ")"
                                : " (declare a migration reducer for table '" + t.name() + "' to convert its rows)"));
                return null;
            }
            return new Source(oldName, col, c, null);
        }

        /** -1 for the old key, its field index, or MIN_VALUE if the old table has no such column. */
        private int oldColumn(String name) {
            if (t.primaryKey().name().equals(name)) return -1;
            int i = t.fieldIndex(name);
            return i < 0 ? Integer.MIN_VALUE : i;
        }

        private String renamedFrom(String name) {
            String prefix = "rename-column:" + n.name() + ".";
            for (String a : options.allow())
                if (a.startsWith(prefix) && a.endsWith("=" + name))
                    return a.substring(prefix.length(), a.length() - name.length() - 1);
            return name;
        }

        /** Lists index changes; true if one was added or changed (its rows must be checked if unique). */
        private boolean indexes() {
            boolean changed = false;
            for (IndexSchema i : t.indexes()) {
                IndexSchema ni = n.indexes().stream()
                        .filter(x -> x.field().equals(i.field()))
                        .findFirst()
                        .orElse(null);
                if (ni == null) plan.steps.add("- " + where + ": index on '" + i.field() + "' dropped");
                else if (!ni.equals(i)) {
                    plan.steps.add("~ " + where + ": index on '" + i.field() + "' rebuilt as " + index(ni));
                    changed = true;
                }
            }
            for (IndexSchema ni : n.indexes())
                if (t.indexes().stream().noneMatch(x -> x.field().equals(ni.field()))) {
                    plan.steps.add(
                            "+ " + where + ": index " + index(ni) + " on '" + ni.field() + "' built from the rows");
                    changed = true;
                }
            return changed;
        }

        /** Plans a persistence change; true if every row must now be written to the log (it was ephemeral). */
        private boolean persistence() {
            Persistence a = t.persistence();
            Persistence b = n.persistence();
            if (a == b) return false;
            if (b == Persistence.EPHEMERAL) {
                if (options.allows("ephemeral:" + n.name()))
                    plan.steps.add("- " + where + ": made ephemeral, its stored rows are dropped (allowed)");
                else
                    plan.refusals.add(where + ": persistence " + a + " -> EPHEMERAL would drop its stored rows (allow"
                            + " with --allow ephemeral:" + n.name() + ")");
                return false;
            }
            plan.steps.add("~ " + where + ": persistence " + a + " -> " + b);
            return a == Persistence.EPHEMERAL;
        }

        private static List<FieldDef> allColumns(TableSchema s) {
            var out = new ArrayList<FieldDef>();
            out.add(s.primaryKey());
            out.addAll(s.fields());
            return out;
        }

        private static String index(IndexSchema i) {
            return (i.unique() ? "unique " : "")
                    + i.type().name().toLowerCase(java.util.Locale.ROOT)
                    + (i.autoInc() ? " auto_inc" : "");
        }
    }
}
