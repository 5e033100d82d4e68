package dev.interstice.runtime.node;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.ModuleRegistry;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.module.TableViews;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates table views (module/TableViews) for the rows the node sends off: a row of a viewed table goes to a
 * requester only if the view admits it for that requester. A view that traps, runs past its deadline or answers
 * anything but a bool admits nothing (fail closed), and is logged once per table.
 */
final class Views {
    private static final Logger log = LoggerFactory.getLogger(Views.class);

    private final Executor executor;
    private final ModuleRegistry registry;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    Views(Executor executor, ModuleRegistry registry) {
        this.executor = executor;
        this.registry = registry;
    }

    /**
     * Which encoded rows of {@code module.table} {@code requester} may receive, or null when every row (no view, or no
     * requester: the node's admin). Use under the execution lock, with the module loaded.
     */
    Predicate<byte[]> filter(String module, String table, String requester) {
        if (requester == null) return null;
        LoadedModule m = registry.get(module);
        String query = m == null ? null : m.views().of(table);
        if (query == null) return null;
        var schema = m.table(table).schema();
        var q = m.query(query).schema();
        return encoded -> {
            try {
                Row row = Abi.decodeRow(encoded);
                return executor.callView(m, query, TableViews.argument(schema, row, q), requester);
            } catch (RuntimeException e) { // CallException (trap, deadline), a row that does not decode: fail closed
                if (reported.add(module + "." + table + "." + m.hashCode()))
                    log.warn(
                            "the view '{}' of table {}.{} failed; it admits nothing until it works: {}",
                            query,
                            module,
                            table,
                            e.getMessage());
                return false;
            }
        };
    }
}
