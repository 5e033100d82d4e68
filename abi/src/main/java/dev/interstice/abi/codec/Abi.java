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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Postcard encoding of every ABI 6 type, byte-compatible with upstream serde + postcard 1.x. Enum variant order is
 * the discriminant (a u32 varint); structs are their fields in declaration order; sequences and maps are a varint
 * length then their elements; {@code Option} is one byte 0/1 then the value; {@code Box<T>} is {@code T}.
 *
 * <p>Decoding is meant for untrusted bytes: it throws only {@link AbiDecodeException}, bounds every length by the
 * remaining input, and rejects nesting of values, keys and types deeper than {@value #MAX_DEPTH} levels. The
 * {@code read*} methods leave the reader after the item; the {@code decode*} conveniences also require the whole
 * input to be consumed. Encoding validates nothing beyond the records' own constructors.
 */
public final class Abi {

    /** Deepest nesting of containers (Vec/Option/Tuple/Struct/Enum values, Option/Tuple keys, Vec/Option/Tuple types). */
    public static final int MAX_DEPTH = 128;

    private Abi() {}

    // ------------------------------------------------------------------------------------------------ helpers

    private static final IntersticeValue.U8[] U8_CACHE = new IntersticeValue.U8[256];
    private static final IntersticeValue.Bool TRUE = new IntersticeValue.Bool(true);
    private static final IntersticeValue.Bool FALSE = new IntersticeValue.Bool(false);
    private static final Visibility[] VISIBILITIES = Visibility.values();
    private static final Authority[] AUTHORITIES = Authority.values();
    private static final Persistence[] PERSISTENCES = Persistence.values();
    private static final IndexSchema.Type[] INDEX_TYPES = IndexSchema.Type.values();
    private static final SubscriptionEvent.TableEventKind[] TABLE_EVENT_KINDS =
            SubscriptionEvent.TableEventKind.values();
    private static final SubscriptionEvent.Core[] CORE_EVENTS = new SubscriptionEvent.Core[16];
    private static final IntersticeType[] PRIMITIVE_TYPES = {
        IntersticeType.VOID, IntersticeType.U8, IntersticeType.U32, IntersticeType.U64, IntersticeType.I32,
        IntersticeType.I64, IntersticeType.F32, IntersticeType.F64, IntersticeType.BOOL, IntersticeType.STRING,
    };

    static {
        for (int i = 0; i < 256; i++) U8_CACHE[i] = new IntersticeValue.U8(i);
        for (var k : SubscriptionEvent.Simple.values()) {
            var core = new SubscriptionEvent.Core(k);
            CORE_EVENTS[core.tag()] = core;
        }
    }

    private static AbiDecodeException unknownTag(PostcardReader r, int at, String type, int tag) {
        String article = "AEIOU".indexOf(type.charAt(0)) >= 0 ? "an " : "a ";
        return r.errorAt(
                article + type + " discriminant, found unknown discriminant " + Integer.toUnsignedString(tag), at);
    }

    /** Reads an enum discriminant and checks it is at most {@code max}. */
    static int readTag(PostcardReader r, String type, int max) {
        int at = r.mark();
        int tag = r.readVarU32(type + " discriminant");
        if (tag < 0 || tag > max) throw unknownTag(r, at, type, tag);
        return tag;
    }

    /** Option prefix: one raw byte, 0 = None, 1 = Some. */
    private static boolean readOptionTag(PostcardReader r, String what) {
        int b = r.peekU8();
        if (b == 0 || b == 1) {
            r.readU8();
            return b == 1;
        }
        if (b < 0) throw r.error("unexpected end of input, expected the Option tag of " + what);
        throw r.error("an Option tag 0x00 or 0x01 for " + what + ", found 0x" + PostcardReader.hex(b));
    }

    private static AbiDecodeException tooDeep(PostcardReader r, String what) {
        return r.error(what + " nested deeper than " + MAX_DEPTH + " levels");
    }

    /** A varint length, then that many elements read by {@code element}. */
    private static <T> List<T> readList(PostcardReader r, java.util.function.Function<PostcardReader, T> element) {
        int n = r.readVarUsize();
        if (n == 0) return List.of();
        var out = new java.util.ArrayList<T>(Math.min(n, INITIAL_CAPACITY));
        for (int i = 0; i < n; i++) out.add(element.apply(r));
        return out;
    }

    private static <T> List<T> listOf(T[] items) {
        return items.length == 0 ? List.of() : List.of(items);
    }

    /**
     * Arrays for decoded sequences start at most this large and grow as elements actually arrive, so a claimed
     * length (already bounded by the remaining bytes) cannot make nested sequences pre-allocate far more memory
     * than the input holds.
     */
    private static final int INITIAL_CAPACITY = 64;

    /** A larger copy of {@code a}, at most {@code n} long. */
    private static <T> T[] grow(T[] a, int n) {
        int cap = (int) Math.min((long) n, Math.max(2L * a.length, 1L));
        return java.util.Arrays.copyOf(a, cap);
    }

    // ------------------------------------------------------------------------------------------------ values

    /** Upstream {@code IntersticeValue}: Void 0, U8 1, U32 2, U64 3, I32 4, I64 5, F32 6, F64 7, Bool 8, String 9,
     *  Vec 10, Option 11, Tuple 12, Struct{name, fields} 13, Enum{name, variant, value} 14. */
    public static void writeValue(PostcardWriter w, IntersticeValue v) {
        // A type switch (instanceof tests, most frequent kinds first) rather than the megamorphic tag() call.
        // Every discriminant is below 128, so it is a one-byte varint.
        switch (v) {
            case IntersticeValue.U64 x -> {
                w.writeU8(3);
                w.writeVarU64(x.value());
            }
            case IntersticeValue.Str x -> {
                w.writeU8(9);
                w.writeString(x.value());
            }
            case IntersticeValue.I32 x -> {
                w.writeU8(4);
                w.writeI32(x.value());
            }
            case IntersticeValue.U32 x -> {
                w.writeU8(2);
                w.writeVarU32(x.value());
            }
            case IntersticeValue.I64 x -> {
                w.writeU8(5);
                w.writeI64(x.value());
            }
            case IntersticeValue.Bool x -> {
                w.writeU8(8);
                w.writeBool(x.value());
            }
            case IntersticeValue.F64 x -> {
                w.writeU8(7);
                w.writeF64(x.value());
            }
            case IntersticeValue.F32 x -> {
                w.writeU8(6);
                w.writeF32(x.value());
            }
            case IntersticeValue.U8 x -> {
                w.writeU8(1);
                w.writeU8(x.value());
            }
            case IntersticeValue.Struct x -> {
                w.writeU8(13);
                w.writeString(x.name());
                List<IntersticeValue.Field> fields = x.fields();
                int n = fields.size();
                w.writeVarUsize(n);
                for (int i = 0; i < n; i++) {
                    var f = fields.get(i);
                    w.writeString(f.name());
                    writeValue(w, f.value());
                }
            }
            case IntersticeValue.Vec x -> {
                w.writeU8(10);
                writeValues(w, x.items());
            }
            case IntersticeValue.Option x -> {
                w.writeU8(11);
                IntersticeValue inner = x.value();
                if (inner == null) {
                    w.writeU8(0);
                } else {
                    w.writeU8(1);
                    writeValue(w, inner);
                }
            }
            case IntersticeValue.Tuple x -> {
                w.writeU8(12);
                writeValues(w, x.items());
            }
            case IntersticeValue.Enum x -> {
                w.writeU8(14);
                w.writeString(x.name());
                w.writeString(x.variant());
                writeValue(w, x.value());
            }
            case IntersticeValue.Void x -> w.writeU8(0);
        }
    }

    private static void writeValues(PostcardWriter w, List<IntersticeValue> items) {
        int n = items.size();
        w.writeVarUsize(n);
        for (int i = 0; i < n; i++) writeValue(w, items.get(i));
    }

    public static IntersticeValue readValue(PostcardReader r) {
        return readValue(r, 0);
    }

    private static IntersticeValue readValue(PostcardReader r, int depth) {
        int at = r.mark();
        int tag = r.readVarU32("IntersticeValue discriminant");
        switch (tag) {
            case 0:
                return IntersticeValue.VOID;
            case 1:
                return U8_CACHE[r.readU8()];
            case 2:
                return new IntersticeValue.U32(r.readVarU32("a u32 varint") & 0xFFFF_FFFFL);
            case 3:
                return new IntersticeValue.U64(r.readVarU64());
            case 4:
                return new IntersticeValue.I32(r.readI32());
            case 5:
                return new IntersticeValue.I64(r.readI64());
            case 6:
                return new IntersticeValue.F32(r.readF32());
            case 7:
                return new IntersticeValue.F64(r.readF64());
            case 8:
                return r.readBool() ? TRUE : FALSE;
            case 9:
                return new IntersticeValue.Str(r.readString());
            case 10: {
                if (depth >= MAX_DEPTH) throw tooDeep(r, "value");
                return new IntersticeValue.Vec(readValues(r, depth + 1));
            }
            case 11: {
                if (depth >= MAX_DEPTH) throw tooDeep(r, "value");
                return readOptionTag(r, "an IntersticeValue::Option")
                        ? new IntersticeValue.Option(readValue(r, depth + 1))
                        : IntersticeValue.Option.NONE;
            }
            case 12: {
                if (depth >= MAX_DEPTH) throw tooDeep(r, "value");
                return new IntersticeValue.Tuple(readValues(r, depth + 1));
            }
            case 13: {
                if (depth >= MAX_DEPTH) throw tooDeep(r, "value");
                String name = r.readString();
                int n = r.readVarUsize();
                var fields = new IntersticeValue.Field[Math.min(n, INITIAL_CAPACITY)];
                for (int i = 0; i < n; i++) {
                    if (i == fields.length) fields = grow(fields, n);
                    String fname = r.readString();
                    fields[i] = new IntersticeValue.Field(fname, readValue(r, depth + 1));
                }
                return new IntersticeValue.Struct(name, listOf(fields));
            }
            case 14: {
                if (depth >= MAX_DEPTH) throw tooDeep(r, "value");
                String name = r.readString();
                String variant = r.readString();
                return new IntersticeValue.Enum(name, variant, readValue(r, depth + 1));
            }
            default:
                throw unknownTag(r, at, "IntersticeValue", tag);
        }
    }

    /**
     * Skips one value without building it (a row's columns a bulk load does not need): the same structure checks as
     * {@link #readValue}, but a string's bytes are not checked to be UTF-8.
     */
    public static void skipValue(PostcardReader r) {
        skipValue(r, 0);
    }

    private static void skipValue(PostcardReader r, int depth) {
        int at = r.mark();
        int tag = r.readVarU32("IntersticeValue discriminant");
        switch (tag) {
            case 0 -> {}
            case 1 -> r.readU8();
            case 2 -> r.readVarU32("a u32 varint");
            case 3 -> r.readVarU64();
            case 4 -> r.readI32();
            case 5 -> r.readI64();
            case 6 -> r.skip(4);
            case 7 -> r.skip(8);
            case 8 -> r.readBool();
            case 9 -> r.skip(r.readVarUsize());
            case 10, 12 -> {
                if (depth >= MAX_DEPTH) throw tooDeep(r, "value");
                for (int i = 0, n = r.readVarUsize(); i < n; i++) skipValue(r, depth + 1);
            }
            case 11 -> {
                if (depth >= MAX_DEPTH) throw tooDeep(r, "value");
                if (readOptionTag(r, "an IntersticeValue::Option")) skipValue(r, depth + 1);
            }
            case 13 -> {
                if (depth >= MAX_DEPTH) throw tooDeep(r, "value");
                r.skip(r.readVarUsize());
                for (int i = 0, n = r.readVarUsize(); i < n; i++) {
                    r.skip(r.readVarUsize());
                    skipValue(r, depth + 1);
                }
            }
            case 14 -> {
                if (depth >= MAX_DEPTH) throw tooDeep(r, "value");
                r.skip(r.readVarUsize());
                r.skip(r.readVarUsize());
                skipValue(r, depth + 1);
            }
            default -> throw unknownTag(r, at, "IntersticeValue", tag);
        }
    }

    private static List<IntersticeValue> readValues(PostcardReader r, int depth) {
        int n = r.readVarUsize();
        if (n == 0) return List.of();
        var items = new IntersticeValue[Math.min(n, INITIAL_CAPACITY)];
        for (int i = 0; i < n; i++) {
            if (i == items.length) items = grow(items, n);
            items[i] = readValue(r, depth);
        }
        return List.of(items);
    }

    // ------------------------------------------------------------------------------------------------ index keys

    /** Upstream {@code IndexKey}: U8 0, U32 1, U64 2, I32 3, I64 4, Bool 5, String 6, Option 7, Tuple 8. */
    public static void writeIndexKey(PostcardWriter w, IndexKey k) {
        writeKeyValue(w, k.value());
    }

    private static void writeKeyValue(PostcardWriter w, IntersticeValue v) {
        switch (v) {
            case IntersticeValue.U8 x -> {
                w.writeU8(0);
                w.writeU8(x.value());
            }
            case IntersticeValue.U32 x -> {
                w.writeU8(1);
                w.writeVarU32(x.value());
            }
            case IntersticeValue.U64 x -> {
                w.writeU8(2);
                w.writeVarU64(x.value());
            }
            case IntersticeValue.I32 x -> {
                w.writeU8(3);
                w.writeI32(x.value());
            }
            case IntersticeValue.I64 x -> {
                w.writeU8(4);
                w.writeI64(x.value());
            }
            case IntersticeValue.Bool x -> {
                w.writeU8(5);
                w.writeBool(x.value());
            }
            case IntersticeValue.Str x -> {
                w.writeU8(6);
                w.writeString(x.value());
            }
            case IntersticeValue.Option x -> {
                w.writeU8(7);
                if (x.value() == null) {
                    w.writeU8(0);
                } else {
                    w.writeU8(1);
                    writeKeyValue(w, x.value());
                }
            }
            case IntersticeValue.Tuple x -> {
                w.writeU8(8);
                List<IntersticeValue> items = x.items();
                int n = items.size();
                w.writeVarUsize(n);
                for (int i = 0; i < n; i++) writeKeyValue(w, items.get(i));
            }
            default -> throw new IllegalArgumentException(IndexKey.unsupported(v));
        }
    }

    public static IndexKey readIndexKey(PostcardReader r) {
        return new IndexKey(readKeyValue(r, 0));
    }

    private static IntersticeValue readKeyValue(PostcardReader r, int depth) {
        int at = r.mark();
        int tag = r.readVarU32("IndexKey discriminant");
        switch (tag) {
            case 0:
                return U8_CACHE[r.readU8()];
            case 1:
                return new IntersticeValue.U32(r.readVarU32("a u32 varint") & 0xFFFF_FFFFL);
            case 2:
                return new IntersticeValue.U64(r.readVarU64());
            case 3:
                return new IntersticeValue.I32(r.readI32());
            case 4:
                return new IntersticeValue.I64(r.readI64());
            case 5:
                return r.readBool() ? TRUE : FALSE;
            case 6:
                return new IntersticeValue.Str(r.readString());
            case 7: {
                if (depth >= MAX_DEPTH) throw tooDeep(r, "index key");
                return readOptionTag(r, "an IndexKey::Option")
                        ? new IntersticeValue.Option(readKeyValue(r, depth + 1))
                        : IntersticeValue.Option.NONE;
            }
            case 8: {
                if (depth >= MAX_DEPTH) throw tooDeep(r, "index key");
                int n = r.readVarUsize();
                if (n == 0) return new IntersticeValue.Tuple(List.of());
                var items = new IntersticeValue[Math.min(n, INITIAL_CAPACITY)];
                for (int i = 0; i < n; i++) {
                    if (i == items.length) items = grow(items, n);
                    items[i] = readKeyValue(r, depth + 1);
                }
                return new IntersticeValue.Tuple(List.of(items));
            }
            default:
                throw unknownTag(r, at, "IndexKey", tag);
        }
    }

    // ------------------------------------------------------------------------------------------------ rows

    /** Upstream {@code Row{primary_key: IntersticeValue, entries: Vec<IntersticeValue>}}. */
    public static void writeRow(PostcardWriter w, Row row) {
        writeValue(w, row.primaryKey());
        writeValues(w, row.entries());
    }

    public static Row readRow(PostcardReader r) {
        IntersticeValue pk = readValue(r, 0);
        return new Row(pk, readValues(r, 1));
    }

    // ------------------------------------------------------------------------------------------------ types

    /** Upstream {@code IntersticeType}: Void 0 .. String 9 (see {@link IntersticeType.Kind}), Vec 10, Option 11,
     *  Tuple 12, Named 13. */
    public static void writeType(PostcardWriter w, IntersticeType t) {
        w.writeU8(t.tag());
        switch (t) {
            case IntersticeType.Primitive p -> {}
            case IntersticeType.Vec v -> writeType(w, v.element());
            case IntersticeType.Option o -> writeType(w, o.inner());
            case IntersticeType.Tuple tu -> {
                List<IntersticeType> el = tu.elements();
                w.writeVarUsize(el.size());
                for (IntersticeType e : el) writeType(w, e);
            }
            case IntersticeType.Named n -> w.writeString(n.name());
        }
    }

    public static IntersticeType readType(PostcardReader r) {
        return readType(r, 0);
    }

    private static IntersticeType readType(PostcardReader r, int depth) {
        int tag = readTag(r, "IntersticeType", 13);
        if (tag <= 9) return PRIMITIVE_TYPES[tag];
        if (tag == 13) return new IntersticeType.Named(r.readString());
        if (depth >= MAX_DEPTH) throw tooDeep(r, "type");
        return switch (tag) {
            case 10 -> new IntersticeType.Vec(readType(r, depth + 1));
            case 11 -> new IntersticeType.Option(readType(r, depth + 1));
            default -> {
                int n = r.readVarUsize();
                var el = new IntersticeType[Math.min(n, INITIAL_CAPACITY)];
                for (int i = 0; i < n; i++) {
                    if (i == el.length) el = grow(el, n);
                    el[i] = readType(r, depth + 1);
                }
                yield new IntersticeType.Tuple(listOf(el));
            }
        };
    }

    /** Upstream {@code FieldDef{name, field_type}}. */
    public static void writeFieldDef(PostcardWriter w, FieldDef f) {
        w.writeString(f.name());
        writeType(w, f.type());
    }

    public static FieldDef readFieldDef(PostcardReader r) {
        String name = r.readString();
        return new FieldDef(name, readType(r, 0));
    }

    private static void writeFieldDefs(PostcardWriter w, List<FieldDef> fields) {
        w.writeVarUsize(fields.size());
        for (FieldDef f : fields) writeFieldDef(w, f);
    }

    private static List<FieldDef> readFieldDefs(PostcardReader r) {
        return readList(r, Abi::readFieldDef);
    }

    /** Upstream {@code IntersticeTypeDef}: Struct{name, fields} 0, Enum{name, variants} 1. */
    public static void writeTypeDef(PostcardWriter w, TypeDef d) {
        switch (d) {
            case TypeDef.Struct s -> {
                w.writeU8(0);
                w.writeString(s.name());
                writeFieldDefs(w, s.fields());
            }
            case TypeDef.Enum e -> {
                w.writeU8(1);
                w.writeString(e.name());
                writeFieldDefs(w, e.variants());
            }
        }
    }

    public static TypeDef readTypeDef(PostcardReader r) {
        int tag = readTag(r, "IntersticeTypeDef", 1);
        String name = r.readString();
        List<FieldDef> members = readFieldDefs(r);
        return tag == 0 ? new TypeDef.Struct(name, members) : new TypeDef.Enum(name, members);
    }

    // ------------------------------------------------------------------------------------------------ schemas

    /** Upstream {@code NodeSelection} / {@code ModuleSelection}: Current 0, Other(String) 1. */
    public static void writeSelection(PostcardWriter w, Selection s) {
        if (s.isCurrent()) {
            w.writeU8(0);
        } else {
            w.writeU8(1);
            w.writeString(s.other());
        }
    }

    public static Selection readSelection(PostcardReader r) {
        int tag = readTag(r, "NodeSelection/ModuleSelection", 1);
        return tag == 0 ? Selection.CURRENT : Selection.other(r.readString());
    }

    private static void writeVersion(PostcardWriter w, Version v) {
        w.writeU16(v.major());
        w.writeU16(v.minor());
        w.writeU16(v.patch());
    }

    private static Version readVersion(PostcardReader r) {
        int major = r.readU16();
        int minor = r.readU16();
        return new Version(major, minor, r.readU16());
    }

    private static void writeTableRefs(PostcardWriter w, List<TableRef> refs) {
        w.writeVarUsize(refs.size());
        for (TableRef t : refs) {
            writeSelection(w, t.node());
            writeSelection(w, t.module());
            w.writeString(t.table());
        }
    }

    private static List<TableRef> readTableRefs(PostcardReader r) {
        return readList(r, x -> {
            Selection node = readSelection(x);
            Selection module = readSelection(x);
            return new TableRef(node, module, x.readString());
        });
    }

    /** Upstream {@code SubscriptionEventSchema}: Insert 0, Update 1, Delete 2 (each {node_selection, module_name,
     *  table_name}), ReplicaSync{node_name, module_name, table_name} 3, Init 4, Load 5, Input 6, AudioOutput 7,
     *  AudioInput 8, Render 9, Network 10, File{path, recursive} 11, ModuleLoad 12, ModuleRemove 13, Connect 14,
     *  Disconnect 15. */
    public static void writeSubscriptionEvent(PostcardWriter w, SubscriptionEvent e) {
        w.writeU8(e.tag());
        switch (e) {
            case SubscriptionEvent.Table t -> {
                writeSelection(w, t.node());
                w.writeString(t.module());
                w.writeString(t.table());
            }
            case SubscriptionEvent.ReplicaSync s -> {
                w.writeString(s.node());
                w.writeString(s.module());
                w.writeString(s.table());
            }
            case SubscriptionEvent.File f -> {
                w.writeString(f.path());
                w.writeBool(f.recursive());
            }
            case SubscriptionEvent.Core c -> {}
        }
    }

    public static SubscriptionEvent readSubscriptionEvent(PostcardReader r) {
        int tag = readTag(r, "SubscriptionEventSchema", 15);
        switch (tag) {
            case 0, 1, 2 -> {
                Selection node = readSelection(r);
                String module = r.readString();
                return new SubscriptionEvent.Table(TABLE_EVENT_KINDS[tag], node, module, r.readString());
            }
            case 3 -> {
                String node = r.readString();
                String module = r.readString();
                return new SubscriptionEvent.ReplicaSync(node, module, r.readString());
            }
            case 11 -> {
                String path = r.readString();
                return new SubscriptionEvent.File(path, r.readBool());
            }
            default -> {
                return CORE_EVENTS[tag];
            }
        }
    }

    private static void writeReducer(PostcardWriter w, ReducerSchema s) {
        w.writeString(s.name());
        writeFieldDefs(w, s.arguments());
        writeTableRefs(w, s.reads());
        writeTableRefs(w, s.inserts());
        writeTableRefs(w, s.updates());
        writeTableRefs(w, s.deletes());
    }

    private static ReducerSchema readReducer(PostcardReader r) {
        String name = r.readString();
        List<FieldDef> args = readFieldDefs(r);
        List<TableRef> reads = readTableRefs(r);
        List<TableRef> inserts = readTableRefs(r);
        List<TableRef> updates = readTableRefs(r);
        return new ReducerSchema(name, args, reads, inserts, updates, readTableRefs(r));
    }

    private static void writeQuery(PostcardWriter w, QuerySchema q) {
        w.writeString(q.name());
        writeFieldDefs(w, q.arguments());
        writeType(w, q.returnType());
        writeTableRefs(w, q.reads());
    }

    private static QuerySchema readQuery(PostcardReader r) {
        String name = r.readString();
        List<FieldDef> args = readFieldDefs(r);
        IntersticeType ret = readType(r, 0);
        return new QuerySchema(name, args, ret, readTableRefs(r));
    }

    private static void writeTable(PostcardWriter w, TableSchema t) {
        w.writeString(t.name());
        w.writeString(t.typeName());
        w.writeU8(t.visibility().ordinal());
        writeFieldDefs(w, t.fields());
        writeFieldDef(w, t.primaryKey());
        w.writeBool(t.primaryKeyAutoInc());
        w.writeVarUsize(t.indexes().size());
        for (IndexSchema ix : t.indexes()) {
            w.writeString(ix.field());
            w.writeU8(ix.type().ordinal());
            w.writeBool(ix.unique());
            w.writeBool(ix.autoInc());
        }
        w.writeU8(t.persistence().ordinal());
    }

    private static TableSchema readTable(PostcardReader r) {
        String name = r.readString();
        String typeName = r.readString();
        Visibility vis = VISIBILITIES[readTag(r, "TableVisibility", 1)];
        List<FieldDef> fields = readFieldDefs(r);
        FieldDef pk = readFieldDef(r);
        boolean autoInc = r.readBool();
        List<IndexSchema> indexes = readList(r, x -> {
            String field = x.readString();
            IndexSchema.Type type = INDEX_TYPES[readTag(x, "IndexType", 1)];
            boolean unique = x.readBool();
            return new IndexSchema(field, type, unique, x.readBool());
        });
        Persistence persistence = PERSISTENCES[readTag(r, "PersistenceKind", 2)];
        return new TableSchema(name, typeName, vis, fields, pk, autoInc, indexes, persistence);
    }

    /** Upstream {@code ModuleSchema}, fields in declaration order (see docs/abi.md). */
    public static void writeModuleSchema(PostcardWriter w, ModuleSchema s) {
        w.writeU16(s.abiVersion());
        w.writeString(s.name());
        writeVersion(w, s.version());
        w.writeU8(s.visibility().ordinal());
        w.writeVarUsize(s.reducers().size());
        for (ReducerSchema x : s.reducers()) writeReducer(w, x);
        w.writeVarUsize(s.queries().size());
        for (QuerySchema x : s.queries()) writeQuery(w, x);
        w.writeVarUsize(s.tables().size());
        for (TableSchema x : s.tables()) writeTable(w, x);
        w.writeVarUsize(s.subscriptions().size());
        for (SubscriptionSchema x : s.subscriptions()) {
            w.writeString(x.reducer());
            writeSubscriptionEvent(w, x.event());
        }
        w.writeVarUsize(s.typeDefinitions().size());
        for (Map.Entry<String, TypeDef> e : s.typeDefinitions().entrySet()) {
            w.writeString(e.getKey());
            writeTypeDef(w, e.getValue());
        }
        w.writeVarUsize(s.authorities().size());
        for (Authority a : s.authorities()) w.writeU8(a.ordinal());
        w.writeVarUsize(s.moduleDependencies().size());
        for (ModuleDependency d : s.moduleDependencies()) {
            w.writeString(d.moduleName());
            writeVersion(w, d.version());
        }
        w.writeVarUsize(s.nodeDependencies().size());
        for (NodeDependency d : s.nodeDependencies()) {
            w.writeString(d.name());
            w.writeString(d.address());
        }
        w.writeVarUsize(s.replicatedTables().size());
        for (ReplicatedTable t : s.replicatedTables()) {
            w.writeString(t.node());
            w.writeString(t.module());
            w.writeString(t.table());
        }
    }

    /** Reads a ModuleSchema. A repeated type-definition key keeps the last definition, as serde's HashMap does. */
    public static ModuleSchema readModuleSchema(PostcardReader r) {
        int abi = r.readU16();
        String name = r.readString();
        Version version = readVersion(r);
        Visibility vis = VISIBILITIES[readTag(r, "ModuleVisibility", 1)];

        List<ReducerSchema> reducers = readList(r, Abi::readReducer);
        List<QuerySchema> queries = readList(r, Abi::readQuery);
        List<TableSchema> tables = readList(r, Abi::readTable);
        List<SubscriptionSchema> subs = readList(r, x -> {
            String reducer = x.readString();
            return new SubscriptionSchema(reducer, readSubscriptionEvent(x));
        });
        int n = r.readVarUsize();
        var types = new LinkedHashMap<String, TypeDef>(Math.min(n, 64) * 2);
        for (int i = 0; i < n; i++) {
            String key = r.readString();
            types.put(key, readTypeDef(r));
        }
        List<Authority> authorities = readList(r, x -> AUTHORITIES[readTag(x, "Authority", 5)]);
        List<ModuleDependency> moduleDeps = readList(r, x -> {
            String module = x.readString();
            return new ModuleDependency(module, readVersion(x));
        });
        List<NodeDependency> nodeDeps = readList(r, x -> {
            String node = x.readString();
            return new NodeDependency(node, x.readString());
        });
        List<ReplicatedTable> replicated = readList(r, x -> {
            String node = x.readString();
            String module = x.readString();
            return new ReplicatedTable(node, module, x.readString());
        });
        return new ModuleSchema(
                abi,
                name,
                version,
                vis,
                reducers,
                queries,
                tables,
                subs,
                types,
                authorities,
                moduleDeps,
                nodeDeps,
                replicated);
    }

    /** Upstream {@code NodeSchema{name, address, modules}}. */
    public static void writeNodeSchema(PostcardWriter w, NodeSchema s) {
        w.writeString(s.name());
        w.writeString(s.address());
        w.writeVarUsize(s.modules().size());
        for (ModuleSchema m : s.modules()) writeModuleSchema(w, m);
    }

    public static NodeSchema readNodeSchema(PostcardReader r) {
        String name = r.readString();
        String address = r.readString();
        return new NodeSchema(name, address, readList(r, Abi::readModuleSchema));
    }

    // ------------------------------------------------------------------------------------------------ host calls

    /** Upstream {@code IndexQuery}: Eq 0, Lt 1, Lte 2, Gt 3, Gte 4 (each an IndexKey), Range{min, max, include_min,
     *  include_max} 5. */
    public static void writeIndexQuery(PostcardWriter w, IndexQuery q) {
        switch (q) {
            case IndexQuery.Eq x -> {
                w.writeU8(0);
                writeIndexKey(w, x.key());
            }
            case IndexQuery.Lt x -> {
                w.writeU8(1);
                writeIndexKey(w, x.key());
            }
            case IndexQuery.Lte x -> {
                w.writeU8(2);
                writeIndexKey(w, x.key());
            }
            case IndexQuery.Gt x -> {
                w.writeU8(3);
                writeIndexKey(w, x.key());
            }
            case IndexQuery.Gte x -> {
                w.writeU8(4);
                writeIndexKey(w, x.key());
            }
            case IndexQuery.Range x -> {
                w.writeU8(5);
                writeIndexKey(w, x.min());
                writeIndexKey(w, x.max());
                w.writeBool(x.includeMin());
                w.writeBool(x.includeMax());
            }
        }
    }

    public static IndexQuery readIndexQuery(PostcardReader r) {
        int tag = readTag(r, "IndexQuery", 5);
        IndexKey k = readIndexKey(r);
        return switch (tag) {
            case 0 -> new IndexQuery.Eq(k);
            case 1 -> new IndexQuery.Lt(k);
            case 2 -> new IndexQuery.Lte(k);
            case 3 -> new IndexQuery.Gt(k);
            case 4 -> new IndexQuery.Gte(k);
            default -> {
                IndexKey max = readIndexKey(r);
                boolean includeMin = r.readBool();
                yield new IndexQuery.Range(k, max, includeMin, r.readBool());
            }
        };
    }

    /**
     * Upstream {@code HostCall}: CallReducer 0, Schedule 1, CallQuery 2, TableScan 3, TableGetByPrimaryKey 4,
     * TableIndexScan 5, Gpu 6, Audio 7, File 8, Module 9, Network 10, CurrentNodeId 11.
     */
    public static void writeHostCall(PostcardWriter w, HostCall c) {
        switch (c) {
            case HostCall.CallReducer x -> {
                w.writeU8(0);
                writeSelection(w, x.node());
                writeSelection(w, x.module());
                w.writeString(x.reducer());
                writeValue(w, x.input());
            }
            case HostCall.Schedule x -> {
                w.writeU8(1);
                w.writeString(x.reducer());
                w.writeVarU64(x.delayMs());
            }
            case HostCall.CallQuery x -> {
                w.writeU8(2);
                writeSelection(w, x.node());
                writeSelection(w, x.module());
                w.writeString(x.query());
                writeValue(w, x.input());
            }
            case HostCall.TableScan x -> {
                w.writeU8(3);
                writeSelection(w, x.module());
                w.writeString(x.table());
            }
            case HostCall.TableGetByPrimaryKey x -> {
                w.writeU8(4);
                writeSelection(w, x.module());
                w.writeString(x.table());
                writeIndexKey(w, x.primaryKey());
            }
            case HostCall.TableIndexScan x -> {
                w.writeU8(5);
                writeSelection(w, x.module());
                w.writeString(x.table());
                w.writeString(x.field());
                writeIndexQuery(w, x.query());
            }
            case HostCall.Gpu x -> {
                w.writeU8(GpuCodec.HOST_CALL_TAG);
                GpuCodec.write(w, x.call());
            }
            case HostCall.Audio x -> w.writeRaw(AudioCodec.encodeHostCall(x.call()));
            case HostCall.File x -> w.writeRaw(AuthorityCodec.encodeHostCall(x.call()));
            case HostCall.Module x -> w.writeRaw(AuthorityCodec.encodeHostCall(x.call()));
            case HostCall.Network x -> w.writeRaw(AuthorityCodec.encodeHostCall(x.call()));
            case HostCall.CurrentNodeId x -> w.writeU8(11);
        }
    }

    private static final HostCall.CurrentNodeId CURRENT_NODE_ID = new HostCall.CurrentNodeId();
    /**
     * Reads a HostCall; every call is decoded whole ({@link GpuCodec}, {@link AudioCodec},
     * {@link AuthorityCodec}).
     */
    public static HostCall readHostCall(PostcardReader r) {
        int tag = readTag(r, "HostCall", 11);
        switch (tag) {
            case 0, 2 -> {
                Selection node = readSelection(r);
                Selection module = readSelection(r);
                String name = r.readString();
                IntersticeValue input = readValue(r, 0);
                return tag == 0
                        ? new HostCall.CallReducer(node, module, name, input)
                        : new HostCall.CallQuery(node, module, name, input);
            }
            case 1 -> {
                String reducer = r.readString();
                return new HostCall.Schedule(reducer, r.readVarU64());
            }
            case 3 -> {
                Selection module = readSelection(r);
                return new HostCall.TableScan(module, r.readString());
            }
            case 4 -> {
                Selection module = readSelection(r);
                String table = r.readString();
                return new HostCall.TableGetByPrimaryKey(module, table, readIndexKey(r));
            }
            case 5 -> {
                Selection module = readSelection(r);
                String table = r.readString();
                String field = r.readString();
                return new HostCall.TableIndexScan(module, table, field, readIndexQuery(r));
            }
            case 6 -> {
                return new HostCall.Gpu(GpuCodec.read(r));
            }
            case 7 -> {
                return new HostCall.Audio(AudioCodec.readAudioCall(r));
            }
            case 8 -> {
                return new HostCall.File(AuthorityCodec.readFileCall(r));
            }
            case 9 -> {
                return new HostCall.Module(AuthorityCodec.readModuleCall(r));
            }
            case 10 -> {
                return new HostCall.Network(AuthorityCodec.readNetworkCall(r));
            }
            default -> {
                return CURRENT_NODE_ID;
            }
        }
    }

    /**
     * Decodes a whole host-call buffer: like {@link #readHostCall}, and requires that no bytes follow.
     */
    public static HostCall decodeHostCall(byte[] b, int off, int len) {
        var r = new PostcardReader(b, off, len);
        HostCall c = readHostCall(r);
        r.expectEnd();
        return c;
    }

    // ------------------------------------------------------------------------------------------------ call input

    /** Reducer/query wrapper input: {@code (RawReducerContext{caller_node_id, caller_module_name},
     *  IntersticeValue::Vec(args))}. */
    public static void writeCallInput(PostcardWriter w, CallContext ctx, List<IntersticeValue> args) {
        w.writeString(ctx.callerNodeId());
        w.writeString(ctx.callerModuleName());
        w.writeU8(10);
        writeValues(w, args);
    }

    public record CallInput(CallContext context, List<IntersticeValue> args) {
        public CallInput {
            args = List.copyOf(args);
        }
    }

    /** Reads a wrapper input; the arguments must be an {@code IntersticeValue::Vec}. */
    public static CallInput readCallInput(PostcardReader r) {
        String node = r.readString();
        String module = r.readString();
        int at = r.mark();
        int tag = r.readVarU32("IntersticeValue discriminant");
        if (tag != 10) {
            throw r.errorAt(
                    "IntersticeValue::Vec (discriminant 10) holding the call arguments, found discriminant "
                            + Integer.toUnsignedString(tag),
                    at);
        }
        return new CallInput(new CallContext(node, module), readValues(r, 1));
    }

    // ------------------------------------------------------------------------------------------------ convenience

    public static byte[] encodeValue(IntersticeValue v) {
        var w = new PostcardWriter(64);
        writeValue(w, v);
        return w.toByteArray();
    }

    public static IntersticeValue decodeValue(byte[] b) {
        var r = new PostcardReader(b);
        IntersticeValue v = readValue(r, 0);
        r.expectEnd();
        return v;
    }

    public static byte[] encodeRow(Row row) {
        var w = new PostcardWriter(64);
        writeRow(w, row);
        return w.toByteArray();
    }

    public static Row decodeRow(byte[] b) {
        var r = new PostcardReader(b);
        Row row = readRow(r);
        r.expectEnd();
        return row;
    }

    public static byte[] encodeIndexKey(IndexKey k) {
        var w = new PostcardWriter(32);
        writeIndexKey(w, k);
        return w.toByteArray();
    }

    public static IndexKey decodeIndexKey(byte[] b) {
        var r = new PostcardReader(b);
        IndexKey k = readIndexKey(r);
        r.expectEnd();
        return k;
    }

    public static byte[] encodeModuleSchema(ModuleSchema s) {
        var w = new PostcardWriter(512);
        writeModuleSchema(w, s);
        return w.toByteArray();
    }

    public static ModuleSchema decodeModuleSchema(byte[] b) {
        var r = new PostcardReader(b);
        ModuleSchema s = readModuleSchema(r);
        r.expectEnd();
        return s;
    }

    public static byte[] encodeNodeSchema(NodeSchema s) {
        var w = new PostcardWriter(1024);
        writeNodeSchema(w, s);
        return w.toByteArray();
    }

    public static NodeSchema decodeNodeSchema(byte[] b) {
        var r = new PostcardReader(b);
        NodeSchema s = readNodeSchema(r);
        r.expectEnd();
        return s;
    }
}
