package dev.interstice.runtime.node;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.exec.Ack;
import dev.interstice.storage.Change;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * One branch of a module (docs/time-travel.md): the module's stored tables as of {@code fromTx} ({@code base}: a clear
 * of each table, then its rows and auto_inc counters) plus the reducer calls made in it since, in order. That record is
 * the branch; its state lives in a scratch in-memory node with the main node's identity, built from the record on
 * first use and rebuilt the same way (same transaction ids, times and so seeds) when a transaction that changed the
 * branch was dropped. Used under the main node's execution lock, except by a merge, which owns the branch it took.
 */
final class Branch implements AutoCloseable {
    /** A reducer call made in the branch: what a merge replays on the main timeline. */
    record Recorded(String reducer, List<IntersticeValue> args, CallContext caller, long timeMs) {}

    final String module;
    final String name;
    final long fromTx;
    private final byte[] wasm;
    private final List<Change> base;
    private final long forkTimeMs;
    private final NodeConfig scratchConfig;
    private final List<Recorded> calls = new ArrayList<>();
    private Node scratch;
    /** How many of the calls a persistent node's files hold ({@link BranchFiles}); -1: no files yet. */
    int onDisk = -1;
    /** The time the scratch node's transactions take: the fork's, then each recorded call's. */
    private volatile long clockMs;

    Branch(
            String module,
            String name,
            long fromTx,
            byte[] wasm,
            List<Change> base,
            long forkTimeMs,
            String nodeId,
            NodeConfig main) {
        this.module = module;
        this.name = name;
        this.fromTx = fromTx;
        this.wasm = wasm;
        this.base = List.copyOf(base);
        this.forkTimeMs = forkTimeMs;
        this.scratchConfig = NodeConfig.inMemory()
                .withNodeId(nodeId)
                .withEngine(main.engine())
                .withClock(() -> clockMs)
                .withAck(Ack.FAST)
                .withLogSink((m, line) -> main.logSink().log(m + "@" + name, line))
                .withBranchLimits(new BranchLimits(0, 1, 0))
                // no sockets, files, sound or module loads from a branch: its effects stay inside it
                .withAuthorities(AuthorityConfig.headless().withOffered(EnumSet.noneOf(Authority.class)));
    }

    List<Recorded> calls() {
        return List.copyOf(calls);
    }

    /** A branch read back from its files: its recorded calls, run again when its state is first needed. */
    Branch restoredWith(List<Recorded> recorded) {
        calls.addAll(recorded);
        onDisk = calls.size();
        return this;
    }

    byte[] wasm() {
        return wasm;
    }

    List<Change> base() {
        return base;
    }

    long forkTimeMs() {
        return forkTimeMs;
    }

    /** The scratch node holding the branch's state, built from its record when it has none. */
    Node node() {
        if (scratch == null) scratch = build();
        return scratch;
    }

    private Node build() {
        clockMs = forkTimeMs;
        Node n = Node.openDeferred(scratchConfig); // never started: no timer fires in a branch
        try {
            n.markInBranch();
            n.load(module + ".wasm", wasm);
            n.applyLogged(n.lastTxId() + 1, base);
            for (Recorded r : calls) run(n, r);
            return n;
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
    }

    /** Runs {@code r} in the branch and records it; a failed call changes nothing and is not recorded. */
    void call(Recorded r) {
        run(node(), r);
        calls.add(r);
    }

    private void run(Node n, Recorded r) {
        clockMs = r.timeMs();
        n.call(module, r.reducer(), r.args(), r.caller(), Ack.FAST);
    }

    /** Forgets the calls after the first {@code kept} and the state built from them (rebuilt on next use). */
    void truncate(int kept) {
        while (calls.size() > kept) calls.removeLast();
        close();
    }

    int callCount() {
        return calls.size();
    }

    @Override
    public void close() {
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
    }
}
