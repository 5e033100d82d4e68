package dev.interstice.abi.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SchemaModelTest {

    private static FieldDef f(String name, IntersticeType t) {
        return new FieldDef(name, t);
    }

    private static IntersticeType named(String n) {
        return new IntersticeType.Named(n);
    }

    private static TableSchema table(String name, String type, Visibility vis, List<FieldDef> fields) {
        return new TableSchema(
                name, type, vis, fields, f("id", IntersticeType.U64), false, List.of(), Persistence.LOGGED);
    }

    static ModuleSchema sample(Visibility moduleVisibility) {
        Map<String, TypeDef> defs = new LinkedHashMap<>();
        defs.put("Pub", new TypeDef.Struct("Pub", List.of(f("id", IntersticeType.U64), f("inner", named("Inner")))));
        defs.put("Inner", new TypeDef.Struct("Inner", List.of(f("deep", new IntersticeType.Vec(named("Deep"))))));
        defs.put("Deep", new TypeDef.Struct("Deep", List.of(f("x", IntersticeType.U8))));
        defs.put(
                "Secret",
                new TypeDef.Struct("Secret", List.of(f("id", IntersticeType.U64), f("s", named("SecretOnly")))));
        defs.put("SecretOnly", new TypeDef.Struct("SecretOnly", List.of()));
        defs.put("Arg", new TypeDef.Enum("Arg", List.of(f("A", IntersticeType.VOID), f("B", named("Payload")))));
        defs.put("Payload", new TypeDef.Struct("Payload", List.of()));
        defs.put("HandlerOnly", new TypeDef.Struct("HandlerOnly", List.of()));
        defs.put("Ret", new TypeDef.Struct("Ret", List.of()));
        defs.put("QArg", new TypeDef.Struct("QArg", List.of()));
        defs.put("Unused", new TypeDef.Struct("Unused", List.of()));
        var ref = new TableRef(Selection.CURRENT, Selection.CURRENT, "pub");
        return new ModuleSchema(
                6,
                "m",
                new Version(1, 0, 0),
                moduleVisibility,
                List.of(
                        new ReducerSchema(
                                "call_me",
                                List.of(f("a", new IntersticeType.Option(named("Arg")))),
                                List.of(ref),
                                List.of(),
                                List.of(),
                                List.of()),
                        new ReducerSchema(
                                "on_insert",
                                List.of(f("row", named("HandlerOnly"))),
                                List.of(),
                                List.of(),
                                List.of(),
                                List.of())),
                List.of(new QuerySchema(
                        "q",
                        List.of(f("x", new IntersticeType.Tuple(List.of(named("QArg"), IntersticeType.U8)))),
                        new IntersticeType.Vec(named("Ret")),
                        List.of(ref))),
                List.of(
                        table("pub", "Pub", Visibility.PUBLIC, List.of(f("inner", named("Inner")))),
                        table("secret", "Secret", Visibility.PRIVATE, List.of(f("s", named("SecretOnly"))))),
                List.of(new SubscriptionSchema(
                        "on_insert",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.INSERT, Selection.CURRENT, "m", "pub"))),
                defs,
                List.of(Authority.FILE),
                List.of(),
                List.of(),
                List.of());
    }

    @Test
    void toPublicKeepsPublicTablesCallableReducersQueriesAndReachableTypes() {
        ModuleSchema pub = sample(Visibility.PUBLIC).toPublic();
        assertThat(pub.tables()).extracting(TableSchema::name).containsExactly("pub");
        assertThat(pub.reducers()).extracting(ReducerSchema::name).containsExactly("call_me");
        assertThat(pub.queries()).extracting(QuerySchema::name).containsExactly("q");
        assertThat(pub.subscriptions()).isEmpty();
        // Pub -> Inner -> Deep (through Vec), Arg -> Payload (through an enum variant), Ret, QArg (through a tuple)
        assertThat(pub.typeDefinitions().keySet())
                .containsExactlyInAnyOrder("Pub", "Inner", "Deep", "Arg", "Payload", "Ret", "QArg");
        assertThat(pub.typeDefinitions().get("Deep"))
                .isEqualTo(sample(Visibility.PUBLIC).typeDefinitions().get("Deep"));
        // unchanged parts
        assertThat(pub.name()).isEqualTo("m");
        assertThat(pub.authorities()).containsExactly(Authority.FILE);
        assertThat(pub.abiVersion()).isEqualTo(6);
        // idempotent
        assertThat(pub.toPublic()).isEqualTo(pub);
    }

    @Test
    void lookupsAndSubscriptionHandlers() {
        ModuleSchema s = sample(Visibility.PUBLIC);
        assertThat(s.table("secret")).isPresent();
        assertThat(s.table("nope")).isEmpty();
        assertThat(s.reducer("call_me")).isPresent();
        assertThat(s.query("q")).isPresent();
        assertThat(s.isSubscriptionHandler("on_insert")).isTrue();
        assertThat(s.isSubscriptionHandler("call_me")).isFalse();
        assertThat(s.tables().get(0).fieldIndex("inner")).isZero();
        assertThat(s.tables().get(0).fieldIndex("id")).isEqualTo(-1); // the key is not a field
    }

    @Test
    void nodeToPublicDropsPrivateModules() {
        var node = new NodeSchema("n", "a:1", List.of(sample(Visibility.PUBLIC), sample(Visibility.PRIVATE)));
        NodeSchema pub = node.toPublic();
        assertThat(pub.modules()).hasSize(1);
        assertThat(pub.modules().get(0)).isEqualTo(sample(Visibility.PUBLIC).toPublic());
        assertThat(pub.name()).isEqualTo("n");
        assertThat(pub.address()).isEqualTo("a:1");
    }

    /** Module "m" whose reducer, query and dependencies name private tables and modules of its node. */
    private static NodeSchema nodeWithPrivateReferences() {
        Map<String, TypeDef> defs = new LinkedHashMap<>();
        defs.put("Pub", new TypeDef.Struct("Pub", List.of(f("id", IntersticeType.U64))));
        defs.put("HiddenRow", new TypeDef.Struct("HiddenRow", List.of(f("id", IntersticeType.U64))));
        var pub = new TableRef(Selection.CURRENT, Selection.CURRENT, "pub");
        var ownPrivate = new TableRef(Selection.CURRENT, Selection.CURRENT, "hidden_ledger");
        var ownByName = new TableRef(Selection.CURRENT, Selection.other("m"), "hidden_ledger");
        var othersPublic = new TableRef(Selection.CURRENT, Selection.other("other"), "open");
        var othersPrivate = new TableRef(Selection.CURRENT, Selection.other("other"), "other_secret");
        var privateModules = new TableRef(Selection.CURRENT, Selection.other("priv_mod"), "open");
        var remote = new TableRef(Selection.other("far"), Selection.other("x"), "remote_t");
        var refs = List.of(pub, ownPrivate, ownByName, othersPublic, othersPrivate, privateModules, remote);
        var m = new ModuleSchema(
                6,
                "m",
                new Version(1, 0, 0),
                Visibility.PUBLIC,
                List.of(
                        new ReducerSchema("move", List.of(), refs, refs, refs, refs),
                        new ReducerSchema(
                                "on_hidden",
                                List.of(f("row", named("HiddenRow"))),
                                List.of(ownPrivate),
                                List.of(),
                                List.of(),
                                List.of())),
                List.of(new QuerySchema("q", List.of(), IntersticeType.U64, refs)),
                List.of(
                        table("pub", "Pub", Visibility.PUBLIC, List.of()),
                        table("hidden_ledger", "HiddenRow", Visibility.PRIVATE, List.of())),
                List.of(new SubscriptionSchema(
                        "on_hidden",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.INSERT, Selection.CURRENT, "m", "hidden_ledger"))),
                defs,
                List.of(),
                List.of(
                        new ModuleDependency("other", new Version(1, 0, 0)),
                        new ModuleDependency("priv_mod", new Version(1, 0, 0))),
                List.of(),
                List.of());
        var other = new ModuleSchema(
                6,
                "other",
                new Version(1, 0, 0),
                Visibility.PUBLIC,
                List.of(),
                List.of(),
                List.of(
                        table("open", "Pub", Visibility.PUBLIC, List.of()),
                        table("other_secret", "Pub", Visibility.PRIVATE, List.of())),
                List.of(),
                Map.of("Pub", defs.get("Pub")),
                List.of(),
                List.of(),
                List.of(),
                List.of());
        var priv = new ModuleSchema(
                6,
                "priv_mod",
                new Version(1, 0, 0),
                Visibility.PRIVATE,
                List.of(),
                List.of(),
                List.of(table("open", "Pub", Visibility.PUBLIC, List.of())),
                List.of(),
                Map.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of());
        return new NodeSchema("n", "a:1", List.of(m, other, priv));
    }

    @Test
    void publicViewNamesNoPrivateTableOrModule() {
        NodeSchema pub = nodeWithPrivateReferences().toPublic();
        String encoded = new String(
                dev.interstice.abi.codec.Abi.encodeNodeSchema(pub), java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String secret : List.of("hidden_ledger", "HiddenRow", "other_secret", "priv_mod")) {
            assertThat(encoded).as("encoded public schema").doesNotContain(secret);
            assertThat(pub.toString()).as("public schema").doesNotContain(secret);
        }
        ModuleSchema m = pub.modules().get(0);
        var kept = List.of(
                new TableRef(Selection.CURRENT, Selection.CURRENT, "pub"),
                new TableRef(Selection.CURRENT, Selection.other("other"), "open"),
                new TableRef(Selection.other("far"), Selection.other("x"), "remote_t"));
        ReducerSchema move = m.reducers().get(0);
        for (var list : List.of(
                move.reads(),
                move.inserts(),
                move.updates(),
                move.deletes(),
                m.queries().get(0).reads())) assertThat(list).containsExactlyElementsOf(kept);
        assertThat(m.moduleDependencies())
                .extracting(ModuleDependency::moduleName)
                .containsExactly("other");
        assertThat(pub.toPublic()).as("idempotent").isEqualTo(pub);
    }

    @Test
    void moduleAloneDropsReferencesToItsOwnPrivateTables() {
        ModuleSchema m = nodeWithPrivateReferences().modules().get(0).toPublic();
        assertThat(m.reducers().get(0).reads())
                .extracting(TableRef::table)
                .containsExactly("pub", "open", "other_secret", "open", "remote_t");
        assertThat(m.toString()).doesNotContain("hidden_ledger").doesNotContain("HiddenRow");
    }

    @Test
    void typeFormatUsesRustSpelling() {
        assertThat(IntersticeType.format(IntersticeType.VOID)).isEqualTo("()");
        assertThat(IntersticeType.format(IntersticeType.STRING)).isEqualTo("String");
        assertThat(IntersticeType.format(IntersticeType.U64)).isEqualTo("u64");
        assertThat(IntersticeType.format(IntersticeType.BOOL)).isEqualTo("bool");
        var t = new IntersticeType.Vec(new IntersticeType.Option(
                new IntersticeType.Tuple(List.of(IntersticeType.U8, named("Foo"), IntersticeType.VOID))));
        assertThat(t.toString()).isEqualTo("Vec<Option<(u8, Foo, ())>>");
        assertThat(new IntersticeType.Tuple(List.of(IntersticeType.I32)).toString())
                .isEqualTo("(i32)");
    }

    @Test
    void typeParse() {
        assertThat(IntersticeType.parse("u8")).isEqualTo(IntersticeType.U8);
        assertThat(IntersticeType.parse("  f64 ")).isEqualTo(IntersticeType.F64);
        assertThat(IntersticeType.parse("()")).isEqualTo(IntersticeType.VOID);
        assertThat(IntersticeType.parse("( )")).isEqualTo(IntersticeType.VOID);
        assertThat(IntersticeType.parse("Vec < Option<String> >"))
                .isEqualTo(new IntersticeType.Vec(new IntersticeType.Option(IntersticeType.STRING)));
        assertThat(IntersticeType.parse("(u32,bool)"))
                .isEqualTo(new IntersticeType.Tuple(List.of(IntersticeType.U32, IntersticeType.BOOL)));
        assertThat(IntersticeType.parse("(u32)")).isEqualTo(new IntersticeType.Tuple(List.of(IntersticeType.U32)));
        assertThat(IntersticeType.parse("MyType_2")).isEqualTo(named("MyType_2"));
        assertThat(IntersticeType.parse("Vec")).isEqualTo(named("Vec")); // like upstream: no '<', so a name
        assertThatThrownBy(() -> IntersticeType.parse("Vec<u8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IntersticeType.parse("Map<u8>"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown generic type 'Map'");
        assertThatThrownBy(() -> IntersticeType.parse("u8 u8"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trailing");
        assertThatThrownBy(() -> IntersticeType.parse("(u8,")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IntersticeType.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IntersticeType.parse("<u8>")).isInstanceOf(IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<IntersticeType> types() {
        return types(3);
    }

    private static Arbitrary<IntersticeType> types(int depth) {
        Arbitrary<IntersticeType> leaf = Arbitraries.oneOf(
                Arbitraries.of(IntersticeType.Kind.values()).map(IntersticeType.Primitive::new),
                Combinators.combine(
                                Arbitraries.chars().range('A', 'Z'),
                                Arbitraries.strings()
                                        .withCharRange('a', 'z')
                                        .withChars('_', '7')
                                        .ofMaxLength(4))
                        .as((c, r) -> (IntersticeType) new IntersticeType.Named(c + r))
                        .filter(n -> !List.of("String", "Vec", "Option").contains(((IntersticeType.Named) n).name())));
        if (depth == 0) return leaf;
        Arbitrary<IntersticeType> inner = Arbitraries.lazy(() -> types(depth - 1));
        return Arbitraries.oneOf(
                leaf,
                inner.map(IntersticeType.Vec::new),
                inner.map(IntersticeType.Option::new),
                // non-empty: an empty tuple formats as "()", which parses as Void (same as upstream)
                inner.list().ofMinSize(1).ofMaxSize(3).map(IntersticeType.Tuple::new));
    }

    @Property
    void parseInvertsFormat(@ForAll("types") IntersticeType t) {
        assertThat(IntersticeType.parse(IntersticeType.format(t))).isEqualTo(t);
    }

    @Test
    void versionParseAndOrder() {
        assertThat(Version.parse("1.2.3")).isEqualTo(new Version(1, 2, 3));
        assertThat(Version.parse("1.x")).isEqualTo(new Version(1, 0, 0));
        assertThat(new Version(1, 2, 3)).isLessThan(new Version(1, 3, 0));
        assertThatThrownBy(() -> new Version(65536, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
