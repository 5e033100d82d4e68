package dev.interstice.runtime.node;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.engine.WasmEngine;
import dev.interstice.runtime.exec.CallResult;
import dev.interstice.runtime.exec.Durability;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.Invocation;
import dev.interstice.runtime.exec.ModuleRegistry;
import dev.interstice.runtime.exec.NodeServices;
import dev.interstice.runtime.host.GuestHost;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.module.ModuleLoader;
import dev.interstice.runtime.schedule.Scheduler;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Interstice node embedded in a Java process: open it on a data directory (or in memory), load modules, call
 * reducers and queries, read tables, close. Thread-safe; every transaction runs under the executor's lock.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    /** The caller identity of calls made through this API (CLI, tests, embedding code). */
    public static final String HOST_CALLER = "";

    private final NodeConfig config;
    private final NodeMetadata meta;
    private final WasmEngine engine;
    private final ModuleLoader loader;
    private final ModuleRegistry registry = new ModuleRegistry();
    private final Durability durability;
    private final Scheduler scheduler;
    private final Executor executor;
    private final long idHash;
    private volatile boolean closed;

    private Node(NodeConfig config) {
        this.config = config;
        this.meta = NodeMetadata.open(config.dataDir(), config.nodeId());
        this.idHash = mix(meta.nodeId().hashCode() * 0x9E3779B97F4A7C15L ^ meta.nodeId().length());
        this.engine = new WasmEngine(config.engine());
        this.loader = new ModuleLoader(engine);
        this.durability = Durability.none();
        this.scheduler = new Scheduler(config.clock(), meta.nodeId());
        this.executor = new Executor(registry, durability, new Services(), 0);
    }

    public static Node open(NodeConfig config) {
        Node n = new Node(config);
        try {
            n.restoreModules();
            n.scheduler.start(n.executor);
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    public String id() { return meta.nodeId(); }

    /**
     * Loads a module: compiles it, checks its schema and exports, registers its tables, then runs its {@code init}
     * hooks (first load on this node only) and {@code load} hooks. A refused module changes nothing.
     */
    public ModuleSchema load(byte[] wasm) {
        return load("(" + wasm.length + " bytes)", wasm);
    }

    /** As {@link #load(byte[])}; {@code label} (e.g. the file name) names the module in errors until its schema is read. */
    public ModuleSchema load(String label, byte[] wasm) {
        ensureOpen();
        LoadedModule m = loader.load(label, wasm, lm -> new GuestHost(executor, lm), new GuestHost(executor, null));
        boolean first = executor.exclusive(() -> {
            register(m);
            boolean init = !meta.wasInitialised(m.name());
            meta.moduleLoaded(m.name(), wasm);
            return init;
        });
        fireLifecycle(m, first);
        log.info("loaded module {} {} ({} tables, {} reducers, {} queries)", m.name(), m.schema().version(),
                m.schema().tables().size(), m.schema().reducers().size(), m.schema().queries().size());
        return m.schema();
    }

    /** Removes a module and its data. */
    public void remove(String module) {
        ensureOpen();
        executor.exclusive(() -> {
            if (registry.remove(module) == null) throw new ModuleException("no module '" + module + "' is loaded on this node");
            meta.moduleRemoved(module);
            return null;
        });
    }

    public CallResult call(String module, String reducer, List<IntersticeValue> args) {
        return call(module, reducer, args, new CallContext(id(), HOST_CALLER));
    }

    public CallResult call(String module, String reducer, List<IntersticeValue> args, CallContext caller) {
        ensureOpen();
        return executor.callReducer(module, reducer, args, caller);
    }

    public IntersticeValue query(String module, String query, List<IntersticeValue> args) {
        return query(module, query, args, new CallContext(id(), HOST_CALLER));
    }

    public IntersticeValue query(String module, String query, List<IntersticeValue> args, CallContext caller) {
        ensureOpen();
        return executor.callQuery(module, query, args, caller);
    }

    /** The committed rows of a table, in primary-key order. */
    public List<Row> rows(String module, String table) {
        ensureOpen();
        return executor.exclusive(() -> {
            Table t = requireTable(module, table);
            var out = new ArrayList<Row>(t.size());
            for (StoredRow r : t.scan()) out.add(r.row());
            return out;
        });
    }

    /** The committed rows' encodings, in primary-key order: what replay tests compare byte for byte. */
    public List<byte[]> encodedRows(String module, String table) {
        ensureOpen();
        return executor.exclusive(() -> requireTable(module, table).scan().stream().map(StoredRow::encoded).toList());
    }

    public Optional<ModuleSchema> schema(String module) {
        return executor.exclusive(() -> Optional.ofNullable(registry.get(module)).map(LoadedModule::schema));
    }

    public List<ModuleSchema> modules() {
        return executor.exclusive(() -> registry.all().stream().map(LoadedModule::schema).toList());
    }

    /** Number of reducers waiting for their scheduled time. */
    public int pendingSchedules() { return scheduler.pending(); }

    public long lastTxId() { return executor.lastTxId(); }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        scheduler.close();
        engine.close();
    }

    // ---- internals ----

    private void register(LoadedModule m) {
        if (registry.get(m.name()) != null)
            throw new ModuleException("module '" + m.name() + "' is already loaded on this node; remove it first");
        for (Authority a : m.schema().authorities())
            for (LoadedModule other : registry.all())
                if (other.schema().authorities().contains(a))
                    throw new ModuleException("module '" + m.name() + "' requests the " + a + " authority, which module '"
                            + other.name() + "' already holds");
        for (var sub : m.schema().subscriptions()) {
            if (!(sub.event() instanceof SubscriptionEvent.Table t) || !t.node().isCurrent() || t.module().equals(m.name())) continue;
            LoadedModule owner = registry.get(t.module());
            if (owner == null) continue;
            var table = owner.table(t.table());
            if (table == null || table.schema().visibility() == Visibility.PRIVATE)
                throw new ModuleException("module '" + m.name() + "' subscribes to " + t.module() + "." + t.table()
                        + ", which is not a public table of module '" + t.module() + "'");
        }
        registry.add(m);
    }

    private void fireLifecycle(LoadedModule m, boolean first) {
        var ctx = new CallContext(id(), m.name());
        if (first)
            for (var s : registry.coreSubscribers(m, SubscriptionEvent.Simple.INIT))
                executor.runJob(new Executor.Job(s.module(), s.reducer(), List.of(), ctx, "init"));
        for (var s : registry.coreSubscribers(m, SubscriptionEvent.Simple.LOAD))
            executor.runJob(new Executor.Job(s.module(), s.reducer(), List.of(), ctx, "load"));
    }

    private void restoreModules() {
        for (String name : meta.loadedModules()) {
            byte[] wasm = meta.moduleCode(name);
            LoadedModule m = loader.load(name, wasm, lm -> new GuestHost(executor, lm), new GuestHost(executor, null));
            executor.exclusive(() -> {
                register(m);
                return null;
            });
            fireLifecycle(m, false);
        }
    }

    private Table requireTable(String module, String table) {
        LoadedModule m = registry.require(module);
        Table t = m.table(table);
        if (t == null) throw new dev.interstice.runtime.exec.CallException(dev.interstice.runtime.exec.CallException.Kind.NOT_FOUND,
                "module '" + module + "' has no table '" + table + "'");
        return t;
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("node " + id() + " is closed");
    }

    /** SplitMix64 finaliser: spreads (node, transaction) into independent-looking seeds. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private final class Services implements NodeServices {
        @Override public String nodeId() { return meta.nodeId(); }

        @Override public long clockMillis() { return config.clock().getAsLong(); }

        @Override public long randomSeed(long txId) { return mix(idHash ^ mix(txId)); }

        @Override public void schedule(Invocation.ScheduleRequest request) { scheduler.add(request); }

        @Override public void guestLog(String module, String message) { config.logSink().log(module, message); }
    }
}
