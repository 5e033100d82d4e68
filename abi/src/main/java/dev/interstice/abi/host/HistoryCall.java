package dev.interstice.abi.host;

import dev.interstice.abi.value.IntersticeValue;

/**
 * Our extension of ABI 6 (docs/abi.md §4.6): time travel for a module's own tables, sent through the extra import
 * {@code interstice_history}. Upstream's modules never import it. A module reads one of its tables as of a past
 * transaction, and forks branches: named timelines whose reducer calls never touch the main timeline, read, discarded
 * or merged back (their recorded calls replayed on the main timeline).
 */
public sealed interface HistoryCall {
    /** Opens a scan cursor (read with {@code interstice_scan}'s Next/Close) over {@code table} as of {@code tx}. */
    record ReadAsOf(String table, long tx) implements HistoryCall {}

    /** Forks branch {@code branch} from the module's tables as of transaction {@code fromTx}. */
    record Fork(String branch, long fromTx) implements HistoryCall {}

    /** Runs reducer {@code reducer} of the module in {@code branch}; {@code input} is {@code Vec(args)}. */
    record Call(String branch, String reducer, IntersticeValue input) implements HistoryCall {}

    /** Opens a scan cursor over {@code table} as it is in {@code branch}. */
    record ReadBranch(String branch, String table) implements HistoryCall {}

    record Discard(String branch) implements HistoryCall {}

    /** Replays the branch's recorded calls on the main timeline once the calling transaction commits. */
    record Merge(String branch) implements HistoryCall {}

    record ListBranches() implements HistoryCall {}

    /** The outcome of the module's last merge requested through {@link Merge}. */
    record LastMerge() implements HistoryCall {}

    /** The id of the calling transaction. */
    record CurrentTx() implements HistoryCall {}
}
