package dev.interstice.runtime.node;

import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.runtime.host.DescribeHost;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.module.ModuleLoader;
import dev.interstice.runtime.table.Table;
import dev.interstice.storage.Storage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tables of modules unloaded with their data kept, for a later load to resume them (from this run; earlier runs'
 * are read back on demand). Used under the execution lock only.
 */
final class KeptTables {
    /** An unloaded module's schema and tables with their rows. */
    record Kept(ModuleSchema schema, Map<String, Table> tables) {}

    private final NodeConfig config;
    private final NodeMetadata meta;
    private final ModuleLoader loader;
    private final Storage storage;
    private final Map<String, Kept> kept = new HashMap<>();

    KeptTables(NodeConfig config, NodeMetadata meta, ModuleLoader loader, Storage storage) {
        this.config = config;
        this.meta = meta;
        this.loader = loader;
        this.storage = storage;
    }

    /** Keeps an unloaded module's tables. */
    void keep(String module, LoadedModule m) {
        kept.put(module, new Kept(m.schema(), m.tables()));
    }

    /**
     * The data an unload kept for {@code module}, or null. Unloaded in an earlier run: its stored code is compiled for
     * its schema and its rows are read back from what storage recovered.
     */
    Kept get(String module) {
        Kept k = kept.get(module);
        if (k != null || !meta.isUnloaded(module)) return k;
        LoadedModule old = loader.load(
                module,
                meta.moduleCode(module),
                lm -> {
                    throw new IllegalStateException("a kept module's old code is not run");
                },
                new DescribeHost(module, config.logSink()::log, config.maxLogLineBytes()));
        if (storage != null) StorageMapping.loadTables(storage.recovered(), List.of(old));
        k = new Kept(old.schema(), old.tables());
        kept.put(module, k);
        return k;
    }

    /** Drops the kept data, in storage too. */
    void drop(String module) {
        Kept k = get(module);
        if (storage != null && k != null)
            for (Table t : k.tables().values())
                if (t.schema().persistence() != Persistence.EPHEMERAL) storage.dropTable(t.id());
        kept.remove(module);
    }

    /** Forgets the kept data of a module loaded again (its tables now hold the rows). */
    void forget(String module) {
        kept.remove(module);
    }
}
