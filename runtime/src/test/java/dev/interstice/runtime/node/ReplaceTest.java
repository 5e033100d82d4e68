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
        var extra = ModuleFixture.simpleTable("audit", true, Persistence.LOGGED, Visibility.PRIVATE,
                List.of(new FieldDef("note", IntersticeType.STRING)), List.of());
        var items = TransactionTest.ITEMS;
        var withIndex = new dev.interstice.abi.schema.TableSchema(items.name(), items.typeName(), items.visibility(), items.fields(),
                items.primaryKey(), items.primaryKeyAutoInc(), List.of(items.indexes().get(0), items.indexes().get(1)), items.persistence());
        return ModuleFixture.module("shop").table(withIndex).table(extra)
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
            var changed = ModuleFixture.module("shop").table(ModuleFixture.simpleTable("items", true, Persistence.LOGGED, Visibility.PUBLIC,
                    List.of(new FieldDef("name", IntersticeType.U64)), List.of()));
            assertThatThrownBy(() -> t.node.replace(changed.build(), false)).isInstanceOf(ModuleException.class)
                    .hasMessageContaining("column 'name' changed type").hasMessageContaining("Nothing was changed");
            assertThat(t.node.rows("shop", "items")).hasSize(1);
            assertThat(t.node.schema("shop").orElseThrow().reducer("add_apple")).isPresent();
            t.node.replace(changed.build(), true);
            assertThat(t.node.rows("shop", "items")).isEmpty();
        }
    }

    @Test
    void aNewUniqueIndexMustHoldForExistingRows() {
        try (var t = new TestNode()) {
            var plain = ModuleFixture.simpleTable("items", true, Persistence.LOGGED, Visibility.PUBLIC,
                    List.of(new FieldDef("name", IntersticeType.STRING), new FieldDef("qty", IntersticeType.U32)), List.of());
            t.node.load(ModuleFixture.module("shop").table(plain)
                    .blob("apple", dev.interstice.abi.codec.Abi.encodeRow(TransactionTest.APPLE))
                    .reducer("add_apple", List.of(), List.of("items"), ModuleFixture.insertOrTrap("items", "apple")).build());
            t.node.call("shop", "add_apple", List.of());
            t.node.call("shop", "add_apple", List.of()); // two apples: a unique index on name cannot be added
            var unique = ModuleFixture.simpleTable("items", true, Persistence.LOGGED, Visibility.PUBLIC, plain.fields(),
                    List.of(new IndexSchema("name", IndexSchema.Type.BTREE, true, false)));
            assertThatThrownBy(() -> t.node.replace(ModuleFixture.module("shop").table(unique).build(), false))
                    .isInstanceOf(ModuleException.class).hasMessageContaining("does not hold");
            assertThat(t.node.rows("shop", "items")).hasSize(2);
        }
    }
}
