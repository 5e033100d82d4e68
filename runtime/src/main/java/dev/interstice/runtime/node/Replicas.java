package dev.interstice.runtime.node;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeDependency;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.SubscriptionEvent.TableEventKind;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.Invocation;
import dev.interstice.runtime.exec.ModuleRegistry;
import dev.interstice.runtime.exec.SystemTables;
import dev.interstice.runtime.exec.SystemTables.ReplicaPosition;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import dev.interstice.runtime.table.TypeChecker;
import dev.interstice.runtime.tx.Transaction;
import dev.interstice.storage.ByteKey;
import dev.interstice.storage.Change;
import dev.interstice.storage.RecoveredState;
import dev.interstice.storage.Storage;
import dev.interstice.storage.TableId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's replicas of other nodes' tables ({@code replicated_tables} of its modules): read-only tables inside the
 * replicating module, filled only from the source table's stream (a snapshot, then its events), each change a logged
 * local transaction that also logs the stream position it brings the replica to. Their schemas (the source's public
 * table schema, learnt over the network) are logged too, so a restarted node has its replicas and their positions
 * back before it reconnects. The network layer drives it; every method runs under the execution lock.
 */
public final class Replicas {
    private static final Logger log = LoggerFactory.getLogger(Replicas.class);

    /**
     * A table replicated by some module: its node (as the module names it), the node's address, module, table, and
     * whether every replica of it has its table (false until the source's schema is known, or after a module's reset
     * dropped it: the network then prepares the replicas again).
     */
    public record Source(String node, Optional<String> address, String module, String table, boolean ready) {}

    /** The position the replicas of a source agree on and their rows: what a restarted subscription resumes from. */
    public record Seed(String epoch, long seq, List<byte[]> rows) {}

    private final Executor executor;
    private final ModuleRegistry registry;
    private final Storage storage;
    private final String nodeId;
    /** Stream position per replica table (as logged). */
    private final Map<TableId, ReplicaPosition> positions = new HashMap<>();
    /** The logged schema of each replica table: its table and the types it uses. */
    private final Map<TableId, ModuleSchema> shells = new HashMap<>();
    /** Sources whose {@code sync} subscribers ran in this run ("node\0module\0table"). */
    private final Set<String> synced = ConcurrentHashMap.newKeySet();

    Replicas(Executor executor, ModuleRegistry registry, Storage storage, String nodeId) {
        this.executor = executor;
        this.registry = registry;
        this.storage = storage;
        this.nodeId = nodeId;
    }

    /** What the loaded modules replicate, each source once. */
    public List<Source> sources() {
        return executor.exclusive(() -> {
            var out = new LinkedHashMap<List<Object>, Source>();
            for (LoadedModule m : registry.all())
                for (LoadedModule.Replica r : m.replicas()) {
                    var address = m.schema().nodeDependencies().stream()
                            .filter(d -> d.name().equals(r.source().node()))
                            .map(NodeDependency::address)
                            .findFirst();
                    var s = new Source(
                            r.source().node(),
                            address,
                            r.source().module(),
                            r.source().table(),
                            r.table() != null);
                    out.merge(
                            List.of(s.node(), s.address(), s.module(), s.table()),
                            s,
                            (a, b) -> new Source(a.node(), a.address(), a.module(), a.table(), a.ready() && b.ready()));
                }
            return List.copyOf(out.values());
        });
    }

    /**
     * The source's module as its node publishes it ({@code remote}; empty when it has no such module). Creates the
     * replicas of {@code module.table} on nodes named {@code nodeNames} that have no table yet, and recreates empty
     * (position forgotten) those whose source schema changed. Returns true when a replica was created or recreated:
     * its subscription must start again from a snapshot.
     */
    public boolean sourceSchema(Set<String> nodeNames, String module, String table, Optional<ModuleSchema> remote) {
        return executor.exclusive(() -> {
            Optional<TableSchema> source =
                    remote.flatMap(m -> m.table(table)).filter(t -> t.visibility() == Visibility.PUBLIC);
            if (source.isEmpty()) {
                log.warn(
                        "replicated table {}.{} is not a public table on node '{}'; its replicas stay as they are",
                        module,
                        table,
                        String.join("', '", nodeNames));
                return false;
            }
            boolean changed = false;
            for (var e : matching(nodeNames, module, table)) {
                LoadedModule.Replica r = e.replica();
                ModuleSchema shell = shell(remote.get(), localSchema(source.get(), r.localName()));
                ModuleSchema current =
                        r.table() == null ? null : shells.get(r.table().id());
                if (current != null
                        && current.tables().equals(shell.tables())
                        && current.typeDefinitions().equals(shell.typeDefinitions())) continue;
                create(e.owner(), r, shell);
                changed = true;
            }
            return changed;
        });
    }

