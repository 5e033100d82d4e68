package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.NodeSchema;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.runtime.testing.ModuleFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaTomlTest {
    static ModuleFixture hello() {
        return ModuleFixture.module("hello")
                .type(new TypeDef.Struct("Greetings", List.of(new FieldDef("id", IntersticeType.U64), new FieldDef("greeting", IntersticeType.STRING),
                        new FieldDef("custom", new IntersticeType.Named("Custom")))))
                .type(new TypeDef.Struct("Custom", List.of(new FieldDef("val", IntersticeType.U32))))
                .type(new TypeDef.Enum("Mood", List.of(new FieldDef("Happy", IntersticeType.VOID), new FieldDef("Odd", new IntersticeType.Tuple(
                        List.of(IntersticeType.U8, new IntersticeType.Named("Custom")))))))
                .table(new dev.interstice.abi.schema.TableSchema("greetings", "Greetings", Visibility.PUBLIC,
                        List.of(new FieldDef("greeting", IntersticeType.STRING), new FieldDef("custom", new IntersticeType.Named("Custom"))),
                        new FieldDef("id", IntersticeType.U64), true, List.of(new IndexSchema("greeting", IndexSchema.Type.BTREE, true, false)), Persistence.LOGGED))
                .reducer("hello", List.of(new FieldDef("name", IntersticeType.STRING)), List.of("greetings"), "")
                .reducer("on_insert", List.of(new FieldDef("row", new IntersticeType.Named("Greetings"))), List.of(), "")
                .subscribe("on_insert", new SubscriptionEvent.Table(SubscriptionEvent.TableEventKind.INSERT, Selection.other("far"), "hello", "greetings"))
                .query("get_greetings", List.of(), new IntersticeType.Vec(new IntersticeType.Named("Greetings")), List.of(), "(i64.const 0)");
    }

    @Test
    void moduleSchemasUseUpstreamsLayoutAndParseBack() throws Exception {
        String toml = SchemaToml.module(hello().schema());
        assertThat(toml).contains("abi_version = 6\nname = \"hello\"\nvisibility = \"Public\"")
                .contains("\n[version]\nmajor = 0\nminor = 1\npatch = 0\n")
                .contains("\n[[reducers]]\nname = \"hello\"")
                .contains("\n[[reducers.arguments]]\nname = \"name\"\nfield_type = \"String\"\n")
                .contains("\n[[reducers.inserts]]\nnode_selection = \"Current\"\nmodule_selection = \"Current\"\ntable_name = \"greetings\"\n").doesNotContain("[queries.return_type]\nVec")
                .contains("\n[queries.return_type.Vec]\nNamed = \"Greetings\"\n")
                .contains("\n[[tables.indexes]]\nfield_name = \"greeting\"\nindex_type = \"BTree\"\nunique = true\nauto_inc = false\n")
                .contains("\n[subscriptions.event.Insert]\nmodule_name = \"hello\"\ntable_name = \"greetings\"\n")
                .contains("\n[subscriptions.event.Insert.node_selection]\nOther = \"far\"\n")
                .contains("\n[type_definitions.Greetings.Struct]\nname = \"Greetings\"\n")
                .contains("\n[[type_definitions.Mood.Enum.variants]]\nname = \"Odd\"\n\n[type_definitions.Mood.Enum.variants.field_type]\nTuple = [\"U8\", { Named = \"Custom\" }]\n")
                .contains("authorities = []");
        JsonNode parsed = new TomlMapper().readTree(toml);
        JsonNode expected = new ObjectMapper().valueToTree(SchemaToml.moduleTree(hello().schema()));
        // same tree (key order aside; TOML integers read back as ints)
        java.util.Comparator<JsonNode> sameValue = (a, b) -> a.isNumber() && b.isNumber() ? Long.compare(a.longValue(), b.longValue())
                : a.equals(b) ? 0 : 1;
        assertThat(parsed.equals(sameValue, expected)).as(parsed + "\n" + expected).isTrue();
    }

    @Test
    void nodeSchemasHoldNameAddressAndModules() throws Exception {
        var node = new NodeSchema("hello-example", "127.0.0.1:8080", List.of(hello().schema().toPublic(), ModuleFixture.module("other").schema()));
        String toml = SchemaToml.node(node);
        assertThat(toml).startsWith("name = \"hello-example\"\naddress = \"127.0.0.1:8080\"\n\n[[modules]]\nabi_version = 6\n");
        JsonNode parsed = new TomlMapper().readTree(toml);
        assertThat(parsed.get("modules")).hasSize(2);
        assertThat(parsed.at("/modules/0/tables/0/primary_key/field_type").asText()).isEqualTo("U64");
        assertThat(parsed.at("/modules/1/name").asText()).isEqualTo("other");
        assertThat(parsed.at("/modules/1/type_definitions").isObject()).isTrue();
    }

    @Test
    void oddKeysAndStringsAreQuoted() throws Exception {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("plain", "a \"quoted\"\nline\\");
        m.put("odd key", java.util.Map.of("x", 1L));
        String toml = SchemaToml.write(m);
        JsonNode parsed = new TomlMapper().readTree(toml);
        assertThat(parsed.get("plain").asText()).isEqualTo("a \"quoted\"\nline\\");
        assertThat(parsed.at("/odd key/x").asLong()).isEqualTo(1);
    }
}
