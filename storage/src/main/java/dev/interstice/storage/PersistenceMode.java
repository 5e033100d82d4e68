package dev.interstice.storage;

/** How a table is persisted. Ephemeral tables never reach the storage layer. */
public enum PersistenceMode {
  /** Rows live in the write-ahead log and in periodic snapshot files. */
  LOGGED,
  /** Rows are materialised as one file per row ({@code <hex(key)>.row}) in the table's directory. */
  STATEFUL
}