    /** The position and rows the replicas of a source share, if they all have one (else a snapshot is needed). */
    public Optional<Seed> seed(Set<String> nodeNames, String module, String table) {
        return executor.exclusive(() -> {
            ReplicaPosition common = null;
            Table first = null;
            for (var e : matching(nodeNames, module, table)) {
                Table t = e.replica().table();
                ReplicaPosition p = t == null ? null : positions.get(t.id());
                if (p == null || (common != null && !common.equals(p))) return Optional.<Seed>empty();
                common = p;
                if (first == null) first = t;
            }
            if (common == null) return Optional.<Seed>empty();
            return Optional.of(new Seed(
                    common.epoch(),
                    common.seq(),
                    first.scan().stream().map(StoredRow::encoded).toList()));
        });
    }

    /**
     * A snapshot of the source at ({@code epoch}, {@code seq}): each replica takes exactly the difference between its
     * rows and the snapshot, with the new position, in one transaction; then the first synchronisation of this run
     * runs the {@code sync} subscribers.
     */
    public void applySnapshot(
            Set<String> nodeNames, String module, String table, String epoch, long seq, List<byte[]> rows) {
        var byKey = new LinkedHashMap<ByteBuffer, byte[]>(Math.max(16, rows.size() * 2));
        for (byte[] r : rows) byKey.put(pkOf(r), r);
        var position = new ReplicaPosition(epoch, seq);
        applying(inv -> {
            for (var e : matching(nodeNames, module, table)) {
                Table t = e.replica().table();
                if (t == null) continue;
                Transaction tx = inv.tx();
                for (StoredRow r : t.scan())
                    if (!byKey.containsKey(ByteBuffer.wrap(Abi.encodeIndexKey(r.pk())))) tx.delete(t, r.pk());
                for (byte[] r : byKey.values()) put(tx, t, r);
                setPosition(inv, t, position);
            }
        });
        inSync(nodeNames, module, table);
    }

    /** One event of a source's stream: its sequence number and the change (rows postcard-encoded). */
    public record Event(long seq, TableEventKind kind, byte[] before, byte[] after) {}

    /**
     * Consecutive events of the source's stream (as they arrived together): applied, in order, to every replica whose
     * position is just before the first one it has not seen, with the position after the last, in one transaction.
     * Returns false when some replica is not at an event's predecessor (it needs a snapshot); events a replica has
     * already seen are skipped (duplicates).
     */
    public boolean applyEvents(Set<String> nodeNames, String module, String table, String epoch, List<Event> events) {
        boolean[] inStep = {true};
        applying(inv -> {
            for (var e : matching(nodeNames, module, table)) {
                Table t = e.replica().table();
                if (t == null) continue;
                ReplicaPosition p = positions.get(t.id());
                long at = p != null && p.epoch().equals(epoch) ? p.seq() : -1;
                long from = at;
                Transaction tx = inv.tx();
                for (Event ev : events) {
                    if (at >= 0 && ev.seq() <= at) continue;
                    if (at < 0 || ev.seq() != at + 1) {
                        inStep[0] = false;
                        break;
                    }
                    if (ev.kind() != TableEventKind.INSERT) remove(tx, t, ev.before());
                    if (ev.kind() != TableEventKind.DELETE) put(tx, t, ev.after());
                    at = ev.seq();
                }
                if (at != from) setPosition(inv, t, new ReplicaPosition(epoch, at));
            }
        });
        return inStep[0];
    }

