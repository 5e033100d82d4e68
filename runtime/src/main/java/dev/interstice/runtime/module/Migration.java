package dev.interstice.runtime.module;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.abi.value.ValueText;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries a {@link MigrationPlan} out on committed tables: fills the new version's tables from the old ones (the old
 * tables are only read, so a refusal or a failed hook leaves the loaded version as it was). Values that do not fit a
 * narrowed column, keys that collide after a key change and rows that break a unique index are refused naming the
 * first offending row.
 */
public final class Migration {
    private Migration() {}

    /**
     * Moves the rows of every kept table into the new version's tables {@code to} and returns the tables whose every row must be
     * written to the log (rewritten, or stored for the first time). Throws {@link ModuleException} INCOMPATIBLE.
     */
    public static List<Table> carryOver(MigrationPlan plan, Map<String, Table> from, Map<String, Table> to) {
        var logged = new ArrayList<Table>();
        for (MigrationPlan.TableStep step : plan.tableSteps().values()) {
            Table old = from.get(step.from());
            Table t = to.get(step.to());
            if (old == null || t == null) continue;
            if (step.rewrite()) rewrite(plan.module(), step, old, t);
            else {
                for (StoredRow r : old.scan()) t.load(r);
                old.autoIncCounters().forEach((col, n) -> t.autoIncCounters().merge(col, n, Math::max));
            }
            if (step.checkUnique()) checkUnique(plan.module(), t);
            if (step.log()) logged.add(t);
        }
        return logged;
    }

    private static void rewrite(String module, MigrationPlan.TableStep step, Table old, Table t) {
        String where = "module '" + module + "', table '" + step.to() + "'";
        for (StoredRow r : old.scan()) {
            Row row;
            try {
                IntersticeValue key = step.key().of(r.row());
                var entries = new ArrayList<IntersticeValue>(step.fields().size());
                for (MigrationPlan.Source s : step.fields()) entries.add(s.of(r.row()));
                row = new Row(key, entries);
            } catch (ValueConversion.Unfit e) {
                throw refused(where + ": the row with key " + ValueText.of(r.pk().value()) + " does not fit: "
                        + e.getMessage());
            }
            var pk = new IndexKey(row.primaryKey());
            StoredRow clash = t.get(pk);
            if (clash != null)
                throw refused(where + ": the rows with keys " + keyOf(clash, old, step) + " and "
                        + ValueText.of(r.pk().value()) + " would both have the key " + ValueText.of(pk.value()));
            t.load(new StoredRow(pk, row, Abi.encodeRow(row)));
        }
        // counters follow their column: the key's, or an auto_inc index's
        var oldCounters = old.autoIncCounters();
        for (var e : t.autoIncCounters().entrySet()) {
            int col = e.getKey();
            MigrationPlan.Source s = col < 0 ? step.key() : step.fields().get(col);
            Long n = s.constant() == null ? oldCounters.get(s.oldColumn()) : null;
            if (n != null && n > e.getValue()) e.setValue(n);
        }
    }

    /** The old key of a row already moved (for the message only). */
    private static Object keyOf(StoredRow moved, Table old, MigrationPlan.TableStep step) {
        if (step.key().oldColumn() < 0) return ValueText.of(moved.pk().value());
        for (StoredRow r : old.scan())
            if (step.key().of(r.row()).equals(moved.row().primaryKey())) return ValueText.of(r.pk().value());
        return ValueText.of(moved.pk().value());
    }

    private static void checkUnique(String module, Table t) {
        for (var ix : t.indexes()) {
            if (!ix.unique()) continue;
            var seen = new HashMap<IndexKey, IndexKey>();
            for (StoredRow r : t.scan()) {
                var v = new IndexKey(Table.columnValue(r.row(), ix.column()));
                IndexKey first = seen.putIfAbsent(v, r.pk());
                if (first != null)
                    throw refused("module '" + module + "': the unique index on "
                            + t.schema().name() + "."
                            + ix.schema().field() + " does not hold for the existing rows: the rows with keys "
                            + ValueText.of(first.value()) + " and " + ValueText.of(r.pk().value()) + " both have "
                            + ix.schema().field() + " = "
                            + ValueText.of(v.value()));
            }
        }
    }

    private static ModuleException refused(String message) {
        return new ModuleException(ModuleException.Kind.INCOMPATIBLE, message + "; nothing was changed");
    }
}
