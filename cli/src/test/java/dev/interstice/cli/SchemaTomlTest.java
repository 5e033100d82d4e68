package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeSchema;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.SubscriptionSchema;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.schema.Version;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.runtime.testing.ModuleFixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaTomlTest {
    static ModuleFixture hello() {
        return ModuleFixture.module("hello")
                .type(new TypeDef.Struct(
                        "Greetings",
                        List.of(
                                new FieldDef("id", IntersticeType.U64),
                                new FieldDef("greeting", IntersticeType.STRING),
                                new FieldDef("custom", new IntersticeType.Named("Custom")))))
                .type(new TypeDef.Struct("Custom", List.of(new FieldDef("val", IntersticeType.U32))))
                .type(new TypeDef.Enum(
                        "Mood",
                        List.of(
                                new FieldDef("Happy", IntersticeType.VOID),
                                new FieldDef(
                                        "Odd",
                                        new IntersticeType.Tuple(
                                                List.of(IntersticeType.U8, new IntersticeType.Named("Custom")))))))
                .table(new dev.interstice.abi.schema.TableSchema(
                        "greetings",
                        "Greetings",
                        Visibility.PUBLIC,
                        List.of(
                                new FieldDef("greeting", IntersticeType.STRING),
                                new FieldDef("custom", new IntersticeType.Named("Custom"))),
                        new FieldDef("id", IntersticeType.U64),
                        true,
                        List.of(new IndexSchema("greeting", IndexSchema.Type.BTREE, true, false)),
                        Persistence.LOGGED))
                .reducer("hello", List.of(new FieldDef("name", IntersticeType.STRING)), List.of("greetings"), "")
                .reducer(
                        "on_insert", List.of(new FieldDef("row", new IntersticeType.Named("Greetings"))), List.of(), "")
                .subscribe(
                        "on_insert",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.INSERT, Selection.other("far"), "hello", "greetings"))
                .query(
                        "get_greetings",
                        List.of(),
                        new IntersticeType.Vec(new IntersticeType.Named("Greetings")),
                        List.of(),
                        "(i64.const 0)");
    }

    @Test
    void moduleSchemasUseUpstreamsLayoutAndParseBack() throws Exception {
        String toml = SchemaToml.module(hello().schema());
        assertThat(toml)
                .contains("abi_version = 6\nname = \"hello\"\nvisibility = \"Public\"")
                .contains("\n[version]\nmajor = 0\nminor = 1\npatch = 0\n")
                .contains("\n[[reducers]]\nname = \"hello\"")
                .contains("\n[[reducers.arguments]]\nname = \"name\"\nfield_type = \"String\"\n")
                .contains(
                        "\n[[reducers.inserts]]\nnode_selection = \"Current\"\nmodule_selection = \"Current\"\ntable_name = \"greetings\"\n")
                .doesNotContain("[queries.return_type]\nVec")
                .contains("\n[queries.return_type.Vec]\nNamed = \"Greetings\"\n")
                .contains(
                        "\n[[tables.indexes]]\nfield_name = \"greeting\"\nindex_type = \"BTree\"\nunique = true\nauto_inc = false\n")
                .contains("\n[subscriptions.event.Insert]\nmodule_name = \"hello\"\ntable_name = \"greetings\"\n")
                .contains("\n[subscriptions.event.Insert.node_selection]\nOther = \"far\"\n")
                .contains("\n[type_definitions.Greetings.Struct]\nname = \"Greetings\"\n")
                .contains(
                        "\n[[type_definitions.Mood.Enum.variants]]\nname = \"Odd\"\n\n[type_definitions.Mood.Enum.variants.field_type]\nTuple = [\"U8\", { Named = \"Custom\" }]\n")
                .contains("authorities = []");
        JsonNode parsed = new TomlMapper().readTree(toml);
        JsonNode expected = new ObjectMapper().valueToTree(SchemaToml.moduleTree(hello().schema()));
        assertThat(parsed.equals(SAME_VALUE, expected))
                .as(parsed + "\n" + expected)
                .isTrue();
    }

    /** Same tree, key order aside; TOML integers read back as ints. */
    static final Comparator<JsonNode> SAME_VALUE =
            (a, b) -> a.isNumber() && b.isNumber() ? Long.compare(a.longValue(), b.longValue()) : a.equals(b) ? 0 : 1;

    /** A file of the top-level testdata/ directory, shared with the SDK's tests (on the test classpath). */
    static String testdata(String path) throws IOException {
        try (InputStream in = SchemaTomlTest.class.getResourceAsStream("/testdata/" + path)) {
            if (in == null) throw new IOException("missing test resource testdata/" + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The node the SDK's binding tests compile against: a greeter module with a table, a reducer, a query. */
    static NodeSchema greeterNode() {
        var greetingsType = new TypeDef.Struct(
                "Greetings",
                List.of(
                        new FieldDef("id", IntersticeType.U64),
                        new FieldDef("greeting", IntersticeType.STRING),
                        new FieldDef("custom", new IntersticeType.Named("Custom"))));
        var types = new LinkedHashMap<String, TypeDef>();
        types.put("Greetings", greetingsType);
        types.put("Custom", new TypeDef.Struct("Custom", List.of(new FieldDef("val", IntersticeType.U32))));
        var greeter = new ModuleSchema(
                ModuleSchema.ABI_VERSION,
                "greeter",
                new Version(0, 0, 1),
                Visibility.PUBLIC,
                List.of(
                        new ReducerSchema(
                                "hello",
                                List.of(new FieldDef("name", IntersticeType.STRING)),
                                List.of(),
                                List.of(),
                                List.of(),
                                List.of()),
                        new ReducerSchema("on_insert", List.of(), List.of(), List.of(), List.of(), List.of())),
                List.of(new QuerySchema(
                        "get_greetings",
                        List.of(),
                        new IntersticeType.Vec(new IntersticeType.Named("Greetings")),
                        List.of())),
                List.of(new TableSchema(
                        "greetings",
                        "Greetings",
                        Visibility.PUBLIC,
                        List.of(
                                new FieldDef("greeting", IntersticeType.STRING),
                                new FieldDef("custom", new IntersticeType.Named("Custom"))),
                        new FieldDef("id", IntersticeType.U64),
                        true,
                        List.of(new IndexSchema("greeting", IndexSchema.Type.BTREE, true, false)),
                        Persistence.LOGGED)),
                List.of(new SubscriptionSchema("on_insert", new SubscriptionEvent.Core(SubscriptionEvent.Simple.INIT))),
                types,
                List.of(),
                List.of(),
                List.of(),
                List.of());
        return new NodeSchema("greeter-node", "127.0.0.1:8080", List.of(greeter));
    }

    @Test
    void theSharedNodeBindingFixtureIsWhatTheCliWritesAndReadsAsItsTree() throws Exception {
        // testdata/bindings/node_greeter.toml is read by the SDK's tests too: the binding the AssemblyScript transform
        // must accept is exactly what `interstice bindings add node` writes.
        String fixture = testdata("bindings/node_greeter.toml");
        assertThat(SchemaToml.node(greeterNode())).isEqualTo(fixture);
        // node_greeter.json is the tree every TOML reader must produce from it (the SDK's parser is checked against it)
        JsonNode parsed = new TomlMapper().readTree(fixture);
        JsonNode expected = new ObjectMapper().readTree(testdata("bindings/node_greeter.json"));
        assertThat(parsed.equals(SAME_VALUE, expected))
                .as(parsed + "\n" + expected)
                .isTrue();
    }

    @Test
    void nodeSchemasHoldNameAddressAndModules() throws Exception {
        var node = new NodeSchema(
                "hello-example",
                "127.0.0.1:8080",
                List.of(
                        hello().schema().toPublic(),
                        ModuleFixture.module("other").schema()));
        String toml = SchemaToml.node(node);
        assertThat(toml)
                .startsWith("name = \"hello-example\"\naddress = \"127.0.0.1:8080\"\n\n[[modules]]\nabi_version = 6\n");
        JsonNode parsed = new TomlMapper().readTree(toml);
        assertThat(parsed.get("modules")).hasSize(2);
        assertThat(parsed.at("/modules/0/tables/0/primary_key/field_type").asText())
                .isEqualTo("U64");
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
