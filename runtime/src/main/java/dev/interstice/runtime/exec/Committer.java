package dev.interstice.runtime.exec;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.tx.RowChange;
import dev.interstice.runtime.tx.Transaction;
import dev.interstice.storage.Change;
import dev.interstice.storage.TxRecord;
import dev.interstice.storage.TxTrace;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a transaction that ran to the end, under the execution lock: its log record (row changes, auto_inc
 * counters, schedules, system rows), then the apply to the committed tables, and what follows a commit: schedules
 * handed on, subscriber jobs queued, commit listeners told, calls to other nodes and effects once durable.
 */
final class Committer {
    private static final Logger log = LoggerFactory.getLogger(Committer.class);

    private final CommitLog commitLog;
    private final NodeServices services;
    private final ModuleRegistry modules;
    private final TraceIds ids;
    private final Supplier<Peers> peers;
    /** Null with one executor; else every apply goes through it (numbered, remembered for validation). */
    private final Speculation speculation;
    /** The executor's queue of subscriber jobs, drained after the commit under the same lock. */
    private final Queue<Executor.Job> jobs;

    private final Effects effects;
    private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();
    private long lastScheduleSeq;
    private final StageTimes stages;
    /** Log position of the last committed transaction that wrote anything persistent: what readers have seen. */
    private volatile long horizonLsn;

    Committer(
            CommitLog commitLog,
            NodeServices services,
            ModuleRegistry modules,
            TraceIds ids,
            Supplier<Peers> peers,
            Speculation speculation,
            Queue<Executor.Job> jobs,
            long lastScheduleSeq,
            StageTimes stages) {
        this.stages = stages;
        this.commitLog = commitLog;
        this.services = services;
        this.modules = modules;
        this.ids = ids;
        this.peers = peers;
        this.speculation = speculation;
        this.jobs = jobs;
        this.lastScheduleSeq = lastScheduleSeq;
        this.effects = new Effects(commitLog);
    }

    /** Replay only: the next schedule made takes {@code seq} ({@link Executor#nextScheduleSeq}). */
    void nextScheduleSeq(long seq) {
        lastScheduleSeq = seq - 1;
    }

    long horizonLsn() {
        return horizonLsn;
    }

    List<CommitListener> listeners() {
        return listeners;
    }

    void close() {
        effects.close();
    }

    /** An upper estimate of the log record {@code first} and {@code changes} make. */
    static long recordBytes(List<Change> first, List<RowChange> changes) {
        long bytes = 0;
        for (Change c : first) bytes += c.recordBytes();
        for (RowChange c : changes) {
            if (c.table().schema().persistence() == Persistence.EPHEMERAL) continue;
            var r = c.after() != null ? c.after() : c.before();
            bytes += Change.recordBytes(Abi.encodeIndexKey(r.pk()).length, c.after() == null ? 0 : r.encoded().length);
        }
        return bytes;
    }

    /**
     * Commits {@code inv} (its id and time assigned). {@code doneScheduleSeq} non-zero: the persisted schedule it ran,
     * removed in the same record. A log that refuses the record leaves everything as it was (STORAGE).
     */
    CallResult commit(Invocation inv, long doneScheduleSeq) {
        return commit(inv, doneScheduleSeq, null);
    }

    /**
     * What a speculation's commit can compute before the commit section, from the transaction alone: its net changes
     * and its log record, encoded but for its id and time ({@code record} null: nothing to log).
     */
    record Prepared(List<RowChange> changes, CommitLog.Prepared record) {}

    /**
     * Prepares the commit of a speculation that ran to the end, outside the execution lock, so that the commit section
     * only numbers, appends and applies it. Null when it cannot ({@link #commit} then computes it all): schedules,
     * system rows, auto_inc counters or remote calls (a speculation makes none of them) or a record the log refuses
     * (refused again, as a STORAGE failure, in the commit section).
     */
    Prepared prepare(Invocation inv) {
        Transaction tx = inv.tx();
        if (!inv.schedules().isEmpty()
                || !inv.systemChanges().isEmpty()
                || !inv.logFirst().isEmpty()
                || !inv.remoteCalls().isEmpty()
                || !tx.counters().isEmpty()
                || OutsideEvents.startedBy(inv.origin())) return null; // (the world's events are not speculated)
        List<RowChange> changes = tx.netChanges();
        var persistent = new ArrayList<Change>();
        addRows(persistent, changes);
        if (persistent.isEmpty() && !inv.loggedEvenIfEmpty()) return new Prepared(changes, null);
        try {
            return new Prepared(changes, commitLog.prepare(record(inv, 0, 0, persistent)));
        } catch (RuntimeException refused) {
            return null;
        }
    }

    /**
     * As {@link #commit(Invocation, long)}, with what {@link #prepare} computed ahead (null: nothing was). The id and time
     * {@code inv} was given are written into the prepared record. A prepared commit is a speculation's: it ran no
     * persisted schedule ({@code doneScheduleSeq} is 0).
     */
    CallResult commit(Invocation inv, long doneScheduleSeq, Prepared prepared) {
        long at = StageTimes.now();
        Transaction tx = inv.tx();
        if (prepared != null) {
            CommitLog.Prepared record = prepared.record();
            at = stages.note(StageTimes.Stage.BUILD, at);
            long lsn = record == null ? 0 : logged(inv, () -> record.append(tx.id(), tx.timestampMs()));
            at = stages.note(StageTimes.Stage.APPEND, at);
            return committed(inv, prepared.changes(), lsn, List.of(), inv.asCause(), at);
        }
        List<RowChange> changes = tx.netChanges();
        var persistent = new ArrayList<Change>(inv.logFirst());
        addRows(persistent, changes);
        addCounters(persistent, tx);
        var schedules = new ArrayList<SystemTables.Schedule>();
        TxTrace.Parent caused =
                inv.asCause(); // kept with each schedule it makes: its run's parent, after a restart too
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
        if (persistent.isEmpty() && OutsideEvents.startedBy(inv.origin()) && changedUnlogged(changes))
            inv.logEvenIfEmpty(); // an origin-only record: the replay delivers the event again
        at = stages.note(StageTimes.Stage.BUILD, at);
        long lsn = append(inv, persistent);
        at = stages.note(StageTimes.Stage.APPEND, at);
        return committed(inv, changes, lsn, schedules, caused, at);
    }

