package dev.interstice.abi.host;

import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.value.IndexKey;
import java.util.List;

/**
 * Our extension of ABI 6 (docs/abi.md §4.2): a table or index scan read page by page through a cursor, sent through
 * the extra import {@code interstice_scan}. Upstream's modules never import it, so they never see it.
 */
public sealed interface ScanCall {
    /** Opens a cursor over a table in primary-key order, or over the rows an index range selects. */
    record Open(Selection module, String table, IndexScan index) implements ScanCall {}

    /** Up to {@code maxRows} rows of the cursor (fewer when the page's byte budget is reached). */
    record Next(int cursor, int maxRows) implements ScanCall {}

    /** Closes a cursor before its end (one that reached its end is closed already). */
    record Close(int cursor) implements ScanCall {}

    /**
     * {@code index}: a column's name, or a composite index's columns joined by ','; equality on its first
     * {@code prefix.size()} columns, then {@code query} (may be null) on the next one.
     */
    record IndexScan(String index, List<IndexKey> prefix, IndexQuery query) {
        public IndexScan {
            prefix = List.copyOf(prefix);
        }
    }
}
