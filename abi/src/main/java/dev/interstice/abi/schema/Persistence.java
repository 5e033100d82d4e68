package dev.interstice.abi.schema;

/** Upstream {@code PersistenceKind}: Logged = 0 (the default), Stateful = 1, Ephemeral = 2. */
public enum Persistence {
    LOGGED,
    STATEFUL,
    EPHEMERAL
}
