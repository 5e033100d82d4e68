package dev.interstice.runtime.module;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.IntersticeType.Kind;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Version;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.table.StoredRow;
import dev.interstice.runtime.table.Table;
import dev.interstice.runtime.table.TypeChecker;
import dev.interstice.storage.TableId;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random schema pairs and rows: a migration is either refused with a reason, or keeps every row's meaning (each
 * value it carries over means the same number, text or flag, added columns hold none or the zero value asked for), and
 * row-keeping changes alone are never refused.
 */
class MigrationPropertiesTest {
    private static final List<IntersticeType> TYPES = List.of(
            IntersticeType.U8,
            IntersticeType.U32,
            IntersticeType.U64,
            IntersticeType.I32,
            IntersticeType.I64,
            IntersticeType.F32,
            IntersticeType.F64,
            IntersticeType.STRING,
            IntersticeType.BOOL,
            new IntersticeType.Option(IntersticeType.U32),
            new IntersticeType.Option(IntersticeType.STRING));

    private static final Map<Kind, List<Kind>> WIDER = Map.of(
            Kind.U8, List.of(Kind.U32, Kind.U64, Kind.I32, Kind.I64),
            Kind.U32, List.of(Kind.U64, Kind.I64),
            Kind.I32, List.of(Kind.I64),
            Kind.F32, List.of(Kind.F64));

    enum Action {
        KEEP,
        WIDEN,
        OPTIONAL,
        RENAME,
        NARROW,
        DROP,
        RETYPE
    }

    /** One generated case: the old and new table, the rows, what the operator allowed, what each column became. */
    record Case(
            TableSchema old,
            TableSchema next,
            List<Row> rows,
            MigrationPlan.Options options,
            Map<String, String> sourceOf,
            boolean onlyRowKeeping) {}

    @Property(tries = 400)
    void aMigrationIsRefusedWithAReasonOrKeepsEveryRowsMeaning(@ForAll long seed) {
        Case c = generate(new Random(seed));
        MigrationPlan plan = MigrationPlan.of(module(c.old()), module(c.next()), c.options(), List.of());
        if (!plan.allowed()) {
            assertThat(c.onlyRowKeeping())
                    .as("row-keeping changes are refused: %s", plan.describe())
                    .isFalse();
            assertThat(plan.refusals()).allSatisfy(r -> assertThat(r).isNotBlank());
            assertThat(plan.describe())
                    .contains("REFUSED")
                    .contains(plan.refusals().getFirst());
            return;
        }
        Table from = table(c.old());
        for (Row r : c.rows()) from.load(new StoredRow(new IndexKey(r.primaryKey()), r, Abi.encodeRow(r)));
        Table to = table(c.next());
        try {
            Migration.carryOver(plan, Map.of("t", from), Map.of("t", to));
        } catch (ModuleException e) {
            assertThat(e.kind()).isEqualTo(ModuleException.Kind.INCOMPATIBLE);
            assertThat(e.getMessage()).contains("nothing was changed");
            // only data a lossy change or a new unique index cannot take is refused
            assertThat(c.onlyRowKeeping() && c.next().indexes().isEmpty()).isFalse();
            return;
        }
        assertThat(to.size()).isEqualTo(c.rows().size());
        var types = new TypeChecker(Map.of());
        for (Row old : c.rows()) {
            Row moved = find(to, c, old);
            assertThat(types.check(moved.primaryKey(), c.next().primaryKey().type()))
                    .isNull();
            for (int i = 0; i < c.next().fields().size(); i++) {
                FieldDef f = c.next().fields().get(i);
                IntersticeValue v = moved.entries().get(i);
                assertThat(types.check(v, f.type())).as("column %s", f.name()).isNull();
                String src = c.sourceOf().get(f.name());
                if (src == null)
                    assertThat(v)
                            .isEqualTo(
                                    f.type() instanceof IntersticeType.Option
                                            ? IntersticeValue.Option.NONE
                                            : ValueConversion.zero(f.type()));
                else assertThat(meaning(v)).as("column %s", f.name()).isEqualTo(meaning(value(c.old(), old, src)));
            }
        }
    }

