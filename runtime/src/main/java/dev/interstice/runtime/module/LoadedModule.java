package dev.interstice.runtime.module;

import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.ReplicatedTable;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.runtime.engine.CompiledModule;
import dev.interstice.runtime.engine.GuestInstance;
import dev.interstice.runtime.engine.HostFunctions;
import dev.interstice.runtime.table.Table;
import dev.interstice.runtime.table.TypeChecker;
import dev.interstice.storage.TableId;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A module running on this node: its validated schema, compiled code, committed tables and a pool of instances.
 * Instances are reused across calls and thrown away after any trap, so a broken guest state never leaks into the
 * next transaction.
 */
public final class LoadedModule {
    private final ModuleSchema schema;
    private final CompiledModule code;
    private final byte[] wasm;
    private final TypeChecker types;
    private final Map<String, Table> tables;
    private final ArrayDeque<Pooled> idle = new ArrayDeque<>();
    private final Function<LoadedModule, HostFunctions> hostFactory;
    private final Map<String, Callable<ReducerSchema>> reducers = new HashMap<>();
    private final Map<String, Callable<QuerySchema>> queries = new HashMap<>();
    private final Set<String> subscriptionHandlers = new HashSet<>();
    /** Local replicas of other nodes' tables, by local name; a declared replica has no table until its schema is known. */
    private final Map<String, Replica> replicas = new LinkedHashMap<>();

    private final ColumnDefaults columnDefaults;
    private final MigrationReducers migrationReducers;
    private final NodeKeys nodeKeys;
    private final TableViews views;

    /**
     * A local, read-only copy of another node's table: what the module declared, and the table once the source's
     * schema is known (null before: the replica reads as empty).
     */
    public record Replica(ReplicatedTable source, String localName, Table table) {}

    /** A reducer or query resolved once at load: its schema, its declared table access and its wrapper export. */
    public record Callable<S>(S schema, String name, Access access, String export) {}

    /** An instance together with the host functions bound to it (they carry per-instance call state). */
    public record Pooled(GuestInstance instance, HostFunctions host) {}

    LoadedModule(
            ModuleSchema schema,
            ColumnDefaults columnDefaults,
            MigrationReducers migrationReducers,
            NodeKeys nodeKeys,
            TableViews views,
            CompiledModule code,
            byte[] wasm,
            Function<LoadedModule, HostFunctions> hostFactory) {
        this.schema = schema;
        this.columnDefaults = columnDefaults;
        this.migrationReducers = migrationReducers;
        this.nodeKeys = nodeKeys;
        this.views = views;
        this.code = code;
        this.wasm = wasm;
        this.types = new TypeChecker(schema.typeDefinitions());
        this.hostFactory = hostFactory;
        var t = new LinkedHashMap<String, Table>();
        var composites = CompositeIndexes.of(schema);
        for (TableSchema ts : schema.tables())
            t.put(
                    ts.name(),
                    new Table(
                            new TableId(schema.name(), ts.name()),
                            ts,
                            types,
                            composites.getOrDefault(ts.name(), List.of())));
        this.tables = Collections.unmodifiableMap(t);
        for (String viewed : views.byTable().keySet()) t.get(viewed).markViewed();
        for (var r : schema.reducers())
            reducers.put(r.name(), new Callable<>(r, r.name(), Access.of(r, schema.name()), REDUCER_EXPORT + r.name()));
        for (var q : schema.queries())
            queries.put(q.name(), new Callable<>(q, q.name(), Access.of(q, schema.name()), QUERY_EXPORT + q.name()));
        for (var s : schema.subscriptions()) subscriptionHandlers.add(s.reducer());
        if (schema.authorities().contains(Authority.MODULE) && reducers.containsKey(MODULE_RESULT_REDUCER))
            subscriptionHandlers.add(MODULE_RESULT_REDUCER); // the node calls it with its requests' outcomes
        for (var r : schema.replicatedTables()) replicas.put(replicaName(r), new Replica(r, replicaName(r), null));
    }

