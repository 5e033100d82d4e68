package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.runtime.testing.MigrationModules.inv;
import static dev.interstice.runtime.testing.MigrationModules.items;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.module.MigrationReducers;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.testing.MigrationModules;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A migration reducer (docs/modules.md, Migrations) converts a change the automatic plan refuses: v1's
 * {@code items(id, name String, qty u32)} becomes {@code items(id, label u64)}, one reducer call per old row, all in the
 * migration's transaction.
 */
class MigrationReducerTest {
    static final FieldDef LABEL = new FieldDef("label", IntersticeType.U64);
    static final Row NEW_ROW = new Row(u64(0), List.of(u64(42)));

    /** v2 whose reducer {@code convert(old: OldItem)} logs its argument bytes, then runs {@code body}. */
    static ModuleFixture v2(List<FieldDef> oldItem, String body) {
        return inv(items(List.of(LABEL), List.of()), NEW_ROW)
                .type(new TypeDef.Struct("OldItem", oldItem))
                .reducer(
                        "convert",
                        List.of(new FieldDef("old", new IntersticeType.Named("OldItem"))),
                        List.of("items"),
                        "(call $log_hex (local.get $ptr) (local.get $len))\n" + body)
                .blob("mig", new MigrationReducers(Map.of("items", "convert")).encode())
                .func("(func (export \"interstice_migrations\") (result i64)"
                        + " (i64.or (i64.shl (i64.const ${mig}) (i64.const 32)) (i64.const ${mig.len})))");
    }

    static final List<FieldDef> OLD_ITEM = List.of(
            new FieldDef("id", IntersticeType.U64),
            new FieldDef("name", IntersticeType.STRING),
            new FieldDef("qty", IntersticeType.U32));

    static final String INSERT = ModuleFixture.insertOrTrap("items", "row");

    static void twoRows(TestNode t) {
        t.node.publish("inv.wasm", MigrationModules.v1().build(), false);
        t.node.call("inv", "add", List.of());
        t.node.call("inv", "add", List.of());
    }

    static String hexOf(long id) {
        var old = new IntersticeValue.Struct(
                "OldItem",
                List.of(
                        new IntersticeValue.Field("id", u64(id)),
                        new IntersticeValue.Field("name", str("item")),
                        new IntersticeValue.Field("qty", u32(7))));
        return HexFormat.of().formatHex(Abi.encodeValue(old));
    }

    @Test
    void eachOldRowIsPassedToTheReducerAndTheTableIsRebuiltAcrossARestart(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            twoRows(t);
            var p = t.node.publish("inv2.wasm", v2(OLD_ITEM, INSERT).build(), Node.PublishOptions.DEFAULT);
            assertThat(p.plan().orElseThrow().describe())
                    .contains("table 'items' rebuilt by migration reducer 'convert'")
                    .doesNotContain("REFUSED");
            assertThat(t.logsOf("inv"))
                    .as("one call per old row, with the old row in the old types")
                    .anyMatch(l -> l.contains(hexOf(0)))
                    .anyMatch(l -> l.contains(hexOf(1)));
            assertThat(t.node.rows("inv", "items"))
                    .hasSize(2)
                    .allMatch(r -> r.entries().equals(List.of(u64(42))));
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.rows("inv", "items"))
                    .as("after a restart: the new rows, and none of the old ones")
                    .hasSize(2)
                    .allMatch(r -> r.entries().equals(List.of(u64(42))));
        }
    }

    @Test
    void withoutTheReducerTheChangeIsRefused() {
        try (var t = new TestNode()) {
            twoRows(t);
            var noReducer = inv(items(List.of(LABEL), List.of()), NEW_ROW);
            assertThatThrownBy(() -> t.node.publish("inv2.wasm", noReducer.build(), Node.PublishOptions.DEFAULT))
                    .isInstanceOf(ModuleException.class)
                    .hasMessageContaining("column 'name' removed")
                    .hasMessageContaining("or let a migration reducer convert a table's rows");
        }
    }

    @Test
    void aReducerThatFailsOnARowChangesNothing() {
        try (var t = new TestNode()) {
            twoRows(t);
            var failing = v2(OLD_ITEM, INSERT + "\n(if (i32.gt_u (local.get $len) (i32.const 0)) (then unreachable))");
            assertThatThrownBy(() -> t.node.publish("inv2.wasm", failing.build(), Node.PublishOptions.DEFAULT))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("migration (old row 0 of table 'items') hook 'convert'");
            assertThat(t.node.rows("inv", "items"))
                    .containsExactly(
                            new Row(u64(0), List.of(str("item"), u32(7))),
                            new Row(u64(1), List.of(str("item"), u32(7))));
            assertThat(t.node.schema("inv").orElseThrow().tables().getFirst().fields())
                    .extracting(FieldDef::name)
                    .containsExactly("name", "qty");
        }
    }

    @Test
    void aReducerWhoseArgumentIsNotTheOldRowIsRefusedWithTheReason() {
        try (var t = new TestNode()) {
            twoRows(t);
            var wrong =
                    v2(List.of(new FieldDef("id", IntersticeType.U64), new FieldDef("qty", IntersticeType.U64)), "");
            assertThatThrownBy(() -> t.node.publish("inv2.wasm", wrong.build(), Node.PublishOptions.DEFAULT))
                    .isInstanceOf(ModuleException.class)
                    .hasMessageContaining("migration reducer 'convert' cannot take the old rows of table 'items'")
                    .hasMessageContaining("the old table has [id: u64, name: String, qty: u32]");
            assertThat(t.node.rows("inv", "items")).hasSize(2);
        }
    }

    @Test
    void anUnloadedModuleIsMigratedByTheSamePlanWhenPublishedAgain(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            twoRows(t);
            t.node.unload("inv");
            var noReducer = inv(items(List.of(LABEL), List.of()), NEW_ROW);
            assertThatThrownBy(() -> t.node.publish("inv2.wasm", noReducer.build(), Node.PublishOptions.DEFAULT))
                    .isInstanceOf(ModuleException.class)
                    .hasMessageContaining("column 'name' removed")
                    .hasMessageContaining("was unloaded with its data kept");
            var dry = t.node.publish("inv2.wasm", v2(OLD_ITEM, INSERT).build(), MigrationTest.DRY);
            assertThat(dry.plan().orElseThrow().describe()).contains("rebuilt by migration reducer 'convert'");
            assertThat(t.node.schema("inv")).as("a dry run loads nothing").isEmpty();
            t.node.publish("inv2.wasm", v2(OLD_ITEM, INSERT).build(), Node.PublishOptions.DEFAULT);
            assertThat(t.node.rows("inv", "items"))
                    .hasSize(2)
                    .allMatch(r -> r.entries().equals(List.of(u64(42))));
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.rows("inv", "items"))
                    .hasSize(2)
                    .allMatch(r -> r.entries().equals(List.of(u64(42))));
        }
    }
}
