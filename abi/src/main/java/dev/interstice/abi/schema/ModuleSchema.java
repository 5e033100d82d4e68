package dev.interstice.abi.schema;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/** What a module's {@code interstice_describe} export returns (upstream {@code ModuleSchema}, ABI 6). */
public record ModuleSchema(
        int abiVersion,
        String name,
        Version version,
        Visibility visibility,
        List<ReducerSchema> reducers,
        List<QuerySchema> queries,
        List<TableSchema> tables,
        List<SubscriptionSchema> subscriptions,
        Map<String, TypeDef> typeDefinitions,
        List<Authority> authorities,
        List<ModuleDependency> moduleDependencies,
        List<NodeDependency> nodeDependencies,
        List<ReplicatedTable> replicatedTables) {

    public static final int ABI_VERSION = 6;

    public ModuleSchema {
        reducers = List.copyOf(reducers);
        queries = List.copyOf(queries);
        tables = List.copyOf(tables);
        subscriptions = List.copyOf(subscriptions);
        typeDefinitions = Collections.unmodifiableMap(new LinkedHashMap<>(typeDefinitions));
        authorities = List.copyOf(authorities);
        moduleDependencies = List.copyOf(moduleDependencies);
        nodeDependencies = List.copyOf(nodeDependencies);
        replicatedTables = List.copyOf(replicatedTables);
    }

    public Optional<TableSchema> table(String tableName) {
        return tables.stream().filter(t -> t.name().equals(tableName)).findFirst();
    }

    public Optional<ReducerSchema> reducer(String reducerName) {
        return reducers.stream().filter(r -> r.name().equals(reducerName)).findFirst();
    }

    public Optional<QuerySchema> query(String queryName) {
        return queries.stream().filter(q -> q.name().equals(queryName)).findFirst();
    }

    /** True when some subscription names this reducer: such reducers cannot be called from outside. */
    public boolean isSubscriptionHandler(String reducerName) {
        return subscriptions.stream().anyMatch(s -> s.reducer().equals(reducerName));
    }

    /**
     * The view other nodes get: public tables only, callable reducers only (no subscription handlers), all queries,
     * no subscriptions, and only the type definitions those reference (transitively, through structs and enums).
     * Access lists keep no reference to this module's private tables; references to other modules are kept (this
     * module alone cannot tell whether they are public: {@link NodeSchema#toPublic()} can).
     */
    public ModuleSchema toPublic() {
        return toPublic(
                m -> true,
                (m, t) -> !m.equals(name)
                        || table(t).filter(x -> x.visibility() == Visibility.PUBLIC)
                                .isPresent());
    }

    /**
     * The public view, naming only what a non-admin may see on this node: access lists keep a reference to a table of
     * this node only if {@code publicTable(module, table)}, and module dependencies only if {@code publicModule(module)}.
     * References to other nodes' tables are kept.
     */
    public ModuleSchema toPublic(Predicate<String> publicModule, BiPredicate<String, String> publicTable) {
        Predicate<TableRef> visible =
                r -> !r.node().isCurrent() || publicTable.test(r.module().resolve(name), r.table());
        var needed = new ArrayDeque<String>();
        var publicTables =
                tables.stream().filter(t -> t.visibility() == Visibility.PUBLIC).toList();
        for (var t : publicTables) {
            needed.add(t.typeName());
            t.fields().forEach(f -> namedIn(f.type(), needed));
            namedIn(t.primaryKey().type(), needed);
        }
        var callable = reducers.stream()
                .filter(r -> !isSubscriptionHandler(r.name()))
                .map(r -> new ReducerSchema(
                        r.name(),
                        r.arguments(),
                        only(r.reads(), visible),
                        only(r.inserts(), visible),
                        only(r.updates(), visible),
                        only(r.deletes(), visible)))
                .toList();
        callable.forEach(r -> r.arguments().forEach(a -> namedIn(a.type(), needed)));
        for (var q : queries) {
            q.arguments().forEach(a -> namedIn(a.type(), needed));
            namedIn(q.returnType(), needed);
        }
        var types = new LinkedHashMap<String, TypeDef>();
        Set<String> seen = new HashSet<>();
        while (!needed.isEmpty()) {
            String n = needed.pop();
            if (!seen.add(n)) continue;
            TypeDef def = typeDefinitions.get(n);
            if (def == null) continue;
            types.put(n, def);
            var members = def instanceof TypeDef.Struct s ? s.fields() : ((TypeDef.Enum) def).variants();
            members.forEach(f -> namedIn(f.type(), needed));
        }
        var publicQueries = queries.stream()
                .map(q -> new QuerySchema(q.name(), q.arguments(), q.returnType(), only(q.reads(), visible)))
                .toList();
        var dependencies = moduleDependencies.stream()
                .filter(d -> publicModule.test(d.moduleName()))
                .toList();
        return new ModuleSchema(
                abiVersion,
                name,
                version,
                visibility,
                callable,
                publicQueries,
                publicTables,
                List.of(),
                types,
                authorities,
                dependencies,
                nodeDependencies,
                replicatedTables);
    }

    private static List<TableRef> only(List<TableRef> refs, Predicate<TableRef> visible) {
        return refs.stream().filter(visible).toList();
    }

    private static void namedIn(IntersticeType t, ArrayDeque<String> out) {
        switch (t) {
            case IntersticeType.Named n -> out.add(n.name());
            case IntersticeType.Vec v -> namedIn(v.element(), out);
            case IntersticeType.Option o -> namedIn(o.inner(), out);
            case IntersticeType.Tuple tu -> tu.elements().forEach(e -> namedIn(e, out));
            case IntersticeType.Primitive p -> {}
        }
    }
}
