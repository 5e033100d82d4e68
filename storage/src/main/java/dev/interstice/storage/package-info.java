/**
 * Byte-level durability layer of Interstice: a write-ahead log with group commit, background
 * snapshots/compaction, stateful row files and crash recovery. Keys and rows are opaque bytes.
 *
 * <p>Entry point: {@link dev.interstice.storage.Storage}. On-disk format and guarantees:
 * {@code storage/README.md}.
 */
package dev.interstice.storage;
