package dev.interstice.runtime.exec;

import dev.interstice.runtime.tx.Transaction;
import dev.interstice.storage.Change;
import dev.interstice.storage.TxOrigin;
import dev.interstice.storage.TxTrace;
import java.util.ArrayList;
import java.util.List;

/** A transaction plus the effects that wait for its commit (schedules, calls to other nodes, authority effects). */
public final class Invocation {
    public record ScheduleRequest(String module, String reducer, long delayMs) {}

    /** A guest log line of a speculative transaction, logged once it commits (its id is known then). */
    record LogLine(String module, String line) {}

    private final Transaction tx;
    private final List<ScheduleRequest> schedules = new ArrayList<>();
    private final List<RemoteCall> remoteCalls = new ArrayList<>();
    private final List<Runnable> afterCommit = new ArrayList<>();
    private final List<Runnable> ifDropped = new ArrayList<>();
    private final List<Change> systemChanges = new ArrayList<>();
    private final List<Runnable> atCommit = new ArrayList<>();
    private final List<Change> logFirst = new ArrayList<>();
    private TxOrigin origin;
    /** What caused this transaction (null: an external call, the root of its trace). */
    private TxTrace.Parent parent;
    /** The calls made so far, in order, for the record's trace; bounded by {@link TxTrace#MAX_CALLS}. */
    private final List<TxTrace.Call> calls = new ArrayList<>();
    /** Calls not listed past the bound. */
    private int unlisted;
    /** Where each remote call's entry is in {@link #calls} (-1: not listed), to add its address at commit. */
    private final List<Integer> remoteCallEntries = new ArrayList<>();
    /** Depth of the frame running now: 0 for the transaction's own reducer, -1 before it runs. */
    private int depth = -1;
    /** Whom a query's reads of viewed tables are filtered for (module/TableViews); null: nobody, every row is read. */
    private String viewer;
    /** Log lines of a speculative run, in order (none otherwise). */
    private final List<LogLine> deferredLog = new ArrayList<>();
    /** What the world answered this transaction's reducers (host calls' encoded answers), in call order. */
    private List<byte[]> inputs = List.of(); // allocated by the first: most transactions have none
    /** Whether the record is written even with no changes (an unload: a record that only says it happened). */
    private boolean logged;

    Invocation(Transaction tx) {
        this.tx = tx;
    }

    public Transaction tx() {
        return tx;
    }

    /** Keeps a log line of a speculative run until it commits (it is dropped with the speculation). */
    public void deferLog(String module, String line) {
        deferredLog.add(new LogLine(module, line));
    }

    List<LogLine> deferredLog() {
        return deferredLog;
    }

    /** The requester a query runs for, whose table views filter its reads; null when it reads every row. */
    public String viewer() {
        return viewer;
    }

    void viewAs(String v) {
        viewer = v;
    }

    public void schedule(ScheduleRequest r) {
        schedules.add(r);
        called(TxTrace.Kind.SCHEDULE, "", r.module(), r.reducer());
    }

    List<ScheduleRequest> schedules() {
        return schedules;
    }

    public void remoteCall(RemoteCall c) {
        remoteCalls.add(c);
        remoteCallEntries.add(called(TxTrace.Kind.REMOTE, c.node(), c.module(), c.reducer()));
    }

    /** Notes a call made by the frame running now, for the trace; returns its entry's index (-1: past the bound). */
    int called(TxTrace.Kind kind, String node, String module, String reducer) {
        if (calls.size() >= TxTrace.MAX_CALLS) {
            unlisted++;
            return -1;
        }
        calls.add(new TxTrace.Call(kind, depth + 1, node, "", module, reducer));
        return calls.size() - 1;
    }

    void enterFrame() {
        depth++;
    }

    void leaveFrame() {
        depth--;
    }

    void parent(TxTrace.Parent p) {
        parent = p;
    }

    /**
     * What this transaction is to the transactions it causes on this node: their parent, in its trace (node ids as
     * this node's records name them).
     */
    public TxTrace.Parent asCause() {
        long tx = tx().id();
        return parent == null
                ? new TxTrace.Parent("", tx, "", tx)
                : new TxTrace.Parent(parent.traceNode(), parent.traceTx(), "", tx);
    }

    TxTrace.Parent parent() {
        return parent;
    }

    /** The record's trace; {@code address} gives a remote call's node address (empty: unknown). */
    TxTrace trace(java.util.function.Function<RemoteCall, String> address) {
        var out = new ArrayList<>(calls);
        for (int i = 0; i < remoteCalls.size(); i++) {
            int at = remoteCallEntries.get(i);
            if (at < 0) continue;
            TxTrace.Call c = out.get(at);
            String a = address.apply(remoteCalls.get(i));
            if (a != null && !a.isEmpty())
                out.set(at, new TxTrace.Call(c.kind(), c.depth(), c.node(), a, c.module(), c.reducer()));
        }
        if (unlisted > 0) out.add(new TxTrace.Call(TxTrace.Kind.MORE, unlisted, "", "", "", ""));
        return new TxTrace(parent, out);
    }

    List<RemoteCall> remoteCalls() {
        return remoteCalls;
    }

    /**
     * An effect on the world outside the node's tables (load a module, send bytes): it runs only if this transaction
     * commits, once it is durable, in commit order, off the execution lock. Dropped with the transaction otherwise.
     */
    public void afterCommit(Runnable effect) {
        afterCommit.add(effect);
    }

    List<Runnable> afterCommit() {
        return afterCommit;
    }

    /**
     * Gives back what a host call reserved for its {@link #afterCommit} effect (a socket handle, send-queue room) when
     * this transaction does not commit; runs under the execution lock.
     */
    public void ifDropped(Runnable undo) {
        ifDropped.add(undo);
    }

    /** The transaction was dropped: its effects never run, its reservations are given back. */
    void dropped() {
        for (Runnable r : ifDropped) r.run();
        ifDropped.clear();
        afterCommit.clear();
    }

    /**
     * Runs under the execution lock once this transaction's record is accepted and its rows applied, before the next
     * transaction runs: state the node keeps beside its tables (the content store's labels) takes the transaction's
     * changes then. Never runs for a dropped transaction.
     */
    public void atCommit(Runnable r) {
        atCommit.add(r);
    }

    void committed() {
        for (Runnable r : atCommit) r.run();
    }

    /**
     * An answer from outside the node to a host call of this transaction's reducers (a file read, a directory
     * listing), kept in the record so that a replay feeds it back ({@code TxRecord.inputs}).
     */
    public void input(byte[] answer) {
        if (inputs.isEmpty()) inputs = new ArrayList<>();
        inputs.add(answer);
    }

    /** The answers {@link #input} kept so far, in call order. */
    public List<byte[]> inputs() {
        return inputs;
    }

    /** Writes this transaction's record even when it changes nothing (its origin is what it logs). */
    public void logEvenIfEmpty() {
        logged = true;
    }

    boolean loggedEvenIfEmpty() {
        return logged;
    }

    /** Rows of the node's own system tables to log in the same record as this transaction's changes. */
    public void systemChange(Change c) {
        systemChanges.add(c);
    }

    List<Change> systemChanges() {
        return systemChanges;
    }

    /** Changes logged before this transaction's row changes, in the same record (a migration's rewritten rows). */
    void logFirst(List<Change> changes) {
        logFirst.addAll(changes);
    }

    List<Change> logFirst() {
        return logFirst;
    }

    /** What started this transaction, for its log record (null: not said). */
    void origin(TxOrigin o) {
        origin = o;
    }

    TxOrigin origin() {
        return origin;
    }
}