    /** The commit once logged: applied, then what follows it. */
    private CallResult committed(
            Invocation inv,
            List<RowChange> changes,
            long lsn,
            List<SystemTables.Schedule> schedules,
            TxTrace.Parent caused,
            long at) {
        Transaction tx = inv.tx();
        if (lsn != 0) horizonLsn = lsn;
        if (speculation == null) tx.apply(changes);
        else speculation.applied(changes, () -> tx.apply(changes));
        at = stages.note(StageTimes.Stage.APPLY, at);
        inv.committed();
        for (var s : schedules) services.schedule(s);
        enqueueSubscribers(changes, caused);
        tellListeners(inv, changes);
        sendRemoteCalls(inv);
        effects.submit(horizonLsn, inv.afterCommit());
        stages.note(StageTimes.Stage.AFTER, at);
        return new CallResult(tx.id(), lsn);
    }

    private static boolean changedUnlogged(List<RowChange> changes) {
        for (RowChange c : changes) if (c.table().schema().persistence() == Persistence.EPHEMERAL) return true;
        return false;
    }

    private static void addRows(List<Change> persistent, List<RowChange> changes) {
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
    }

    private static void addCounters(List<Change> persistent, Transaction tx) {
        for (var e : tx.counters().entrySet()) {
            if (e.getKey().schema().persistence() == Persistence.EPHEMERAL) continue;
            for (var col : e.getValue().entrySet())
                if (!col.getValue().equals(e.getKey().autoIncCounters().get(col.getKey())))
                    persistent.add(new Change.Put(
                            SystemTables.SEQUENCES,
                            SystemTables.sequenceKey(e.getKey().id(), col.getKey()),
                            SystemTables.longBytes(col.getValue())));
        }
    }

    /** Appends the record (0: nothing to log); a refusal drops the transaction, nothing applied. */
    private long append(Invocation inv, List<Change> persistent) {
        Transaction tx = inv.tx();
        // a transaction that only called other nodes is logged too: its calls start their part of the trace
        if (persistent.isEmpty() && inv.remoteCalls().isEmpty() && !inv.loggedEvenIfEmpty()) return 0;
        return logged(inv, () -> commitLog.append(record(inv, tx.id(), tx.timestampMs(), persistent)));
    }

    private TxRecord record(Invocation inv, long txId, long timestampMs, List<Change> persistent) {
        return new TxRecord(
                txId,
                timestampMs,
                persistent,
                inv.origin(),
                inv.origin() == null ? null : inv.trace(rc -> peers.get().address(rc.node(), rc.callerModule())),
                inv.inputs());
    }

    /** Runs {@code append}; a log that refuses the record drops the transaction (STORAGE), nothing applied. */
    private static long logged(Invocation inv, LongSupplier append) {
        Transaction tx = inv.tx();
        try {
            return append.getAsLong();
        } catch (RuntimeException e) {
            // nothing was applied: the transaction is refused as a whole and the node keeps its last good state
            inv.dropped();
            throw new CallException(
                    CallException.Kind.STORAGE,
                    "transaction " + tx.id() + " was not committed: the log refused it (" + e.getMessage() + ")",
                    e);
        }
    }

    private void tellListeners(Invocation inv, List<RowChange> changes) {
        if (listeners.isEmpty() || changes.isEmpty()) return;
        var events = new ArrayList<CommitListener.RowEvent>(changes.size());
        for (RowChange c : changes)
            events.add(new CommitListener.RowEvent(
                    c.table().id().module(),
                    c.table().id().table(),
                    c.before() == null ? null : c.before().encoded(),
                    c.after() == null ? null : c.after().encoded()));
        TxTrace.Parent cause = ids.causedByForPeer(inv);
        for (CommitListener l : listeners) l.committed(inv.tx().id(), cause, horizonLsn, events);
    }

    /** Another node must never see an effect a crash here could take back: each call is sent once this is durable. */
    private void sendRemoteCalls(Invocation inv) {
        if (inv.remoteCalls().isEmpty()) return;
        TxTrace.Parent forPeer = ids.causedByForPeer(inv);
        for (RemoteCall rc : inv.remoteCalls()) {
            var ctx = new CallContext(services.nodeId(), rc.callerModule());
            commitLog.whenDurable(horizonLsn).whenComplete((ok, failure) -> {
                try {
                    if (failure != null)
                        throw new CallException(CallException.Kind.STORAGE, "not durable: " + failure.getMessage());
                    peers.get().callReducer(rc.node(), rc.module(), rc.reducer(), rc.args(), ctx, forPeer);
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
    }

    /** Queues a job for every subscriber of every change: changes in first-touch order, subscribers in load order. */
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
                jobs.add(new Executor.Job(
                        sub.module(),
                        sub.reducer(),
                        args,
                        CallContext.runtime(services.nodeId()),
                        table.module() + "." + table.table() + "." + kind.name().toLowerCase(Locale.ROOT),
                        0,
                        caused));
        }
    }
}
