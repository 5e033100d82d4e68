package dev.interstice.runtime.module;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.table.TypeChecker;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The column defaults a module declares through the optional export {@code interstice_column_defaults() -> i64}
 * (our ABI extension, docs/abi.md): postcard {@code Vec<(table: String, column: String, value: IntersticeValue)>}.
 * A migration gives an added column its declared default. ABI-6 hosts ignore the export; modules without it have none.
 */
public record ColumnDefaults(Map<String, Map<String, IntersticeValue>> byTable) {
    public static final String EXPORT = "interstice_column_defaults";
    public static final ColumnDefaults NONE = new ColumnDefaults(Map.of());

    public ColumnDefaults {
        var copy = new LinkedHashMap<String, Map<String, IntersticeValue>>();
        byTable.forEach((t, cols) -> copy.put(t, Map.copyOf(cols)));
        byTable = Map.copyOf(copy);
    }

    /** The default of {@code table.column}, or null. */
    public IntersticeValue of(String table, String column) {
        var cols = byTable.get(table);
        return cols == null ? null : cols.get(column);
    }

    /** Decodes and checks them against the module's schema: a non-key column of one of its tables, of its type. */
    static ColumnDefaults decode(byte[] bytes, ModuleSchema schema) {
        var r = new PostcardReader(bytes);
        var types = new TypeChecker(schema.typeDefinitions());
        var out = new LinkedHashMap<String, Map<String, IntersticeValue>>();
        int n = r.readVarUsize();
        for (int i = 0; i < n; i++) {
            String table = r.readString();
            String column = r.readString();
            IntersticeValue v = Abi.readValue(r);
            TableSchema t = schema.table(table)
                    .orElseThrow(() -> new IllegalArgumentException("default for unknown table '" + table + "'"));
            int col = t.fieldIndex(column);
            if (col < 0)
                throw new IllegalArgumentException(
                        "default for '" + table + "." + column + "', which is not a non-key column");
            String bad = types.check(v, t.fields().get(col).type());
            if (bad != null) throw new IllegalArgumentException("default for '" + table + "." + column + "': " + bad);
            out.computeIfAbsent(table, k -> new LinkedHashMap<>()).put(column, v);
        }
        if (!r.atEnd()) throw new IllegalArgumentException(r.remaining() + " trailing byte(s)");
        return new ColumnDefaults(out);
    }

    /** The export's bytes (modules built by hand, tests). */
    public byte[] encode() {
        var w = new PostcardWriter(64);
        int n = byTable.values().stream().mapToInt(Map::size).sum();
        w.writeVarUsize(n);
        byTable.forEach((t, cols) -> cols.forEach((c, v) -> {
            w.writeString(t);
            w.writeString(c);
            Abi.writeValue(w, v);
        }));
        return w.toByteArray();
    }
}
