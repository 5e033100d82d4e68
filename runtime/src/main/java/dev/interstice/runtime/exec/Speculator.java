package dev.interstice.runtime.exec;

import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.runtime.table.Table;
import dev.interstice.runtime.tx.ReadSet;
import dev.interstice.runtime.tx.Transaction;
import dev.interstice.storage.TxTrace;
import java.util.List;

/**
 * The speculative half of a top-level call with executors > 1 (docs/parallel-execution.md): runs its reducer without
 * the execution lock, noting what it read, and later, under the lock, tells whether that run is still what the serial
 * order would produce. The commit itself is the executor's (ids, time and seed are assigned in its order).
 */
final class Speculator {
    /** Each speculating caller's argument buffer (the executor's own belongs to the lock holder). */
    private static final ThreadLocal<PostcardWriter> WRITER = ThreadLocal.withInitial(() -> new PostcardWriter(1024));

    private final Speculation speculation;
    private final ModuleRegistry modules;
    private final TraceIds ids;

    private final StageTimes stages;

    Speculator(Speculation speculation, ModuleRegistry modules, TraceIds ids, StageTimes stages) {
        this.stages = stages;
        this.speculation = speculation;
        this.modules = modules;
        this.ids = ids;
    }

    /**
     * Runs a call's reducer speculatively, without the execution lock, on its own instance: its committed reads are
     * noted, its id, time and seed wait for the commit. Null when it is not speculated (refused calls too: the serial
     * path refuses them as always) or did something it cannot validate or failed: it then runs serially. A run holds
     * one of the executors until the caller {@link Speculation#leave}s.
     */
    Speculation.Run speculate(
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
            r = Callables.reducer(m, reducer, args);
        } catch (RuntimeException refused) {
            speculation.ranSerially();
            return null;
        } finally {
            speculation.shared().unlock();
        }
        Speculation.Of of = speculation.of(m, reducer);
        if (speculation.backingOff(of)) return null;
        long at = StageTimes.now();
        speculation.enter();
        stages.note(StageTimes.Stage.ENTER, at);
        boolean ran = false;
        try {
            long start = speculation.commits();
            var reads = new ReadSet(speculation.shared());
            var inv = new Invocation(new Transaction(reads));
            inv.origin(ids.origin(m.name(), r.schema().name(), "", caller, args));
            inv.parent(ids.local(cause));
            var frame = new Frame(inv, m, r, false, caller, null);
            long started = System.nanoTime();
            try {
                GuestCall.reducer(frame, args, WRITER.get());
            } catch (RuntimeException notValidated) { // SerialOnly, or a failure: the serial run decides
                speculation.fellBack(of);
                return null;
            }
            ran = true;
            stages.note(StageTimes.Stage.SPECULATIVE_RUN, started);
            return new Speculation.Run(m, frame, inv, reads, start, System.nanoTime() - started, of);
        } finally {
            if (!ran) speculation.leave(); // else the caller leaves once committed: one executor, one core
        }
    }

    /** Whether {@code t} is still the node's table (no install, migration or unload replaced it). */
    private boolean current(Table t) {
        LoadedModule owner = modules.get(t.id().module());
        return owner != null && owner.table(t.schema().name()) == t;
    }

    /**
     * Whether {@code run} is what the serial order would produce now: same module and tables, no read changed. Under
     * the execution lock.
     */
    boolean stillValid(Speculation.Run run) {
        if (modules.get(run.module().name()) != run.module()) return false;
        if (!run.reads().allTables(this::current)) return false;
        return speculation.unchanged(run.start(), run.reads());
    }
}
