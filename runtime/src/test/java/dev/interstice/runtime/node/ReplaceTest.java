package dev.interstice.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing new code over a loaded module keeps its data when compatible, and never drops it silently. */
class ReplaceTest {

    static ModuleFixture v2WithExtraTableAndIndex() {
        var extra = ModuleFixture.simpleTable(
                "audit",
                true,
                Persistence.LOGGED,
                Visibility.PRIVATE,
                List.of(new FieldDef("note", IntersticeType.STRING)),
                List.of());
        var items = TransactionTest.ITEMS;
        var withIndex = new dev.interstice.abi.schema.TableSchema(
                items.name(),
                items.typeName(),
                items.visibility(),
                items.fields(),
                items.primaryKey(),
                items.primaryKeyAutoInc(),
                List.of(items.indexes().get(0), items.indexes().get(1)),
                items.persistence());
        return ModuleFixture.module("shop")
                .table(withIndex)
                .table(extra)
                .blob("apple", dev.interstice.abi.codec.Abi.encodeRow(TransactionTest.APPLE))
                .reducer("add_apple", List.of(), List.of("items"), ModuleFixture.insertAndLog("items", "apple"))
                .reducer("brand_new", List.of(), List.of(), "");
    }

    @Test
    void compatibleReplacementKeepsRowsAndCountersAcrossRestart(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.load(TransactionTest.shop().build());
            t.node.call("shop", "add_apple", List.of());
            t.node.call("shop", "add_pear", List.of());
            var schema = t.node.replace(v2WithExtraTableAndIndex().build(), false);
            assertThat(schema.reducer("brand_new")).isPresent();
            assertThat(t.node.rows("shop", "items")).hasSize(2);
            t.node.call("shop", "brand_new", List.of());
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.schema("shop").orElseThrow().reducer("brand_new")).isPresent();
            assertThat(t.node.rows("shop", "items")).hasSize(2);
            t.node.call("shop", "add_apple", List.of()); // apple exists: refused by the unique index, nothing inserted
            assertThat(t.node.rows("shop", "items")).hasSize(2);
        }
    }

    @Test
    void incompatibleReplacementIsRefusedWithTheDiffUnlessReset() {
        try (var t = new TestNode()) {
            t.node.load(TransactionTest.shop().build());
            t.node.call("shop", "add_apple", List.of());
            var changed = ModuleFixture.module("shop")
                    .table(ModuleFixture.simpleTable(
                            "items",
                            true,
                            Persistence.LOGGED,
                            Visibility.PUBLIC,
                            List.of(new FieldDef("name", IntersticeType.U64)),
                            List.of()));
            assertThatThrownBy(() -> t.node.replace(changed.build(), false))
                    .isInstanceOf(ModuleException.class)
                    .hasMessageContaining("column 'name' changed type")
                    .hasMessageContaining("Nothing was changed");
            assertThat(t.node.rows("shop", "items")).hasSize(1);
            assertThat(t.node.schema("shop").orElseThrow().reducer("add_apple")).isPresent();
            t.node.replace(changed.build(), true);
            assertThat(t.node.rows("shop", "items")).isEmpty();
        }
    }

    @Test
    void aNewUniqueIndexMustHoldForExistingRows() {
        try (var t = new TestNode()) {
            var plain = ModuleFixture.simpleTable(
                    "items",
                    true,
                    Persistence.LOGGED,
                    Visibility.PUBLIC,
                    List.of(new FieldDef("name", IntersticeType.STRING), new FieldDef("qty", IntersticeType.U32)),
                    List.of());
            t.node.load(ModuleFixture.module("shop")
                    .table(plain)
                    .blob("apple", dev.interstice.abi.codec.Abi.encodeRow(TransactionTest.APPLE))
                    .reducer("add_apple", List.of(), List.of("items"), ModuleFixture.insertOrTrap("items", "apple"))
                    .build());
            t.node.call("shop", "add_apple", List.of());
            t.node.call("shop", "add_apple", List.of()); // two apples: a unique index on name cannot be added
            var unique = ModuleFixture.simpleTable(
                    "items",
                    true,
                    Persistence.LOGGED,
                    Visibility.PUBLIC,
                    plain.fields(),
                    List.of(new IndexSchema("name", IndexSchema.Type.BTREE, true, false)));
            assertThatThrownBy(() -> t.node.replace(
                            ModuleFixture.module("shop").table(unique).build(), false))
                    .isInstanceOf(ModuleException.class)
                    .hasMessageContaining("does not hold");
            assertThat(t.node.rows("shop", "items")).hasSize(2);
        }
    }

    /** A start function that logs a marker: the module starts once per compilation (to describe itself). */
    static ModuleFixture startsLoudly(ModuleFixture m) {
        return m.func("(func $hello (call $log_i32 (i32.const 0x5eed))) (start $hello)");
    }

    static long starts(TestNode t) {
        return t.logs.stream().filter(l -> l.message().equals("ed5e0000")).count();
    }

    @Test
    void publishLoadsOrReplacesAndCompilesTheModuleOnce() {
        try (var t = new TestNode()) {
            var first = t.node.publish(
                    "shop.wasm", startsLoudly(TransactionTest.shop()).build(), false);
            assertThat(first.module()).isEqualTo("shop");
            assertThat(first.replaced()).isFalse();
            assertThat(first.differences()).isEmpty();
            assertThat(starts(t)).isEqualTo(1);
            t.node.call("shop", "add_apple", List.of());
            long before = starts(t);

            var second = t.node.publish(
                    "shop.wasm", startsLoudly(v2WithExtraTableAndIndex()).build(), false);
            assertThat(starts(t) - before)
                    .as("a replacing publish compiles and starts the module once")
                    .isEqualTo(1);
            assertThat(second.replaced()).isTrue();
            assertThat(second.reset()).isFalse();
            assertThat(second.differences().orElseThrow().compatible()).isTrue();
            assertThat(second.schema().reducer("brand_new")).isPresent();
            assertThat(t.node.rows("shop", "items")).hasSize(1);
        }
    }

    @Test
    void publishRefusesAnIncompatibleVersionUnlessResetAndSaysWhatItDid() {
        try (var t = new TestNode()) {
            t.node.publish("shop.wasm", TransactionTest.shop().build(), false);
            t.node.call("shop", "add_apple", List.of());
            var changed = ModuleFixture.module("shop")
                    .table(ModuleFixture.simpleTable(
                            "items",
                            true,
                            Persistence.LOGGED,
                            Visibility.PUBLIC,
                            List.of(new FieldDef("name", IntersticeType.U64)),
                            List.of()));
            assertThatThrownBy(() -> t.node.publish("shop2.wasm", changed.build(), false))
                    .isInstanceOfSatisfying(
                            ModuleException.class,
                            e -> assertThat(e.kind()).isEqualTo(ModuleException.Kind.INCOMPATIBLE))
                    .hasMessageContaining("column 'name' changed type")
                    .hasMessageContaining("Nothing was changed");
            assertThat(t.node.rows("shop", "items")).hasSize(1);

            var reset = t.node.publish("shop2.wasm", changed.build(), true);
            assertThat(reset.replaced()).isTrue();
            assertThat(reset.reset()).isTrue();
            assertThat(reset.differences().orElseThrow().breaking()).isNotEmpty();
            assertThat(t.node.rows("shop", "items")).isEmpty();
        }
    }

    @Test
    void refusalsSayWhatKindTheyAre() {
        try (var t = new TestNode()) {
            t.node.load(TransactionTest.shop().build());
            assertThatThrownBy(() -> t.node.load(TransactionTest.shop().build()))
                    .isInstanceOfSatisfying(
                            ModuleException.class, e -> assertThat(e.kind()).isEqualTo(ModuleException.Kind.CONFLICT));
            assertThatThrownBy(() -> t.node.publish("junk.wasm", new byte[] {0, 'a', 's', 'm', 9}, false))
                    .isInstanceOfSatisfying(
                            ModuleException.class, e -> assertThat(e.kind()).isEqualTo(ModuleException.Kind.INVALID))
                    .hasMessageContaining("junk.wasm");
            assertThatThrownBy(() -> t.node.remove("nope"))
                    .isInstanceOfSatisfying(
                            ModuleException.class, e -> assertThat(e.kind()).isEqualTo(ModuleException.Kind.NOT_FOUND));
        }
    }

    @Test
    void describeReadsTheSchemaWithoutLoading() {
        try (var t = new TestNode()) {
            var schema = t.node.describe(TransactionTest.shop().build());
            assertThat(schema.name()).isEqualTo("shop");
            assertThat(t.node.schema("shop")).isEmpty();
            assertThat(t.node.modules()).isEmpty();
        }
    }
}
