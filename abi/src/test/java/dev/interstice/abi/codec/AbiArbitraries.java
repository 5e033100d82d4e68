package dev.interstice.abi.codec;

import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.host.IndexQuery;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleDependency;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeDependency;
import dev.interstice.abi.schema.NodeSchema;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.ReplicatedTable;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.SubscriptionSchema;
import dev.interstice.abi.schema.TableRef;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.schema.Version;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for every ABI type. Strings are valid Unicode (Rust strings cannot hold lone surrogates). */
final class AbiArbitraries {
    private AbiArbitraries() {}

    static Arbitrary<String> strings() {
        Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMaxLength(12);
        Arbitrary<String> bmp = Arbitraries.strings()
                .withCharRange('\u0080', '\uD7FF')
                .withCharRange('\uE000', '\uFFFF')
                .ofMaxLength(6);
        Arbitrary<String> any = Arbitraries.integers()
                .between(0, 0x10FFFF)
                .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
                .list()
                .ofMaxSize(6)
                .map(cps -> {
                    var sb = new StringBuilder();
                    cps.forEach(sb::appendCodePoint);
                    return sb.toString();
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, ascii),
                net.jqwik.api.Tuple.of(2, bmp),
                net.jqwik.api.Tuple.of(2, any),
                net.jqwik.api.Tuple.of(
                        1, Arbitraries.strings().ascii().ofMinLength(120).ofMaxLength(300)));
    }

