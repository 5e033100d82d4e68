package dev.interstice.runtime.exec;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.AbiDecodeException;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.engine.GuestInstance;
import dev.interstice.runtime.engine.GuestMemoryException;
import dev.interstice.runtime.engine.GuestTrapException;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.module.TableViews;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import dev.interstice.runtime.tx.ReadSet;
import dev.interstice.runtime.tx.RowChange;
import dev.interstice.runtime.tx.Transaction;
import dev.interstice.storage.Change;
import dev.interstice.storage.Storage;
import dev.interstice.storage.TxOrigin;
import dev.interstice.storage.TxRecord;
import dev.interstice.storage.TxTrace;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every transaction of a node, one at a time, in one total order (the order callers acquire the execution
 * lock). A call runs its reducer as a transaction, commits it, then runs the subscribers its changes triggered, each
 * as its own transaction, before the lock is released: the same sequence of calls therefore always produces the
 * same transactions, ids and tables.
 */
public final class Executor {
    private static final Logger log = LoggerFactory.getLogger(Executor.class);
    /** Bound on subscriber transactions one call may trigger, so a subscription cycle cannot wedge the node. */
    static final int MAX_CASCADE = 100_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final ModuleRegistry modules;
    private final CommitLog commitLog;
    private final NodeServices services;
    private final PostcardWriter argWriter = new PostcardWriter(1024);
    /** Each speculating caller's argument buffer (the shared one belongs to the lock holder). */
    private static final ThreadLocal<PostcardWriter> SPECULATING_WRITER =
            ThreadLocal.withInitial(() -> new PostcardWriter(1024));
    /** Optimistic parallel execution (docs/parallel-execution.md); null with one executor: every call is serial. */
    private final Speculation speculation;

    private final ArrayDeque<Job> jobs = new ArrayDeque<>();
    private final Effects effects;
    private long lastTxId;
    private long lastTimestamp;
    private long lastScheduleSeq;
    /** Log position of the last committed transaction that wrote anything persistent: what readers have seen. */
    private volatile long horizonLsn;

    private volatile Peers peers = Peers.NONE;
    private final List<CommitListener> commitListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<CallObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile JobSupervisor supervisor = JobSupervisor.NONE;
    /** Views that failed, logged once each (module.table.version). */
    private final java.util.Set<String> failedViews = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A reducer to run as its own transaction: a subscriber, an init/load hook or a due schedule. {@code cause}: the
     * transaction that caused it (null: none, it starts a trace).
     */
    public record Job(
            String module,
            String reducer,
            List<IntersticeValue> args,
            CallContext caller,
            String why,
            long scheduleSeq,
            TxTrace.Parent cause) {
        public Job(String module, String reducer, List<IntersticeValue> args, CallContext caller, String why) {
            this(module, reducer, args, caller, why, 0, null);
        }

        public Job(
                String module,
                String reducer,
                List<IntersticeValue> args,
                CallContext caller,
                String why,
                long scheduleSeq) {
            this(module, reducer, args, caller, why, scheduleSeq, null);
        }
    }

    public Executor(
            ModuleRegistry modules, CommitLog commitLog, NodeServices services, long lastTxId, long lastScheduleSeq) {
        this(modules, commitLog, services, lastTxId, lastScheduleSeq, 1);
    }

    /**
     * {@code executors}: how many top-level reducer calls may run at once (1: one at a time under the execution lock;
     * more: optimistically, each validated and committed in one total order, docs/parallel-execution.md).
     */
    public Executor(
            ModuleRegistry modules,
            CommitLog commitLog,
            NodeServices services,
            long lastTxId,
            long lastScheduleSeq,
            int executors) {
        if (executors < 1) throw new IllegalArgumentException("executors must be at least 1, not " + executors);
        this.speculation = executors == 1 ? null : new Speculation(executors);
        this.modules = modules;
        this.commitLog = commitLog;
        this.services = services;
        this.lastTxId = lastTxId;
        this.lastScheduleSeq = lastScheduleSeq;
        this.effects = new Effects(commitLog);
    }

    /** Stops running committed transactions' effects (the node is closing). */
    public void close() {
        effects.close();
    }

    public ModuleRegistry modules() {
        return modules;
    }

    public Peers peers() {
        return peers;
    }

    public void setPeers(Peers p) {
        peers = p == null ? Peers.NONE : p;
    }

    /** Who watches the node's own transactions (subscribers, schedules) and may disable a failing handler. */
    public void setSupervisor(JobSupervisor s) {
        supervisor = s == null ? JobSupervisor.NONE : s;
    }

    /** Tells {@code o} of each reducer transaction from now on (metrics, benchmarks). */
    public void addCallObserver(CallObserver o) {
        observers.add(o);
    }

