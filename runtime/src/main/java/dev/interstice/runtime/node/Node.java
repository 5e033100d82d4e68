package dev.interstice.runtime.node;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.authority.Authorities;
import dev.interstice.runtime.engine.WasmEngine;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.CallResult;
import dev.interstice.runtime.exec.CommitLog;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.ModuleRegistry;
import dev.interstice.runtime.exec.NodeServices;
import dev.interstice.runtime.exec.SystemTables;
import dev.interstice.runtime.host.DescribeHost;
import dev.interstice.runtime.host.GuestHost;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.module.ModuleLoader;
import dev.interstice.runtime.module.SchemaDiff;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import dev.interstice.storage.PrivateFiles;
import dev.interstice.storage.Storage;
import dev.interstice.storage.StorageConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
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
    private final Storage storage;
    private final CommitLog commitLog;
    private final Scheduler scheduler;
    private final Executor executor;
    private final Authorities authorities;
    /** Unloaded modules' tables, kept for a later load (from this run; earlier runs' are read back on demand). */
    private final Map<String, Kept> kept = new HashMap<>();

    private final List<Consumer<String>> moduleListeners = new CopyOnWriteArrayList<>();
    private final Replicas replicas;
    private final long idHash;
    private volatile boolean closed;
    /** Load hooks and timers of the restored modules have run ({@link #start}). */
    private boolean started;

    private Node(
            NodeConfig config, NodeMetadata meta, WasmEngine engine, List<LoadedModule> restored, Storage storage) {
        this.config = config;
        this.meta = meta;
        this.idHash = mix(
                meta.nodeId().hashCode() * 0x9E3779B97F4A7C15L ^ meta.nodeId().length());
        this.engine = engine;
        this.loader = new ModuleLoader(engine);
        this.storage = storage;
        this.commitLog = storage == null ? CommitLog.none() : new StorageCommitLog(storage);
        this.scheduler = new Scheduler(config.clock(), meta.nodeId());
        var recovered = storage == null ? null : storage.recovered();
        var schedules = recovered == null ? List.<SystemTables.Schedule>of() : StorageMapping.schedules(recovered);
        this.executor = new Executor(
                registry,
                commitLog,
                new Services(),
                recovered == null ? 0 : recovered.lastTxId(),
                schedules.stream().mapToLong(SystemTables.Schedule::seq).max().orElse(0));
        this.replicas = new Replicas(executor, registry, storage, meta.nodeId());
        if (recovered != null) {
            StorageMapping.loadTables(recovered, restored);
            replicas.restore(recovered, restored);
            recovered.warnings().forEach(w -> log.warn("storage recovery: {}", w));
        }
        for (LoadedModule m : restored) registry.add(m);
        schedules.forEach(scheduler::add);
        this.authorities =
                new Authorities(config.authorities().withDefaultFileRoot(config.dataDir()), executor, new Control());
        for (LoadedModule m : restored)
            for (var a : m.schema().authorities())
                if (!authorities.config().offers(a))
                    log.warn(
                            "module '{}' holds the {} authority, which this node no longer offers: its {} calls are refused",
                            m.name(),
                            Authorities.name(a),
                            Authorities.name(a));
    }

    /**
     * Opens a node. With a data directory: makes it private (directories 700, files 600), recovers its identity,
     * every module it had loaded (same code, load order), their logged and stateful tables, replicas, auto_inc counters
     * and pending schedules, then runs the modules' {@code load} hooks ({@code init} does not run again).
     */
    public static Node open(NodeConfig config) {
        Node n = openDeferred(config);
        n.start();
        return n;
    }

    /**
     * Opens a node as {@link #open} does but leaves the restored modules' {@code load} hooks and pending timers until
     * {@link #start}: a node served on the network starts once the network is up (NodeServer.start does it), so a remote
     * call or subscription a {@code load} hook makes is delivered.
     */
    public static Node openDeferred(NodeConfig config) {
        if (config.dataDir() != null) {
            try {
                PrivateFiles.restrict(
                        config.dataDir()); // a data directory written before (or by hand) becomes private too
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(
                        "cannot make the data directory " + config.dataDir() + " private: " + e.getMessage(), e);
            }
        }
        NodeMetadata meta = NodeMetadata.open(config.dataDir(), config.nodeId());
        WasmEngine engine = new WasmEngine(config.engine());
        Storage storage = null;
        Node n = null;
        try {
            var restored = new ArrayList<LoadedModule>();
            var loader = new ModuleLoader(engine);
            var hostRef = new Node[1];
            for (String name : meta.loadedModules()) {
                restored.add(loader.load(
                        name,
                        meta.moduleCode(name),
                        lm -> new GuestHost(hostRef[0].executor, hostRef[0].authorities, lm),
                        new DescribeHost(name, config.logSink()::log, config.maxLogLineBytes())));
            }
            if (config.dataDir() != null) {
                storage = Storage.open(
                        StorageConfig.defaults(config.dataDir().resolve("storage"))
                                .withSalvage(config.salvage()),
                        StorageMapping.declaredTables(restored));
            }
            n = new Node(config, meta, engine, restored, storage);
            hostRef[0] = n;
            return n;
        } catch (RuntimeException e) {
            if (n != null) n.close();
            else {
                if (storage != null) storage.close();
                engine.close();
            }
            throw e;
        }
    }

    /**
     * Runs the restored modules' {@code load} hooks (in load order) and starts the timers of pending schedules; does
     * nothing the second time.
     */
    public void start() {
        ensureOpen();
        List<LoadedModule> restored;
        synchronized (this) {
            if (started) return;
            started = true;
            restored = executor.exclusive(() -> List.copyOf(registry.all()));
        }
        scheduler.start(executor);
        for (LoadedModule m : restored) runLoadHooksAfterRestart(m);
        authorities.modulesChanged();
    }

    public String id() {
        return meta.nodeId();
    }

    /** Which authorities this node offers and which module holds each. */
    public Authorities authorities() {
        return authorities;
    }

    /** The replicas of other nodes' tables that this node's modules keep (driven by the network layer). */
    public Replicas replicas() {
        return replicas;
    }

    /** What {@link #publish} did: the module now loaded, and whether (and how) it replaced a loaded version. */
    public record Publication(
            ModuleSchema schema, boolean replaced, boolean reset, Optional<SchemaDiff.Result> differences) {
        public String module() {
            return schema.name();
        }
    }

    /**
     * Publishes a module: compiles it once, then loads it as {@link #load(String, byte[])} does, or, when a module of
     * that name is loaded, replaces it as {@link #replace(byte[], boolean)} does (an incompatible version is refused
     * with the differences unless {@code reset}). All or nothing: a refused module throws {@link ModuleException}
     * (INVALID, CONFLICT, INCOMPATIBLE, or TRAP/DEADLINE when its code failed while describing itself), a failing
     * hook a {@link CallException}; either way the node is as it was.
     *
     * @param label names the module in errors until its schema is read (e.g. the file name)
     */
    public Publication publish(String label, byte[] wasm, boolean reset) {
        ensureOpen();
        LoadedModule next = compile(label, wasm);
        Publication p = executor.exclusive(() -> {
            LoadedModule current = registry.get(next.name());
            if (current == null) {
                install(next, wasm, reset);
                return new Publication(next.schema(), false, false, Optional.empty());
            }
            var diff = replace(
                    current,
                    next,
                    wasm,
                    reset,
                    "\nNothing was changed. To replace it anyway and DROP its data, publish again with --reset.");
            return new Publication(next.schema(), true, reset, Optional.of(diff));
        });
        logInstalled(next, p.replaced(), reset);
        authorities.modulesChanged();
        return p;
    }

    /** The schema a module declares, read without loading it (it is compiled and describes itself, nothing else). */
    public ModuleSchema describe(byte[] wasm) {
        ensureOpen();
        String label = "(" + wasm.length + " bytes)";
        return loader.load(
                        label,
                        wasm,
                        lm -> {
                            throw new IllegalStateException("a described module is not run");
                        },
                        new DescribeHost(label, config.logSink()::log, config.maxLogLineBytes()))
                .schema();
    }

    /**
     * Loads a module: compiles it, checks its schema and exports, registers its tables, then runs its {@code init}
     * hooks (first load on this node only) and {@code load} hooks, together as one transaction. A refused module
     * changes nothing: an invalid one (or one already loaded) throws {@link ModuleException}; one whose hook fails is
     * not installed and throws a {@link CallException} of the hook's kind (TRAP, DEADLINE, ...).
     */
    public ModuleSchema load(byte[] wasm) {
        return load("(" + wasm.length + " bytes)", wasm);
    }

    /** As {@link #load(byte[])}; {@code label} (e.g. the file name) names the module in errors until its schema is read. */
    public ModuleSchema load(String label, byte[] wasm) {
        ensureOpen();
        LoadedModule m = compile(label, wasm);
        executor.exclusive(() -> {
            install(m, wasm, false);
            return null;
        });
        logInstalled(m, false, false);
        authorities.modulesChanged();
        return m.schema();
    }

    /**
     * Replaces a loaded module with new code of the same name. Its tables and their rows are kept when the new schema
     * is compatible ({@link SchemaDiff}: same tables and columns; added tables, indexes, reducers and queries are
     * fine); otherwise nothing changes and the refusal (INCOMPATIBLE) lists the differences, unless {@code reset} asks
     * to drop the module's data. The new code's {@code load} hooks run (as one transaction); {@code init} does not. If
     * a hook fails the replacement is not installed: the previous version stays loaded with its rows, and a
     * {@link CallException} of the hook's kind says why. The module keeps its place in the load order.
     */
    public ModuleSchema replace(byte[] wasm, boolean reset) {
        ensureOpen();
        LoadedModule next = compile("(" + wasm.length + " bytes)", wasm);
        executor.exclusive(() -> {
            LoadedModule current = registry.get(next.name());
            if (current == null)
                throw new ModuleException(
                        ModuleException.Kind.NOT_FOUND,
                        "no module '" + next.name() + "' is loaded on this node to replace");
            return replace(
                    current,
                    next,
                    wasm,
                    reset,
                    "\nNothing was changed. Replace with a reset to drop the module's data.");
        });
        logInstalled(next, true, reset);
        authorities.modulesChanged();
        return next.schema();
    }

    /** Compiles a module and reads its schema: the only compilation of a load, replacement or publish. */
    private LoadedModule compile(String label, byte[] wasm) {
        return loader.load(
                label,
                wasm,
                lm -> new GuestHost(executor, authorities, lm),
                new DescribeHost(label, config.logSink()::log, config.maxLogLineBytes()));
    }

    /**
     * Installs a module no other loaded module is named like (under the execution lock). A module unloaded before
     * resumes with its kept rows if its schema is compatible; {@code reset} drops them instead.
     */
    private void install(LoadedModule m, byte[] wasm, boolean reset) {
        checkRegistrable(m, null);
        Kept k = keptData(m.name());
        boolean dropKept = k != null && reset;
        if (k != null && !reset) {
            var diff = SchemaDiff.compare(k.schema(), m.schema());
            if (!diff.compatible())
                throw new ModuleException(
                        ModuleException.Kind.INCOMPATIBLE,
                        diff.describe()
                                + "\nNothing was changed: module '" + m.name() + "' was unloaded with its data"
                                + " kept, and this version cannot take it over. Publish with --reset to DROP it.");
            carryOver(k.tables(), m);
        }
        registry.add(m);
        runHooks(
                m,
                lifecycleHooks(m, !meta.wasInitialised(m.name())),
                () -> {
                    if (dropKept) dropKept(m.name());
                    if (storage != null) StorageMapping.declaredTables(m).forEach(storage::declareTable);
                    meta.moduleLoaded(m.name(), wasm);
                    kept.remove(m.name());
                },
                () -> registry.remove(m.name()),
                "");
    }

    /**
     * Puts {@code next} in the place of {@code current} (under the execution lock), keeping the rows unless
     * {@code reset}; an incompatible schema without reset is refused with the differences and {@code hint}.
     */
    private SchemaDiff.Result replace(
            LoadedModule current, LoadedModule next, byte[] wasm, boolean reset, String hint) {
        SchemaDiff.Result diff = SchemaDiff.compare(current.schema(), next.schema());
        if (!reset) {
            if (!diff.compatible())
                throw new ModuleException(ModuleException.Kind.INCOMPATIBLE, diff.describe() + hint);
            carryOver(current.tables(), next);
            Replicas.carryOver(current, next);
        }
        checkRegistrable(next, current);
        registry.add(next); // in the place of the current version
        runHooks(
                next,
                lifecycleHooks(next, false),
                () -> {
                    if (storage != null) {
                        if (reset)
                            StorageMapping.declaredTables(current).keySet().forEach(storage::dropTable);
                        StorageMapping.declaredTables(next).forEach(storage::declareTable);
                    }
                    meta.moduleLoaded(next.name(), wasm);
                    authorities.released(current);
                },
                () -> registry.add(current),
                " (the previous version stays loaded with its rows)");
        // after the hooks' transaction: dropping a replica is a transaction of its own
        if (reset) replicas.dropAll(current);
        else replicas.dropUndeclared(current, next);
        return diff;
    }

    private static void logInstalled(LoadedModule m, boolean replaced, boolean reset) {
        if (replaced)
            log.info(
                    "replaced module {} with version {} ({})",
                    m.name(),
                    m.schema().version(),
                    reset ? "data reset" : "tables kept");
        else
            log.info(
                    "loaded module {} {} ({} tables, {} reducers, {} queries)",
                    m.name(),
                    m.schema().version(),
                    m.schema().tables().size(),
                    m.schema().reducers().size(),
                    m.schema().queries().size());
    }

    /** Moves committed rows and auto_inc counters into the replacement's tables; checks new unique indexes hold. */
    private static void carryOver(Map<String, Table> from, LoadedModule to) {
        for (Table t : to.tables().values()) {
            Table old = from.get(t.schema().name());
            if (old == null) continue;
            for (StoredRow r : old.scan()) t.load(r);
            old.autoIncCounters().forEach((col, n) -> t.autoIncCounters().merge(col, n, Math::max));
            for (var ix : t.indexes()) {
                if (ix.unique() && old.index(ix.schema().field()) == null) {
                    var seen = new java.util.HashSet<dev.interstice.abi.value.IndexKey>();
                    for (StoredRow r : old.scan())
                        if (!seen.add(new dev.interstice.abi.value.IndexKey(Table.columnValue(r.row(), ix.column()))))
                            throw new ModuleException(
                                    ModuleException.Kind.INCOMPATIBLE,
                                    "module '" + to.name() + "': the new unique index on "
                                            + t.schema().name() + "."
                                            + ix.schema().field()
                                            + " does not hold for the existing rows; nothing was changed");
                }
            }
        }
    }

    /** Removes a module and its data: a loaded one, or one unloaded with its data kept. */
    public void remove(String module) {
        ensureOpen();
        executor.exclusive(() -> {
            LoadedModule m = registry.remove(module);
            if (m == null && !meta.isUnloaded(module))
                throw new ModuleException(
                        ModuleException.Kind.NOT_FOUND, "no module '" + module + "' is loaded on this node");
            if (m != null) {
                replicas.dropAll(m);
                if (storage != null) StorageMapping.declaredTables(m).keySet().forEach(storage::dropTable);
                authorities.released(m);
            } else dropKept(module);
            meta.moduleRemoved(module);
            return null;
        });
        log.info("removed module {}", module);
        authorities.modulesChanged();
    }

    /**
     * Unloads a module: it leaves the node (its reducers, queries and subscriptions; its pending schedules are
     * dropped) but its data stays, in storage too, so that publishing it again resumes it with its rows, also after
     * a restart. {@link #remove} deletes the data.
     */
    public void unload(String module) {
        ensureOpen();
        executor.exclusive(() -> {
            LoadedModule m = registry.remove(module);
            if (m == null)
                throw new ModuleException(
                        ModuleException.Kind.NOT_FOUND, "no module '" + module + "' is loaded on this node");
            replicas.dropAll(m);
            kept.put(module, new Kept(m.schema(), m.tables()));
            meta.moduleUnloaded(module);
            authorities.released(m);
            return null;
        });
        log.info("unloaded module {} (its data is kept)", module);
        authorities.modulesChanged();
    }

    /** Modules unloaded with their data kept, which publishing them again resumes. */
    public List<String> unloadedModules() {
        return executor.exclusive(meta::unloadedModules);
    }

    /**
     * Hands a request to load a module, made from outside the node, to the module holding the Module authority: its
     * {@code module_load} handlers run (as their own transactions) with {@code ModuleEvent::LoadRequest{requester,
     * name, wasm}} and it decides. Returns to whom it was handed, or empty when the caller should load it itself: no
     * holder, or (for the {@code admin}) a new version of the holder itself, which the admin can always upgrade. Without
     * a holder a request that is not the admin's is refused. A module that cannot be read is refused (INVALID).
     */
    public Optional<Handover> handLoadToHolder(String requester, String label, byte[] wasm, boolean admin) {
        ensureOpen();
        Optional<String> holder = authorities.holder(Authority.MODULE);
        if (holder.isEmpty()) {
            if (admin) return Optional.empty();
            throw noHolder("load");
        }
        String name = compile(label, wasm).name();
        if (admin && name.equals(holder.get())) return Optional.empty();
        deliverModuleEvent(
                holder.get(),
                SubscriptionEvent.Simple.MODULE_LOAD,
                dev.interstice.abi.codec.AuthorityCodec.loadRequest(requester, name, wasm),
                requester);
        return Optional.of(new Handover(name, holder.get()));
    }

    /** As {@link #handLoadToHolder} for a removal: {@code module_remove} with {@code ModuleEvent::RemoveRequest}. */
    public Optional<Handover> handRemoveToHolder(String requester, String module, boolean admin) {
        ensureOpen();
        Optional<String> holder = authorities.holder(Authority.MODULE);
        if (holder.isEmpty()) {
            if (admin) return Optional.empty();
            throw noHolder("remove");
        }
        if (admin && module.equals(holder.get())) return Optional.empty();
        deliverModuleEvent(
                holder.get(),
                SubscriptionEvent.Simple.MODULE_REMOVE,
                dev.interstice.abi.codec.AuthorityCodec.removeRequest(requester, module),
                requester);
        return Optional.of(new Handover(module, holder.get()));
    }

    /** A request about {@code module} handed to {@code holder}, the module holding the Module authority. */
    public record Handover(String module, String holder) {}

    private CallException noHolder(String op) {
        return new CallException(
                CallException.Kind.REFUSED,
                "node " + id() + " refuses to " + op + " modules for other nodes: no module here holds the Module"
                        + " authority to decide");
    }

    private void deliverModuleEvent(
            String holder, SubscriptionEvent.Simple kind, IntersticeValue event, String requester) {
        String why = kind.name().toLowerCase(java.util.Locale.ROOT) + " request from " + requester;
        var jobs = executor.exclusive(() -> registry.coreSubscribers(registry.get(holder), kind).stream()
                .map(s -> new Executor.Job(s.module(), s.reducer(), List.of(event), CallContext.runtime(id()), why))
                .toList());
        if (jobs.isEmpty())
            throw new CallException(
                    CallException.Kind.REFUSED,
                    "module '" + holder + "' holds the Module authority on node " + id() + " and handles no "
                            + kind.name().toLowerCase(java.util.Locale.ROOT) + " requests, so nothing was done"
                            + " (the admin can remove it, or publish a new version of it, directly)");
        log.info("handed a {} to module {}", why, holder);
        executor.runJobs(jobs);
    }

    /** Calls {@code listener} with a module's name after the Module authority loaded, unloaded or removed it. */
    public void addModuleListener(Consumer<String> listener) {
        moduleListeners.add(listener);
    }

    public void removeModuleListener(Consumer<String> listener) {
        moduleListeners.remove(listener);
    }

    /** An unloaded module's schema and tables with their rows. */
    private record Kept(ModuleSchema schema, Map<String, Table> tables) {}

    /**
     * The data an unload kept for {@code module}, or null (under the execution lock). Unloaded in an earlier run: its
     * stored code is compiled for its schema and its rows are read back from what storage recovered.
     */
    private Kept keptData(String module) {
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

    private void dropKept(String module) {
        Kept k = keptData(module);
        if (storage != null && k != null)
            for (Table t : k.tables().values())
                if (t.schema().persistence() != dev.interstice.abi.schema.Persistence.EPHEMERAL)
                    storage.dropTable(t.id());
        kept.remove(module);
    }

    public CallResult call(String module, String reducer, List<IntersticeValue> args) {
        return call(module, reducer, args, new CallContext(id(), HOST_CALLER));
    }

    public CallResult call(String module, String reducer, List<IntersticeValue> args, CallContext caller) {
        return call(module, reducer, args, caller, config.ack());
    }

    /** Calls a reducer; with {@link Ack#DURABLE} returns only once its transaction survives a crash. */
    public CallResult call(String module, String reducer, List<IntersticeValue> args, CallContext caller, Ack ack) {
        ensureOpen();
        CallResult r = executor.callReducer(module, reducer, args, caller, false);
        if (ack == Ack.DURABLE) awaitDurable(r.lsn());
        return r;
    }

    /** Waits until the transaction at {@code lsn} is durable (a no-op without a data directory). */
    public void awaitDurable(long lsn) {
        if (lsn <= 0) return;
        try {
            commitLog.whenDurable(lsn).join();
        } catch (CompletionException e) {
            throw new CallException(
                    CallException.Kind.STORAGE,
                    "the transaction committed but could not be made durable: "
                            + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /** Forces a snapshot of every logged table and compaction of the log (also runs in the background). */
    public void snapshot() {
        if (storage != null) storage.snapshotNow();
    }

    /** Storage counters (appends, fsyncs, snapshots); empty without a data directory. */
    public Optional<dev.interstice.storage.StorageStats> storageStats() {
        return storage == null ? Optional.empty() : Optional.of(storage.stats());
    }

    public IntersticeValue query(String module, String query, List<IntersticeValue> args) {
        return query(module, query, args, new CallContext(id(), HOST_CALLER));
    }

    /** Runs a query; with a durable node the answer waits until the state it read survives a crash. */
    public IntersticeValue query(String module, String query, List<IntersticeValue> args, CallContext caller) {
        ensureOpen();
        IntersticeValue v = executor.callQuery(module, query, args, caller, false);
        if (config.ack() == Ack.DURABLE) awaitDurable(executor.horizonLsn());
        return v;
    }

    /** Completes when the transaction at {@code lsn} is durable (immediately without a data directory). */
    public CompletableFuture<Void> whenDurable(long lsn) {
        return commitLog.whenDurable(lsn);
    }

    // ---- the network layer's view: what another node may do ----

    /** A reducer call from another node: public modules only, acknowledged per {@code ack}. */
    public CallResult callFromPeer(
            String module, String reducer, List<IntersticeValue> args, CallContext caller, Ack ack) {
        ensureOpen();
        CallResult r = executor.callReducer(module, reducer, args, caller, true);
        if (ack == Ack.DURABLE) awaitDurable(r.lsn());
        return r;
    }

    /** A query from another node: public modules only. */
    public IntersticeValue queryFromPeer(String module, String query, List<IntersticeValue> args, CallContext caller) {
        ensureOpen();
        IntersticeValue v = executor.callQuery(module, query, args, caller, true);
        if (config.ack() == Ack.DURABLE) awaitDurable(executor.horizonLsn());
        return v;
    }

    /** The rows another node may read: a public table of a public module, else NOT_FOUND. */
    public List<byte[]> publicRows(String module, String table) {
        ensureOpen();
        return executor.exclusive(() -> {
            LoadedModule m = registry.requirePublic(module);
            Table t = m.table(table);
            if (t == null || t.schema().visibility() != Visibility.PUBLIC)
                throw new CallException(
                        CallException.Kind.NOT_FOUND, "module '" + module + "' has no table '" + table + "'");
            return t.scan().stream().map(StoredRow::encoded).toList();
        });
    }

    /** This node's schema as another node sees it (public modules, public views). */
    public dev.interstice.abi.schema.NodeSchema publicSchema(String name, String address) {
        return new dev.interstice.abi.schema.NodeSchema(name, address, modules()).toPublic();
    }

    /** Connects the network layer: remote calls made by modules go through it. */
    public void setPeers(dev.interstice.runtime.exec.Peers peers) {
        executor.setPeers(peers);
    }

    /** Streams committed row changes (e.g. to subscribed peers). */
    public void addCommitListener(dev.interstice.runtime.exec.CommitListener l) {
        executor.addCommitListener(l);
    }

    public void removeCommitListener(dev.interstice.runtime.exec.CommitListener l) {
        executor.removeCommitListener(l);
    }

    /** The log position covering every transaction committed so far (what a reader of the current state has seen). */
    public long horizonLsn() {
        return executor.horizonLsn();
    }

    /** Runs the {@code connect} (or {@code disconnect}) hooks of every module with the peer's node id. */
    public void peerConnected(String peerNodeId, boolean connected) {
        ensureOpen();
        var kind = connected ? SubscriptionEvent.Simple.CONNECT : SubscriptionEvent.Simple.DISCONNECT;
        var jobs = new ArrayList<Executor.Job>();
        for (var s : executor.exclusive(() -> registry.coreSubscribers(null, kind)))
            jobs.add(new Executor.Job(
                    s.module(),
                    s.reducer(),
                    List.of(IntersticeValue.str(peerNodeId)),
                    CallContext.runtime(id()),
                    kind.name().toLowerCase()));
        executor.runJobs(jobs);
    }

    /**
     * Delivers a table event of another node to the local subscribers of {@code <node>.<module>.<table>.<kind>};
     * rows are postcard-encoded (update: before then after).
     */
    public void deliverRemoteEvent(
            String nodeName,
            String peerNodeId,
            String module,
            String table,
            SubscriptionEvent.TableEventKind kind,
            List<byte[]> rows) {
        ensureOpen();
        var subscribers = executor.exclusive(() -> registry.remoteSubscribers(nodeName, module, table, kind));
        if (subscribers.isEmpty()) return; // e.g. a replicated table nobody subscribes to: nothing to decode
        List<IntersticeValue> args = rows.stream()
                .<IntersticeValue>map(
                        b -> dev.interstice.abi.codec.Abi.decodeRow(b).toValue())
                .toList();
        var jobs = new ArrayList<Executor.Job>();
        for (var s : subscribers)
            jobs.add(new Executor.Job(
                    s.module(),
                    s.reducer(),
                    args,
                    CallContext.runtime(id()),
                    nodeName + "." + module + "." + table + "." + kind.name().toLowerCase() + " from " + peerNodeId));
        executor.runJobs(jobs);
    }

    /**
     * What this node's modules subscribe to on other nodes, with those nodes' addresses from the modules' dependencies
     * ({@code address} empty when no module declares the node).
     */
    public record RemoteSubscription(
            String node,
            Optional<String> address,
            String module,
            String table,
            SubscriptionEvent.TableEventKind kind) {}

    public List<RemoteSubscription> remoteSubscriptions() {
        return executor.exclusive(() -> {
            var out = new ArrayList<RemoteSubscription>();
            for (LoadedModule m : registry.all())
                for (var s : m.schema().subscriptions())
                    if (s.event() instanceof SubscriptionEvent.Table t
                            && !t.node().isCurrent()) {
                        var address = m.schema().nodeDependencies().stream()
                                .filter(d -> d.name().equals(t.node().other()))
                                .map(dev.interstice.abi.schema.NodeDependency::address)
                                .findFirst();
                        var rs = new RemoteSubscription(t.node().other(), address, t.module(), t.table(), t.kind());
                        if (!out.contains(rs)) out.add(rs);
                    }
            return out;
        });
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
        return executor.exclusive(() -> requireTable(module, table).scan().stream()
                .map(StoredRow::encoded)
                .toList());
    }

    public Optional<ModuleSchema> schema(String module) {
        return executor.exclusive(
                () -> Optional.ofNullable(registry.get(module)).map(LoadedModule::schema));
    }

    public List<ModuleSchema> modules() {
        return executor.exclusive(
                () -> registry.all().stream().map(LoadedModule::schema).toList());
    }

    /** Linear memory held by a module's guest instances, in bytes (for leak checks and monitoring). */
    public long guestMemoryBytes(String module) {
        return executor.exclusive(() -> registry.require(module).memoryBytes());
    }

    /** Number of reducers waiting for their scheduled time. */
    public int pendingSchedules() {
        return scheduler.pending();
    }

    public long lastTxId() {
        return executor.lastTxId();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        scheduler.close();
        authorities.close();
        executor.close();
        executor.exclusive(() -> {
            if (storage != null) storage.close();
            return null;
        });
        engine.close();
    }

    // ---- internals ----

    /** Refuses a module that cannot join the loaded ones ({@code replacing}: the version it replaces, or null). */
    private void checkRegistrable(LoadedModule m, LoadedModule replacing) {
        authorities.checkOffered(m.schema());
        if (replacing == null && registry.get(m.name()) != null)
            throw new ModuleException(
                    ModuleException.Kind.CONFLICT,
                    "module '" + m.name() + "' is already loaded on this node; remove it first");
        for (Authority a : m.schema().authorities())
            for (LoadedModule other : registry.all())
                if (other != replacing && other.schema().authorities().contains(a))
                    throw new ModuleException(
                            ModuleException.Kind.CONFLICT,
                            "module '" + m.name() + "' requests the " + a + " authority, which module '" + other.name()
                                    + "' already holds");
        for (var sub : m.schema().subscriptions()) {
            if (!(sub.event() instanceof SubscriptionEvent.Table t)
                    || !t.node().isCurrent()
                    || t.module().equals(m.name())) continue;
            LoadedModule owner = registry.get(t.module());
            if (owner == null) continue;
            var table = owner.table(t.table());
            if (table == null || table.schema().visibility() == Visibility.PRIVATE)
                throw new ModuleException(
                        ModuleException.Kind.CONFLICT,
                        "module '" + m.name() + "' subscribes to " + t.module() + "." + t.table()
                                + ", which is not a public table of module '" + t.module() + "'");
        }
    }

    /** The module's {@code init} hooks ({@code first} load on this node only), then its {@code load} hooks. */
    private List<Executor.Job> lifecycleHooks(LoadedModule m, boolean first) {
        var ctx = CallContext.runtime(id());
        var out = new ArrayList<Executor.Job>();
        if (first)
            for (var s : registry.coreSubscribers(m, SubscriptionEvent.Simple.INIT))
                out.add(new Executor.Job(s.module(), s.reducer(), List.of(), ctx, "init"));
        for (var s : registry.coreSubscribers(m, SubscriptionEvent.Simple.LOAD))
            out.add(new Executor.Job(s.module(), s.reducer(), List.of(), ctx, "load"));
        return out;
    }

    /**
     * Runs a registered module's hooks and, if they succeed, {@code persist}s it (under the execution lock). If they
     * fail, {@code undo} takes it out of the registry again and the failure is thrown as "module 'x' was not
     * published: ..." followed by {@code note}.
     */
    private void runHooks(LoadedModule m, List<Executor.Job> hooks, Runnable persist, Runnable undo, String note) {
        boolean[] persisted = {false};
        try {
            executor.runHooks(hooks, () -> {
                persist.run();
                persisted[0] = true;
            });
        } catch (RuntimeException e) {
            if (persisted[0]) throw e; // installed; only the hooks' commit failed (storage)
            undo.run();
            if (e instanceof CallException c)
                throw new CallException(
                        c.kind(), "module '" + m.name() + "' was not published: " + c.getMessage() + note, c);
            throw e;
        }
    }

    /** A restarted node keeps a module whose load hook fails: its data is there and its reducers may still work. */
    private void runLoadHooksAfterRestart(LoadedModule m) {
        try {
            executor.runHooks(lifecycleHooks(m, false), () -> {});
        } catch (CallException e) {
            log.warn(
                    "module '{}': {}; it stays loaded with its data (the hook's writes were not applied)",
                    m.name(),
                    e.getMessage());
        }
    }

    /** A module's table, or one of its replicas (once its source was reached). */
    private Table requireTable(String module, String table) {
        LoadedModule m = registry.require(module);
        Table t = m.table(table);
        if (t == null && m.replica(table) != null) t = m.replica(table).table();
        if (t == null)
            throw new dev.interstice.runtime.exec.CallException(
                    dev.interstice.runtime.exec.CallException.Kind.NOT_FOUND,
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

    /** What the Module authority does to this node: what the admin does. */
    private final class Control implements dev.interstice.runtime.authority.ModuleControl {
        @Override
        public String load(byte[] wasm) {
            return publish("(" + wasm.length + " bytes)", wasm, false).module();
        }

        @Override
        public void unload(String module) {
            Node.this.unload(module);
        }

        @Override
        public void remove(String module) {
            Node.this.remove(module);
        }

        @Override
        public boolean isLoaded(String module) {
            return executor.exclusive(() -> registry.get(module) != null);
        }

        @Override
        public boolean isKnown(String module) {
            return executor.exclusive(() -> registry.get(module) != null || meta.isUnloaded(module));
        }

        @Override
        public void changed(String module) {
            for (Consumer<String> l : moduleListeners) l.accept(module);
        }
    }

    private final class Services implements NodeServices {
        @Override
        public String nodeId() {
            return meta.nodeId();
        }

        @Override
        public long clockMillis() {
            return config.clock().getAsLong();
        }

        @Override
        public long randomSeed(long txId) {
            return mix(idHash ^ mix(txId));
        }

        @Override
        public void schedule(SystemTables.Schedule entry) {
            scheduler.add(entry);
        }

        @Override
        public void guestLog(String module, String message) {
            config.logSink().log(module, message);
        }

        @Override
        public int maxLogLineBytes() {
            return config.maxLogLineBytes();
        }
    }
}
