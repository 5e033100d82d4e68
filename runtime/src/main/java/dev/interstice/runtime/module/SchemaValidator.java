package dev.interstice.runtime.module;

import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.QuerySchema;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.SubscriptionSchema;
import dev.interstice.abi.schema.TableRef;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.runtime.table.AutoInc;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a described schema before anything is registered; every refusal names the module and the reason. */
final class SchemaValidator {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_\\-]{0,127}");

    private SchemaValidator() {}

    static void validate(ModuleSchema s) {
        String m = s.name();
        if (s.abiVersion() != ModuleSchema.ABI_VERSION)
            throw new ModuleException("module '" + m + "' was built for ABI version " + s.abiVersion()
                    + "; this node runs ABI version " + ModuleSchema.ABI_VERSION);
        if (!NAME.matcher(m).matches())
            throw new ModuleException(
                    "module name '" + m + "' is invalid: use letters, digits, '_' or '-' (at most 128)");
        Set<String> names = new HashSet<>();
        for (TableSchema t : s.tables()) {
            if (!names.add("table:" + t.name())) fail(m, "declares table '" + t.name() + "' twice");
            validateTable(m, t, s.typeDefinitions());
        }
        // Reducer and query signatures may name types this module does not define: upstream modules receive rows of
        // other modules' (or nodes') tables typed by their bindings. Calls naming such a type fail at call time.
        for (ReducerSchema r : s.reducers()) {
            if (!names.add("reducer:" + r.name())) fail(m, "declares reducer '" + r.name() + "' twice");
            for (var refs : List.of(r.reads(), r.inserts(), r.updates(), r.deletes()))
                checkOwnTables(s, "reducer '" + r.name() + "'", refs);
        }
        for (QuerySchema q : s.queries()) {
            if (!names.add("query:" + q.name())) fail(m, "declares query '" + q.name() + "' twice");
            checkOwnTables(s, "query '" + q.name() + "'", q.reads());
        }
        for (SubscriptionSchema sub : s.subscriptions()) validateSubscription(s, sub);
        CompositeIndexes.of(s); // our extension: refuses composite indexes that do not fit their tables
        for (var e : s.typeDefinitions().entrySet()) {
            TypeDef d = e.getValue();
            var members = d instanceof TypeDef.Struct st ? st.fields() : ((TypeDef.Enum) d).variants();
            for (FieldDef f : members)
                checkType(m, "type '" + e.getKey() + "' member '" + f.name() + "'", f.type(), s.typeDefinitions());
        }
    }

    private static void validateTable(String m, TableSchema t, Map<String, TypeDef> types) {
        String where = "table '" + t.name() + "'";
        checkType(m, where + " primary key", t.primaryKey().type(), types);
        if (!keyable(t.primaryKey().type(), types))
            fail(
                    m,
                    where + ": primary key '" + t.primaryKey().name() + "' has type "
                            + t.primaryKey().type()
                            + ", which cannot be a key (use integers, bool, String, Option or tuples of those)");
        if (t.primaryKeyAutoInc() && !AutoInc.supports(t.primaryKey().type()))
            fail(
                    m,
                    where + ": auto_inc primary key must be u8, u32, u64, i32 or i64, not "
                            + t.primaryKey().type());
        Set<String> fields = new HashSet<>();
        fields.add(t.primaryKey().name());
        for (FieldDef f : t.fields()) {
            if (!fields.add(f.name())) fail(m, where + " declares field '" + f.name() + "' twice");
            checkType(m, where + " field '" + f.name() + "'", f.type(), types);
        }
        Set<String> indexed = new HashSet<>();
        for (IndexSchema ix : t.indexes()) {
            IntersticeType ft = ix.field().equals(t.primaryKey().name())
                    ? t.primaryKey().type()
                    : t.fields().stream()
                            .filter(f -> f.name().equals(ix.field()))
                            .map(FieldDef::type)
                            .findFirst()
                            .orElse(null);
            if (ft == null) fail(m, where + " indexes unknown field '" + ix.field() + "'");
            if (!indexed.add(ix.field())) fail(m, where + " indexes field '" + ix.field() + "' twice");
            if (!keyable(ft, types))
                fail(m, where + " index on '" + ix.field() + "': type " + ft + " cannot be indexed");
            if (ix.autoInc() && !AutoInc.supports(ft))
                fail(m, where + " index on '" + ix.field() + "': auto_inc needs an integer type, not " + ft);
        }
    }

    private static void validateSubscription(ModuleSchema s, SubscriptionSchema sub) {
        String m = s.name();
        ReducerSchema r = s.reducer(sub.reducer()).orElse(null);
        if (r == null) fail(m, "subscribes unknown reducer '" + sub.reducer() + "'");
        int args = r.arguments().size();
        int expected = switch (sub.event()) {
            case SubscriptionEvent.Table t -> t.kind() == SubscriptionEvent.TableEventKind.UPDATE ? 2 : 1;
            case SubscriptionEvent.Core c ->
                switch (c.kind()) {
                    case INIT, LOAD, RENDER, AUDIO_OUTPUT -> 0;
                    // the ModuleEvent; upstream's module_manager declares none and ignores it
                    case MODULE_LOAD, MODULE_REMOVE -> args <= 1 ? args : 1;
                    case CONNECT, DISCONNECT -> 1;
                    default -> -1;
                };
            default -> -1;
        };
        if (expected >= 0 && args != expected)
            fail(
                    m,
                    "reducer '" + sub.reducer() + "' subscribes to " + describe(sub.event()) + " and must take "
                            + expected + " argument(s) after the context, not " + args);
        if (sub.event() instanceof SubscriptionEvent.Core c
                && (c.kind() == SubscriptionEvent.Simple.CONNECT || c.kind() == SubscriptionEvent.Simple.DISCONNECT)
                && !r.arguments().getFirst().type().equals(IntersticeType.STRING))
            fail(
                    m,
                    "reducer '" + sub.reducer() + "' subscribes to " + describe(sub.event())
                            + " and its argument must be a String node id");
        if (sub.event() instanceof SubscriptionEvent.Table t
                && t.node().isCurrent()
                && t.module().equals(m)) {
            TableSchema ts = s.table(t.table()).orElse(null);
            if (ts == null) fail(m, "reducer '" + sub.reducer() + "' subscribes to unknown table '" + t.table() + "'");
        }
    }

    /**
     * An access list may name only tables the module defines, when it names its own module (other modules' tables are
     * checked when a call touches them: they may be loaded later).
     */
    private static void checkOwnTables(ModuleSchema s, String who, List<TableRef> refs) {
        for (TableRef ref : refs)
            if (ref.node().isCurrent()
                    && ref.module().resolve(s.name()).equals(s.name())
                    && s.table(ref.table()).isEmpty())
                fail(
                        s.name(),
                        who + " declares access to table '" + ref.table() + "', which the module does not define"
                                + (s.tables().isEmpty()
                                        ? " (it defines no tables)"
                                        : " (its tables: "
                                                + String.join(
                                                        ", ",
                                                        s.tables().stream()
                                                                .map(TableSchema::name)
                                                                .toList()) + ")"));
    }

    static String describe(SubscriptionEvent e) {
        return switch (e) {
            case SubscriptionEvent.Table t ->
                (t.node().isCurrent() ? "" : t.node().other() + ".") + t.module() + "." + t.table() + "."
                        + t.kind().name().toLowerCase(java.util.Locale.ROOT);
            case SubscriptionEvent.Core c -> c.kind().name().toLowerCase(java.util.Locale.ROOT);
            case SubscriptionEvent.ReplicaSync r -> r.node() + "." + r.module() + "." + r.table() + ".sync";
            case SubscriptionEvent.File f -> (f.recursive() ? "file_recursive:" : "file:") + f.path();
        };
    }

    private static void checkType(String m, String where, IntersticeType t, Map<String, TypeDef> types) {
        switch (t) {
            case IntersticeType.Named n -> {
                if (!types.containsKey(n.name())) fail(m, where + " uses undefined type '" + n.name() + "'");
            }
            case IntersticeType.Vec v -> checkType(m, where, v.element(), types);
            case IntersticeType.Option o -> checkType(m, where, o.inner(), types);
            case IntersticeType.Tuple tu -> tu.elements().forEach(e -> checkType(m, where, e, types));
            case IntersticeType.Primitive p -> {}
        }
    }

    static boolean keyable(IntersticeType t, Map<String, TypeDef> types) {
        return switch (t) {
            case IntersticeType.Primitive p ->
                switch (p.kind()) {
                    case U8, U32, U64, I32, I64, BOOL, STRING -> true;
                    default -> false;
                };
            case IntersticeType.Option o -> keyable(o.inner(), types);
            case IntersticeType.Tuple tu ->
                !tu.elements().isEmpty() && tu.elements().stream().allMatch(e -> keyable(e, types));
            default -> false;
        };
    }

    private static void fail(String module, String what) {
        throw new ModuleException("module '" + module + "' " + what);
    }
}
