package dev.interstice.runtime.exec;

import dev.interstice.runtime.tx.Transaction;
import dev.interstice.storage.Change;
import java.util.ArrayList;
import java.util.List;

/** A transaction plus the effects that wait for its commit (schedules, calls to other nodes). */
public final class Invocation {
    public record ScheduleRequest(String module, String reducer, long delayMs) {}

    private final Transaction tx;
    private final List<ScheduleRequest> schedules = new ArrayList<>();
    private final List<RemoteCall> remoteCalls = new ArrayList<>();
    private final List<Change> systemChanges = new ArrayList<>();

    Invocation(Transaction tx) {
        this.tx = tx;
    }

    public Transaction tx() {
        return tx;
    }

    public void schedule(ScheduleRequest r) {
        schedules.add(r);
    }

    List<ScheduleRequest> schedules() {
        return schedules;
    }

    public void remoteCall(RemoteCall c) {
        remoteCalls.add(c);
    }

    List<RemoteCall> remoteCalls() {
        return remoteCalls;
    }

    /** Rows of the node's own system tables to log in the same record as this transaction's changes. */
    public void systemChange(Change c) {
        systemChanges.add(c);
    }

    List<Change> systemChanges() {
        return systemChanges;
    }
}
