package dev.interstice.network;

/** How far a committed reducer call got when it was acknowledged (wire code = ordinal). */
public enum Acknowledged {
    /** Committed in memory; the log is fsynced shortly after (a crash in between can lose it). */
    FAST,
    /** Committed and fsynced: a crash cannot take it back. */
    DURABLE,
    /** Committed; it changed nothing that is persisted (ephemeral tables only, or a node without a data directory). */
    NOT_PERSISTED;

    static final Acknowledged[] VALUES = values();
}
