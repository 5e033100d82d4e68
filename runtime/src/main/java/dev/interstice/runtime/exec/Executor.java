package dev.interstice.runtime.exec;

import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.IntersticeException;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import dev.interstice.runtime.tx.ReadSet;
import dev.interstice.runtime.tx.Transaction;
import dev.interstice.storage.Change;
import dev.interstice.storage.TxOrigin;
import dev.interstice.storage.TxTrace;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every transaction of a node, one at a time, in one total order (the order callers acquire the execution
 * lock). A call runs its reducer as a transaction, commits it, then runs the subscribers its changes triggered, each
 * as its own transaction, before the lock is released: the same sequence of calls therefore always produces the
 * same transactions, ids and tables.
 *
 * <p>This class is the coordinator: the lock, transaction ids and time, and which transaction runs when. The parts
 * are its own types: {@link GuestCall} runs a frame on an instance, {@link Callables} checks what may be called,
 * {@link Committer} logs and applies a transaction and queues its subscribers, {@link LifecycleHooks} runs install
 * hooks, {@link TableViewGate} answers views, {@link TraceIds} names origins and causes; with executors > 1,
 * {@link Speculator} runs top-level calls ahead of the lock (docs/parallel-execution.md).
 */
public final class Executor {
    private static final Logger log = LoggerFactory.getLogger(Executor.class);
    /** Bound on subscriber transactions one call may trigger, so a subscription cycle cannot wedge the node. */
    static final int MAX_CASCADE = 100_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final ModuleRegistry modules;
    private final NodeServices services;
    /** The lock holder's argument buffer. */
    private final PostcardWriter argWriter = new PostcardWriter(1024);
    /** Optimistic parallel execution (docs/parallel-execution.md); both null with one executor: every call is serial. */
    private final Speculation speculation;

    private final Speculator speculator;
    private final TraceIds ids;
    private final Committer committer;
    private final TableViewGate views;
    /** Per-stage wall times, a diagnostic off by default ({@link StageTimes}). */
    private final StageTimes stages = new StageTimes();

    private final ArrayDeque<Job> jobs = new ArrayDeque<>();
    private long lastTxId;
    private long lastTimestamp;