    private static Row find(Table to, Case c, Row old) {
        IntersticeValue key = c.sourceOf().get(c.next().primaryKey().name()) == null
                ? null
                : value(c.old(), old, c.sourceOf().get(c.next().primaryKey().name()));
        for (StoredRow r : to.scan()) if (meaning(r.row().primaryKey()).equals(meaning(key))) return r.row();
        throw new AssertionError("row " + old + " was lost");
    }

    private static IntersticeValue value(TableSchema t, Row r, String column) {
        return column.equals(t.primaryKey().name())
                ? r.primaryKey()
                : r.entries().get(t.fieldIndex(column));
    }

    /** What a value means, independent of its width or of being wrapped in Some. */
    static Object meaning(IntersticeValue v) {
        return switch (v) {
            case IntersticeValue.U8 x -> BigDecimal.valueOf(x.value());
            case IntersticeValue.U32 x -> BigDecimal.valueOf(x.value());
            case IntersticeValue.U64 x -> new BigDecimal(new BigInteger(Long.toUnsignedString(x.value())));
            case IntersticeValue.I32 x -> BigDecimal.valueOf(x.value());
            case IntersticeValue.I64 x -> BigDecimal.valueOf(x.value());
            case IntersticeValue.F32 x -> new BigDecimal((double) x.value());
            case IntersticeValue.F64 x -> new BigDecimal(x.value());
            case IntersticeValue.Option o -> o.value() == null ? "none" : meaning(o.value());
            default -> v;
        };
    }

    private static Case generate(Random rnd) {
        int n = 1 + rnd.nextInt(4);
        var oldFields = new ArrayList<FieldDef>();
        for (int i = 0; i < n; i++) oldFields.add(new FieldDef("c" + i, TYPES.get(rnd.nextInt(TYPES.size()))));
        TableSchema old = table("t", new FieldDef("id", IntersticeType.U32), oldFields, List.of());
        var allow = new HashSet<String>();
        var sourceOf = new LinkedHashMap<String, String>();
        var fields = new ArrayList<FieldDef>();
        boolean rowKeeping = true;
        for (FieldDef f : oldFields) {
            Action a = Action.values()[rnd.nextInt(Action.values().length)];
            IntersticeType type = f.type();
            String name = f.name();
            switch (a) {
                case KEEP -> {}
                case WIDEN -> {
                    if (type instanceof IntersticeType.Primitive p && WIDER.containsKey(p.kind()))
                        type = prim(pick(rnd, WIDER.get(p.kind())));
                }
                case OPTIONAL -> {
                    if (!(type instanceof IntersticeType.Option)) type = new IntersticeType.Option(type);
                }
                case RENAME -> {
                    name = f.name() + "_renamed";
                    allow.add("rename-column:t." + f.name() + "=" + name);
                }
                case NARROW -> {
                    var narrower = narrower(type);
                    if (narrower != null) {
                        type = narrower;
                        rowKeeping = false;
                        if (rnd.nextBoolean()) allow.add("narrow:t." + name);
                    }
                }
                case DROP -> {
                    rowKeeping = false;
                    if (rnd.nextBoolean()) allow.add("drop-column:t." + name);
                    continue;
                }
                case RETYPE -> {
                    IntersticeType other = TYPES.get(rnd.nextInt(TYPES.size()));
                    if (ValueConversion.between(type, other, true, Map.of(), Map.of()) == null) {
                        type = other;
                        rowKeeping = false;
                    }
                }
            }
            fields.add(new FieldDef(name, type));
            sourceOf.put(name, f.name());
        }
        int added = rnd.nextInt(3);
        boolean zeroDefaults = rnd.nextBoolean();
        for (int i = 0; i < added; i++) {
            IntersticeType type = TYPES.get(rnd.nextInt(TYPES.size()));
            if (!(type instanceof IntersticeType.Option) && !zeroDefaults) rowKeeping = false;
            fields.add(new FieldDef("new" + i, type));
        }
        Collections.shuffle(fields, rnd);
        FieldDef pk = new FieldDef("id", IntersticeType.U32);
        sourceOf.put("id", "id");
        if (rnd.nextInt(4) == 0) pk = new FieldDef("id", rnd.nextBoolean() ? IntersticeType.U64 : IntersticeType.I64);
        var indexes = new ArrayList<IndexSchema>();
        var indexable = fields.stream()
                .filter(f ->
                        f.type() instanceof IntersticeType.Primitive p && p.kind() != Kind.F32 && p.kind() != Kind.F64)
                .toList();
        if (!indexable.isEmpty() && rnd.nextBoolean())
            indexes.add(new IndexSchema(
                    indexable.get(rnd.nextInt(indexable.size())).name(),
                    rnd.nextBoolean() ? IndexSchema.Type.BTREE : IndexSchema.Type.HASH,
                    rnd.nextBoolean(),
                    false));
        TableSchema next = table("t", pk, fields, indexes);
        var rows = new ArrayList<Row>();
        Set<Long> keys = new HashSet<>();
        int count = rnd.nextInt(12);
        for (int i = 0; i < count; i++) {
            long k = rnd.nextInt(1000);
            if (!keys.add(k)) continue;
            var entries = new ArrayList<IntersticeValue>();
            for (FieldDef f : oldFields) entries.add(random(rnd, f.type()));
            rows.add(new Row(new IntersticeValue.U32(k), entries));
        }
        return new Case(old, next, rows, new MigrationPlan.Options(allow, zeroDefaults), sourceOf, rowKeeping);
    }

