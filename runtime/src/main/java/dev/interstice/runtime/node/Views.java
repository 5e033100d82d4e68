package dev.interstice.runtime.node;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.ModuleRegistry;
import dev.interstice.runtime.module.LoadedModule;
import java.util.function.Predicate;

/**
 * The table views (module/TableViews) applied to the rows the node sends off, as encoded rows: a row of a viewed table
 * goes to a requester only if the view admits it for that requester ({@link Executor#admits}, which fails closed). A
 * row that does not decode is not sent either.
 */
final class Views {
    private final Executor executor;
    private final ModuleRegistry registry;

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
        if (m == null || m.views().of(table) == null) return null;
        return encoded -> {
            Row row;
            try {
                row = Abi.decodeRow(encoded);
            } catch (RuntimeException e) {
                return false;
            }
            return executor.admits(m, table, row, requester);
        };
    }
}
