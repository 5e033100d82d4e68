package dev.interstice.runtime.testing;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u64;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.module.TableViews;
import java.util.List;
import java.util.Map;

/**
 * Module "docs" for the view tests: public table {@code docs(id u64, n u64 unique, owner String)} whose view
 * {@code mine(row: doc) -> bool} admits a row to the requester named in its {@code owner} column. Reducers insert,
 * update or delete fixed rows ({@link #insert}, {@link #update}, {@link #delete}) and log the host's answer.
 */
public final class ViewModules {
    private ViewModules() {}

    public static final TypeDef DOC = new TypeDef.Struct(
            "doc",
            List.of(
                    new FieldDef("id", IntersticeType.U64),
                    new FieldDef("n", IntersticeType.U64),
                    new FieldDef("owner", IntersticeType.STRING)));

    public static TableSchema docsTable(Visibility v) {
        return ModuleFixture.simpleTable(
                "docs",
                false,
                Persistence.LOGGED,
                v,
                List.of(new FieldDef("n", IntersticeType.U64), new FieldDef("owner", IntersticeType.STRING)),
                List.of(new IndexSchema("n", IndexSchema.Type.BTREE, true, false)));
    }

    public static Row doc(long id, long n, String owner) {
        return new Row(u64(id), List.of(u64(n), str(owner)));
    }

    public static final List<FieldDef> ROW_ARG = List.of(new FieldDef("row", new IntersticeType.Named("doc")));

    /**
     * The view {@code row.owner == caller}: the caller's node id is the first string of the input (length < 128), the
     * owner the last column, so the input ends with it, preceded by its length.
     */
    public static final String OWNER_IS_CALLER = """
            (local $l i32) (local $o i32) (local $i i32)
            """ + ownerIsCaller();

    /**
     * The view "the private table {@code open} has the row with key 0, or the owner is the caller": it reads another
     * table, so a change there changes what it admits.
     */
    public static final String OPEN_OR_OWNER = """
            (local $l i32) (local $o i32) (local $i i32)
            (drop (call $get_by_pk (i32.const ${t:open}) (i32.const ${t:open.len}) (i32.const ${pk0}) (i32.const ${pk0.len})
                                   (i32.const ${resp}) (i32.const 4096)))
            (if (i32.eq (i32.load8_u (i32.add (i32.const ${resp}) (i32.const 1))) (i32.const 1))
              (then (return (i64.or (i64.shl (i64.const ${yes}) (i64.const 32)) (i64.const ${yes.len})))))
            """ + ownerIsCaller();

    private static String ownerIsCaller() {
        return """
            (local.set $l (i32.load8_u (local.get $ptr)))
            (if (i32.ge_u (local.get $l) (i32.const 128)) (then unreachable))
            (local.set $o (i32.sub (i32.add (local.get $ptr) (local.get $len)) (local.get $l)))
            (block $no
              (br_if $no (i32.ne (i32.load8_u (i32.sub (local.get $o) (i32.const 1))) (local.get $l)))
              (block $same (loop $cmp
                (br_if $same (i32.ge_u (local.get $i) (local.get $l)))
                (br_if $no (i32.ne (i32.load8_u (i32.add (i32.add (local.get $ptr) (i32.const 1)) (local.get $i)))
                                   (i32.load8_u (i32.add (local.get $o) (local.get $i)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $cmp)))
              (return (i64.or (i64.shl (i64.const ${yes}) (i64.const 32)) (i64.const ${yes.len}))))
            (i64.or (i64.shl (i64.const ${no}) (i64.const 32)) (i64.const ${no.len}))""";
    }

    /** "docs" with the view query {@code mine} (body {@code viewBody}) declared for its table when {@code declare}. */
    public static ModuleFixture docs(Visibility tableVisibility, String viewBody, Map<String, String> views) {
        var f = ModuleFixture.module("docs")
                .table(docsTable(tableVisibility))
                .table(ModuleFixture.simpleTable(
                        "open", false, Persistence.LOGGED, Visibility.PRIVATE, List.of(), List.of()))
                .type(DOC)
                .blob("yes", Abi.encodeValue(new IntersticeValue.Bool(true)))
                .blob("no", Abi.encodeValue(new IntersticeValue.Bool(false)))
                .blob("pk0", Abi.encodeIndexKey(new IndexKey(u64(0))))
                .blob("open0", Abi.encodeRow(new Row(u64(0), List.of())))
                .query("mine", ROW_ARG, IntersticeType.BOOL, List.of("docs", "open"), viewBody)
                .reducer("open_all", List.of(), List.of("open"), ModuleFixture.insertOrTrap("open", "open0"))
                .reducer(
                        "close_all",
                        List.of(),
                        List.of("open"),
                        "(drop (call $delete_row (i32.const ${t:open}) (i32.const ${t:open.len})"
                                + " (i32.const ${pk0}) (i32.const ${pk0.len})))");
        if (!views.isEmpty()) {
            f.blob("views", new TableViews(views).encode())
                    .func("(func (export \"interstice_views\") (result i64)"
                            + " (i64.or (i64.shl (i64.const ${views}) (i64.const 32)) (i64.const ${views.len})))");
        }
        return f;
    }

    /** The usual "docs": public table, view {@code mine} = table {@code open} has row 0, or owner is the caller. */
    public static ModuleFixture docs() {
        return docs(Visibility.PUBLIC, OPEN_OR_OWNER, Map.of("docs", "mine"));
    }

    /** Adds reducer {@code name} inserting {@code row} (logs the answer: an error's text included). */
    public static ModuleFixture insert(ModuleFixture f, String name, Row row) {
        return f.blob(name, Abi.encodeRow(row))
                .reducer(name, List.of(), List.of("docs"), ModuleFixture.insertAndLog("docs", name));
    }

    /** Adds reducer {@code name} replacing the row of {@code row}'s key by {@code row}. */
    public static ModuleFixture update(ModuleFixture f, String name, Row row) {
        return f.blob(name, Abi.encodeRow(row))
                .reducer(
                        name,
                        List.of(),
                        List.of("docs"),
                        "(drop (call $update_row (i32.const ${t:docs}) (i32.const ${t:docs.len})" + " (i32.const ${"
                                + name + "}) (i32.const ${" + name + ".len})))");
    }

    /** Adds reducer {@code name} deleting the row with primary key {@code id}. */
    public static ModuleFixture delete(ModuleFixture f, String name, long id) {
        return f.blob(name, Abi.encodeIndexKey(new IndexKey(u64(id))))
                .reducer(
                        name,
                        List.of(),
                        List.of("docs"),
                        "(drop (call $delete_row (i32.const ${t:docs}) (i32.const ${t:docs.len})" + " (i32.const ${"
                                + name + "}) (i32.const ${" + name + ".len})))");
    }
}
