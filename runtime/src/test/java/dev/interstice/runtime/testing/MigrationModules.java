package dev.interstice.runtime.testing;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import java.util.List;

/**
 * Versions of module "inv" for migration tests. v1: {@code items(id u64 auto_inc, name String, qty u32)} with a hash
 * index on qty; {@code fill} inserts 1000 rows ("item", 7) per call, {@code add} one. Later versions change the table.
 */
public final class MigrationModules {
    public static final FieldDef NAME = new FieldDef("name", IntersticeType.STRING);
    public static final FieldDef QTY = new FieldDef("qty", IntersticeType.U32);
    public static final FieldDef QTY64 = new FieldDef("qty", IntersticeType.U64);
    public static final FieldDef NOTE = new FieldDef("note", new IntersticeType.Option(IntersticeType.STRING));
    public static final IndexSchema QTY_HASH = new IndexSchema("qty", IndexSchema.Type.HASH, false, false);
    public static final IndexSchema NAME_BTREE = new IndexSchema("name", IndexSchema.Type.BTREE, false, false);

    private MigrationModules() {}

    public static TableSchema items(List<FieldDef> fields, List<IndexSchema> indexes) {
        return ModuleFixture.simpleTable("items", true, Persistence.LOGGED, Visibility.PUBLIC, fields, indexes);
    }

    /** "inv" with {@code items} as given; {@code row} is the row {@code fill} and {@code add} insert (key 0). */
    public static ModuleFixture inv(TableSchema items, Row row) {
        String insert = "(drop (call $insert_row (i32.const ${t:items}) (i32.const ${t:items.len}) (i32.const ${row})"
                + " (i32.const ${row.len}) (i32.const ${resp}) (i32.const 4096)))\n"
                + "(if (i32.ne (i32.load8_u (i32.const ${resp})) (i32.const 0)) (then unreachable))\n";
        return ModuleFixture.module("inv")
                .table(items)
                .blob("row", Abi.encodeRow(row))
                .reducer("add", List.of(), List.of("items"), insert)
                .reducer(
                        "fill",
                        List.of(),
                        List.of("items"),
                        "(local $i i32)\n"
                                + "(loop $next\n" + insert
                                + "(local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
                                + "(br_if $next (i32.lt_u (local.get $i) (i32.const 1000))))");
    }

    public static ModuleFixture v1() {
        return inv(items(List.of(NAME, QTY), List.of(QTY_HASH)), new Row(u64(0), List.of(str("item"), u32(7))));
    }

    /** v2: qty widened to u64, an optional note added, a btree index on name added: every row kept. */
    public static ModuleFixture v2() {
        return inv(
                items(List.of(NAME, QTY64, NOTE), List.of(QTY_HASH, NAME_BTREE)),
                new Row(u64(0), List.of(str("item"), u64(7), IntersticeValue.some(str("new")))));
    }

    /** A module subscribing to inv.items inserts (a dependant of inv). */
    public static ModuleFixture watcher() {
        return ModuleFixture.module("watcher")
                .subscribe(
                        "on_item",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.INSERT, Selection.CURRENT, "inv", "items"))
                .reducer("on_item", List.of(new FieldDef("row", new IntersticeType.Named("items"))), List.of(), "");
    }
}