    /** The stream resumed where the replicas are: the first time in this run, the {@code sync} subscribers run. */
    public void inSync(Set<String> nodeNames, String module, String table) {
        var jobs = new ArrayList<Executor.Job>();
        executor.exclusive(() -> {
            for (String node : nodeNames)
                if (synced.add(node + '\u0000' + module + '\u0000' + table))
                    for (var s : registry.replicaSyncSubscribers(node, module, table))
                        jobs.add(new Executor.Job(
                                s.module(),
                                s.reducer(),
                                List.of(),
                                CallContext.runtime(nodeId),
                                node + "." + module + "." + table + ".sync"));
            return null;
        });
        executor.runJobs(jobs);
    }

    // ---- the node's side: restart, replacement, removal (under the execution lock) ----

    /** Recreates the replicas a restarted node had (schema, rows, position) in the restored modules. */
    void restore(RecoveredState state, Collection<LoadedModule> modules) {
        Map<ByteKey, byte[]> schemas = state.rows(SystemTables.REPLICA_SCHEMAS);
        Map<ByteKey, byte[]> stored = state.rows(SystemTables.REPLICA_POSITIONS);
        for (LoadedModule m : modules)
            for (LoadedModule.Replica r : m.replicas()) {
                TableId id = new TableId(m.name(), r.localName());
                byte[] shell = schemas.get(new ByteKey(SystemTables.replicaKey(id)));
                if (shell == null) continue;
                ModuleSchema decoded = Abi.decodeModuleSchema(shell);
                Table t = tableOf(id, decoded);
                shells.put(id, decoded);
                StorageMapping.load(t, state);
                m.setReplicaTable(r.localName(), t);
                byte[] p = stored.get(new ByteKey(SystemTables.replicaKey(id)));
                if (p != null) positions.put(id, SystemTables.decodeReplicaPosition(p));
            }
    }

    /** A compatible replacement takes over the replicas it still declares (rows and position); nothing is logged. */
    static void carryOver(LoadedModule from, LoadedModule to) {
        for (LoadedModule.Replica r : from.replicas())
            if (r.table() != null && to.replica(r.localName()) != null) to.setReplicaTable(r.localName(), r.table());
    }

    /** Once a replacement is installed: the replicas it no longer declares are dropped. */
    void dropUndeclared(LoadedModule from, LoadedModule to) {
        for (LoadedModule.Replica r : from.replicas())
            if (r.table() != null && to.replica(r.localName()) == null)
                drop(r.table().id());
    }

    /** The module is removed or reset: its replicas' rows, schemas and positions go too. */
    void dropAll(LoadedModule m) {
        for (LoadedModule.Replica r : m.replicas())
            if (r.table() != null) drop(r.table().id());
    }

    // ---- internals ----

    private record Match(LoadedModule owner, LoadedModule.Replica replica) {}

    private List<Match> matching(Set<String> nodeNames, String module, String table) {
        var out = new ArrayList<Match>();
        for (LoadedModule m : registry.all())
            for (LoadedModule.Replica r : m.replicas())
                if (nodeNames.contains(r.source().node())
                        && r.source().module().equals(module)
                        && r.source().table().equals(table)) out.add(new Match(m, r));
        return out;
    }

    /**
     * The source's table under the local name: logged, and with neither auto_inc nor unique constraints (its rows are
     * the source's, taken as they come; indexes are kept for index scans).
     */
    private static TableSchema localSchema(TableSchema source, String localName) {
        var indexes = source.indexes().stream()
                .map(i -> new IndexSchema(i.field(), i.type(), false, false))
                .toList();
        return new TableSchema(
                localName,
                source.typeName(),
                Visibility.PUBLIC,
                source.fields(),
                source.primaryKey(),
                false,
                indexes,
                Persistence.LOGGED);
    }