    private volatile Peers peers = Peers.NONE;
    private final List<CallObserver> observers = new CopyOnWriteArrayList<>();
    private volatile JobSupervisor supervisor = JobSupervisor.NONE;

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
        this.modules = modules;
        this.services = services;
        this.lastTxId = lastTxId;
        this.ids = new TraceIds(services);
        this.speculation = executors == 1 ? null : new Speculation(executors);
        this.speculator = speculation == null ? null : new Speculator(speculation, modules, ids, stages);
        this.committer = new Committer(
                commitLog, services, modules, ids, this::peers, speculation, jobs, lastScheduleSeq, stages);
        this.views = new TableViewGate(modules, this::callView);
    }

    /** Stops running committed transactions' effects (the node is closing). */
    public void close() {
        committer.close();
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
            IntersticeException.Kind failure) {
        for (CallObserver o : observers) o.reducer(module, reducer, txId, runNanos, commitNanos, failure);
    }

    public void addCommitListener(CommitListener l) {
        committer.listeners().add(l);
    }

    public void removeCommitListener(CommitListener l) {
        committer.listeners().remove(l);
    }

    public NodeServices services() {
        return services;
    }

    /** Log position covering everything committed so far: a reader that saw the current state waits for it. */
    public long horizonLsn() {
        return committer.horizonLsn();
    }

    /**
     * Replay only ({@code interstice replay}): the next transaction takes id {@code txId} (ids only move forward), as
     * it did on the node whose log is replayed, so that its random seed is the same.
     */
    /**
     * Replay only: the next schedule a transaction makes takes sequence number {@code seq}, as in the record replayed.
     * The number is the node's bookkeeping, not the module's (a restart counts on from the pending schedules, which a
     * replay, making no restart, cannot see), so the replay takes it from the log as it takes the transaction id.
     */
    public void nextScheduleSeq(long seq) {
        lock.lock();
        try {
            committer.nextScheduleSeq(seq);
        } finally {
            lock.unlock();
        }
    }

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
        speculation.lockExclusive();
        if (invalidate) speculation.changedEverything();
    }

    private void unlockNode() {
        if (speculation != null) speculation.unlockExclusive();
        lock.unlock();
    }

    /** Mean wall time of each stage of a call, when the JVM runs with {@code -Dinterstice.stageTimes=true}. */
    public String stageTimes() {
        return stages.report();
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
        long at = StageTimes.now();
        Speculation.Run run = speculation == null || lock.isHeldByCurrentThread()
                ? null
                : speculator.speculate(moduleName, reducer, args, caller, fromPeer, cause);
        if (run != null) at = stages.note(StageTimes.Stage.SPECULATE, at);
        // what the commit computes from the transaction alone is computed here, in parallel, not in the commit section
        Committer.Prepared prepared = run == null ? null : committer.prepare(run.invocation());
        if (run != null) at = stages.note(StageTimes.Stage.PREPARE, at);
        if (run != null) ReadSet.lockSpinning(lock); // a commit holds it for microseconds: no wake-up to wait for
        else lock.lock();
        try {
            at = stages.note(StageTimes.Stage.LOCK, at);
            if (asked != 0) event.startNanos = System.nanoTime();
            CallResult result;
            boolean valid = run != null && speculator.stillValid(run);
            if (run != null) at = stages.note(StageTimes.Stage.VALIDATE, at);
            if (valid) result = commitSpeculation(run, prepared);
            else {
                if (run != null) speculation.reexecuted(run.of());
                LoadedModule.Callable<ReducerSchema> r;
                LoadedModule m;
                try {
                    m = fromPeer ? modules.requirePublic(moduleName) : modules.require(moduleName);
                    r = Callables.reducer(m, reducer, args);
                } catch (IntersticeException refused) {
                    observe(null, null, 0, 0, 0, refused.kind()); // the caller's names, unchecked
                    throw refused;
                }
                result = runTransaction(m, r, args, caller, "", 0, ids.local(cause));
            }
            at = StageTimes.now();
            drainJobs();
            stages.note(StageTimes.Stage.TAIL, at);
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

    /** Commits a valid speculation as {@link #runTransaction} commits: its id, time and seed are given now. */
    private CallResult commitSpeculation(Speculation.Run run, Committer.Prepared prepared) {
        Invocation inv = run.invocation();
        long txId = lastTxId + 1;
        inv.tx().settle(txId, timestamp(), services.randomSeed(txId));
        for (Invocation.LogLine l : inv.deferredLog()) services.guestLog(l.module(), txId, l.line());
        lastTxId = txId;
        String module = run.module().name();
        long ran = System.nanoTime();
        CallResult result;
        try {
            result = committer.commit(inv, 0, prepared);
        } catch (CallException e) {
            observe(module, run.frame().function(), txId, run.runNanos(), System.nanoTime() - ran, e.kind());
            throw e;
        }
        speculation.committed(run.of());
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
            var q = Callables.query(m, query, args);
            if (m.views().isView(query))
                throw new CallException(
                        CallException.Kind.REFUSED,
                        "query '" + query + "' of module '" + m.name()
                                + "' is a table's view: only the node calls it, for the rows it sends");
            var inv = new Invocation(new Transaction(0, timestamp(), 0));
            inv.viewAs(viewer);
            return GuestCall.query(new Frame(inv, m, q, true, caller, null), q.schema(), args, argWriter);
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
            return GuestCall.query(new Frame(inv, m, q, true, caller, null), q.schema(), List.of(row), argWriter)
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
        return views.admits(t, r, viewer);
    }

    /**
     * Whether the view of {@code owner}'s table {@code table} admits {@code row} for {@code viewer} (true when the table
     * has none). A view that traps, runs past its deadline or answers anything but a bool admits nothing (fail
     * closed), logged once per loaded version and table.
     */
    public boolean admits(LoadedModule owner, String table, Row row, String viewer) {
        return views.admits(owner, table, row, viewer);
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
                            : ids.origin(first.module(), first.reducer(), first.why(), first.caller(), first.args()));
            LifecycleHooks.run(hooks, inv, modules, argWriter);
            LifecycleHooks.checkFits(logFirst, inv);
            try {
                install.run();
            } catch (RuntimeException e) {
                inv.dropped();
                throw e;
            }
            lastTxId = txId;
            inv.logFirst(logFirst);
            committer.commit(inv, 0);
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
    public CallResult runInternal(String trigger, Consumer<Invocation> body) {
        return runInternal("", trigger, List.of(), body);
    }

    /** As {@link #runInternal(String, Consumer)}, logged as done to {@code module} with {@code args}. */
    public CallResult runInternal(
            String module, String trigger, List<IntersticeValue> args, Consumer<Invocation> body) {
        lockNode(true); // the body may change more than its rows
        try {
            long txId = lastTxId + 1;
            var inv = new Invocation(new Transaction(txId, timestamp(), services.randomSeed(txId)));
            inv.origin(ids.origin(module, "", trigger, CallContext.runtime(services.nodeId()), args));
            body.accept(inv);
            lastTxId = txId;
            CallResult r = committer.commit(inv, 0);
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
        Callables.refuseReentry(caller, moduleName);
        var r = Callables.reducer(m, reducer, args);
        caller.invocation().called(TxTrace.Kind.LOCAL, "", moduleName, reducer);
        GuestCall.reducer(
                new Frame(
                        caller.invocation(),
                        m,
                        r,
                        false,
                        new CallContext(services.nodeId(), caller.module().name()),
                        caller),
                args,
                argWriter);
    }

    /** A local query call from a running reducer or query: sees the caller's uncommitted writes. */
    public IntersticeValue nestedQuery(Frame caller, String moduleName, String query, List<IntersticeValue> args) {
        LoadedModule m = modules.require(moduleName);
        Callables.refuseReentry(caller, moduleName);
        var q = Callables.query(m, query, args);
        var frame = new Frame(
                caller.invocation(),
                m,
                q,
                true,
                new CallContext(services.nodeId(), caller.module().name()),
                caller);
        return GuestCall.query(frame, q.schema(), args, argWriter);
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
        inv.origin(ids.origin(m.name(), r.schema().name(), trigger, caller, args));
        inv.parent(cause);
        var frame = new Frame(inv, m, r, false, caller, null);
        long started = System.nanoTime();
        try {
            GuestCall.reducer(frame, args, argWriter); // throws: nothing was applied, the transaction is simply dropped
        } catch (CallException e) {
            inv.dropped();
            observe(m.name(), frame.function(), txId, System.nanoTime() - started, 0, e.kind());
            if (scheduleSeq != 0) dropSchedule(scheduleSeq);
            throw e;
        }
        lastTxId = txId;
        long ran = System.nanoTime();
        if (StageTimes.ENABLED) stages.note(StageTimes.Stage.RUN, started);
        CallResult result;
        try {
            result = committer.commit(inv, scheduleSeq);
        } catch (CallException e) {
            observe(m.name(), frame.function(), txId, ran - started, System.nanoTime() - ran, e.kind());
            throw e;
        }
        observe(m.name(), frame.function(), txId, ran - started, System.nanoTime() - ran, null);
        return result;
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
        // the time first, as every transaction takes it: a clock that answers per transaction (a replay's) reads it
        // for the transaction about to run, lastTxId + 1
        var tx = new Transaction(lastTxId + 1, timestamp(), 0);
        lastTxId++;
        committer.commit(new Invocation(tx), scheduleSeq);
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
            TxTrace.Parent cause = ids.local(job.cause()); // a peer's event names its transaction with full node ids
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
}
