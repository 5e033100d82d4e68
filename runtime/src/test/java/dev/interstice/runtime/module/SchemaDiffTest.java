package dev.interstice.runtime.module;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.schema.Version;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.runtime.testing.ModuleFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaDiffTest {
    static final TypeDef.Struct POINT = new TypeDef.Struct(
            "Point", List.of(new FieldDef("x", IntersticeType.I32), new FieldDef("y", IntersticeType.I32)));

    static TableSchema places(List<FieldDef> fields, List<IndexSchema> indexes) {
        return ModuleFixture.simpleTable("places", true, Persistence.LOGGED, Visibility.PUBLIC, fields, indexes);
    }

    static final List<FieldDef> FIELDS =
            List.of(new FieldDef("name", IntersticeType.STRING), new FieldDef("at", new IntersticeType.Named("Point")));

    static ModuleFixture base() {
        return ModuleFixture.module("geo")
                .type(POINT)
                .table(places(FIELDS, List.of(new IndexSchema("name", IndexSchema.Type.HASH, false, false))))
                .reducer("add", List.of(new FieldDef("name", IntersticeType.STRING)), List.of("places"), "")
                .query("count", List.of(), IntersticeType.U64, List.of(), "(i64.const 0)");
    }

    static ModuleSchema v(ModuleSchema s, int minor) {
        return new ModuleSchema(
                s.abiVersion(),
                s.name(),
                new Version(0, minor, 0),
                s.visibility(),
                s.reducers(),
                s.queries(),
                s.tables(),
                s.subscriptions(),
                s.typeDefinitions(),
                s.authorities(),
                s.moduleDependencies(),
                s.nodeDependencies(),
                s.replicatedTables());
    }

    @Test
    void identicalAndAdditiveChangesAreCompatible() {
        ModuleSchema cur = base().schema();
        assertThat(SchemaDiff.compare(cur, cur).compatible()).isTrue();
        ModuleSchema next = v(
                base().table(ModuleFixture.simpleTable(
                                "extra", false, Persistence.EPHEMERAL, Visibility.PRIVATE, List.of(), List.of()))
                        .reducer("more", List.of(), List.of(), "")
                        .query("other", List.of(), IntersticeType.U64, List.of(), "(i64.const 0)")
                        .schema(),
                2);
        SchemaDiff.Result r = SchemaDiff.compare(cur, next);
        assertThat(r.compatible()).isTrue();
        assertThat(r.changes()).contains("+ table 'extra' added", "+ reducer 'more' added", "+ query 'other' added");
        assertThat(r.describe()).startsWith("module 'geo' 0.1.0 -> 0.2.0: compatible");
    }

    @Test
    void addedAndRemovedIndexesAreCompatibleChangedOnesAreNot() {
        ModuleSchema cur = base().schema();
        var added = ModuleFixture.module("geo")
                .type(POINT)
                .table(places(
                        FIELDS,
                        List.of(
                                new IndexSchema("name", IndexSchema.Type.HASH, false, false),
                                new IndexSchema("at", IndexSchema.Type.BTREE, true, false))))
                .schema();
        var r = SchemaDiff.compare(cur, added);
        assertThat(r.compatible()).isTrue();
        assertThat(r.changes())
                .anySatisfy(c -> assertThat(c)
                        .contains("index unique btree on 'at' added")
                        .contains("must be unique"));
        var removed = ModuleFixture.module("geo")
                .type(POINT)
                .table(places(FIELDS, List.of()))
                .schema();
        assertThat(SchemaDiff.compare(cur, removed).compatible()).isTrue();
        var changed = ModuleFixture.module("geo")
                .type(POINT)
                .table(places(FIELDS, List.of(new IndexSchema("name", IndexSchema.Type.HASH, true, false))))
                .schema();
        assertThat(SchemaDiff.compare(cur, changed).breaking())
                .containsExactly("table 'places': index on 'name' changed hash -> unique hash");
    }

    @Test
    void columnAndTableChangesBreak() {
        ModuleSchema cur = base().schema();
        var retyped = ModuleFixture.module("geo")
                .type(POINT)
                .table(places(List.of(new FieldDef("name", IntersticeType.U64), FIELDS.get(1)), List.of()))
                .schema();
        assertThat(SchemaDiff.compare(cur, retyped).breaking())
                .containsExactly("table 'places': column 'name' changed type String -> u64");
        var reordered = ModuleFixture.module("geo")
                .type(POINT)
                .table(places(List.of(FIELDS.get(1), FIELDS.get(0)), List.of()))
                .schema();
        assertThat(SchemaDiff.compare(cur, reordered).breaking())
                .hasSize(2)
                .allSatisfy(b -> assertThat(b).contains("moved"));
        var added = ModuleFixture.module("geo")
                .type(POINT)
                .table(places(
                        List.of(FIELDS.get(0), FIELDS.get(1), new FieldDef("extra", IntersticeType.BOOL)), List.of()))
                .schema();
        assertThat(SchemaDiff.compare(cur, added).breaking())
                .containsExactly("table 'places': column 'extra' added (existing rows have no value for it)");
        var dropped = ModuleFixture.module("geo").type(POINT).schema();
        SchemaDiff.Result r = SchemaDiff.compare(cur, dropped);
        assertThat(r.breaking()).containsExactly("table 'places' removed (its rows would be lost)");
        assertThat(r.changes()).contains("- reducer 'add' removed", "- query 'count' removed");
        assertThat(r.describe()).contains("INCOMPATIBLE").contains("\n  ! table 'places' removed");
        var ephemeral = ModuleFixture.module("geo")
                .type(POINT)
                .table(ModuleFixture.simpleTable(
                        "places",
                        true,
                        Persistence.EPHEMERAL,
                        Visibility.PRIVATE,
                        FIELDS,
                        List.of(new IndexSchema("name", IndexSchema.Type.HASH, false, false))))
                .schema();
        r = SchemaDiff.compare(cur, ephemeral);
        assertThat(r.breaking()).containsExactly("table 'places': persistence changed LOGGED -> EPHEMERAL");
        assertThat(r.changes()).contains("~ table 'places': visibility PUBLIC -> PRIVATE");
    }

    @Test
    void namedTypesAreComparedByTheirDefinitions() {
        ModuleSchema cur = base().schema();
        var point3 = new TypeDef.Struct(
                "Point", List.of(new FieldDef("x", IntersticeType.I32), new FieldDef("y", IntersticeType.I64)));
        var next = ModuleFixture.module("geo")
                .type(point3)
                .table(places(FIELDS, List.of(new IndexSchema("name", IndexSchema.Type.HASH, false, false))))
                .schema();
        assertThat(SchemaDiff.compare(cur, next).breaking())
                .containsExactly(
                        "table 'places': column 'at' changed type Point -> Point (type Point: field 'y' changed type)");
        var asEnum = new TypeDef.Enum("Point", POINT.fields());
        var e = ModuleFixture.module("geo")
                .type(asEnum)
                .table(places(FIELDS, List.of(new IndexSchema("name", IndexSchema.Type.HASH, false, false))))
                .schema();
        assertThat(SchemaDiff.compare(cur, e).breaking())
                .singleElement()
                .asString()
                .contains("between struct and enum");
        // a reducer signature change is listed but does not break the data
        var sig = ModuleFixture.module("geo")
                .type(POINT)
                .table(places(FIELDS, List.of(new IndexSchema("name", IndexSchema.Type.HASH, false, false))))
                .reducer(
                        "add",
                        List.of(
                                new FieldDef("name", IntersticeType.STRING),
                                new FieldDef("at", new IntersticeType.Named("Point"))),
                        List.of(),
                        "")
                .query("count", List.of(), IntersticeType.U64, List.of(), "(i64.const 0)")
                .schema();
        var r = SchemaDiff.compare(cur, sig);
        assertThat(r.compatible()).isTrue();
        assertThat(r.changes())
                .containsExactly("~ reducer 'add' arguments (name: String) -> (name: String, at: Point)");
    }

    @Test
    void recursiveTypesTerminate() {
        var node = new TypeDef.Struct(
                "Tree", List.of(new FieldDef("kids", new IntersticeType.Vec(new IntersticeType.Named("Tree")))));
        var t = ModuleFixture.module("m")
                .type(node)
                .table(ModuleFixture.simpleTable(
                        "trees",
                        false,
                        Persistence.LOGGED,
                        Visibility.PUBLIC,
                        List.of(new FieldDef("root", new IntersticeType.Named("Tree"))),
                        List.of()))
                .schema();
        assertThat(SchemaDiff.compare(t, t).compatible()).isTrue();
    }
}
