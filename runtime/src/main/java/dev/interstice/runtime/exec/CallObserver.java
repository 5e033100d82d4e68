package dev.interstice.runtime.exec;

import dev.interstice.runtime.IntersticeException;

/**
 * Told of every reducer transaction the executor runs (calls, subscribers, schedules), on the executing thread with
 * the execution lock held: an implementation must be quick and must not call back into the node.
 */
public interface CallObserver {
    CallObserver NONE = (module, reducer, nanos, failure) -> {};

    /**
     * A reducer of {@code module} ran for {@code nanos} (guest code and commit); {@code failure} is null when it
     * committed, else the kind of error that dropped it. A call refused before any guest code ran (no such module or
     * reducer, bad arguments) is reported with null {@code module} and {@code reducer} (they are the caller's words,
     * unchecked) and {@code nanos} 0.
     */
    void reducer(String module, String reducer, long nanos, IntersticeException.Kind failure);
}
