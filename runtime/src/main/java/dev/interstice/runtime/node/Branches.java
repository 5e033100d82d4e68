package dev.interstice.runtime.node;

import dev.interstice.abi.codec.HistoryCodec;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.exec.Executor;
import dev.interstice.runtime.exec.Frame;
import dev.interstice.runtime.exec.ModuleRegistry;
import dev.interstice.runtime.exec.SystemTables;
import dev.interstice.runtime.host.History;
import dev.interstice.runtime.module.Access;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import dev.interstice.runtime.tx.TxException;
import dev.interstice.storage.ByteKey;
import dev.interstice.storage.Change;
import dev.interstice.storage.Storage;
import dev.interstice.storage.TableHistory;
import dev.interstice.storage.TableId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time travel for modules (docs/time-travel.md, docs/abi.md §4.6): a module's own tables as of a past transaction, and
 * its branches ({@link Branch}), kept in memory, bounded by {@link BranchLimits}. Branch changes made by a transaction
 * are undone when it is dropped. Host calls run under the execution lock; the node's own calls take it.
 */
final class Branches implements History {
    private static final Logger log = LoggerFactory.getLogger(Branches.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final Node node;
    private final Executor executor;
    private final ModuleRegistry registry;
    private final Storage storage;
    private final NodeConfig config;
    /** A persistent node's branches on disk; null: in memory only. */
    private final BranchFiles files;
    /** Each module's branches in fork order; under the execution lock. */
    private final Map<String, LinkedHashMap<String, Branch>> byModule = new HashMap<>();

    private final Map<String, HistoryCodec.Merged> lastMerge = new ConcurrentHashMap<>();
    /** A branch's scratch node: branches do not nest. */
    private volatile boolean inBranch;
    /** A replay's scratch node: the log holds a merge's calls as the transactions they were, so a merge runs none. */
    private volatile boolean replaying;

    Branches(Node node, Executor executor, ModuleRegistry registry, Storage storage, NodeConfig config) {
        this.node = node;
        this.executor = executor;
        this.registry = registry;
        this.storage = storage;
        this.config = config;
        this.files = storage == null || config.dataDir() == null
                ? null
                : new BranchFiles(config.dataDir().resolve("branches"));
    }

    /**
     * Takes back the branches kept on disk, as of the recovered log's last transaction {@code lastTxId} (a persistent
     * node's start); each one's state is rebuilt from its record when first used.
     */
    void restore(long lastTxId, String nodeId) {
        if (files == null) return;
        for (var r : files.restore(lastTxId, w -> log.warn("branches: {}", w))) {
            var b = new Branch(r.module(), r.name(), r.fromTx(), r.wasm(), r.base(), r.forkTimeMs(), nodeId, config)
                    .restoredWith(r.calls());
            byModule.computeIfAbsent(r.module(), k -> new LinkedHashMap<>()).put(r.name(), b);
        }
    }

    /**
     * Once transaction {@code tx} commits, writes what it did to branch {@code b} to disk, unless the same transaction
     * took the branch away again (a preview: fork, call, discard) or the node keeps no files.
     */
    private void persistAtCommit(Frame f, Branch b) {
        if (files == null) return;
        f.invocation().logEvenIfEmpty(); // the log then holds the transaction: restore keeps what it did
        long tx = f.invocation().tx().id();
        f.invocation().atCommit(() -> {
            if (byModule.getOrDefault(b.module, new LinkedHashMap<>()).get(b.name) != b) return;
            try {
                b.onDisk = files.sync(b, b.calls(), b.onDisk, tx);
            } catch (java.io.UncheckedIOException e) {
                log.warn("{}: the branch is kept in memory only, until the node stops", e.getMessage());
            }
        });
    }

    /** Once the frame's transaction commits, removes the files of branch {@code name} it discarded or merged. */
    private void goneAtCommit(Frame f, String module, String name) {
        if (files == null) return;
        f.invocation().logEvenIfEmpty();
        long tx = f.invocation().tx().id();
        f.invocation().atCommit(() -> gone(module, name, tx));
    }

    private void gone(String module, String name, long tx) {
        try {
            files.gone(module, name, tx);
        } catch (java.io.UncheckedIOException e) {
            log.warn("{}", e.getMessage());
        }
    }

    // ---- past reads ----

    @Override
    public Past asOf(Frame f, String table, long txId) {
        refuseInBranch();
        Table t = ownTable(f, table);
        if (t.schema().persistence() == Persistence.EPHEMERAL)
            throw new TxException("table '" + table + "' is ephemeral: its past is not kept");
        long last = committedBefore(f, txId);
        if (txId >= last) {
            var rows = new ArrayList<byte[]>(t.size());
            for (StoredRow r : t.scan()) rows.add(r.encoded());
            return new Past(last, checkRows(rows, "table '" + table + "' as of tx " + last));
        }
        PastRows past = TimeTravel.rows(readPast(Set.of(t.id()), txId), t.id());
        return new Past(past.txId(), checkRows(past.rows(), "table '" + table + "' as of tx " + past.txId()));
    }

    /**
     * The last committed transaction; refuses a transaction that is not committed yet (a reducer's own, or a later
     * one; a query reads committed state only).
     */
    private long committedBefore(Frame f, long txId) {
        long last = executor.lastTxId();
        if (Long.compareUnsigned(txId, last) > 0)
            throw new TxException("tx " + Long.toUnsignedString(txId)
                    + " is not committed yet: the last committed is tx " + last
                    + (f.readOnly()
                            ? ""
                            : ", this transaction is tx " + f.invocation().tx().id()));
        return last;
    }

    private TableHistory.State readPast(Set<TableId> ids, long txId) {
        if (storage == null)
            throw new TxException(
                    "an in-memory node keeps no history: only the last committed transaction can be read");
        node.awaitDurable(executor.horizonLsn()); // the log holds every committed transaction before it is read
        try {
            return storage.tablesAsOf(ids, txId);
        } catch (TableHistory.NotKept e) {
            throw new TxException(e.getMessage() + " (docs/time-travel.md, retention)");
        } catch (IOException e) {
            throw new TxException("cannot read the log: " + e.getMessage());
        }
    }

    private List<byte[]> checkRows(List<byte[]> rows, String what) {
        if (rows.size() > config.branchLimits().maxRows())
            throw new TxException(what + " holds " + rows.size() + " rows, more than one past read or branch may hold ("
                    + config.branchLimits().maxRows() + ")");
        return rows;
    }

    // ---- branches ----

    @Override
    public long fork(Frame f, String name, long fromTx) {
        refuseInBranch();
        writer(f, "fork");
        if (!NAME.matcher(name).matches())
            throw new TxException("a branch name is 1 to 64 letters, digits, '_', '.' or '-', not '" + name + "'");
        LoadedModule m = f.module();
        var mine = byModule.computeIfAbsent(m.name(), k -> new LinkedHashMap<>());
        if (mine.containsKey(name)) throw new TxException("branch '" + name + "' already exists");
        if (mine.size() >= config.branchLimits().maxBranches())
            throw new TxException(
                    "module '" + m.name() + "' already keeps " + mine.size() + " branches, the most it may ("
                            + config.branchLimits().maxBranches() + "): discard or merge one first");
        long last = committedBefore(f, fromTx);
        List<Change> base = new ArrayList<>();
        long at = fromTx >= last ? current(m, base) : past(m, fromTx, base);
        int rows = 0;
        for (Change c : base) if (c instanceof Change.Put p && !p.table().equals(SystemTables.SEQUENCES)) rows++;
        if (rows > config.branchLimits().maxRows())
            throw new TxException("module '" + m.name() + "' held " + rows + " rows at tx " + at
                    + ", more than a branch may hold (" + config.branchLimits().maxRows() + ")");
        var b = new Branch(
                m.name(), name, at, m.wasm(), base, f.invocation().tx().timestampMs(), node.id(), config);
        try {
            b.node();
        } catch (RuntimeException e) {
            b.close();
            throw new TxException("cannot fork branch '" + name + "': " + e.getMessage());
        }
        mine.put(name, b);
        persistAtCommit(f, b);
        f.invocation().ifDropped(() -> {
            mine.remove(name, b);
            b.close();
        });
        return at;
    }

    /** The module's stored tables as committed now, as the changes that set a fresh copy to them. */
    private long current(LoadedModule m, List<Change> base) {
        for (Table t : m.tables().values()) {
            if (t.schema().persistence() == Persistence.EPHEMERAL) continue;
            base.add(new Change.Clear(t.id()));
            for (StoredRow r : t.scan()) base.add(new Change.Put(t.id(), new byte[0], r.encoded()));
            for (var c : t.autoIncCounters().entrySet())
                base.add(new Change.Put(
                        SystemTables.SEQUENCES,
                        SystemTables.sequenceKey(t.id(), c.getKey()),
                        SystemTables.longBytes(c.getValue())));
        }
        return executor.lastTxId();
    }

    /** The module's stored tables as of {@code txId}, read from the log. */
    private long past(LoadedModule m, long txId, List<Change> base) {
        refusePublishedSince(m, txId);
        Set<TableId> ids = new HashSet<>(StorageMapping.declaredTables(m).keySet());
        ids.add(SystemTables.SEQUENCES);
        TableHistory.State state = readPast(ids, txId);
        for (Table t : m.tables().values()) {
            if (t.schema().persistence() == Persistence.EPHEMERAL) continue;
            base.add(new Change.Clear(t.id()));
            for (byte[] r : TimeTravel.rows(state, t.id()).rows()) base.add(new Change.Put(t.id(), new byte[0], r));
        }
        for (var e : state.tables()
                .getOrDefault(SystemTables.SEQUENCES, new TreeMap<ByteKey, byte[]>())
                .entrySet()) {
            byte[] key = e.getKey().bytes();
            if (SystemTables.parseSequenceKey(key)[0].equals(m.name()))
                base.add(new Change.Put(SystemTables.SEQUENCES, key, e.getValue()));
        }
        return state.txId();
    }

    private void refusePublishedSince(LoadedModule m, long txId) {
        try {
            var published = storage == null
                    ? List.<dev.interstice.storage.TxLog.Entry>of()
                    : storage.readLog(
                            txId + 1,
                            1,
                            r -> r.origin() != null
                                    && r.origin().module().equals(m.name())
                                    && r.origin().trigger().equals("publish"));
            if (!published.isEmpty())
                throw new TxException("cannot fork module '" + m.name() + "' at tx " + txId
                        + ": it was published at tx "
                        + published.getFirst().record().txId() + " since, so its tables then may not fit its code now");
        } catch (IOException e) {
            throw new TxException("cannot read the log: " + e.getMessage());
        }
    }

    @Override
    public void call(Frame f, String name, String reducer, List<IntersticeValue> args) {
        refuseInBranch();
        writer(f, "call reducers in");
        Branch b = branch(f.module().name(), name);
        if (b.callCount() >= config.branchLimits().maxCalls())
            throw new TxException("branch '" + name + "' already records " + b.callCount()
                    + " calls, the most a branch may (" + config.branchLimits().maxCalls() + "): merge or discard it");
        int before = b.callCount();
        try {
            b.call(new Branch.Recorded(
                    reducer, List.copyOf(args), f.caller(), f.invocation().tx().timestampMs()));
        } catch (CallException e) {
            throw new TxException("in branch '" + name + "': " + e.getMessage());
        }
        f.invocation().ifDropped(() -> b.truncate(before));
        int rows = b.node().rowCount(b.module);
        if (rows > config.branchLimits().maxRows()) {
            b.truncate(before);
            throw new TxException("branch '" + name + "' would hold " + rows + " rows, more than a branch may ("
                    + config.branchLimits().maxRows() + "); the call was undone");
        }
        persistAtCommit(f, b);
    }

    @Override
    public List<byte[]> branchRows(Frame f, String name, String table) {
        refuseInBranch();
        ownTable(f, table);
        return branch(f.module().name(), name).node().encodedRows(f.module().name(), table);
    }

    @Override
    public void discard(Frame f, String name) {
        refuseInBranch();
        writer(f, "discard");
        Branch b = take(f.module().name(), name);
        f.invocation().ifDropped(() -> giveBack(b));
        f.invocation().atCommit(b::close);
        goneAtCommit(f, b.module, b.name);
    }

    @Override
    public int merge(Frame f, String name) {
        refuseInBranch();
        writer(f, "merge");
        Branch b = take(f.module().name(), name);
        f.invocation().ifDropped(() -> giveBack(b));
        goneAtCommit(f, b.module, b.name);
        var request = f.invocation().asCause(); // the merged calls' parent: they hang under the request in its trace
        f.invocation().afterCommit(() -> {
            if (replaying) {
                b.close();
                return;
            }
            var merged = replay(b, request);
            lastMerge.put(b.module, merged);
            if (!merged.failed().isEmpty())
                log.info(
                        "merge of branch '{}' of module '{}': {} calls applied, {} failed",
                        b.name,
                        b.module,
                        merged.applied().size(),
                        merged.failed().size());
        });
        return b.callCount();
    }

    @Override
    public List<HistoryCodec.Branch> branches(Frame f) {
        refuseInBranch();
        return list(f.module().name());
    }

    @Override
    public HistoryCodec.Merged lastMerge(Frame f) {
        refuseInBranch();
        return lastMerge.get(f.module().name());
    }

    // ---- for people (Node) ----

    List<HistoryCodec.Branch> list(String module) {
        var out = new ArrayList<HistoryCodec.Branch>();
        for (Branch b : byModule.getOrDefault(module, new LinkedHashMap<>()).values())
            out.add(new HistoryCodec.Branch(b.name, b.fromTx, b.callCount()));
        return out;
    }

    /** Removes a branch (under the execution lock); the caller closes it. */
    Branch take(String module, String name) {
        Branch b = branch(module, name);
        byModule.get(module).remove(name);
        return b;
    }

    /** Removes a branch for a person (under the execution lock, outside any transaction), its files at once. */
    Branch takeNow(String module, String name) {
        Branch b = take(module, name);
        if (files != null) gone(module, name, 0);
        return b;
    }

    /** {@code module} was removed: its branches go too, files included (a module loaded later by that name has none). */
    void forgetModule(String module) {
        var mine = byModule.remove(module);
        if (mine == null) return;
        for (Branch b : mine.values()) {
            b.close();
            if (files != null) gone(module, b.name, 0);
        }
    }

    private void giveBack(Branch b) {
        byModule.computeIfAbsent(b.module, k -> new LinkedHashMap<>()).put(b.name, b);
    }

    /**
     * Replays the branch's recorded calls on the main timeline in order, each as an ordinary transaction with its
     * original caller, caused by {@code request} (the transaction that asked for the merge; null: a person's merge,
     * each call a trace of its own); a call that fails is reported and the next one runs. Closes the branch.
     */
    HistoryCodec.Merged replay(Branch b, dev.interstice.storage.TxTrace.Parent request) {
        var applied = new ArrayList<Long>();
        var failed = new ArrayList<HistoryCodec.Failure>();
        List<Branch.Recorded> calls = b.calls();
        b.close();
        for (int i = 0; i < calls.size(); i++) {
            Branch.Recorded r = calls.get(i);
            try {
                applied.add(node.call(b.module, r.reducer(), r.args(), r.caller(), Ack.FAST, request)
                        .txId());
            } catch (RuntimeException e) {
                failed.add(new HistoryCodec.Failure(i, r.reducer(), e.getMessage()));
            }
        }
        return new HistoryCodec.Merged(b.name, applied, failed);
    }

    /** Closes every branch (the node closes). */
    void closeAll() {
        for (var mine : byModule.values()) for (Branch b : mine.values()) b.close();
        byModule.clear();
    }

    /** This node replays a log ({@link Replay}): merges are in the log already, as the transactions they made. */
    void markReplaying() {
        replaying = true;
    }

    /** This node is a branch's scratch node: its modules cannot travel in time themselves. */
    void markInBranch() {
        inBranch = true;
    }

    // ---- checks ----

    private void refuseInBranch() {
        if (inBranch) throw new TxException("time travel is not available inside a branch (branches do not nest)");
    }

    private static void writer(Frame f, String what) {
        if (f.readOnly()) throw new TxException("a query cannot " + what + " branches");
    }

    private Branch branch(String module, String name) {
        Branch b = byModule.getOrDefault(module, new LinkedHashMap<>()).get(name);
        if (b == null) throw new TxException("module '" + module + "' has no branch '" + name + "'");
        return b;
    }

    /** One of the frame module's own tables, which the frame declared it reads. */
    private static Table ownTable(Frame f, String table) {
        Table t = f.module().table(table);
        if (t == null)
            throw new TxException(
                    "no table '" + table + "' in module '" + f.module().name() + "'");
        if (!f.access().allows(Access.Kind.READ, f.module().name(), table))
            throw new TxException((f.readOnly() ? "query '" : "reducer '") + f.function() + "' of module '"
                    + f.module().name() + "' did not declare read access to table '"
                    + f.module().name() + "." + table
                    + "'");
        return t;
    }
}