    public void removeCallObserver(CallObserver o) {
        observers.remove(o);
    }

    private void observe(
            String module,
            String reducer,
            long txId,
            long runNanos,
            long commitNanos,
            dev.interstice.runtime.IntersticeException.Kind failure) {
        for (CallObserver o : observers) o.reducer(module, reducer, txId, runNanos, commitNanos, failure);
    }

    public void addCommitListener(CommitListener l) {
        commitListeners.add(l);
    }

    public void removeCommitListener(CommitListener l) {
        commitListeners.remove(l);
    }

    public NodeServices services() {
        return services;
    }

    /** Log position covering everything committed so far: a reader that saw the current state waits for it. */
    public long horizonLsn() {
        return horizonLsn;
    }

    /**
     * Replay only ({@code interstice replay}): the next transaction takes id {@code txId} (ids only move forward), as
     * it did on the node whose log is replayed, so that its random seed is the same.
     */
    public void advanceTo(long txId) {
        lock.lock();
        try {
            if (txId - 1 > lastTxId) lastTxId = txId - 1;
        } finally {
            lock.unlock();
        }
    }

    public long lastTxId() {
        lock.lock();
        try {
            return lastTxId;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code body} with no transaction executing (module loads, reads of committed tables). */
    public <T> T exclusive(Supplier<T> body) {
        lockNode(false); // the body may change modules or tables: no speculation reads meanwhile
        try {
            return body.get();
        } finally {
            unlockNode();
        }
    }

    /**
     * Takes the execution lock and, with executors, the exclusive side of the tables' lock, so that no speculation
     * reads meanwhile; {@code invalidate}: what runs changes more than rows, so every running speculation re-executes.
     */
    private void lockNode(boolean invalidate) {
        lock.lock();
        if (speculation == null) return;
        speculation.exclusive().lock();
        if (invalidate) speculation.changedEverything();
    }

    private void unlockNode() {
        if (speculation != null) speculation.exclusive().unlock();
        lock.unlock();
    }

    /** How top-level calls ran when executors > 1 ({@link ExecutionStats#NONE} with one executor). */
    public ExecutionStats executionStats() {
        return speculation == null ? ExecutionStats.NONE : speculation.stats();
    }

    /**
     * Calls a reducer from outside any module (CLI, API, network): one transaction, then its subscribers.
     * {@code fromPeer}: the caller is another node, which sees only public modules.
     */
    public CallResult callReducer(
            String moduleName, String reducer, List<IntersticeValue> args, CallContext caller, boolean fromPeer) {
        return callReducer(moduleName, reducer, args, caller, fromPeer, null);
    }

    /**
     * As {@link #callReducer(String, String, List, CallContext, boolean)}, caused by {@code cause} (another node's
     * transaction that called this reducer, with full node ids; null: a root).
     */
    public CallResult callReducer(
            String moduleName,
            String reducer,
            List<IntersticeValue> args,
            CallContext caller,
            boolean fromPeer,
            TxTrace.Parent cause) {
        var event = new ReducerCallEvent();
        long asked = event.isEnabled() ? System.nanoTime() : 0;
        Speculation.Run run = speculation == null || lock.isHeldByCurrentThread()
                ? null
                : speculate(moduleName, reducer, args, caller, fromPeer, cause);
        if (run != null) ReadSet.lockSpinning(lock); // a commit holds it for microseconds: no wake-up to wait for
        else lock.lock();
        try {
            if (asked != 0) event.startNanos = System.nanoTime();
            CallResult result;
            if (run != null && stillValid(run)) result = commitSpeculation(run);
            else {
                if (run != null) speculation.reexecuted();
                LoadedModule.Callable<ReducerSchema> r;
                LoadedModule m;
                try {
                    m = fromPeer ? modules.requirePublic(moduleName) : modules.require(moduleName);
                    r = callableReducer(m, reducer, args);
                } catch (dev.interstice.runtime.IntersticeException refused) {
                    observe(null, null, 0, 0, 0, refused.kind()); // the caller's names, unchecked
                    throw refused;
                }
                result = runTransaction(m, r, args, caller, "", 0, local(cause));
            }
            drainJobs();
            if (asked != 0) {
                event.askedNanos = asked;
                event.lsn = result.lsn();
                event.endNanos = System.nanoTime();
                event.commit();
            }
            return result;
        } finally {
            lock.unlock();
            if (run != null) speculation.leave(); // its executor, kept from its start to its commit
        }
    }

    /**
     * Runs a call's reducer speculatively, without the execution lock, on its own instance: its committed reads are
     * noted, its id, time and seed wait for the commit. Null when it is not speculated (refused calls too: the serial
     * path refuses them as always) or did something it cannot validate or failed: it then runs serially.
     */
    private Speculation.Run speculate(
            String moduleName,
            String reducer,
            List<IntersticeValue> args,
            CallContext caller,
            boolean fromPeer,
            TxTrace.Parent cause) {
        LoadedModule m;
        LoadedModule.Callable<ReducerSchema> r;
        speculation.shared().lock(); // the registry changes only under the exclusive side
        try {
            m = fromPeer ? modules.requirePublic(moduleName) : modules.require(moduleName);
            r = callableReducer(m, reducer, args);
        } catch (RuntimeException refused) {
            speculation.ranSerially();
            return null;
        } finally {
            speculation.shared().unlock();
        }
        if (speculation.backingOff(r)) return null;
        speculation.enter();
        boolean ran = false;
        try {
            long start = speculation.commits();
            var reads = new ReadSet(speculation.shared());
            var inv = new Invocation(new Transaction(reads));
            inv.origin(origin(m.name(), r.schema().name(), "", caller, args));
            inv.parent(local(cause));
            var frame = new Frame(inv, m, r, false, caller, null);
            long started = System.nanoTime();
            try {
                call(frame, args, false, SPECULATING_WRITER.get());
            } catch (RuntimeException notValidated) { // SerialOnly, or a failure: the serial run decides
                speculation.fellBack(r);
                return null;
            }
            ran = true;
            return new Speculation.Run(m, frame, inv, reads, start, System.nanoTime() - started);
        } finally {
            if (!ran) speculation.leave(); // else the caller leaves once committed: one executor, one core
        }
    }

    /** Whether {@code run} is what the serial order would produce now: same module and tables, no read changed. */
    private boolean stillValid(Speculation.Run run) {
        if (modules.get(run.module().name()) != run.module()) return false;
        for (Table t : run.reads().tables()) {
            LoadedModule owner = modules.get(t.id().module());
            if (owner == null || owner.table(t.schema().name()) != t) return false;
        }
        return speculation.unchanged(run.start(), run.reads());
    }

    /** Commits a valid speculation as {@link #runTransaction} commits: its id, time and seed are given now. */
    private CallResult commitSpeculation(Speculation.Run run) {
        Invocation inv = run.invocation();
        long txId = lastTxId + 1;
        inv.tx().settle(txId, timestamp(), services.randomSeed(txId));
        for (Invocation.LogLine l : inv.deferredLog()) services.guestLog(l.module(), txId, l.line());
        lastTxId = txId;
        String module = run.module().name();
        long ran = System.nanoTime();
        CallResult result;
        try {
            result = commit(inv, 0);
        } catch (CallException e) {
            observe(module, run.frame().function(), txId, run.runNanos(), System.nanoTime() - ran, e.kind());
            throw e;
        }
        speculation.committed();
        observe(module, run.frame().function(), txId, run.runNanos(), System.nanoTime() - ran, null);
        return result;
    }

    /** Runs a query against committed state; it cannot write. {@code fromPeer}: only public modules. */
    public IntersticeValue callQuery(
            String moduleName, String query, List<IntersticeValue> args, CallContext caller, boolean fromPeer) {
        return callQuery(moduleName, query, args, caller, fromPeer, null);
    }

    /**
     * As {@link #callQuery(String, String, List, CallContext, boolean)}, for {@code viewer} (a peer's node id, "cli";
     * null: nobody): what the query reads of a table with a view is only the rows that view admits for the viewer.
     */
    public IntersticeValue callQuery(
            String moduleName,
            String query,
            List<IntersticeValue> args,
            CallContext caller,
            boolean fromPeer,
            String viewer) {
        lock.lock();
        try {
            LoadedModule m = fromPeer ? modules.requirePublic(moduleName) : modules.require(moduleName);
            var q = callableQuery(m, query, args);
            if (m.views().isView(query))
                throw new CallException(
                        CallException.Kind.REFUSED,
                        "query '" + query + "' of module '" + m.name()
                                + "' is a table's view: only the node calls it, for the rows it sends");
            var inv = new Invocation(new Transaction(0, timestamp(), 0));
            inv.viewAs(viewer);
            return invokeQuery(new Frame(inv, m, q, true, caller, null), q.schema(), args);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs the view query {@code query} of {@code m} (module/TableViews) on one row for {@code requester}: true if it
     * admits the row. Read-only, on committed state, under the execution lock (taken if not held). A view that fails
     * throws its {@link CallException}; the caller decides (it fails closed).
     */
    public boolean callView(LoadedModule m, String query, IntersticeValue row, String requester) {
        lock.lock();
        try {
            var q = m.query(query);
            // the clock is read, not advanced: whether a row is sent must leave the node's state as it was
            var inv = new Invocation(new Transaction(0, Math.max(lastTimestamp, services.clockMillis()), 0));
            var caller = new CallContext(requester, "");
            return invokeQuery(new Frame(inv, m, q, true, caller, null), q.schema(), List.of(row))
                            instanceof IntersticeValue.Bool b
                    && b.value();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether a query running for {@code viewer} may read committed row {@code r} of {@code t}: true without a viewer or
     * without a view on the table, else {@link #admits(LoadedModule, String, Row, String)}.
     */
    public boolean admits(Table t, StoredRow r, String viewer) {
        if (viewer == null) return true;
        LoadedModule owner = modules.get(t.id().module());
        return owner == null || admits(owner, t.schema().name(), r.row(), viewer);
    }

    /**
     * Whether the view of {@code owner}'s table {@code table} admits {@code row} for {@code viewer} (true when the table
     * has none). A view that traps, runs past its deadline or answers anything but a bool admits nothing (fail
     * closed), logged once per loaded version and table.
     */
    public boolean admits(LoadedModule owner, String table, Row row, String viewer) {
        String view = owner.views().of(table);
        if (view == null) return true;
        try {
            var arg = TableViews.argument(
                    owner.table(table).schema(), row, owner.query(view).schema());
            return callView(owner, view, arg, viewer);
        } catch (RuntimeException e) {
            if (failedViews.add(owner.name() + "." + table + "." + System.identityHashCode(owner)))
                log.warn(
                        "the view '{}' of table {}.{} failed; it admits nothing until it works: {}",
                        view,
                        owner.name(),
                        table,
                        e.getMessage());
            return false;
        }
    }

    /** Runs queued jobs (e.g. a due schedule or a lifecycle hook) as their own transactions. */
    public void runJob(Job job) {
        runJobs(List.of(job));
    }

    /** Runs jobs in order, each as its own transaction, then whatever they trigger. */
    public void runJobs(List<Job> batch) {
        lock.lock();
        try {
            jobs.addAll(batch);
            drainJobs();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs a module's lifecycle hooks (its init, then its load hooks) as one transaction, so installing a module is
     * all or nothing: if a hook fails, nothing any of them wrote is applied and a {@link CallException} of the hook's
     * kind (TRAP, DEADLINE, ...) names the hook. Otherwise {@code install} runs (it makes the installation permanent:
     * storage declarations, stored code), then the transaction commits and the subscribers it triggers run. Without
     * hooks only {@code install} runs.
     */
    public void runHooks(Iterable<Job> hooks, Runnable install) {
        runHooks(hooks, List.of(), null, install);
    }

    /**
     * As {@link #runHooks(Iterable, Runnable)}, logging {@code logFirst} (a migration's rewritten rows, the module's code
     * hash) in the same record, before the hooks' changes: the log holds all of it or none. {@code origin} is the
     * record's (null: the first hook's call).
     */
    public void runHooks(Iterable<Job> hooks, List<Change> logFirst, TxOrigin origin, Runnable install) {
        lockNode(true); // modules and tables change
        try {
            if (!hooks.iterator().hasNext() && logFirst.isEmpty()) {
                install.run();
                return;
            }
            long txId = lastTxId + 1;
            var inv = new Invocation(new Transaction(txId, timestamp(), services.randomSeed(txId)));
            Job first = hooks.iterator().hasNext() ? hooks.iterator().next() : null;
            inv.origin(
                    origin != null || first == null
                            ? origin
                            : origin(first.module(), first.reducer(), first.why(), first.caller(), first.args()));
            for (Job h : hooks) {
                LoadedModule m = modules.require(h.module());
                try {
                    invokeReducer(new Frame(inv, m, m.reducer(h.reducer()), false, h.caller(), null), h.args());
                } catch (CallException e) {
                    inv.dropped();
                    String outcome = switch (e.kind()) {
                        case TRAP -> "trapped";
                        case DEADLINE -> "hit its deadline";
                        default -> "failed";
                    };
                    String hook = "its " + h.why() + " hook '" + h.reducer() + "' ";
                    if (e.getCause() instanceof GuestTrapException g && g.kind() == GuestTrapException.Kind.ABORT)
                        throw new CallException(e.kind(), hook + g.reason(), e); // the guest's own words
                    String detail = e.getCause() instanceof GuestTrapException g ? g.getMessage() : e.getMessage();
                    throw new CallException(e.kind(), hook + outcome + ": " + detail, e);
                }
            }
            long bytes = recordBytes(logFirst, inv.tx().netChanges());
            if (bytes > Storage.MAX_RECORD_BYTES) {
                // refused before the install: a log that refused the record after it would leave it half done
                inv.dropped();
                throw new CallException(
                        CallException.Kind.STORAGE,
                        "its changes take " + (bytes >> 20) + " MiB, more than one log record holds ("
                                + (Storage.MAX_RECORD_BYTES >> 20) + " MiB)");
            }
            try {
                install.run();
            } catch (RuntimeException e) {
                inv.dropped();
                throw e;
            }
            lastTxId = txId;
            inv.logFirst(logFirst);
            commit(inv, 0);
            drainJobs();
        } finally {
            unlockNode();
        }
    }

    /**
     * Runs a transaction no guest code takes part in (e.g. a replica taking changes from its source node): {@code body}
     * writes through the invocation's transaction (and may add system rows to log with it); it commits like any
     * transaction, then the subscribers its changes trigger run. If {@code body} throws, nothing is applied.
     */
    public CallResult runInternal(String trigger, java.util.function.Consumer<Invocation> body) {
        return runInternal("", trigger, List.of(), body);
    }

    /** As {@link #runInternal(String, java.util.function.Consumer)}, logged as done to {@code module} with {@code args}. */
    public CallResult runInternal(
            String module, String trigger, List<IntersticeValue> args, java.util.function.Consumer<Invocation> body) {
        lockNode(true); // the body may change more than its rows
        try {
            long txId = lastTxId + 1;
            var inv = new Invocation(new Transaction(txId, timestamp(), services.randomSeed(txId)));
            inv.origin(origin(module, "", trigger, CallContext.runtime(services.nodeId()), args));
            body.accept(inv);
            lastTxId = txId;
            CallResult r = commit(inv, 0);
            drainJobs();
            return r;
        } finally {
            unlockNode();
        }
    }

    // ---- nested calls (from host functions, on the executing thread, lock held) ----

    /** A local reducer call from a running reducer: joins the caller's transaction. */
    public void nestedReducer(Frame caller, String moduleName, String reducer, List<IntersticeValue> args) {
        LoadedModule m = modules.require(moduleName);
        refuseReentry(caller, moduleName);
        var r = callableReducer(m, reducer, args);
        caller.invocation().called(TxTrace.Kind.LOCAL, "", moduleName, reducer);
        invokeReducer(
                new Frame(
                        caller.invocation(),
                        m,
                        r,
                        false,
                        new CallContext(services.nodeId(), caller.module().name()),
                        caller),
                args);
    }

    /** A local query call from a running reducer or query: sees the caller's uncommitted writes. */
    public IntersticeValue nestedQuery(Frame caller, String moduleName, String query, List<IntersticeValue> args) {
        LoadedModule m = modules.require(moduleName);
        refuseReentry(caller, moduleName);
        var q = callableQuery(m, query, args);
        var frame = new Frame(
                caller.invocation(),
                m,
                q,
                true,
                new CallContext(services.nodeId(), caller.module().name()),
                caller);
        return invokeQuery(frame, q.schema(), args);
    }

    // ---- transactions ----

    /**
     * Runs one reducer as a transaction and commits it. {@code scheduleSeq} non-zero: the run of a persisted schedule,
     * whose entry is removed in the same log record (or in its own record if the reducer fails).
     */
    private CallResult runTransaction(
            LoadedModule m,
            LoadedModule.Callable<ReducerSchema> r,
            List<IntersticeValue> args,
            CallContext caller,
            String trigger,
            long scheduleSeq,
            TxTrace.Parent cause) {
        long txId = lastTxId + 1;
        var tx = new Transaction(txId, timestamp(), services.randomSeed(txId));
        var inv = new Invocation(tx);
        inv.origin(origin(m.name(), r.schema().name(), trigger, caller, args));
        inv.parent(cause);
        var frame = new Frame(inv, m, r, false, caller, null);
        long started = System.nanoTime();
        try {
            invokeReducer(frame, args); // throws: nothing was applied, the transaction is simply dropped
        } catch (CallException e) {
            inv.dropped();
            observe(m.name(), frame.function(), txId, System.nanoTime() - started, 0, e.kind());
            if (scheduleSeq != 0) dropSchedule(scheduleSeq);
            throw e;
        }
        lastTxId = txId;
        long ran = System.nanoTime();
        CallResult result;
        try {
            result = commit(inv, scheduleSeq);
        } catch (CallException e) {
            observe(m.name(), frame.function(), txId, ran - started, System.nanoTime() - ran, e.kind());
            throw e;
        }
        observe(m.name(), frame.function(), txId, ran - started, System.nanoTime() - ran, null);
        return result;
    }

    /**
     * A log record's origin: the top-level call (nested calls join its transaction and are not listed), its arguments
     * encoded as the wrapper receives them ({@code IntersticeValue::Vec}); a caller node that is this node is empty.
     */
    private TxOrigin origin(
            String module, String reducer, String trigger, CallContext caller, List<IntersticeValue> args) {
        String node = caller.callerNodeId();
        return new TxOrigin(
                module,
                reducer,
                trigger,
                node.equals(services.nodeId()) ? "" : node, // this node: 37 bytes a record saved
                caller.callerModuleName(),
                Abi.encodeValue(new IntersticeValue.Vec(args)));
    }

    /** {@code cause} with this node's id written as "" (as records name this node), or null. */
    private TxTrace.Parent local(TxTrace.Parent cause) {
        if (cause == null) return null;
        String me = services.nodeId();
        return new TxTrace.Parent(
                cause.traceNode().equals(me) ? "" : cause.traceNode(),
                cause.traceTx(),
                cause.node().equals(me) ? "" : cause.node(),
                cause.tx());
    }

    /** What {@code inv}'s transaction is to the transactions it causes on this node (ids as its records name them). */
    private static TxTrace.Parent causedBy(Invocation inv) {
        return inv.asCause();
    }

    /** As {@link #causedBy}, with full node ids: for another node. */
    private TxTrace.Parent causedByForPeer(Invocation inv) {
        TxTrace.Parent p = causedBy(inv);
        String me = services.nodeId();
        return new TxTrace.Parent(p.traceNode().isEmpty() ? me : p.traceNode(), p.traceTx(), me, p.tx());
    }

    /** Removes persisted schedule entries (of a module that left the node), each in a transaction of its own. */
    public void dropSchedules(List<Long> scheduleSeqs) {
        lock.lock();
        try {
            for (long seq : scheduleSeqs) dropSchedule(seq);
        } finally {
            lock.unlock();
        }
    }

    private void dropSchedule(long scheduleSeq) {
        lastTxId++;
        commit(new Invocation(new Transaction(lastTxId, timestamp(), 0)), scheduleSeq);
    }

    /** An upper estimate of the log record {@code first} and {@code changes} make. */
    private static long recordBytes(List<Change> first, List<RowChange> changes) {
        long bytes = 0;
        for (Change c : first) bytes += c.recordBytes();
        for (RowChange c : changes) {
            if (c.table().schema().persistence() == Persistence.EPHEMERAL) continue;
            var r = c.after() != null ? c.after() : c.before();
            bytes += Change.recordBytes(Abi.encodeIndexKey(r.pk()).length, c.after() == null ? 0 : r.encoded().length);
        }
        return bytes;
    }

    private CallResult commit(Invocation inv, long doneScheduleSeq) {
        Transaction tx = inv.tx();
        List<RowChange> changes = tx.netChanges();
        var persistent = new ArrayList<Change>(inv.logFirst());
        for (RowChange c : changes) {
            if (c.table().schema().persistence() == Persistence.EPHEMERAL) continue;
            var id = c.table().id();
            persistent.add(
                    c.after() == null
                            ? new Change.Delete(
                                    id, Abi.encodeIndexKey(c.before().pk()))
                            : new Change.Put(
                                    id,
                                    Abi.encodeIndexKey(c.after().pk()),
                                    c.after().encoded()));
        }
        for (var e : tx.counters().entrySet()) {
            if (e.getKey().schema().persistence() == Persistence.EPHEMERAL) continue;
            for (var col : e.getValue().entrySet())
                if (!col.getValue().equals(e.getKey().autoIncCounters().get(col.getKey())))
                    persistent.add(new Change.Put(
                            SystemTables.SEQUENCES,
                            SystemTables.sequenceKey(e.getKey().id(), col.getKey()),
                            SystemTables.longBytes(col.getValue())));
        }
        var schedules = new ArrayList<SystemTables.Schedule>();
        TxTrace.Parent caused =
                causedBy(inv); // kept with each schedule it makes: its run's parent, after a restart too
        for (var s : inv.schedules()) {
            // due from the transaction's time (the reducer's "now"), not its commit: a reducer that schedules itself
            // every D ms then runs every max(D, its own run time), instead of drifting by its run time each period
            var entry = new SystemTables.Schedule(
                    ++lastScheduleSeq, s.module(), s.reducer(), tx.timestampMs() + s.delayMs(), caused);
            schedules.add(entry);
            persistent.add(new Change.Put(
                    SystemTables.SCHEDULES, SystemTables.longBytes(entry.seq()), SystemTables.encodeSchedule(entry)));
        }
        persistent.addAll(inv.systemChanges());
        if (doneScheduleSeq != 0)
            persistent.add(new Change.Delete(SystemTables.SCHEDULES, SystemTables.longBytes(doneScheduleSeq)));
        long lsn;
        try {
            // a transaction that only called other nodes is logged too: its calls start their part of the trace
            lsn = persistent.isEmpty() && inv.remoteCalls().isEmpty() && !inv.loggedEvenIfEmpty()
                    ? 0
                    : commitLog.append(new TxRecord(
                            tx.id(),
                            tx.timestampMs(),
                            persistent,
                            inv.origin(),
                            inv.origin() == null ? null : inv.trace(rc -> peers.address(rc.node(), rc.callerModule())),
                            inv.inputs()));
        } catch (RuntimeException e) {
            // nothing was applied: the transaction is refused as a whole and the node keeps its last good state
            inv.dropped();
            throw new CallException(
                    CallException.Kind.STORAGE,
                    "transaction " + tx.id() + " was not committed: the log refused it (" + e.getMessage() + ")",
                    e);
        }
        if (lsn != 0) horizonLsn = lsn;
        if (speculation == null) tx.apply(changes);
        else speculation.applied(changes, () -> tx.apply(changes));
        inv.committed();
        for (var s : schedules) services.schedule(s);
        enqueueSubscribers(changes, caused);
        if (!commitListeners.isEmpty() && !changes.isEmpty()) {
            var events = new ArrayList<CommitListener.RowEvent>(changes.size());
            for (RowChange c : changes)
                events.add(new CommitListener.RowEvent(
                        c.table().id().module(),
                        c.table().id().table(),
                        c.before() == null ? null : c.before().encoded(),
                        c.after() == null ? null : c.after().encoded()));
            TxTrace.Parent cause = causedByForPeer(inv);
            for (CommitListener l : commitListeners) l.committed(tx.id(), cause, horizonLsn, events);
        }
        // another node must never see an effect a crash here could take back: send once this state is durable
        TxTrace.Parent forPeer = inv.remoteCalls().isEmpty() ? null : causedByForPeer(inv);
        for (RemoteCall rc : inv.remoteCalls()) {
            var ctx = new CallContext(services.nodeId(), rc.callerModule());
            commitLog.whenDurable(horizonLsn).whenComplete((ok, failure) -> {
                try {
                    if (failure != null)
                        throw new CallException(CallException.Kind.STORAGE, "not durable: " + failure.getMessage());
                    peers.callReducer(rc.node(), rc.module(), rc.reducer(), rc.args(), ctx, forPeer);
                } catch (RuntimeException e) {
                    log.warn(
                            "call to {}.{}.{} from module {} not sent: {}",
                            rc.node(),
                            rc.module(),
                            rc.reducer(),
                            rc.callerModule(),
                            e.getMessage());
                }
            });
        }
        effects.submit(horizonLsn, inv.afterCommit());
        return new CallResult(tx.id(), lsn);
    }

    private void enqueueSubscribers(List<RowChange> changes, TxTrace.Parent caused) {
        for (RowChange c : changes) {
            var kind = c.isInsert()
                    ? SubscriptionEvent.TableEventKind.INSERT
                    : c.isDelete() ? SubscriptionEvent.TableEventKind.DELETE : SubscriptionEvent.TableEventKind.UPDATE;
            var table = c.table().id();
            var subscribers = modules.tableSubscribers(table.module(), table.table(), kind);
            if (subscribers.isEmpty()) continue;
            List<IntersticeValue> args = switch (kind) {
                case INSERT -> List.of(c.after().row().toValue());
                case DELETE -> List.of(c.before().row().toValue());
                case UPDATE ->
                    List.of(c.before().row().toValue(), c.after().row().toValue());
            };
            for (var sub : subscribers)
                jobs.add(new Job(
                        sub.module(),
                        sub.reducer(),
                        args,
                        CallContext.runtime(services.nodeId()),
                        table.module() + "." + table.table() + "." + kind.name().toLowerCase(java.util.Locale.ROOT),
                        0,
                        caused));
        }
    }

    private void drainJobs() {
        int ran = 0;
        while (!jobs.isEmpty()) {
            Job job = jobs.poll();
            if (++ran > MAX_CASCADE) {
                log.error(
                        "dropping {} queued subscriber transactions: more than {} triggered by one call (a subscription cycle?)",
                        jobs.size() + 1,
                        MAX_CASCADE);
                jobs.clear();
                return;
            }
            TxTrace.Parent cause = local(job.cause()); // a peer's event names its transaction with full node ids
            LoadedModule m = modules.get(job.module());
            var r = m == null ? null : m.reducer(job.reducer());
            if (r == null || !supervisor.admit(job)) { // module removed or replaced meanwhile, or handler disabled
                if (job.scheduleSeq() != 0) dropSchedule(job.scheduleSeq());
                continue;
            }
            try {
                runTransaction(m, r, job.args(), job.caller(), job.why(), job.scheduleSeq(), cause);
                supervisor.succeeded(job);
            } catch (CallException e) {
                log.warn("reducer {}.{} ({}) failed: {}", job.module(), job.reducer(), job.why(), e.getMessage());
                supervisor.failed(job, e);
            }
        }
    }

    private long timestamp() {
        lastTimestamp = Math.max(lastTimestamp, services.clockMillis());
        return lastTimestamp;
    }

    /** A reducer callers may invoke with these arguments, else the reason (checked before any guest code runs). */
    private static LoadedModule.Callable<ReducerSchema> callableReducer(
            LoadedModule m, String reducer, List<IntersticeValue> args) {
        var r = m.reducer(reducer);
        if (r == null)
            throw new CallException(
                    CallException.Kind.NOT_FOUND, "module '" + m.name() + "' has no reducer '" + reducer + "'");
        if (m.isSubscriptionHandler(reducer))
            throw new CallException(
                    CallException.Kind.REFUSED,
                    "reducer '" + reducer + "' of module '" + m.name()
                            + "' handles a subscription and cannot be called directly");
        checkArgs(m, "reducer '" + reducer + "'", args, r.schema().arguments());
        return r;
    }

    private static LoadedModule.Callable<QuerySchema> callableQuery(
            LoadedModule m, String query, List<IntersticeValue> args) {
        var q = m.query(query);
        if (q == null)
            throw new CallException(
                    CallException.Kind.NOT_FOUND, "module '" + m.name() + "' has no query '" + query + "'");
        checkArgs(m, "query '" + query + "'", args, q.schema().arguments());
        return q;
    }

    private static void refuseReentry(Frame caller, String moduleName) {
        if (caller.onStack(moduleName))
            throw new CallException(
                    CallException.Kind.REFUSED,
                    "module '" + moduleName
                            + "' is already executing in this transaction; re-entrant calls are not allowed");
    }

    private static void checkArgs(
            LoadedModule m, String what, List<IntersticeValue> args, List<dev.interstice.abi.schema.FieldDef> params) {
        String r = m.types().checkArguments(args, params);
        if (r != null)
            throw new CallException(CallException.Kind.BAD_ARGUMENTS, what + " of module '" + m.name() + "': " + r);
    }

    // ---- guest invocation ----

    private void invokeReducer(Frame frame, List<IntersticeValue> args) {
        call(frame, args, false, argWriter);
    }

    private IntersticeValue invokeQuery(Frame frame, QuerySchema q, List<IntersticeValue> args) {
        IntersticeValue v = call(frame, args, true, argWriter);
        String r = frame.module().types().check(v, q.returnType());
        if (r != null)
            throw new CallException(
                    CallException.Kind.TRAP,
                    "query '" + q.name() + "' of module '" + frame.module().name()
                            + "' returned a value that does not fit its declared type: " + r);
        return v;
    }

    /** Runs one wrapper export, its arguments encoded in {@code argWriter}; the decoded result for queries, else null. */
    private IntersticeValue call(Frame frame, List<IntersticeValue> args, boolean query, PostcardWriter argWriter) {
        LoadedModule m = frame.module();
        String export = frame.export();
        LoadedModule.Pooled p;
        try {
            p = m.acquire(); // may instantiate: a start function can trap too
        } catch (GuestTrapException e) {
            throw new CallException(
                    e.callKind(),
                    "module '" + m.name() + "' could not start an instance for " + frame.function() + ": "
                            + e.getMessage(),
                    e);
        }
        GuestInstance g = p.instance();
        FrameHost host = (FrameHost) p.host();
        Frame saved = host.frame();
        host.enter(frame);
        frame.invocation().enterFrame();
        try {
            argWriter.reset();
            Abi.writeCallInput(argWriter, frame.caller(), args);
            int len = argWriter.size();
            int ptr = host.scratch(g, len);
            g.write(ptr, argWriter.buffer(), 0, len);
            long result = g.export(export).call(ptr, len);
            return query ? readQueryResult(m, export, g, result) : null;
        } catch (GuestTrapException e) {
            throw new CallException(
                    e.callKind(),
                    (query ? "query " : "reducer ") + m.name() + "." + frame.function() + " failed: " + e.reason(),
                    e);
        } catch (GuestMemoryException e) {
            throw new CallException(
                    CallException.Kind.TRAP,
                    "module '" + m.name() + "' " + frame.function() + ": bad guest memory access: " + e.getMessage(),
                    e);
        } finally {
            frame.invocation().leaveFrame();
            host.leave(saved);
            m.release(p);
        }
    }

    private static IntersticeValue readQueryResult(LoadedModule m, String export, GuestInstance g, long packed) {
        int ptr = (int) (packed >>> 32);
        int len = (int) packed;
        if (len < 0)
            throw new CallException(
                    CallException.Kind.TRAP, "module '" + m.name() + "' " + export + " returned a negative length");
        byte[] bytes = g.read(ptr, len);
        g.dealloc(ptr, len);
        try {
            return Abi.decodeValue(bytes);
        } catch (AbiDecodeException e) {
            throw new CallException(
                    CallException.Kind.TRAP,
                    "module '" + m.name() + "' " + export + " returned bytes that do not decode: " + e.getMessage());
        }
    }
}
