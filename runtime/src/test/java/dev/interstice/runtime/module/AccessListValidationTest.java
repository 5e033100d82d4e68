package dev.interstice.runtime.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A reducer's or query's access list may only name tables its own module defines (other modules' are checked at call time). */
class AccessListValidationTest {
    static ModuleFixture shop() {
        return ModuleFixture.module("shop")
                .table(ModuleFixture.simpleTable(
                        "items",
                        true,
                        Persistence.LOGGED,
                        Visibility.PUBLIC,
                        List.of(new FieldDef("n", IntersticeType.U64)),
                        List.of()));
    }

    @Test
    void aReducerNamingATableTheModuleDoesNotDefineIsRefused() {
        try (var t = new TestNode()) {
            assertThatThrownBy(() -> t.node.load(shop().reducer("restock", List.of(), List.of("items", "itmes"), "")
                            .build()))
                    .isInstanceOf(ModuleException.class)
                    .hasMessage(
                            "module 'shop' reducer 'restock' declares access to table 'itmes', which the module does not define (its tables: items)");
            assertThat(t.node.schema("shop")).isEmpty();
        }
    }

    @Test
    void aQueryNamingATableTheModuleDoesNotDefineIsRefused() {
        try (var t = new TestNode()) {
            var q = ModuleFixture.module("empty")
                    .query("count", List.of(), IntersticeType.U64, List.of("ghost"), "(i64.const 0)");
            assertThatThrownBy(() -> t.node.load(q.build()))
                    .isInstanceOf(ModuleException.class)
                    .hasMessage(
                            "module 'empty' query 'count' declares access to table 'ghost', which the module does not define (it defines no tables)");
        }
    }

    @Test
    void tablesOfOtherModulesAreNotCheckedAtLoad() {
        try (var t = new TestNode()) {
            t.node.load(shop().reducer("peek", List.of(), List.of("items", "warehouse.stock"), "")
                    .build());
            assertThat(t.node.schema("shop")).isPresent();
        }
    }
}
