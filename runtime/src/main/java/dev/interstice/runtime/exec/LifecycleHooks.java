package dev.interstice.runtime.exec;

import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.runtime.engine.GuestTrapException;
import dev.interstice.runtime.module.LoadedModule;
import dev.interstice.storage.Change;
import dev.interstice.storage.Storage;
import java.util.List;

/**
 * A module's init and load hooks run in one transaction (the executor's {@code runHooks}): a hook that fails names
 * itself in the error, and the whole is refused before the install when its log record could not be written.
 */
final class LifecycleHooks {
    private LifecycleHooks() {}

    /** Runs {@code hooks} in order in {@code inv}; the first failure drops {@code inv} and names its hook. */
    static void run(Iterable<Executor.Job> hooks, Invocation inv, ModuleRegistry modules, PostcardWriter writer) {
        for (Executor.Job h : hooks) {
            LoadedModule m = modules.require(h.module());
            try {
                GuestCall.reducer(new Frame(inv, m, m.reducer(h.reducer()), false, h.caller(), null), h.args(), writer);
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
    }

    /**
     * Refuses (STORAGE, {@code inv} dropped) hooks whose record would not fit in one log record: refused before the
     * install, since a log that refused the record after it would leave the install half done.
     */
    static void checkFits(List<Change> logFirst, Invocation inv) {
        long bytes = Committer.recordBytes(logFirst, inv.tx().netChanges());
        if (bytes <= Storage.MAX_RECORD_BYTES) return;
        inv.dropped();
        throw new CallException(
                CallException.Kind.STORAGE,
                "its changes take " + (bytes >> 20) + " MiB, more than one log record holds ("
                        + (Storage.MAX_RECORD_BYTES >> 20) + " MiB)");
    }
}
