package dev.interstice.runtime.exec;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.module.TableViews;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Which committed rows a table's view admits for a viewer (module/TableViews); a view that fails admits nothing. */
final class TableViewGate {
    private static final Logger log = LoggerFactory.getLogger(TableViewGate.class);

    /** Runs view query {@code query} of {@code m} on {@code row} for {@code requester}: whether it admits the row. */
    interface ViewCall {
        boolean admits(LoadedModule m, String query, IntersticeValue row, String requester);
    }

    private final ModuleRegistry modules;
    private final ViewCall call;
    /** Views that failed, logged once each (module.table.version). */
    private final Set<String> failedViews = ConcurrentHashMap.newKeySet();

    TableViewGate(ModuleRegistry modules, ViewCall call) {
        this.modules = modules;
        this.call = call;
    }

    /** True without a viewer or without a view on {@code t}, else whether its view admits {@code r}. */
    boolean admits(Table t, StoredRow r, String viewer) {
        if (viewer == null) return true;
        LoadedModule owner = modules.get(t.id().module());
        return owner == null || admits(owner, t.schema().name(), r.row(), viewer);
    }

    /** Whether the view of {@code owner}'s {@code table} admits {@code row} for {@code viewer} (true without one). */
    boolean admits(LoadedModule owner, String table, Row row, String viewer) {
        String view = owner.views().of(table);
        if (view == null) return true;
        try {
            var arg = TableViews.argument(
                    owner.table(table).schema(), row, owner.query(view).schema());
            return call.admits(owner, view, arg, viewer);
        } catch (RuntimeException e) {
            if (failedViews.add(owner.name() + "." + table + "." + System.identityHashCode(owner)))
                log.warn(
                        "the view '{}' of table {}.{} failed; it admits nothing until it works: {}",
                        view,
                        owner.name(),
                        table,
                        e.getMessage());
            return false;
        }
    }
}
