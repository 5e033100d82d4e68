package dev.interstice.runtime.module;

import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The views a module declares through the optional export {@code interstice_views() -> i64} (our ABI extension,
 * docs/abi.md): postcard {@code Vec<(table: String, query: String)>}. A view is one of the module's queries, taking
 * the row (a struct of the table's columns) and returning {@code bool}; its context's caller is the node that asks
 * for the row. Rows of a viewed table leave the node only towards requesters the view admits them to (docs/security.md,
 * Views). ABI-6 hosts ignore the export; modules without it have none.
 */
public record TableViews(Map<String, String> byTable) {
    public static final String EXPORT = "interstice_views";
    public static final TableViews NONE = new TableViews(Map.of());

    public TableViews {
        byTable = Collections.unmodifiableMap(new LinkedHashMap<>(byTable));
    }

    /** The query that is {@code table}'s view, or null. */
    public String of(String table) {
        return byTable.get(table);
    }

    /** Whether {@code query} is some table's view (the node calls it; nobody else may). */
    public boolean isView(String query) {
        return byTable.containsValue(query);
    }

    /**
     * Decodes and checks them against the module's schema: each names a public table of the module, at most once, and
     * a query taking one struct of exactly that table's columns and returning bool.
     */
    static TableViews decode(byte[] bytes, ModuleSchema schema) {
        return new TableViews(StringPairs.decode(
                bytes, (table, query) -> check(schema, table, query), table -> "table '" + table + "' has two views"));
    }

    /** Refuses a view of {@code table} by {@code query} that does not fit the schema (IllegalArgumentException). */
    private static void check(ModuleSchema schema, String table, String query) {
        TableSchema t = schema.table(table)
                .orElseThrow(() -> new IllegalArgumentException(
                        "view '" + query + "' names table '" + table + "', which the module does not declare"));
        if (t.visibility() != Visibility.PUBLIC)
            throw new IllegalArgumentException("view '" + query + "' names table '" + table
                    + "', which is private: only public tables leave the node, so only they take a view");
        QuerySchema q = schema.query(query)
                .orElseThrow(() -> new IllegalArgumentException(
                        "the view of table '" + table + "' names query '" + query + "', which is not declared"));
        if (q.arguments().size() != 1)
            throw new IllegalArgumentException(
                    "view '" + query + "' takes " + q.arguments().size() + " arguments; it takes one: the row");
        if (!IntersticeType.BOOL.equals(q.returnType()))
            throw new IllegalArgumentException(
                    "view '" + query + "' returns " + q.returnType() + "; a view returns bool");
        String mismatch = MigrationReducers.mismatch(t, q.arguments().getFirst().type(), schema);
        if (mismatch != null)
            throw new IllegalArgumentException(
                    "view '" + query + "' cannot take the rows of table '" + table + "': " + mismatch);
    }

    /** The export's bytes (modules built by hand, tests). */
    public byte[] encode() {
        return StringPairs.encode(byTable);
    }

    /** The row as the struct the view {@code query} takes. */
    public static IntersticeValue argument(TableSchema table, Row row, QuerySchema query) {
        return MigrationReducers.argument(
                table, row, query.arguments().getFirst().type());
    }
}
