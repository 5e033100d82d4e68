package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.runtime.testing.MigrationModules.NAME;
import static dev.interstice.runtime.testing.MigrationModules.NOTE;
import static dev.interstice.runtime.testing.MigrationModules.QTY;
import static dev.interstice.runtime.testing.MigrationModules.QTY_HASH;
import static dev.interstice.runtime.testing.MigrationModules.inv;
import static dev.interstice.runtime.testing.MigrationModules.items;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.module.ColumnDefaults;
import dev.interstice.runtime.module.MigrationPlan;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.testing.MigrationModules;
import dev.interstice.runtime.testing.TestNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing a new version migrates the rows it can keep, refuses with the reason otherwise, and can be rolled back. */
class MigrationTest {
    static final Node.PublishOptions DRY = new Node.PublishOptions(false, true, MigrationPlan.Options.NONE);

    static Node.PublishOptions allow(String... changes) {
        return new Node.PublishOptions(false, false, new MigrationPlan.Options(Set.of(changes), false));
    }

    static void twoRows(TestNode t) {
        t.node.publish("inv.wasm", MigrationModules.v1().build(), false);
        t.node.call("inv", "add", List.of());
        t.node.call("inv", "add", List.of());
    }

    @Test
    void addingAColumnWideningAndIndexingKeepEveryRowAcrossARestart(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            twoRows(t);
            var p = t.node.publish("inv2.wasm", MigrationModules.v2().build(), Node.PublishOptions.DEFAULT);
            assertThat(p.plan().orElseThrow().describe())
                    .contains("column 'qty' widened u32 -> u64")
                    .contains("column 'note' Option<String> added (none in every row)")
                    .contains("index btree on 'name' built from the rows");
            assertThat(t.node.rows("inv", "items"))
                    .containsExactly(
                            new Row(u64(0), List.of(str("item"), u64(7), IntersticeValue.none())),
                            new Row(u64(1), List.of(str("item"), u64(7), IntersticeValue.none())));
            t.node.call("inv", "add", List.of()); // the new version's rows, next auto_inc key
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.schema("inv")
                            .orElseThrow()
                            .table("items")
                            .orElseThrow()
                            .fields())
                    .containsExactly(NAME, MigrationModules.QTY64, NOTE);
            assertThat(t.node.rows("inv", "items"))
                    .containsExactly(
                            new Row(u64(0), List.of(str("item"), u64(7), IntersticeValue.none())),
                            new Row(u64(1), List.of(str("item"), u64(7), IntersticeValue.none())),
                            new Row(u64(2), List.of(str("item"), u64(7), IntersticeValue.some(str("new")))));
        }
    }

    @Test
    void aDryRunPrintsThePlanAndChangesNothing(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            twoRows(t);
            var p = t.node.publish("inv2.wasm", MigrationModules.v2().build(), DRY);
            assertThat(p.dryRun()).isTrue();
            assertThat(p.plan().orElseThrow().describe()).contains("column 'qty' widened u32 -> u64");
            assertThat(t.node.schema("inv")
                            .orElseThrow()
                            .table("items")
                            .orElseThrow()
                            .fields())
                    .containsExactly(NAME, QTY);
            assertThat(t.node.rows("inv", "items")).hasSize(2);
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.rows("inv", "items")).first().isEqualTo(new Row(u64(0), List.of(str("item"), u32(7))));
        }
    }

    @Test
    void aLossyChangeNeedsItsOwnAllowance() {
        try (var t = new TestNode()) {
            twoRows(t);
            var noQty = inv(items(List.of(NAME), List.of()), new Row(u64(0), List.of(str("x"))));
            assertThatThrownBy(() -> t.node.publish("inv2.wasm", noQty.build(), Node.PublishOptions.DEFAULT))
                    .isInstanceOfSatisfying(
                            ModuleException.class,
                            e -> assertThat(e.kind()).isEqualTo(ModuleException.Kind.INCOMPATIBLE))
                    .hasMessageContaining("column 'qty' removed")
                    .hasMessageContaining("--allow drop-column:items.qty");
            assertThat(t.node.rows("inv", "items")).first().isEqualTo(new Row(u64(0), List.of(str("item"), u32(7))));
            t.node.publish("inv2.wasm", noQty.build(), allow("drop-column:items.qty"));
            assertThat(t.node.rows("inv", "items"))
                    .containsExactly(new Row(u64(0), List.of(str("item"))), new Row(u64(1), List.of(str("item"))));
        }
    }

    @Test
    void aRequiredColumnNeedsADefaultAndARenameIsDeclared() {
        try (var t = new TestNode()) {
            twoRows(t);
            var weight = inv(
                    items(
                            List.of(
                                    new FieldDef("title", IntersticeType.STRING),
                                    QTY,
                                    new FieldDef("kg", IntersticeType.U32)),
                            List.of(QTY_HASH)),
                    new Row(u64(0), List.of(str("x"), u32(1), u32(2))));
            assertThatThrownBy(() -> t.node.publish("w.wasm", weight.build(), allow("rename-column:items.name=title")))
                    .hasMessageContaining("column 'kg' u32 added, and existing rows have no value for it")
                    .hasMessageContaining("--zero-defaults");
            var opts = new Node.PublishOptions(
                    false, false, new MigrationPlan.Options(Set.of("rename-column:items.name=title"), true));
            t.node.publish("w.wasm", weight.build(), opts);
            assertThat(t.node.rows("inv", "items"))
                    .first()
                    .isEqualTo(new Row(u64(0), List.of(str("item"), u32(7), u32(0))));
        }
    }

    static dev.interstice.runtime.testing.ModuleFixture withPersistence(Persistence p) {
        var t = items(List.of(NAME, QTY), List.of(QTY_HASH));
        return inv(
                new TableSchema(
                        t.name(),
                        t.typeName(),
                        t.visibility(),
                        t.fields(),
                        t.primaryKey(),
                        t.primaryKeyAutoInc(),
                        t.indexes(),
                        p),
                new Row(u64(0), List.of(str("item"), u32(7))));
    }

    @Test
    void persistenceChangesKeepTheRowsAndEphemeralNeedsAnAllowance(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            twoRows(t);
            var p = t.node.publish(
                    "s.wasm", withPersistence(Persistence.STATEFUL).build(), Node.PublishOptions.DEFAULT);
            assertThat(p.plan().orElseThrow().describe()).contains("persistence LOGGED -> STATEFUL");
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.rows("inv", "items")).hasSize(2);
            assertThatThrownBy(() -> t.node.publish(
                            "e.wasm", withPersistence(Persistence.EPHEMERAL).build(), Node.PublishOptions.DEFAULT))
                    .hasMessageContaining("--allow ephemeral:items");
            t.node.publish("e.wasm", withPersistence(Persistence.EPHEMERAL).build(), allow("ephemeral:items"));
            assertThat(t.node.rows("inv", "items")).hasSize(2); // in memory until the node stops
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.rows("inv", "items")).isEmpty();
            t.node.call("inv", "add", List.of());
            t.node.publish("l.wasm", MigrationModules.v1().build(), Node.PublishOptions.DEFAULT); // ephemeral -> logged
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.rows("inv", "items")).hasSize(1); // its rows were written with the migration
        }
    }

    @Test
    void aDroppedTableIsGoneAfterARestart(@TempDir Path dir) {
        var other = dev.interstice.runtime.testing.ModuleFixture.module("inv")
                .table(dev.interstice.runtime.testing.ModuleFixture.simpleTable(
                        "other",
                        false,
                        Persistence.LOGGED,
                        dev.interstice.abi.schema.Visibility.PUBLIC,
                        List.of(),
                        List.of()));
        try (var t = new TestNode(NodeConfig.at(dir))) {
            twoRows(t);
            assertThatThrownBy(() -> t.node.publish("o.wasm", other.build(), Node.PublishOptions.DEFAULT))
                    .hasMessageContaining("table 'items' removed")
                    .hasMessageContaining("--allow drop-table:items");
            t.node.publish("o.wasm", other.build(), allow("drop-table:items"));
            t.node.publish("inv.wasm", MigrationModules.v1().build(), allow("drop-table:other"));
            assertThat(t.node.rows("inv", "items")).isEmpty();
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.rows("inv", "items")).isEmpty();
        }
    }

    @Test
    void anAddedColumnGetsTheDefaultTheModuleDeclares() {
        try (var t = new TestNode()) {
            twoRows(t);
            var kg = new FieldDef("kg", IntersticeType.U32);
            var defaults = new ColumnDefaults(Map.of("items", Map.of("kg", u32(5)))).encode();
            var withDefault = inv(
                            items(List.of(NAME, QTY, kg), List.of(QTY_HASH)),
                            new Row(u64(0), List.of(str("x"), u32(1), u32(2))))
                    .blob("defaults", defaults)
                    .func(
                            "(func (export \"interstice_column_defaults\") (result i64)"
                                    + " (i64.or (i64.shl (i64.const ${defaults}) (i64.const 32)) (i64.const ${defaults.len})))");
            var p = t.node.publish("d.wasm", withDefault.build(), Node.PublishOptions.DEFAULT);
            assertThat(p.plan().orElseThrow().describe())
                    .contains("column 'kg' u32 added (5 in every row: the module's default)");
            assertThat(t.node.rows("inv", "items"))
                    .first()
                    .isEqualTo(new Row(u64(0), List.of(str("item"), u32(7), u32(5))));
            // a default of the wrong type makes the module invalid
            var wrong = new ColumnDefaults(Map.of("items", Map.of("kg", str("five")))).encode();
            var bad = inv(
                            items(List.of(NAME, QTY, kg), List.of(QTY_HASH)),
                            new Row(u64(0), List.of(str("x"), u32(1), u32(2))))
                    .blob("defaults", wrong)
                    .func(
                            "(func (export \"interstice_column_defaults\") (result i64)"
                                    + " (i64.or (i64.shl (i64.const ${defaults}) (i64.const 32)) (i64.const ${defaults.len})))");
            assertThatThrownBy(() -> t.node.publish("bad.wasm", bad.build(), Node.PublishOptions.DEFAULT))
                    .isInstanceOfSatisfying(
                            ModuleException.class, e -> assertThat(e.kind()).isEqualTo(ModuleException.Kind.INVALID))
                    .hasMessageContaining("interstice_column_defaults is invalid");
        }
    }

    @Test
    void aNewUniqueIndexIsRefusedNamingTheFirstDuplicate() {
        try (var t = new TestNode()) {
            twoRows(t);
            var unique = inv(
                    items(List.of(NAME, QTY), List.of(new IndexSchema("qty", IndexSchema.Type.HASH, true, false))),
                    new Row(u64(0), List.of(str("item"), u32(7))));
            assertThatThrownBy(() -> t.node.publish("u.wasm", unique.build(), Node.PublishOptions.DEFAULT))
                    .hasMessageContaining("unique index on items.qty does not hold")
                    .hasMessageContaining("both have qty = ");
            assertThat(t.node.schema("inv")
                            .orElseThrow()
                            .table("items")
                            .orElseThrow()
                            .indexes())
                    .containsExactly(QTY_HASH);
        }
    }

    @Test
    void aChangeThatBreaksADependantIsRefusedNamingIt() {
        try (var t = new TestNode()) {
            twoRows(t);
            t.node.publish("watcher.wasm", MigrationModules.watcher().build(), false);
            assertThatThrownBy(() ->
                            t.node.publish("inv2.wasm", MigrationModules.v2().build(), Node.PublishOptions.DEFAULT))
                    .hasMessageContaining("module 'watcher' subscribes to inv.items")
                    .hasMessageContaining("changes its columns");
            assertThat(t.node.schema("inv")
                            .orElseThrow()
                            .table("items")
                            .orElseThrow()
                            .fields())
                    .containsExactly(NAME, QTY);
        }
    }

    @Test
    void rollbackReturnsToThePreviousVersionWhenItsDataIsStillCompatible(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThatThrownBy(() -> t.node.rollback("inv", false)).isInstanceOf(ModuleException.class);
            twoRows(t);
            assertThatThrownBy(() -> t.node.rollback("inv", false))
                    .hasMessageContaining("no previous version of module 'inv'");
            t.node.publish("inv2.wasm", MigrationModules.v2().build(), Node.PublishOptions.DEFAULT);
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            // back to v1 would drop the note column and narrow qty: refused with the reasons
            assertThatThrownBy(() -> t.node.rollback("inv", false))
                    .hasMessageContaining("Rollback refused")
                    .hasMessageContaining("column 'note' removed")
                    .hasMessageContaining("column 'qty' changed type u64 -> u32");
            assertThat(t.node.rows("inv", "items")).hasSize(2);
            // a version that only adds a reducer can be rolled back
            t.node.publish(
                    "inv3.wasm",
                    MigrationModules.v2()
                            .reducer("extra", List.of(), List.of(), "")
                            .build(),
                    false);
            assertThat(t.node.schema("inv").orElseThrow().reducer("extra")).isPresent();
            var back = t.node.rollback("inv", false);
            assertThat(back.replaced()).isTrue();
            assertThat(t.node.schema("inv").orElseThrow().reducer("extra")).isEmpty();
            assertThat(t.node.rows("inv", "items")).hasSize(2);
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.schema("inv").orElseThrow().reducer("extra")).isEmpty();
            assertThat(t.node.rows("inv", "items")).hasSize(2);
        }
    }
}