    static Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
    }

    // ------------------------------------------------------------------ values

    static Arbitrary<IntersticeValue> scalarValues() {
        return Arbitraries.oneOf(List.of(
                Arbitraries.just(IntersticeValue.VOID),
                Arbitraries.integers().between(0, 255).map(IntersticeValue::u8),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(IntersticeValue::u32),
                Arbitraries.longs().map(IntersticeValue::u64),
                Arbitraries.integers().map(IntersticeValue::i32),
                Arbitraries.longs().map(IntersticeValue::i64),
                Arbitraries.integers().map(bits -> IntersticeValue.f32(Float.intBitsToFloat(bits))),
                Arbitraries.longs().map(bits -> IntersticeValue.f64(Double.longBitsToDouble(bits))),
                Arbitraries.of(true, false).map(IntersticeValue::bool),
                strings().map(IntersticeValue::str)));
    }

    static Arbitrary<IntersticeValue> values(int depth) {
        if (depth <= 0) return scalarValues();
        Arbitrary<IntersticeValue> inner = Arbitraries.lazy(() -> values(depth - 1));
        Arbitrary<List<IntersticeValue>> list = inner.list().ofMaxSize(4);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, scalarValues()),
                net.jqwik.api.Tuple.of(1, list.map(IntersticeValue.Vec::new)),
                net.jqwik.api.Tuple.of(
                        1,
                        Arbitraries.oneOf(Arbitraries.just(IntersticeValue.none()), inner.map(IntersticeValue::some))),
                net.jqwik.api.Tuple.of(1, list.map(IntersticeValue.Tuple::new)),
                net.jqwik.api.Tuple.of(
                        1,
                        Combinators.combine(
                                        strings(),
                                        Combinators.combine(names(), inner)
                                                .as(IntersticeValue.Field::new)
                                                .list()
                                                .ofMaxSize(3))
                                .as(IntersticeValue.Struct::new)),
                net.jqwik.api.Tuple.of(
                        1, Combinators.combine(names(), names(), inner).as(IntersticeValue.Enum::new)));
    }

    static Arbitrary<Row> rows() {
        return Combinators.combine(values(2), values(2).list().ofMaxSize(5)).as(Row::new);
    }

    // ------------------------------------------------------------------ keys

    static Arbitrary<IntersticeValue> scalarKeyValues() {
        return Arbitraries.oneOf(List.of(
                Arbitraries.integers().between(0, 255).map(IntersticeValue::u8),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(IntersticeValue::u32),
                Arbitraries.longs().map(IntersticeValue::u64),
                Arbitraries.integers().map(IntersticeValue::i32),
                Arbitraries.longs().map(IntersticeValue::i64),
                Arbitraries.of(true, false).map(IntersticeValue::bool),
                strings().map(IntersticeValue::str)));
    }

    static Arbitrary<IntersticeValue> keyValues(int depth, Arbitrary<IntersticeValue> scalars) {
        if (depth <= 0) return scalars;
        Arbitrary<IntersticeValue> inner = Arbitraries.lazy(() -> keyValues(depth - 1, scalars));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, scalars),
                net.jqwik.api.Tuple.of(
                        1,
                        Arbitraries.oneOf(Arbitraries.just(IntersticeValue.none()), inner.map(IntersticeValue::some))),
                net.jqwik.api.Tuple.of(1, inner.list().ofMaxSize(3).map(IntersticeValue.Tuple::new)));
    }

    static Arbitrary<IndexKey> keys() {
        return keyValues(3, scalarKeyValues()).map(IndexKey::new);
    }

    /** Keys from small domains, so that equal and adjacent keys are common (ordering properties). */
    static Arbitrary<IndexKey> smallKeys() {
        Arbitrary<IntersticeValue> scalars = Arbitraries.oneOf(List.of(
                Arbitraries.integers().between(0, 2).map(IntersticeValue::u8),
                Arbitraries.of(0L, 1L, 0xFFFF_FFFFL).map(IntersticeValue::u32),
                Arbitraries.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE).map(IntersticeValue::u64),
                Arbitraries.of(-1, 0, 1, Integer.MIN_VALUE, Integer.MAX_VALUE).map(IntersticeValue::i32),
                Arbitraries.of(-1L, 0L, Long.MIN_VALUE).map(IntersticeValue::i64),
                Arbitraries.of(true, false).map(IntersticeValue::bool),
                Arbitraries.of("", "a", "b", "ab", "\uFFFF", "😀", "\uE000").map(IntersticeValue::str)));
        return keyValues(2, scalars).map(IndexKey::new);
    }

    // ------------------------------------------------------------------ types and schemas

    static Arbitrary<IntersticeType> types(int depth) {
        Arbitrary<IntersticeType> leaf = Arbitraries.oneOf(
                Arbitraries.of(IntersticeType.Kind.values()).map(IntersticeType.Primitive::new),
                typeNames().map(IntersticeType.Named::new));
        if (depth <= 0) return leaf;
        Arbitrary<IntersticeType> inner = Arbitraries.lazy(() -> types(depth - 1));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, leaf),
                net.jqwik.api.Tuple.of(1, inner.map(IntersticeType.Vec::new)),
                net.jqwik.api.Tuple.of(1, inner.map(IntersticeType.Option::new)),
                net.jqwik.api.Tuple.of(1, inner.list().ofMinSize(1).ofMaxSize(3).map(IntersticeType.Tuple::new)));
    }

    /** Identifiers that {@link IntersticeType#parse} reads back as {@link IntersticeType.Named}. */
    static Arbitrary<String> typeNames() {
        return Combinators.combine(
                        Arbitraries.chars().range('A', 'Z'),
                        Arbitraries.strings()
                                .withCharRange('a', 'z')
                                .withChars('_', '0', '9')
                                .ofMaxLength(5))
                .as((c, rest) -> c + rest)
                .filter(n -> !List.of("String", "Vec", "Option").contains(n));
    }

    static Arbitrary<FieldDef> fieldDefs() {
        return Combinators.combine(names(), types(2)).as(FieldDef::new);
    }

    static Arbitrary<Selection> selections() {
        return Arbitraries.oneOf(Arbitraries.just(Selection.CURRENT), names().map(Selection::other));
    }

    static Arbitrary<TableRef> tableRefs() {
        return Combinators.combine(selections(), selections(), names()).as(TableRef::new);
    }

    static Arbitrary<SubscriptionEvent> events() {
        return Arbitraries.oneOf(List.of(
                Combinators.combine(
                                Arbitraries.of(SubscriptionEvent.TableEventKind.values()),
                                selections(),
                                names(),
                                names())
                        .as(SubscriptionEvent.Table::new),
                Combinators.combine(names(), names(), names()).as(SubscriptionEvent.ReplicaSync::new),
                Combinators.combine(strings(), Arbitraries.of(true, false)).as(SubscriptionEvent.File::new),
                Arbitraries.of(SubscriptionEvent.Simple.values()).map(SubscriptionEvent.Core::new)));
    }

    static Arbitrary<TypeDef> typeDefs() {
        return Arbitraries.oneOf(
                Combinators.combine(typeNames(), fieldDefs().list().ofMaxSize(3))
                        .as(TypeDef.Struct::new),
                Combinators.combine(typeNames(), fieldDefs().list().ofMaxSize(3))
                        .as(TypeDef.Enum::new));
    }

    static Arbitrary<Version> versions() {
        Arbitrary<Integer> part = Arbitraries.integers().between(0, 0xFFFF);
        return Combinators.combine(part, part, part).as(Version::new);
    }

    static Arbitrary<ReducerSchema> reducers() {
        Arbitrary<List<TableRef>> refs = tableRefs().list().ofMaxSize(2);
        return Combinators.combine(names(), fieldDefs().list().ofMaxSize(3), refs, refs, refs, refs)
                .as(ReducerSchema::new);
    }

    static Arbitrary<QuerySchema> queries() {
        return Combinators.combine(
                        names(),
                        fieldDefs().list().ofMaxSize(3),
                        types(2),
                        tableRefs().list().ofMaxSize(2))
                .as(QuerySchema::new);
    }

    static Arbitrary<TableSchema> tables() {
        Arbitrary<IndexSchema> index = Combinators.combine(
                        names(),
                        Arbitraries.of(IndexSchema.Type.values()),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false))
                .as(IndexSchema::new);
        return Combinators.combine(
                        names(),
                        typeNames(),
                        Arbitraries.of(Visibility.values()),
                        fieldDefs().list().ofMaxSize(3),
                        fieldDefs(),
                        Arbitraries.of(true, false),
                        index.list().ofMaxSize(2),
                        Arbitraries.of(Persistence.values()))
                .as(TableSchema::new);
    }

    static Arbitrary<ModuleSchema> modules() {
        var head = Combinators.combine(
                        Arbitraries.integers().between(0, 0xFFFF),
                        names(),
                        versions(),
                        Arbitraries.of(Visibility.values()),
                        reducers().list().ofMaxSize(3),
                        queries().list().ofMaxSize(2),
                        tables().list().ofMaxSize(2),
                        Combinators.combine(names(), events())
                                .as(SubscriptionSchema::new)
                                .list()
                                .ofMaxSize(3))
                .as(Head::new);
        Arbitrary<Map<String, TypeDef>> defs =
                Arbitraries.maps(typeNames(), typeDefs()).ofMaxSize(3);
        var tail = Combinators.combine(
                        defs,
                        Arbitraries.of(Authority.values()).list().ofMaxSize(3),
                        Combinators.combine(names(), versions())
                                .as(ModuleDependency::new)
                                .list()
                                .ofMaxSize(2),
                        Combinators.combine(names(), strings())
                                .as(NodeDependency::new)
                                .list()
                                .ofMaxSize(2),
                        Combinators.combine(names(), names(), names())
                                .as(ReplicatedTable::new)
                                .list()
                                .ofMaxSize(2))
                .as(Tail::new);
        return Combinators.combine(head, tail)
                .as((h, t) -> new ModuleSchema(
                        h.abi,
                        h.name,
                        h.version,
                        h.visibility,
                        h.reducers,
                        h.queries,
                        h.tables,
                        h.subscriptions,
                        t.defs,
                        t.authorities,
                        t.moduleDeps,
                        t.nodeDeps,
                        t.replicated));
    }

    private record Head(
            int abi,
            String name,
            Version version,
            Visibility visibility,
            List<ReducerSchema> reducers,
            List<QuerySchema> queries,
            List<TableSchema> tables,
            List<SubscriptionSchema> subscriptions) {}

    private record Tail(
            Map<String, TypeDef> defs,
            List<Authority> authorities,
            List<ModuleDependency> moduleDeps,
            List<NodeDependency> nodeDeps,
            List<ReplicatedTable> replicated) {}

    static Arbitrary<NodeSchema> nodes() {
        return Combinators.combine(names(), strings(), modules().list().ofMaxSize(2))
                .as(NodeSchema::new);
    }

    // ------------------------------------------------------------------ host calls

    static Arbitrary<IndexQuery> indexQueries() {
        return Arbitraries.oneOf(List.of(
                keys().map(IndexQuery.Eq::new),
                keys().map(IndexQuery.Lt::new),
                keys().map(IndexQuery.Lte::new),
                keys().map(IndexQuery.Gt::new),
                keys().map(IndexQuery.Gte::new),
                Combinators.combine(keys(), keys(), Arbitraries.of(true, false), Arbitraries.of(true, false))
                        .as(IndexQuery.Range::new)));
    }

    static Arbitrary<HostCall> hostCalls() {
        Arbitrary<IntersticeValue> args = values(2).list().ofMaxSize(3).map(IntersticeValue.Vec::new);
        var list = new ArrayList<Arbitrary<? extends HostCall>>();
        list.add(Combinators.combine(selections(), selections(), names(), args).as(HostCall.CallReducer::new));
        list.add(Combinators.combine(names(), Arbitraries.longs()).as(HostCall.Schedule::new));
        list.add(Combinators.combine(selections(), selections(), names(), args).as(HostCall.CallQuery::new));
        list.add(Combinators.combine(selections(), names()).as(HostCall.TableScan::new));
        list.add(Combinators.combine(selections(), names(), keys()).as(HostCall.TableGetByPrimaryKey::new));
        list.add(Combinators.combine(selections(), names(), names(), indexQueries())
                .as(HostCall.TableIndexScan::new));
        list.add(Combinators.combine(
                        Arbitraries.integers(), Arbitraries.integers(), Arbitraries.integers(), Arbitraries.integers())
                .as((p, v, i, f) -> new HostCall.Gpu(new dev.interstice.abi.host.gpu.GpuCall.Draw(p, v, i, f, 0))));
        list.add(names().map(s -> new HostCall.Gpu(new dev.interstice.abi.host.gpu.GpuCall.CreateShaderModule(s))));
        list.add(Combinators.combine(
                        Arbitraries.integers(),
                        Arbitraries.longs(),
                        Arbitraries.longs().injectNull(0.5))
                .as((b, off, size) -> new HostCall.Gpu(new dev.interstice.abi.host.gpu.GpuCall.SetVertexBuffer(
                        1,
                        b,
                        b,
                        off,
                        size == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(size)))));
        list.add(Arbitraries.longs()
                .map(id -> new HostCall.Audio(new dev.interstice.abi.host.AudioCall.CloseStream(id))));
        // authority calls without byte arrays (records holding arrays compare by identity)
        list.add(names().map(p -> new HostCall.File(new dev.interstice.abi.host.FileCall.ReadFile(p))));
        list.add(Combinators.combine(names(), names(), Arbitraries.of(true, false))
                .as((a, b, rec) -> new HostCall.File(new dev.interstice.abi.host.FileCall.Copy(a, b, rec))));
        list.add(Combinators.combine(selections(), names())
                .as((n, m) -> new HostCall.Module(new dev.interstice.abi.host.ModuleCall.Unload(n, m))));
        list.add(Combinators.combine(
                        names(), Arbitraries.integers().between(0, 65535), Arbitraries.of(true, false), names())
                .as((ip, port, tls, sni) ->
                        new HostCall.Network(new dev.interstice.abi.host.NetworkCall.TcpConnect(ip, port, tls, sni))));
        list.add(Arbitraries.longs()
                .map(h -> new HostCall.Network(new dev.interstice.abi.host.NetworkCall.TcpClose(h))));
        list.add(Arbitraries.just(new HostCall.CurrentNodeId()));
        return Arbitraries.oneOf(list);
    }

    static Arbitrary<Abi.CallInput> callInputs() {
        return Combinators.combine(strings(), strings(), values(3).list().ofMaxSize(4))
                .as((n, m, a) -> new Abi.CallInput(new CallContext(n, m), a));
    }
}