    /**
     * The local name of a replica, as upstream names it: {@code __replica__<node>__<module>__<table>}, with '-' and '.'
     * in each part replaced by '_'.
     */
    public static String replicaName(ReplicatedTable r) {
        return "__replica__" + sanitize(r.node()) + "__" + sanitize(r.module()) + "__" + sanitize(r.table());
    }

    private static String sanitize(String part) {
        return part.replace('-', '_').replace('.', '_');
    }

    /** The replica of that local name, or null. Read and changed under the execution lock only. */
    public Replica replica(String localName) {
        return replicas.get(localName);
    }

    public java.util.Collection<Replica> replicas() {
        return Collections.unmodifiableCollection(replicas.values());
    }

    /** Gives a declared replica its table (its schema became known or changed), or null to empty it. */
    public void setReplicaTable(String localName, Table table) {
        Replica r = replicas.get(localName);
        if (r == null) throw new IllegalArgumentException("module '" + name() + "' declares no replica " + localName);
        replicas.put(localName, new Replica(r.source(), localName, table));
    }

    /**
     * The reducer {@code (op: String, module: String, error: Option<String>)} through which the Module authority's
     * holder learns what became of each of its requests; like a subscription handler, only the node calls it.
     */
    public static final String MODULE_RESULT_REDUCER = "module_result";

    /** The export that runs reducer {@code name} ({@code (ptr, len) -> ()}). */
    public static final String REDUCER_EXPORT = "__interstice_reducer_wrapper_";
    /** The export that runs query {@code name} ({@code (ptr, len) -> packed (ptr, len)}). */
    public static final String QUERY_EXPORT = "__interstice_query_wrapper_";

    /** One of this module's reducers, or null. */
    public Callable<ReducerSchema> reducer(String name) {
        return reducers.get(name);
    }

    /** One of this module's queries, or null. */
    public Callable<QuerySchema> query(String name) {
        return queries.get(name);
    }

    /** True when a subscription names this reducer: such reducers cannot be called from outside. */
    public boolean isSubscriptionHandler(String reducer) {
        return subscriptionHandlers.contains(reducer);
    }

    public String name() {
        return schema.name();
    }

    /** The column defaults the module declares (for migrations), {@link ColumnDefaults#NONE} if none. */
    public ColumnDefaults columnDefaults() {
        return columnDefaults;
    }

    /** The migration reducers the module declares, {@link MigrationReducers#NONE} if none. */
    public MigrationReducers migrationReducers() {
        return migrationReducers;
    }

    /** The keys the module expects of its node dependencies, {@link NodeKeys#NONE} if none. */
    public NodeKeys nodeKeys() {
        return nodeKeys;
    }

    /** The table views the module declares, {@link TableViews#NONE} if none. */
    public TableViews views() {
        return views;
    }

    public ModuleSchema schema() {
        return schema;
    }

    public byte[] wasm() {
        return wasm;
    }

    public TypeChecker types() {
        return types;
    }

    public Map<String, Table> tables() {
        return tables;
    }

    public Table table(String name) {
        return tables.get(name);
    }

    public CompiledModule code() {
        return code;
    }

    /** The largest linear memory among the idle instances (bytes): how much the module's guests hold. */
    public long memoryBytes() {
        synchronized (idle) {
            return idle.stream().mapToLong(p -> p.instance().memorySize()).max().orElse(0);
        }
    }

    /** An instance for the calling thread; create one if none is idle. */
    public Pooled acquire() {
        synchronized (idle) {
            Pooled p = idle.pollFirst();
            if (p != null) return p;
        }
        HostFunctions host = hostFactory.apply(this);
        return new Pooled(code.instantiate(host), host);
    }

    /** Returns an instance to the pool unless its call broke it. */
    public void release(Pooled p) {
        if (p.instance().isBroken()) return;
        synchronized (idle) {
            if (idle.size() < 8) idle.addFirst(p);
        }
    }
}