    private static IntersticeType narrower(IntersticeType t) {
        if (t instanceof IntersticeType.Option o) return o.inner();
        if (!(t instanceof IntersticeType.Primitive p)) return null;
        for (var e : WIDER.entrySet()) if (e.getValue().contains(p.kind())) return prim(e.getKey());
        return null;
    }

    private static IntersticeValue random(Random rnd, IntersticeType t) {
        boolean small = rnd.nextInt(3) > 0; // small values fit narrower types, large ones test the refusal
        return switch (t) {
            case IntersticeType.Option o ->
                rnd.nextInt(3) == 0 ? IntersticeValue.Option.NONE : new IntersticeValue.Option(random(rnd, o.inner()));
            case IntersticeType.Primitive p ->
                switch (p.kind()) {
                    case U8 -> new IntersticeValue.U8(rnd.nextInt(256));
                    case U32 -> new IntersticeValue.U32(small ? rnd.nextInt(256) : rnd.nextLong(1L << 32));
                    case U64 -> new IntersticeValue.U64(small ? rnd.nextInt(1000) : rnd.nextLong());
                    case I32 -> new IntersticeValue.I32(small ? rnd.nextInt(256) : rnd.nextInt());
                    case I64 -> new IntersticeValue.I64(small ? rnd.nextInt(256) - 128 : rnd.nextLong());
                    case F32 -> new IntersticeValue.F32(rnd.nextFloat() * 100);
                    case F64 -> new IntersticeValue.F64(small ? rnd.nextInt(100) / 4.0 : rnd.nextDouble());
                    case BOOL -> new IntersticeValue.Bool(rnd.nextBoolean());
                    default -> new IntersticeValue.Str("s" + rnd.nextInt(5));
                };
            default -> throw new IllegalArgumentException(t.toString());
        };
    }

    private static <T> T pick(Random rnd, List<T> from) {
        return from.get(rnd.nextInt(from.size()));
    }

    private static IntersticeType prim(Kind k) {
        return new IntersticeType.Primitive(k);
    }

    private static TableSchema table(String name, FieldDef pk, List<FieldDef> fields, List<IndexSchema> indexes) {
        return new TableSchema(name, name, Visibility.PUBLIC, fields, pk, false, indexes, Persistence.LOGGED);
    }

    private static Table table(TableSchema s) {
        return new Table(new TableId("m", s.name()), s, new TypeChecker(Map.of()));
    }

    private static ModuleSchema module(TableSchema t) {
        return new ModuleSchema(
                ModuleSchema.ABI_VERSION,
                "m",
                new Version(1, 0, 0),
                Visibility.PUBLIC,
                List.of(),
                List.of(),
                List.of(t),
                List.of(),
                new HashMap<>(),
                List.of(),
                List.of(),
                List.of(),
                List.of());
    }
}
