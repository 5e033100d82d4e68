package dev.interstice.runtime.node;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.host.ChildCall;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.ValueText;
import dev.interstice.runtime.authority.Authorities;
import dev.interstice.runtime.authority.Children;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.Invocation;
import dev.interstice.runtime.exec.ModuleRegistry;
import dev.interstice.runtime.exec.SystemTables;
import dev.interstice.runtime.host.DescribeHost;
import dev.interstice.runtime.host.GuestHost;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.module.Migration;
import dev.interstice.runtime.module.MigrationPlan;
import dev.interstice.runtime.module.MigrationReducers;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.module.ModuleLoader;
import dev.interstice.runtime.module.SchemaDiff;
import dev.interstice.runtime.store.ContentStore;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import dev.interstice.storage.Change;
import dev.interstice.storage.Storage;
import dev.interstice.storage.TxOrigin;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How modules come and go on a node ({@link Node}'s publish, load, replace, unload and remove): one compilation, the
 * checks against the loaded modules, the {@code init}/{@code load} hooks as one all-or-nothing transaction, and the
 * tables' data an unload keeps for a later publish ({@link KeptTables}). The node's open/closed checks stay with
 * {@link Node}.
 */
final class ModuleLifecycle {
    /** Logs as the node: what operators read and filter on. */
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    /** Room left in a migration's log record for the hooks' writes and the system rows. */
    private static final int MIGRATION_RECORD_MARGIN = 16 << 20;

    private final NodeConfig config;
    private final NodeMetadata meta;
    private final ModuleLoader loader;
    private final ModuleRegistry registry;
    private final Storage storage;
    private final Executor executor;
    private final Authorities authorities;
    private final ContentStore contentStore;
    private final Replicas replicas;
    private final dev.interstice.runtime.host.History history;
    private final KeptTables kept;

    ModuleLifecycle(
            NodeConfig config,
            NodeMetadata meta,
            ModuleLoader loader,
            ModuleRegistry registry,
            Storage storage,
            Executor executor,
            Authorities authorities,
            ContentStore contentStore,
            dev.interstice.runtime.host.History history,
            Replicas replicas) {
        this.history = history;
        this.config = config;
        this.meta = meta;
        this.loader = loader;
        this.registry = registry;
        this.storage = storage;
        this.executor = executor;
        this.authorities = authorities;
        this.contentStore = contentStore;
        this.replicas = replicas;
        this.kept = new KeptTables(config, meta, loader, storage);
    }

    /** {@link Node#publish}. */
    Node.Publication publish(String label, byte[] wasm, Node.PublishOptions options) {
        return publish(
                label,
                wasm,
                options,
                "\nNothing was changed. Allow the changes listed (--allow ...), or publish again with --reset to"
                        + " DROP the module's data.");
    }

    /** {@link Node#rollback}: publishes the version the current one replaced, keeping the data or refusing. */
    Node.Publication rollback(String module, boolean dryRun) {
        byte[] previous = executor.exclusive(() -> {
            if (registry.get(module) == null)
                throw new ModuleException(
                        ModuleException.Kind.NOT_FOUND, "no module '" + module + "' is loaded on this node");
            return meta.previousCode(module);
        });
        if (previous == null)
            throw new ModuleException(
                    ModuleException.Kind.NOT_FOUND,
                    "no previous version of module '" + module + "' is kept on this node (a publish that replaced"
                            + " it keeps one)");
        return publish(
                module + " (previous version)",
                previous,
                new Node.PublishOptions(false, dryRun, MigrationPlan.Options.NONE),
                "\nRollback refused: the previous version cannot take over the current data. Nothing was changed.");
    }

    private Node.Publication publish(String label, byte[] wasm, Node.PublishOptions options, String hint) {
        LoadedModule next = compile(label, wasm);
        Node.Publication p = executor.exclusive(() -> {
            LoadedModule current = registry.get(next.name());
            if (current == null) {
                MigrationPlan plan = install(next, wasm, options);
                return new Node.Publication(
                        next.schema(), false, false, Optional.empty(), Optional.ofNullable(plan), options.dryRun());
            }
            Replaced r = replace(current, next, wasm, options, hint);
            return new Node.Publication(
                    next.schema(),
                    true,
                    options.reset(),
                    Optional.of(r.diff()),
                    Optional.ofNullable(r.plan()),
                    options.dryRun());
        });
        if (!p.dryRun()) {
            logInstalled(next, p.replaced(), options.reset());
            authorities.modulesChanged();
        }
        return p;
    }

    /** {@link Node#describe}. */
    ModuleSchema describe(byte[] wasm) {
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

    /** {@link Node#load(String, byte[])}. */
    ModuleSchema load(String label, byte[] wasm) {
        LoadedModule m = compile(label, wasm);
        executor.exclusive(() -> install(m, wasm, Node.PublishOptions.DEFAULT));
        logInstalled(m, false, false);
        authorities.modulesChanged();
        return m.schema();
    }

    /** {@link Node#replace}. */
    ModuleSchema replace(byte[] wasm, boolean reset) {
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
                    new Node.PublishOptions(reset, false, MigrationPlan.Options.NONE),
                    "\nNothing was changed. Replace with a reset to drop the module's data.");
        });
        logInstalled(next, true, reset);
        authorities.modulesChanged();
        return next.schema();
    }

    /** {@link Node#remove}. */
    void remove(String module) {
        executor.exclusive(() -> {
            if (registry.get(module) == null && !meta.isUnloaded(module))
                throw new ModuleException(
                        ModuleException.Kind.NOT_FOUND, "no module '" + module + "' is loaded on this node");
            logged(module, "remove");
            LoadedModule m = registry.remove(module);
            if (m != null) {
                replicas.dropAll(m);
                if (storage != null) StorageMapping.declaredTables(m).keySet().forEach(storage::dropTable);
                authorities.released(m);
            } else kept.drop(module);
            meta.moduleRemoved(module);
            return null;
        });
        log.info("removed module {}", module);
        authorities.modulesChanged();
    }

    /** {@link Node#unload}. */
    void unload(String module) {
        executor.exclusive(() -> {
            if (registry.get(module) == null)
                throw new ModuleException(
                        ModuleException.Kind.NOT_FOUND, "no module '" + module + "' is loaded on this node");
            logged(module, "unload");
            LoadedModule m = registry.remove(module);
            replicas.dropAll(m);
            kept.keep(module, m);
            meta.moduleUnloaded(module);
            authorities.released(m);
            return null;
        });
        log.info("unloaded module {} (its data is kept)", module);
        authorities.modulesChanged();
    }

    /**
     * Logs that {@code module} is unloaded or removed now ({@code what}), as a record without changes at its place in
     * the node's order of transactions, so that a replay does it there too. Under the execution lock, before anything
     * changes: a log that refuses the record refuses the unload.
     */
    private void logged(String module, String what) {
        executor.runInternal(module, what, List.of(), Invocation::logEvenIfEmpty);
    }

    /**
     * {@link HolderControl#spawn}: installs {@code wasm} as {@code parent}'s child, its record (grant, policy) logged in
     * the install's record. Refused when a module of its name is loaded, or is kept unloaded and is not that parent's
     * child. A child spawned again (after it stopped) takes the new grant.
     */
    String spawn(byte[] wasm, String parent, ChildCall.Grant grant, boolean stopWithParent) {
        LoadedModule m = compile("child of " + parent + " (" + wasm.length + " bytes)", wasm);
        executor.exclusive(() -> {
            Children children = authorities.children();
            String name = m.name();
            if (registry.get(parent) == null)
                throw new ModuleException(
                        ModuleException.Kind.NOT_FOUND, "module '" + parent + "' is no longer loaded");
            if (registry.get(name) != null)
                throw new ModuleException(
                        ModuleException.Kind.CONFLICT,
                        "cannot spawn module '" + name + "' as a child: a module of that name is already loaded");
            Children.Child before = children.get(name);
            if (meta.isUnloaded(name) && (before == null || !before.parent().equals(parent)))
                throw new ModuleException(
                        ModuleException.Kind.CONFLICT,
                        "cannot spawn module '" + name + "' as a child of '" + parent + "': a module of that name is"
                                + " on this node (unloaded, its data kept) and is not its child");
            var child = new Children.Child(name, parent, grant, Set.of(), stopWithParent);
            children.put(child); // before the install: its checks and load hooks see it as a child
            try {
                install(m, wasm, Node.PublishOptions.DEFAULT, List.of(Children.row(child)));
            } catch (RuntimeException e) {
                if (before != null) children.put(before);
                else children.forget(name);
                throw e;
            }
            return null;
        });
        logInstalled(m, false, false);
        log.info("module {} is a child of {} (grant: {})", m.name(), parent, grant);
        authorities.modulesChanged();
        return m.name();
    }

    /** A removed module's child record goes with it (its own transaction: the removal is not one). */
    void forgetChild(String module) {
        if (!authorities.children().isChild(module)) return;
        executor.runInternal("removal of child module " + module, inv -> {
            inv.systemChange(Children.deletion(module));
            inv.atCommit(() -> authorities.children().forget(module));
        });
    }

    /** {@link Node#unloadedModules}. */
    List<String> unloadedModules() {
        return executor.exclusive(meta::unloadedModules);
    }

    /** Compiles a module and reads its schema: the only compilation of a load, replacement or publish. */
    LoadedModule compile(String label, byte[] wasm) {
        return loader.load(
                label,
                wasm,
                lm -> new GuestHost(executor, authorities, contentStore, history, lm),
                new DescribeHost(label, config.logSink()::log, config.maxLogLineBytes()));
    }

    /** A restarted node keeps a module whose load hook fails: its data is there and its reducers may still work. */
    void runLoadHooksAfterRestart(LoadedModule m) {
        try {
            executor.runHooks(lifecycleHooks(m, false), () -> {});
        } catch (CallException e) {
            log.warn(
                    "module '{}': {}; it stays loaded with its data (the hook's writes were not applied)",
                    m.name(),
                    e.getMessage());
        }
    }

    /**
     * Installs a module no other loaded module is named like (under the execution lock). A module unloaded before
     * resumes with its kept rows, migrated by the same plan as a replacement ({@link MigrationPlan}); {@code reset}
     * drops them instead. Returns the plan carried out, or null.
     */
    private MigrationPlan install(LoadedModule m, byte[] wasm, Node.PublishOptions options) {
        return install(m, wasm, options, List.of());
    }

    /** {@link #install}, logging {@code extra} system rows in the install's record. */
    private MigrationPlan install(LoadedModule m, byte[] wasm, Node.PublishOptions options, List<Change> extra) {
        checkRegistrable(m, null);
        KeptTables.Kept k = kept.get(m.name());
        boolean dropKept = k != null && options.reset();
        MigrationPlan plan = null;
        var logFirst = new ArrayList<Change>();
        if (k != null && !options.reset()) {
            var others = registry.all().stream().map(LoadedModule::schema).toList();
            plan = MigrationPlan.of(
                    k.schema(), m.schema(), m.columnDefaults(), m.migrationReducers(), options.migration(), others);
            if (!plan.allowed())
                throw new ModuleException(
                        ModuleException.Kind.INCOMPATIBLE,
                        plan.describe() + "\nNothing was changed: module '" + m.name() + "' was unloaded with its data"
                                + " kept, and this version cannot take it over as it is. Publish with --reset to DROP"
                                + " it.");
            logFirst.addAll(migrationRecord(plan, Migration.carryOver(plan, k.tables(), m.tables()), m));
        }
        if (options.dryRun()) return plan;
        logFirst.add(codeHash(m.name(), wasm));
        logFirst.addAll(extra);
        registry.add(m);
        runHooks(
                m,
                hooks(plan, k == null ? Map.of() : k.tables(), m, !meta.wasInitialised(m.name())),
                logFirst,
                () -> {
                    if (dropKept) kept.drop(m.name());
                    if (storage != null) StorageMapping.declaredTables(m).forEach(storage::declareTable);
                    meta.moduleLoaded(m.name(), wasm);
                    kept.forget(m.name());
                },
                () -> registry.remove(m.name()),
                "");
        codeCommitted(m.name());
        if (plan != null) dropUndeclared(k.tables(), m);
        return plan;
    }

    /** What a replacement did: the differences, and the migration plan carried out (null with a reset). */
    private record Replaced(SchemaDiff.Result diff, MigrationPlan plan) {}

    /**
     * Puts {@code next} in the place of {@code current} (under the execution lock), migrating the rows as planned
     * unless {@code reset}; a refused plan throws INCOMPATIBLE with the plan and {@code hint}. The rewritten rows, the
     * hooks' writes and the new code's hash are one log record; tables the new version no longer stores are dropped
     * after it.
     */
    private Replaced replace(
            LoadedModule current, LoadedModule next, byte[] wasm, Node.PublishOptions options, String hint) {
        SchemaDiff.Result diff = SchemaDiff.compare(current.schema(), next.schema());
        boolean reset = options.reset();
        MigrationPlan plan = null;
        List<Table> rewritten = List.of();
        if (!reset) {
            var others = registry.all().stream()
                    .filter(m -> m != current)
                    .map(LoadedModule::schema)
                    .toList();
            plan = MigrationPlan.of(
                    current.schema(),
                    next.schema(),
                    next.columnDefaults(),
                    next.migrationReducers(),
                    options.migration(),
                    others);
            if (!plan.allowed()) throw new ModuleException(ModuleException.Kind.INCOMPATIBLE, plan.describe() + hint);
            rewritten = Migration.carryOver(plan, current.tables(), next.tables());
            Replicas.carryOver(current, next);
        }
        checkRegistrable(next, current);
        var logFirst = plan == null ? new ArrayList<Change>() : migrationRecord(plan, rewritten, next);
        if (options.dryRun()) return new Replaced(diff, plan);
        logFirst.add(codeHash(next.name(), wasm));
        registry.add(next); // in the place of the current version
        Iterable<Executor.Job> hooks = hooks(plan, current.tables(), next, false);
        runHooks(
                next,
                hooks,
                logFirst,
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
        codeCommitted(next.name());
        if (!reset) dropUndeclared(current.tables(), next);
        // after the hooks' transaction: dropping a replica is a transaction of its own
        if (reset) replicas.dropAll(current);
        else replicas.dropUndeclared(current, next);
        return new Replaced(diff, plan);
    }

    /** The log record's entry naming the code the module's rows now belong to. */
    private static Change codeHash(String module, byte[] wasm) {
        return new Change.Put(SystemTables.CODE, module.getBytes(StandardCharsets.UTF_8), NodeMetadata.sha256(wasm));
    }

    /** Once the publish's record is durable, its staged code becomes the module's code (the old one kept as previous). */
    private void codeCommitted(String module) {
        if (storage != null) storage.whenDurable(executor.horizonLsn()).join();
        meta.codeCommitted(module);
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

    /** Refuses a module that cannot join the loaded ones ({@code replacing}: the version it replaces, or null). */
    private void checkRegistrable(LoadedModule m, LoadedModule replacing) {
        authorities.checkOffered(m.schema());
        authorities.checkChild(m);
        Children children = authorities.children();
        if (replacing == null && registry.get(m.name()) != null)
            throw new ModuleException(
                    ModuleException.Kind.CONFLICT,
                    "module '" + m.name() + "' is already loaded on this node; remove it first");
        // children use their grants: they never hold an authority of the node themselves
        for (Authority a :
                children.isChild(m.name()) ? List.<Authority>of() : m.schema().authorities())
            for (LoadedModule other : registry.all())
                if (other != replacing
                        && !children.isChild(other.name())
                        && other.schema().authorities().contains(a))
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

    /**
     * The log record's first changes for a migration: the stored rows of tables a migration reducer rebuilds go, the
     * rewritten tables' rows are stored anew. Refused when they would not fit one record (a log that refused it after
     * the install would split the migration).
     */
    private static List<Change> migrationRecord(MigrationPlan plan, List<Table> rewritten, LoadedModule next) {
        var logFirst = new ArrayList<Change>();
        for (String name : plan.rebuiltTables()) {
            Table t = next.tables().get(name); // the migration reducer writes its new rows in the hooks' transaction
            if (t.schema().persistence() != Persistence.EPHEMERAL) logFirst.add(new Change.Clear(t.id()));
        }
        long bytes = 0;
        for (Table t : rewritten) {
            if (t.schema().persistence() == Persistence.EPHEMERAL) continue;
            logFirst.add(new Change.Clear(t.id()));
            for (StoredRow r : t.scan()) {
                var put = new Change.Put(t.id(), Abi.encodeIndexKey(r.pk()), r.encoded());
                bytes += put.recordBytes();
                logFirst.add(put);
            }
        }
        if (bytes > Storage.MAX_RECORD_BYTES - MIGRATION_RECORD_MARGIN)
            throw new ModuleException(
                    ModuleException.Kind.INCOMPATIBLE,
                    plan.describe() + "\nThe migration rewrites " + (bytes >> 20) + " MiB of rows, more than one log"
                            + " record holds (" + ((Storage.MAX_RECORD_BYTES - MIGRATION_RECORD_MARGIN) >> 20)
                            + " MiB). Nothing was changed.");
        return logFirst;
    }

    /** After the migration's record (a crash before it must find them intact): drops the old tables {@code next} no longer stores. */
    private void dropUndeclared(Map<String, Table> old, LoadedModule next) {
        if (storage == null) return;
        var kept = StorageMapping.declaredTables(next).keySet();
        for (Table t : old.values())
            if (t.schema().persistence() != Persistence.EPHEMERAL && !kept.contains(t.id())) storage.dropTable(t.id());
    }

    /** {@code plan}'s migration reducer calls over the old tables {@code from}, then the lifecycle hooks. */
    private Iterable<Executor.Job> hooks(
            MigrationPlan plan, Map<String, Table> from, LoadedModule next, boolean firstLoad) {
        if (plan == null || plan.migrations().isEmpty()) return lifecycleHooks(next, firstLoad);
        return () -> java.util.stream.Stream.concat(
                        migrationJobs(plan, from, next), lifecycleHooks(next, firstLoad).stream())
                .iterator();
    }

    /** One call of its migration reducer per old row of each table {@code plan} migrates, made as they are run. */
    private java.util.stream.Stream<Executor.Job> migrationJobs(
            MigrationPlan plan, Map<String, Table> from, LoadedModule next) {
        var ctx = CallContext.runtime(meta.nodeId());
        return plan.migrations().entrySet().stream().flatMap(e -> {
            Table old = from.get(e.getKey());
            var reducer = next.schema().reducer(e.getValue()).orElseThrow();
            return old.scan().stream()
                    .map(r -> new Executor.Job(
                            next.name(),
                            reducer.name(),
                            List.of(MigrationReducers.argument(old.schema(), r.row(), reducer)),
                            ctx,
                            "migration (old row " + ValueText.of(r.pk().value()) + " of table '" + e.getKey() + "')"));
        });
    }

    /** The module's {@code init} hooks ({@code first} load on this node only), then its {@code load} hooks. */
    private List<Executor.Job> lifecycleHooks(LoadedModule m, boolean first) {
        var ctx = CallContext.runtime(meta.nodeId());
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
    private void runHooks(
            LoadedModule m,
            Iterable<Executor.Job> hooks,
            List<Change> logFirst,
            Runnable persist,
            Runnable undo,
            String note) {
        boolean[] persisted = {false};
        try {
            var origin = new TxOrigin(m.name(), "", "publish", "", "", new byte[0]);
            executor.runHooks(hooks, logFirst, origin, () -> {
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
}
