package dev.interstice.runtime.node;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.host.ChildCall;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.IntersticeException;
import dev.interstice.runtime.authority.Authorities;
import dev.interstice.runtime.engine.WasmEngine;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.CallResult;
import dev.interstice.runtime.exec.CommitLog;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.ModuleRegistry;
import dev.interstice.runtime.exec.SystemTables;
import dev.interstice.runtime.host.DescribeHost;
import dev.interstice.runtime.host.GuestHost;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.module.MigrationPlan;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.module.ModuleLoader;
import dev.interstice.runtime.module.SchemaDiff;
import dev.interstice.runtime.store.Blobs;
import dev.interstice.runtime.store.CodeChain;
import dev.interstice.runtime.store.CodeSource;
import dev.interstice.runtime.store.ContentStore;
import dev.interstice.runtime.store.FileBlobs;
import dev.interstice.runtime.store.MemoryBlobs;
import dev.interstice.runtime.store.StoreException;
import dev.interstice.runtime.store.StoreLimits;
import dev.interstice.runtime.table.Condition;
import dev.interstice.runtime.table.RowSelector;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import dev.interstice.storage.PrivateFiles;
import dev.interstice.storage.Storage;
import dev.interstice.storage.StorageConfig;
import dev.interstice.storage.TableId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Predicate;
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
    private final ModuleRegistry registry = new ModuleRegistry();
    private final Storage storage;
    private final CommitLog commitLog;
    private final Scheduler scheduler;
    private final Executor executor;
    private final Authorities authorities;
    private final ModuleLifecycle lifecycle;
    private final ModuleHandover handover;
    private final PeerEvents peerEvents;
    private final HolderControl holderControl;
    private final Replicas replicas;
    private final ContentStore contentStore;
    /** Hashes of module code this node loaded or published (what {@link #keptCode} may answer). */
    private final java.util.Set<String> knownCode = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Configured directories and URLs of the chain loader ({@link #findCode}), asked after the peers. */
    private volatile List<CodeSource> configuredCode = List.of();

    private volatile java.util.function.Supplier<List<CodeSource>> peerCode = List::of;

    private final Supervisor supervisor;
    private final Views views;
    /** Modules' past reads and branches (docs/time-travel.md). */
    private final Branches branches;

    private volatile boolean closed;
    /** The content store's periodic collection, from {@link #start} on (null before). */
    private PeriodicCollection collection;
    /** Load hooks and timers of the restored modules have run ({@link #start}). */
    private boolean started;

    private Node(
            NodeConfig config, NodeMetadata meta, WasmEngine engine, List<LoadedModule> restored, Storage storage) {
        this.config = config;
        this.meta = meta;
        this.engine = engine;
        this.storage = storage;
        this.commitLog = storage == null ? CommitLog.none() : new StorageCommitLog(storage);
        this.scheduler = new Scheduler(config.clock(), meta.nodeId());
        var recovered = storage == null ? null : storage.recovered();
        var schedules = recovered == null ? List.<SystemTables.Schedule>of() : StorageMapping.schedules(recovered);
        this.executor = new Executor(
                registry,
                commitLog,
                new Services(config, meta.nodeId(), scheduler),
                recovered == null ? 0 : recovered.lastTxId(),
                schedules.stream().mapToLong(SystemTables.Schedule::seq).max().orElse(0),
                config.executors());
        this.replicas = new Replicas(executor, registry, storage, meta.nodeId());
        this.contentStore = new ContentStore(
                config.dataDir() == null
                        ? new MemoryBlobs()
                        : new FileBlobs(config.dataDir()
                                .resolve("storage")
                                .resolve("content")
                                .resolve("sha256")),
                StoreLimits.defaults());
        this.supervisor = new Supervisor(executor, this::unload);
        executor.setSupervisor(supervisor);
        this.views = new Views(executor, registry);
        this.branches = new Branches(this, executor, registry, storage, config);
        if (recovered != null) {
            branches.restore(recovered.lastTxId(), meta.nodeId());
            StorageMapping.loadTables(recovered, restored);
            replicas.restore(recovered, restored);
            contentStore.recover(recovered);
            recovered.warnings().forEach(w -> log.warn("storage recovery: {}", w));
            // the restored modules' rows are in their tables now: free the recovered copies (unloaded modules'
            // stay, for KeptTables)
            for (LoadedModule m : restored) {
                m.tables().values().forEach(t -> recovered.release(t.id()));
                m.replicas().forEach(r -> recovered.release(new TableId(m.name(), r.localName())));
            }
            recovered.copyUnreleased(); // what stays is on the heap, as before: the snapshot file is not held open
        }
        for (LoadedModule m : restored) registry.add(m);
        schedules.forEach(scheduler::add);
        this.holderControl = new HolderControl(this, executor, registry, meta);
        this.authorities =
                new Authorities(config.authorities().withDefaultFileRoot(config.dataDir()), executor, holderControl);
        this.lifecycle = new ModuleLifecycle(
                config,
                meta,
                new ModuleLoader(engine),
                registry,
                storage,
                executor,
                authorities,
                contentStore,
                branches,
                replicas);
        if (recovered != null) authorities.children().recover(recovered.rows(SystemTables.CHILDREN));
        this.handover = new ModuleHandover(meta.nodeId(), executor, registry, authorities, lifecycle);
        this.peerEvents = new PeerEvents(meta.nodeId(), executor, registry);
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
            if (config.dataDir() != null) {
                // the log says which stored code each module's rows belong to (a publish or migration is one record)
                storage = Storage.open(
                        StorageConfig.defaults(config.dataDir().resolve("storage"))
                                .withSalvage(config.salvage())
                                .withLogRetention(config.logRetention()),
                        StorageMapping.declaredTables(List.of()));
                meta.recoverCode(StorageMapping.codeHashes(storage.recovered()));
            }
            for (String name : meta.loadedModules()) {
                restored.add(loader.load(
                        name,
                        meta.moduleCode(name),
                        lm -> new GuestHost(
                                hostRef[0].executor,
                                hostRef[0].authorities,
                                hostRef[0].contentStore,
                                hostRef[0].branches,
                                lm),
                        new DescribeHost(name, config.logSink()::log, config.maxLogLineBytes())));
            }
            if (storage != null)
                for (LoadedModule m : restored) StorageMapping.declaredTables(m).forEach(storage::declareTable);
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
        // the restored modules' code joins the content store (a data directory written before it existed)
        executor.exclusive(() -> {
            for (String m : keptModules()) knownCode.add(contentStore.blobs().put(meta.moduleCode(m)));
            return null;
        });
        collectContent(contentStore.limits().grace()); // blobs of transactions a crash cut off
        collectContentEvery(contentStore.limits().grace(), contentStore.limits().grace());
        scheduler.start(executor);
        for (LoadedModule m : restored) lifecycle.runLoadHooksAfterRestart(m);
        authorities.modulesChanged();
    }

    /**
     * Collects the content store (docs/store.md): forgets content no label names that was stored more than {@code
     * grace} ago, then deletes the blobs nothing holds. Returns how many blobs it deleted.
     */
    public int collectContent(java.time.Duration grace) {
        ensureOpen();
        return contentStore.collect(
                executor,
                grace,
                this::awaitDurable,
                () -> new java.util.HashSet<>(codeHashes(true).values()),
                () -> new java.util.HashSet<>(keptModules()));
    }

    /**
     * Collects the content store every {@code every} (at least {@link PeriodicCollection#MIN_INTERVAL}) with grace
     * {@code grace}, instead of what {@link #start} set up (every grace period of the store's limits).
     */
    public synchronized void collectContentEvery(java.time.Duration every, java.time.Duration grace) {
        ensureOpen();
        if (collection != null) collection.close();
        collection = new PeriodicCollection(every, () -> {
            if (!closed) collectContent(grace);
        });
    }

    public String id() {
        return meta.nodeId();
    }

    /** The node's key pair; {@link #id()} is derived from it (except an in-memory node given an id to replay). */
    public NodeIdentity identity() {
        return meta.identity();
    }

    /** Which authorities this node offers and which module holds each. */
    public Authorities authorities() {
        return authorities;
    }

    /** The replicas of other nodes' tables that this node's modules keep (driven by the network layer). */
    /** What the node does when a module's subscribers or schedules keep failing ({@link SupervisionPolicy}). */
    public Supervisor supervisor() {
        return supervisor;
    }

    public Replicas replicas() {
        return replicas;
    }

    /** What {@link #publish} did: the module now loaded, and whether (and how) it replaced a loaded version. */
    public record Publication(
            ModuleSchema schema,
            boolean replaced,
            boolean reset,
            Optional<SchemaDiff.Result> differences,
            Optional<MigrationPlan> plan,
            boolean dryRun) {
        public String module() {
            return schema.name();
        }
    }

    /**
     * How to publish: {@code reset} drops the replaced version's data instead of migrating it, {@code dryRun} plans
     * and checks (the rows too) but changes nothing, {@code migration} is what the operator allows the migration to do.
     */
    public record PublishOptions(boolean reset, boolean dryRun, MigrationPlan.Options migration) {
        public static final PublishOptions DEFAULT = new PublishOptions(false, false, MigrationPlan.Options.NONE);
    }

    /**
     * Publishes a module: compiles it once, then loads it as {@link #load(String, byte[])} does, or, when a module of
     * that name is loaded, replaces it as {@link #replace(byte[], boolean)} does (migrating its rows; a version whose
     * changes would lose data is refused with the plan unless {@code reset}). All or nothing: a refused module throws {@link ModuleException}
     * (INVALID, CONFLICT, INCOMPATIBLE, or TRAP/DEADLINE when its code failed while describing itself), a failing
     * hook a {@link CallException}; either way the node is as it was.
     *
     * @param label names the module in errors until its schema is read (e.g. the file name)
     */
    public Publication publish(String label, byte[] wasm, boolean reset) {
        return publish(label, wasm, new PublishOptions(reset, false, MigrationPlan.Options.NONE));
    }

    /**
     * As {@link #publish(String, byte[], boolean)}, with a migration: a replaced module's rows are carried over by a
     * {@link MigrationPlan} (row-keeping changes automatically, lossy ones only as {@code options} allow), rewritten
     * rows logged in one record with the new code's hash, so a crash leaves the old version with the old rows or the
     * new one with the new rows. A refused plan throws INCOMPATIBLE listing it; a dry run returns it and changes
     * nothing.
     */
    public Publication publish(String label, byte[] wasm, PublishOptions options) {
        ensureOpen();
        Publication p = lifecycle.publish(label, wasm, options);
        if (!options.dryRun()) {
            supervisor.reset(p.module());
            knownCode.add(contentStore.blobs().put(wasm));
        }
        return p;
    }

    /**
     * Publishes the module code this node keeps in its content store under {@code hash} (the SHA-256 of the wasm, as
     * {@link #codeHash} shows it): the code of every module loaded or unloaded on this node, and of earlier versions
     * until the next collection. The bytes are verified against the hash first. NOT_FOUND if the node has no such code.
     */
    public Publication publishByHash(String hash, PublishOptions options) {
        return publish("sha256:" + hash, findCode(hash), options);
    }

    /**
     * Where module code this node lacks is fetched from, after the peers ({@link #peerCodeSources}): directories and
     * URLs the operator configured (docs/store.md, "Modules by content address").
     */
    public void codeSources(List<CodeSource> configured) {
        this.configuredCode = List.copyOf(configured);
    }

    /** The peers asked for module code this node lacks (the network's links), asked before {@link #codeSources}. */
    public void peerCodeSources(java.util.function.Supplier<List<CodeSource>> peers) {
        this.peerCode = peers;
    }

    /**
     * The module code with SHA-256 {@code hash}: this node's own ({@link #keptCode}), else the first verified answer of
     * its peers, then of its configured directories and URLs (the chain loader). The code is kept once published.
     * NOT_FOUND names every place tried and what it answered.
     */
    public byte[] findCode(String hash) {
        String local;
        try {
            return localCode(hash);
        } catch (StoreException e) {
            local = e.getMessage();
        }
        var sources = new ArrayList<CodeSource>(peerCode.get());
        sources.addAll(configuredCode);
        try {
            var found = CodeChain.fetch(hash, sources);
            log.info("module code {} fetched from {}", hash, found.from());
            if (knownCode.contains(hash)) contentStore.blobs().rewrite(found.code()); // the kept copy was damaged
            return found.code();
        } catch (CodeChain.NotFound e) {
            var tried = new ArrayList<String>();
            tried.add("its content store (" + local + ")");
            tried.addAll(e.tried());
            throw new ModuleException(
                    ModuleException.Kind.NOT_FOUND,
                    "this node has no module code with hash " + hash + " and found it nowhere: tried "
                            + String.join("; ", tried) + ". Publish the wasm file itself"
                            + (sources.isEmpty()
                                    ? ", or start the node with places to fetch code from (--code-peer, --code-dir,"
                                            + " --code-url)"
                                    : ""));
        }
    }

    /**
     * The module code this node keeps under {@code hash}, verified against it; NOT_FOUND (or INVALID for a malformed
     * hash) otherwise.
     */
    public byte[] keptCode(String hash) {
        try {
            return localCode(hash);
        } catch (StoreException e) {
            throw new ModuleException(
                    ModuleException.Kind.NOT_FOUND,
                    "this node has no module code with hash " + hash + ": publish the wasm file itself ("
                            + e.getMessage() + ")");
        }
    }

    /** The module code kept under {@code hash}, verified; a StoreException says why not. INVALID for a bad hash. */
    private byte[] localCode(String hash) {
        ensureOpen();
        if (!Blobs.isHash(hash))
            throw new ModuleException(
                    ModuleException.Kind.INVALID,
                    "'" + hash + "' is not a module hash (64 lower-case hex digits of the wasm's SHA-256)");
        // only module code: content a module stored is not the publisher's to load
        if (!knownCode.contains(hash)) throw new StoreException("no module's code has this hash");
        return contentStore.blobs().get(hash);
    }

    /** The SHA-256 (hex) of a loaded or unloaded module's code, as {@link #publishByHash} takes it; null if unknown. */
    public String codeHash(String module) {
        byte[] code = executor.exclusive(() -> keptModules().contains(module) ? meta.moduleCode(module) : null);
        return code == null ? null : Blobs.hash(code);
    }

    /**
     * The SHA-256 of every loaded module's code, by module name in load order (what {@code node schema} shows); then
     * unloaded modules' when {@code withUnloaded}.
     */
    public Map<String, String> codeHashes(boolean withUnloaded) {
        return executor.exclusive(() -> {
            var out = new java.util.LinkedHashMap<String, String>();
            for (String m : withUnloaded ? keptModules() : meta.loadedModules())
                out.put(m, Blobs.hash(meta.moduleCode(m)));
            return out;
        });
    }

    /**
     * The modules this node keeps: loaded (in load order), then unloaded. Their code is kept in the content store;
     * any other module's store rows are a removed module's. Under the lock.
     */
    private List<String> keptModules() {
        var out = new java.util.ArrayList<String>(meta.loadedModules());
        out.addAll(meta.unloadedModules());
        return out;
    }

    /**
     * Returns {@code module} to the version its last publish replaced (kept on the node with its schema), migrating
     * the rows back when that needs no allowance; otherwise refused (INCOMPATIBLE) with the reason. NOT_FOUND if the
     * module is not loaded or no previous version is kept.
     */
    public Publication rollback(String module, boolean dryRun) {
        ensureOpen();
        return lifecycle.rollback(module, dryRun);
    }

    /** The schema a module declares, read without loading it (it is compiled and describes itself, nothing else). */
    public ModuleSchema describe(byte[] wasm) {
        ensureOpen();
        return lifecycle.describe(wasm);
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
        ModuleSchema s = lifecycle.load(label, wasm);
        supervisor.reset(s.name());
        knownCode.add(contentStore.blobs().put(wasm));
        return s;
    }

    /**
     * Replaces a loaded module with new code of the same name. Its rows are migrated when the change keeps them
     * ({@link MigrationPlan} without allowances: added optional columns, widened numbers, indexes, ...); otherwise
     * nothing changes and the refusal (INCOMPATIBLE) lists the plan, unless {@code reset} asks to drop the module's
     * data. The new code's {@code load} hooks run (as one transaction); {@code init} does not. If
     * a hook fails the replacement is not installed: the previous version stays loaded with its rows, and a
     * {@link CallException} of the hook's kind says why. The module keeps its place in the load order.
     */
    public ModuleSchema replace(byte[] wasm, boolean reset) {
        ensureOpen();
        ModuleSchema s = lifecycle.replace(wasm, reset);
        supervisor.reset(s.name());
        return s;
    }

    /** Removes a module and its data: a loaded one, or one unloaded with its data kept. */
    public void remove(String module) {
        ensureOpen();
        lifecycle.remove(module);
        executor.exclusive(() -> {
            branches.forgetModule(module);
            return null;
        });
        contentStore.forgetModule(executor, module);
        executor.dropSchedules(scheduler.removeModule(module)); // a later load of that name starts without them
        supervisor.reset(module);
        lifecycle.forgetChild(module);
        stopChildren(module);
    }

    /** Spawns {@code parent}'s child ({@link HolderControl#spawn}); returns its name. */
    String spawnChild(byte[] wasm, String parent, ChildCall.Grant grant, boolean stopWithParent) {
        ensureOpen();
        String name = lifecycle.spawn(wasm, parent, grant, stopWithParent);
        supervisor.reset(name);
        knownCode.add(contentStore.blobs().put(wasm));
        return name;
    }

    /** Unloads the loaded children of {@code parent} whose policy is to stop with it (and theirs, in turn). */
    private void stopChildren(String parent) {
        for (String c : authorities.stoppingWith(parent)) {
            if (!executor.exclusive(() -> registry.get(c) != null)) continue;
            try {
                unload(c);
                log.info("unloaded module {}: it stops with its parent {}", c, parent);
            } catch (IntersticeException e) {
                log.warn(
                        "module {} should stop with its parent {} but was not unloaded: {}", c, parent, e.getMessage());
            }
        }
    }

    /**
     * Unloads a module: it leaves the node (its reducers, queries and subscriptions; its pending schedules are
     * dropped) but its data stays, in storage too, so that publishing it again resumes it with its rows, also after
     * a restart. {@link #remove} deletes the data.
     */
    public void unload(String module) {
        ensureOpen();
        lifecycle.unload(module);
        executor.dropSchedules(scheduler.removeModule(module));
        stopChildren(module);
    }

    /** Modules unloaded with their data kept, which publishing them again resumes. */
    public List<String> unloadedModules() {
        return lifecycle.unloadedModules();
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
        return handover.load(requester, label, wasm, admin);
    }

    /** As {@link #handLoadToHolder} for a removal: {@code module_remove} with {@code ModuleEvent::RemoveRequest}. */
    public Optional<Handover> handRemoveToHolder(String requester, String module, boolean admin) {
        ensureOpen();
        return handover.remove(requester, module, admin);
    }

    /** A request about {@code module} handed to {@code holder}, the module holding the Module authority. */
    public record Handover(String module, String holder) {}

    /** Calls {@code listener} with a module's name after the Module authority loaded, unloaded or removed it. */
    public void addModuleListener(Consumer<String> listener) {
        holderControl.addListener(listener);
    }

    public void removeModuleListener(Consumer<String> listener) {
        holderControl.removeListener(listener);
    }

    public CallResult call(String module, String reducer, List<IntersticeValue> args) {
        return call(module, reducer, args, new CallContext(id(), HOST_CALLER));
    }

    public CallResult call(String module, String reducer, List<IntersticeValue> args, CallContext caller) {
        return call(module, reducer, args, caller, config.ack());
    }

    /** Calls a reducer; with {@link Ack#DURABLE} returns only once its transaction survives a crash. */
    public CallResult call(String module, String reducer, List<IntersticeValue> args, CallContext caller, Ack ack) {
        return call(module, reducer, args, caller, ack, null);
    }

    /**
     * As {@link #call(String, String, List, CallContext, Ack)}, caused by {@code cause}: another node's transaction
     * that made this call (its trace, with full node ids; null: the call starts a trace).
     */
    public CallResult call(
            String module,
            String reducer,
            List<IntersticeValue> args,
            CallContext caller,
            Ack ack,
            dev.interstice.storage.TxTrace.Parent cause) {
        ensureOpen();
        CallResult r = executor.callReducer(module, reducer, args, caller, false, cause);
        if (ack == Ack.DURABLE) awaitDurable(r.lsn());
        return r;
    }

    /** Waits until the transaction at {@code lsn} is durable (a no-op without a data directory). */
    public void awaitDurable(long lsn) {
        if (lsn <= 0) return;
        var event = new DurableWaitEvent();
        long start = event.isEnabled() ? System.nanoTime() : 0;
        try {
            commitLog.awaitDurable(lsn);
            if (start != 0) {
                event.lsn = lsn;
                event.startNanos = start;
                event.resumedNanos = System.nanoTime();
                event.commit();
            }
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

    /**
     * How reducer calls ran with more than one executor ({@link NodeConfig#withExecutors}): speculations committed,
     * re-executed after a conflict, fallen back to serial; all zero with one.
     */
    public dev.interstice.runtime.exec.ExecutionStats executionStats() {
        return executor.executionStats();
    }

    /** Mean wall time of each stage of a reducer call: a diagnostic, on with {@code -Dinterstice.stageTimes=true}. */
    public String executionStageTimes() {
        return executor.stageTimes();
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
        return query(module, query, args, caller, null);
    }

    /**
     * As {@link #query(String, String, List, CallContext)}, run for {@code requester} (a node id, {@code "cli"}; null:
     * the admin, the node itself): its reads of a table with a view are only the rows that view admits for the requester.
     */
    public IntersticeValue query(
            String module, String query, List<IntersticeValue> args, CallContext caller, String requester) {
        ensureOpen();
        IntersticeValue v = executor.callQuery(module, query, args, caller, false, requester);
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
        return callFromPeer(module, reducer, args, caller, ack, null);
    }

    /** As {@link #callFromPeer(String, String, List, CallContext, Ack)}, caused by {@code cause} (may be null). */
    public CallResult callFromPeer(
            String module,
            String reducer,
            List<IntersticeValue> args,
            CallContext caller,
            Ack ack,
            dev.interstice.storage.TxTrace.Parent cause) {
        ensureOpen();
        CallResult r = executor.callReducer(module, reducer, args, caller, true, cause);
        if (ack == Ack.DURABLE) awaitDurable(r.lsn());
        return r;
    }

    /** A query from another node: public modules only. */
    public IntersticeValue queryFromPeer(String module, String query, List<IntersticeValue> args, CallContext caller) {
        return queryFromPeer(module, query, args, caller, null);
    }

    /**
     * As {@link #queryFromPeer(String, String, List, CallContext)}, run for {@code requester} (a node id, {@code "cli"};
     * null: the admin): the query reads of a table with a view only the rows that view admits for the requester.
     */
    public IntersticeValue queryFromPeer(
            String module, String query, List<IntersticeValue> args, CallContext caller, String requester) {
        ensureOpen();
        IntersticeValue v = executor.callQuery(module, query, args, caller, true, requester);
        if (config.ack() == Ack.DURABLE) awaitDurable(executor.horizonLsn());
        return v;
    }

    /** The rows another node may read: a public table of a public module, else NOT_FOUND. */
    public List<byte[]> publicRows(String module, String table) {
        return publicRows(module, table, null);
    }

    /**
     * The rows {@code requester} (a node id, {@code "cli"} for clients; null: the admin, who sees every row) may read
     * of a public table of a public module (else NOT_FOUND): those the table's view admits for it.
     */
    public List<byte[]> publicRows(String module, String table, String requester) {
        ensureOpen();
        return executor.exclusive(() -> admitted(module, requirePublicTable(module, table), requester));
    }

    /** As {@link #encodedRows(String, String)}, only the rows the table's view admits for {@code requester}. */
    public List<byte[]> encodedRows(String module, String table, String requester) {
        ensureOpen();
        return executor.exclusive(() -> admitted(module, requireTable(module, table), requester));
    }

    /**
     * Whether the view of {@code module.table} admits the encoded row for {@code requester} (true without a view or
     * requester). Evaluated under the execution lock on committed state: call it where that state is the row's (a
     * commit listener).
     */
    public boolean admits(String module, String table, String requester, byte[] row) {
        return executor.exclusive(() -> {
            if (requester != null && registry.get(module) == null) return false; // gone: nothing to admit to anyone
            var f = views.filter(module, table, requester);
            return f == null || f.test(row);
        });
    }

    /** Whether {@code module.table} has a view: its rows go to each requester through it. */
    public boolean viewed(String module, String table) {
        return executor.exclusive(() -> {
            LoadedModule m = registry.get(module);
            return m != null && m.views().of(table) != null;
        });
    }

    /**
     * The module's other tables the view of {@code module.table} reads (as its query declares): a change to one of them
     * may change what the view admits without any change to the table's rows. Empty without a view.
     */
    public java.util.Set<String> viewReads(String module, String table) {
        return executor.exclusive(() -> {
            LoadedModule m = registry.get(module);
            String q = m == null ? null : m.views().of(table);
            if (q == null) return java.util.Set.of();
            var out = new java.util.HashSet<String>();
            for (var r : m.query(q).schema().reads())
                if (r.node().isCurrent() && r.module().isCurrent() && !r.table().equals(table)) out.add(r.table());
            return java.util.Set.copyOf(out);
        });
    }

    private List<byte[]> admitted(String module, Table t, String requester) {
        var f = views.filter(module, t.schema().name(), requester);
        var out = new ArrayList<byte[]>(t.size());
        for (StoredRow r : t.scan()) if (f == null || f.test(r.encoded())) out.add(r.encoded());
        return out;
    }

    /** This node's schema as another node sees it (public modules, public views). */
    public dev.interstice.abi.schema.NodeSchema publicSchema(String name, String address) {
        return new dev.interstice.abi.schema.NodeSchema(name, address, modules()).toPublic();
    }

    /** Observers for metrics: every reducer transaction, and every fsync of the log (none without storage). */
    public void observe(dev.interstice.runtime.exec.CallObserver calls, dev.interstice.storage.FsyncListener fsyncs) {
        executor.addCallObserver(calls);
        if (storage != null) storage.setFsyncListener(fsyncs);
    }

    /** Tells {@code o} of every reducer transaction from now on (e.g. benchmarks timing a game's tick). */
    public void addCallObserver(dev.interstice.runtime.exec.CallObserver o) {
        executor.addCallObserver(o);
    }

    public void removeCallObserver(dev.interstice.runtime.exec.CallObserver o) {
        executor.removeCallObserver(o);
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
        peerEvents.connected(peerNodeId, connected);
    }

    /**
     * Delivers a table event of another node to the local subscribers of {@code <node>.<module>.<table>.<kind>};
     * rows are postcard-encoded (update: before then after). {@code cause}: the other node's transaction that made the
     * change (its trace, full node ids; null: unknown, each subscriber run starts a trace).
     */
    public void deliverRemoteEvent(
            String nodeName,
            String peerNodeId,
            String module,
            String table,
            SubscriptionEvent.TableEventKind kind,
            List<byte[]> rows,
            dev.interstice.storage.TxTrace.Parent cause) {
        ensureOpen();
        peerEvents.deliver(nodeName, peerNodeId, module, table, kind, rows, cause);
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
        return peerEvents.subscriptions();
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

    /** A page of rows: their encodings, and whether more rows follow the last one. */
    public record RowsPage(List<byte[]> rows, boolean more) {
        public RowsPage {
            rows = List.copyOf(rows);
        }
    }

    /**
     * Up to {@code limit} committed rows matching {@code where} (conditions on indexed columns, answered by one index;
     * none: every row) after the row whose primary key is {@code after} (null: from the first); in primary-key order,
     * or in the index's order with a filter. Reads only the rows it returns (and one more, to tell whether more
     * follow). {@code publicOnly}: only public tables of public modules (what other nodes and clients may read).
     * A filter no index answers, or an {@code after} row outside the filter, is BAD_ARGUMENTS.
     */
    public RowsPage rowsPage(
            String module, String table, boolean publicOnly, List<Condition> where, IndexKey after, int limit) {
        return rowsPage(module, table, publicOnly, where, after, limit, null);
    }

    /**
     * As {@link #rowsPage(String, String, boolean, List, IndexKey, int)}, only the rows the table's view admits for
     * {@code requester} (null: every row); {@code more} says whether an admitted row follows.
     */
    public RowsPage rowsPage(
            String module,
            String table,
            boolean publicOnly,
            List<Condition> where,
            IndexKey after,
            int limit,
            String requester) {
        ensureOpen();
        return executor.exclusive(() -> {
            Table t = publicOnly ? requirePublicTable(module, table) : requireTable(module, table);
            var admit = views.filter(module, table, requester);
            Iterator<StoredRow> rows;
            try {
                rows = RowSelector.open(t, where, after, r -> admit == null || admit.test(r.encoded()));
            } catch (IllegalArgumentException e) {
                throw new CallException(CallException.Kind.BAD_ARGUMENTS, e.getMessage());
            }
            var out = new ArrayList<byte[]>(Math.min(limit, 1024));
            if (admit != null) rows = admittedOnly(rows, admit);
            while (out.size() < limit && rows.hasNext()) out.add(rows.next().encoded());
            return new RowsPage(out, rows.hasNext());
        });
    }

    /** The committed rows' encodings, in primary-key order: what replay tests compare byte for byte. */
    public List<byte[]> encodedRows(String module, String table) {
        ensureOpen();
        return executor.exclusive(() -> requireTable(module, table).scan().stream()
                .map(StoredRow::encoded)
                .toList());
    }

    /**
     * Committed, durable transactions from the log (the kept history too), oldest first: at most {@code limit} with a
     * txId of at least {@code fromTx} that {@code filter} keeps ({@link NodeLog#filter}). Empty for an in-memory node.
     */
    public List<dev.interstice.storage.TxLog.Entry> readLog(
            long fromTx, int limit, java.util.function.Predicate<dev.interstice.storage.TxRecord> filter) {
        ensureOpen();
        if (storage == null) return List.of();
        try {
            return storage.readLog(fromTx, limit, filter);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the log: " + e.getMessage(), e);
        }
    }

    /**
     * A table's rows as they were after transaction {@code txId} (durable records only; docs/operability.md, "Replay
     * and time travel"): public tables of public modules only when {@code publicOnly}, the rows the table's view
     * admits for {@code requester} (null: every row). NOT_FOUND when the kept history does not reach that far.
     */
    public PastRows rowsAsOf(String module, String table, boolean publicOnly, long txId, String requester) {
        ensureOpen();
        TableId id = executor.exclusive(
                () -> (publicOnly ? requirePublicTable(module, table) : requireTable(module, table)).id());
        if (storage == null)
            throw new CallException(CallException.Kind.UNSUPPORTED, "an in-memory node keeps no history to read");
        PastRows past = TimeTravel.rows(TimeTravel.read(storage, java.util.Set.of(id), txId), id);
        if (requester == null) return past;
        return executor.exclusive(() -> {
            var admit = views.filter(module, table, requester);
            return admit == null
                    ? past
                    : new PastRows(
                            past.txId(), past.rows().stream().filter(admit).toList());
        });
    }

    /** The last durable transaction committed at or before {@code timeMs} (0: none); NOT_FOUND if that was pruned. */
    public long txAt(long timeMs) {
        ensureOpen();
        if (storage == null)
            throw new CallException(CallException.Kind.UNSUPPORTED, "an in-memory node keeps no history to read");
        try {
            return storage.txAt(timeMs);
        } catch (dev.interstice.storage.TableHistory.NotKept e) {
            throw TimeTravel.notKept(e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the log: " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code module}'s stored tables as they were after transaction {@code txId} again, as one new transaction
     * (trigger {@code rewind}; subscribers see ordinary row events, nothing is erased from the log). REFUSED when the
     * module was published since; NOT_FOUND when the kept history does not reach that far.
     */
    public CallResult rewind(String module, long txId) {
        ensureOpen();
        LoadedModule m = executor.exclusive(() -> registry.require(module));
        return TimeTravel.rewind(executor, storage, m, txId);
    }

    /**
     * The branches {@code module} keeps (docs/time-travel.md), in fork order: name, the transaction each was forked
     * at, how many reducer calls it records. Empty when it keeps none.
     */
    public List<dev.interstice.abi.codec.HistoryCodec.Branch> branches(String module) {
        ensureOpen();
        return executor.exclusive(() -> branches.list(module));
    }

    /** Discards a branch of {@code module}; NOT_FOUND when it has none of that name. */
    public void discardBranch(String module, String branch) {
        ensureOpen();
        takeBranch(module, branch).close();
    }

    /**
     * Merges a branch of {@code module}: replays its recorded reducer calls on the main timeline in order, each as an
     * ordinary transaction with its original caller, and discards it. A call that fails is reported, and the next runs.
     */
    public dev.interstice.abi.codec.HistoryCodec.Merged mergeBranch(String module, String branch) {
        ensureOpen();
        return branches.replay(takeBranch(module, branch), null);
    }

    private Branch takeBranch(String module, String branch) {
        return executor.exclusive(() -> {
            try {
                return branches.takeNow(module, branch);
            } catch (dev.interstice.runtime.tx.TxException e) {
                throw new CallException(CallException.Kind.NOT_FOUND, e.getMessage());
            }
        });
    }

    /** Branch scratch node only: its modules' time-travel calls are refused. */
    void markInBranch() {
        branches.markInBranch();
    }

    /**
     * Replay's scratch node only: merges requested by re-executed reducers run nothing (their calls are logged), no
     * committed transaction's effects run (module loads, spawns, sockets: what they caused is in the log as records of
     * its own), and File, Audio and Network calls are answered with the inputs the log kept ({@code logged}: transaction id
     * to its record's inputs).
     */
    void markReplaying(java.util.function.LongFunction<List<byte[]>> logged) {
        branches.markReplaying();
        executor.close(); // stops effects only: the node keeps running transactions
        authorities.replayFrom(logged);
    }

    /** Rows held by {@code module}'s tables (a branch's size). */
    int rowCount(String module) {
        return executor.exclusive(() -> {
            LoadedModule m = registry.require(module);
            int n = 0;
            for (Table t : m.tables().values()) n += t.size();
            return n;
        });
    }

    /**
     * Replay only: runs a logged delivery ({@code why}: e.g. a file event) again as transaction {@code txId}, as the
     * node delivered it; what its handler reads from the world comes from the log ({@link #markReplaying}).
     */
    void redeliver(
            long txId, String module, String reducer, List<IntersticeValue> args, CallContext caller, String why) {
        executor.advanceTo(txId);
        executor.runJobs(List.of(new Executor.Job(module, reducer, args, caller, why)));
    }

    /**
     * Replay only: delivers a logged batch of input {@code events} again as transaction {@code txId}, as the window
     * delivered it (every handler call in one transaction).
     */
    void redeliverInput(long txId, List<IntersticeValue> events) {
        executor.advanceTo(txId);
        authorities.input().deliver(events);
    }

    /** Replay only: runs a logged render frame again as transaction {@code txId}, as the node's window ran it. */
    void rerender(long txId) {
        executor.advanceTo(txId);
        new dev.interstice.runtime.authority.window.RenderSubscription(executor).runFrame();
    }

    /**
     * Replay only: runs a logged schedule's firing again as transaction {@code txId}: the pending schedule {@code seq}
     * of {@code module.reducer}, made by {@code cause}, as the node's timer ran it (a failure drops the schedule, as it
     * would have).
     */
    void refire(long txId, String module, String reducer, long seq, dev.interstice.storage.TxTrace.Parent cause) {
        executor.advanceTo(txId);
        executor.runJob(
                new Executor.Job(module, reducer, List.of(), CallContext.runtime(id()), "schedule", seq, cause));
    }

    /**
     * Replay only: makes a logged rewind again as transaction {@code txId}, from this node's own log (the replay's),
     * once it is durable; false when that log does not reach {@code to} (a replay started from a later snapshot).
     */
    boolean rewindAgain(long txId, String module, long to) {
        executor.advanceTo(txId);
        awaitDurable(executor.horizonLsn());
        try {
            rewind(module, to);
            return true;
        } catch (CallException e) {
            if (e.kind() == CallException.Kind.NOT_FOUND) return false;
            throw e;
        }
    }

    /** Replay only: the next schedule made takes sequence number {@code seq} ({@link Replay}). */
    void nextScheduleSeq(long seq) {
        executor.nextScheduleSeq(seq);
    }

    /** Replay only: the next transaction takes id {@code txId} ({@link Replay}). */
    void advanceTo(long txId) {
        executor.advanceTo(txId);
    }

    /**
     * Replay only: commits a logged transaction's changes as they were logged, as transaction {@code txId} (what
     * cannot be re-executed: a peer's replica sync, a schedule, a rewind). Tables no loaded module has are skipped.
     */
    CallResult applyLogged(long txId, List<dev.interstice.storage.Change> changes) {
        executor.advanceTo(txId);
        return executor.runInternal("replay", inv -> {
            inv.logEvenIfEmpty(); // a record without changes too (a restart's load hook that only called other nodes)
            for (var c : changes)
                if (c.table().equals(SystemTables.REPLICA_SCHEMAS)) replicas.replayed(c); // before the replica's rows
            for (var c : changes) {
                if (c.table().module().equals(SystemTables.CODE.module())) {
                    inv.systemChange(c);
                    if (c instanceof dev.interstice.storage.Change.Put p
                            && c.table().equals(SystemTables.SEQUENCES))
                        advanceCounter(p); // the inserts re-executed after it continue from there
                    continue;
                }
                LoadedModule m = registry.get(c.table().module());
                Table t = m == null ? null : m.table(c.table().table());
                if (t == null && m != null && m.replica(c.table().table()) != null)
                    t = m.replica(c.table().table()).table();
                if (t == null) continue;
                switch (c) {
                    case dev.interstice.storage.Change.Put p -> {
                        Row row = dev.interstice.abi.codec.Abi.decodeRow(p.row());
                        inv.tx().restore(t, row, p.row());
                    }
                    case dev.interstice.storage.Change.Delete d ->
                        inv.tx()
                                .delete(
                                        t,
                                        dev.interstice.abi.codec.Abi.readIndexKey(
                                                new dev.interstice.abi.codec.PostcardReader(d.key())));
                    case dev.interstice.storage.Change.Clear x -> inv.tx().clear(t);
                }
            }
        });
    }

    /** An auto_inc counter as a logged sequences row sets it (replay: a transaction applied as logged). */
    private void advanceCounter(dev.interstice.storage.Change.Put p) {
        String[] k = SystemTables.parseSequenceKey(p.key());
        LoadedModule m = k.length == 3 ? registry.get(k[0]) : null;
        Table t = m == null ? null : m.table(k[1]);
        if (t != null) t.autoIncCounters().merge(Integer.parseInt(k[2]), SystemTables.longOf(p.row()), Math::max);
    }

    public Optional<ModuleSchema> schema(String module) {
        return executor.exclusive(
                () -> Optional.ofNullable(registry.get(module)).map(LoadedModule::schema));
    }

    /**
     * The keys loaded modules expect of their node dependencies (docs/abi.md §5, {@code interstice_node_keys}): module
     * name to (node name to fingerprint), only modules that name any.
     */
    public Map<String, Map<String, String>> nodeKeys() {
        return executor.exclusive(() -> {
            var out = new java.util.LinkedHashMap<String, Map<String, String>>();
            for (LoadedModule m : registry.all())
                if (!m.nodeKeys().byNode().isEmpty())
                    out.put(m.schema().name(), m.nodeKeys().byNode());
            return out;
        });
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
        synchronized (this) {
            if (collection != null) collection.close();
        }
        executor.exclusive(() -> {
            branches.closeAll();
            return null;
        });
        supervisor.close();
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

    /** A module's table, or one of its replicas (once its source was reached). */
    /** The rows of {@code rows} that {@code admit} accepts, read one ahead (so hasNext tells an admitted row follows). */
    private static Iterator<StoredRow> admittedOnly(Iterator<StoredRow> rows, Predicate<byte[]> admit) {
        return new Iterator<>() {
            private StoredRow next = advance();

            private StoredRow advance() {
                while (rows.hasNext()) {
                    StoredRow r = rows.next();
                    if (admit.test(r.encoded())) return r;
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public StoredRow next() {
                if (next == null) throw new java.util.NoSuchElementException();
                StoredRow r = next;
                next = advance();
                return r;
            }
        };
    }

    private Table requirePublicTable(String module, String table) {
        LoadedModule m = registry.requirePublic(module);
        Table t = m.table(table);
        if (t == null || t.schema().visibility() != Visibility.PUBLIC)
            throw new CallException(
                    CallException.Kind.NOT_FOUND, "module '" + module + "' has no table '" + table + "'");
        return t;
    }

    private Table requireTable(String module, String table) {
        LoadedModule m = registry.require(module);
        Table t = m.table(table);
        if (t == null && m.replica(table) != null) t = m.replica(table).table();
        if (t == null)
            throw new CallException(
                    CallException.Kind.NOT_FOUND, "module '" + module + "' has no table '" + table + "'");
        return t;
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("node " + id() + " is closed");
    }
}
