package dev.interstice.runtime.exec;

import dev.interstice.runtime.IntersticeException;

/**
 * Told of every reducer transaction the executor runs (calls, due schedules, subscribers; not the lifecycle hooks of a
 * module install), on the executing thread with the execution lock held: an implementation must be quick and must not
 * call back into the node. Metrics count them; benchmarks time e.g. a game's tick without instrumenting the module.
 */
public interface CallObserver {
    /**
     * A reducer of {@code module} ran in transaction {@code txId}: {@code runNanos} of guest code and host calls, then
     * {@code commitNanos} committing it. {@code failure} is null when it committed, else the kind of error that dropped
     * it (then {@code commitNanos} is 0 if it failed before committing). A call refused before any guest code ran (no
     * such module or reducer, bad arguments) is reported with null {@code module} and {@code reducer} (they are the
     * caller's words, unchecked), {@code txId} 0 and no time.
     */
    void reducer(
            String module,
            String reducer,
            long txId,
            long runNanos,
            long commitNanos,
            IntersticeException.Kind failure);
}
