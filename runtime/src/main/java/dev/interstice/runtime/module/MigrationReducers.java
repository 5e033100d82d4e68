package dev.interstice.runtime.module;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The migration reducers a module declares through the optional export {@code interstice_migrations() -> i64} (our ABI
 * extension, docs/abi.md): postcard {@code Vec<(table: String, reducer: String)>}. When this version replaces a loaded
 * one, each old row of {@code table} (in the old version's types) is passed to {@code reducer}, one call per row, inside
 * the migration's transaction; the reducer writes the new rows. A table named here is rebuilt by its reducer instead
 * of being carried over, so changes the automatic plan refuses (a type changed, a column split) need no allowance.
 * ABI-6 hosts ignore the export; modules without it have none.
 */
public record MigrationReducers(Map<String, String> byTable) {
    public static final String EXPORT = "interstice_migrations";
    public static final MigrationReducers NONE = new MigrationReducers(Map.of());

    public MigrationReducers {
        byTable = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byTable));
    }

    /** The reducer that migrates the old table {@code table}, or null. */
    public String of(String table) {
        return byTable.get(table);
    }

    /** Decodes and checks them against the module's schema: each names one of its reducers, taking one argument. */
    static MigrationReducers decode(byte[] bytes, ModuleSchema schema) {
        return new MigrationReducers(StringPairs.decode(
                bytes,
                (table, reducer) -> {
                    ReducerSchema rs = schema.reducer(reducer)
                            .orElseThrow(() -> new IllegalArgumentException("migration of table '" + table
                                    + "' names reducer '" + reducer + "', which is not declared"));
                    if (rs.arguments().size() != 1)
                        throw new IllegalArgumentException("migration reducer '" + reducer + "' takes "
                                + rs.arguments().size() + " arguments; it takes one: the old row");
                },
                table -> "table '" + table + "' has two migration reducers"));
    }

    /** The export's bytes (modules built by hand, tests). */
    public byte[] encode() {
        return StringPairs.encode(byTable);
    }

    /**
     * Why the old table {@code old} cannot be passed to {@code reducer} of {@code next}, or null: the reducer's
     * argument must be a struct with exactly the old table's columns (by name, in any order, of the same types).
     */
    static String mismatch(TableSchema old, ReducerSchema reducer, ModuleSchema next) {
        return mismatch(old, reducer.arguments().getFirst().type(), next);
    }

    /** Why rows of {@code old} cannot be passed as {@code arg} (a type of {@code next}), or null. */
    static String mismatch(TableSchema old, IntersticeType arg, ModuleSchema next) {
        if (!(arg instanceof IntersticeType.Named named)
                || !(next.typeDefinitions().get(named.name()) instanceof TypeDef.Struct struct))
            return "its argument is " + arg + ", not a struct of the old table's columns";
        Map<String, IntersticeType> want = new HashMap<>();
        for (FieldDef f : columns(old)) want.put(f.name(), f.type());
        Map<String, IntersticeType> have = new HashMap<>();
        for (FieldDef f : struct.fields()) have.put(f.name(), f.type());
        if (want.equals(have)) return null;
        return "its argument " + struct.name() + " has the columns " + describe(struct.fields())
                + ", the old table has " + describe(columns(old));
    }

    /** The old row as the struct {@code reducer} takes. */
    public static IntersticeValue argument(TableSchema old, Row row, ReducerSchema reducer) {
        return argument(old, row, reducer.arguments().getFirst().type());
    }

    /** The row as the struct {@code type} (a named struct of the table's columns). */
    static IntersticeValue argument(TableSchema old, Row row, IntersticeType type) {
        var fields = new ArrayList<IntersticeValue.Field>(old.fields().size() + 1);
        fields.add(new IntersticeValue.Field(old.primaryKey().name(), row.primaryKey()));
        for (int i = 0; i < old.fields().size(); i++)
            fields.add(new IntersticeValue.Field(
                    old.fields().get(i).name(), row.entries().get(i)));
        return new IntersticeValue.Struct(((IntersticeType.Named) type).name(), fields);
    }

    private static List<FieldDef> columns(TableSchema t) {
        var out = new ArrayList<FieldDef>(t.fields().size() + 1);
        out.add(t.primaryKey());
        out.addAll(t.fields());
        return out;
    }

    private static String describe(List<FieldDef> fields) {
        return fields.stream().map(f -> f.name() + ": " + f.type()).toList().toString();
    }
}