    /** What is logged of a replica's schema: its table and the source module's types it uses, as a module schema. */
    private static ModuleSchema shell(ModuleSchema source, TableSchema local) {
        return new ModuleSchema(
                        source.abiVersion(),
                        source.name(),
                        source.version(),
                        Visibility.PUBLIC,
                        List.of(),
                        List.of(),
                        List.of(local),
                        List.of(),
                        source.typeDefinitions(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of())
                .toPublic(); // keeps only the types the table uses
    }

    private static Table tableOf(TableId id, ModuleSchema shell) {
        return new Table(id, shell.tables().getFirst(), new TypeChecker(shell.typeDefinitions()));
    }

    /** (Re)creates a replica empty with this schema, forgetting its position, in a logged transaction. */
    private void create(LoadedModule owner, LoadedModule.Replica r, ModuleSchema shell) {
        TableId id = new TableId(owner.name(), r.localName());
        Table t = tableOf(id, shell);
        executor.runInternal("replica", inv -> {
            if (storage != null) {
                storage.dropTable(id); // a recreated replica starts empty
                storage.declareTable(id, Persistence.LOGGED);
            }
            byte[] key = SystemTables.replicaKey(id);
            inv.systemChange(new Change.Put(SystemTables.REPLICA_SCHEMAS, key, Abi.encodeModuleSchema(shell)));
            inv.systemChange(new Change.Delete(SystemTables.REPLICA_POSITIONS, key));
        });
        owner.setReplicaTable(r.localName(), t);
        shells.put(id, shell);
        positions.remove(id);
        log.info(
                "module {}: replica {} of {}.{}.{} created ({} columns)",
                owner.name(),
                r.localName(),
                r.source().node(),
                r.source().module(),
                r.source().table(),
                t.schema().fields().size() + 1);
    }

    private void drop(TableId id) {
        positions.remove(id);
        shells.remove(id);
        executor.runInternal("replica", inv -> {
            if (storage != null) storage.dropTable(id);
            byte[] key = SystemTables.replicaKey(id);
            inv.systemChange(new Change.Delete(SystemTables.REPLICA_SCHEMAS, key));
            inv.systemChange(new Change.Delete(SystemTables.REPLICA_POSITIONS, key));
        });
    }

    /**
     * Replay only ({@link Node#applyLogged}): a logged (re)creation or drop of a replica ({@code REPLICA_SCHEMAS} put or
     * delete) done again as {@link #create} or {@link #drop} did it, in the transaction applying the record (which logs
     * the change itself): the replica's rows after it then have their table.
     */
    void replayed(Change c) {
        TableId id = SystemTables.parseReplicaKey(
                c instanceof Change.Put p ? p.key() : c instanceof Change.Delete d ? d.key() : new byte[0]);
        LoadedModule owner = registry.get(id.module());
        LoadedModule.Replica r = owner == null ? null : owner.replica(id.table());
        if (r == null) return;
        positions.remove(id);
        if (storage != null) storage.dropTable(id);
        if (c instanceof Change.Put p) {
            ModuleSchema shell = Abi.decodeModuleSchema(p.row());
            if (storage != null) storage.declareTable(id, Persistence.LOGGED);
            owner.setReplicaTable(r.localName(), tableOf(id, shell));
            shells.put(id, shell);
        } else shells.remove(id);
    }

    /** Positions set by the transaction being built; they count once it committed. */
    private final Map<TableId, ReplicaPosition> pending = new HashMap<>();

    /** Runs {@code body} as one transaction; the positions it set take effect only if it commits. */
    private void applying(java.util.function.Consumer<Invocation> body) {
        executor.exclusive(() -> {
            pending.clear();
            try {
                executor.runInternal("replica", body);
                positions.putAll(pending);
            } finally {
                pending.clear();
            }
            return null;
        });
    }

    private void setPosition(Invocation inv, Table t, ReplicaPosition p) {
        inv.systemChange(new Change.Put(
                SystemTables.REPLICA_POSITIONS,
                SystemTables.replicaKey(t.id()),
                SystemTables.encodeReplicaPosition(p)));
        pending.put(t.id(), p);
    }

    /** Inserts the row, or replaces the row with its key if it differs. */
    private static void put(Transaction tx, Table t, byte[] bytes) {
        Row row = Abi.decodeRow(bytes);
        StoredRow current = tx.get(t, new IndexKey(row.primaryKey()));
        if (current == null) tx.insert(t, row, bytes);
        else if (!Arrays.equals(current.encoded(), bytes)) tx.update(t, row, bytes);
    }

    private static void remove(Transaction tx, Table t, byte[] bytes) {
        IndexKey pk = new IndexKey(Abi.decodeRow(bytes).primaryKey());
        if (tx.get(t, pk) != null) tx.delete(t, pk);
    }

    private static ByteBuffer pkOf(byte[] row) {
        return ByteBuffer.wrap(
                Abi.encodeIndexKey(new IndexKey(Abi.decodeRow(row).primaryKey())));
    }
}
