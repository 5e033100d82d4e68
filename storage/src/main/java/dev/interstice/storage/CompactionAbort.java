package dev.interstice.storage;

/** Raised when the storage closes: a running compaction checks it between units of work and gives up. */
final class CompactionAbort {
    private volatile boolean raised;

    void raise() {
        raised = true;
    }

    boolean raised() {
        return raised;
    }

    /** Throws {@link Aborted} once raised. */
    void check() {
        if (raised) throw new Aborted();
    }

    static final class Aborted extends RuntimeException {
        Aborted() {
            super("compaction aborted", null, false, false);
        }
    }
}
