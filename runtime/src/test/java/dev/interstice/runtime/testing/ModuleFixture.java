package dev.interstice.runtime.testing;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ModuleSchema;
import dev.interstice.abi.schema.NodeDependency;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds ABI-6 test modules in WebAssembly text: the schema is encoded by our codec into a data segment returned by
 * {@code interstice_describe}; reducer and query bodies are WAT snippets. Named byte blobs become data segments:
 * {@code ${name}} in a body is replaced by the blob's address and {@code ${name.len}} by its length. Helpers in
 * every module: {@code $log_hex(ptr, len)} logs bytes as hex; {@code $log_packed(i64)} logs a (ptr<<32|len) buffer;
 * {@code $resp} is a 4 KiB response buffer at {@code ${resp}}.
 */
public final class ModuleFixture {
    private static final int DATA_START = 1024;
    private static final int RESP = 48 * 1024;
    private static final int HEX_OUT = 20 * 1024;

    private String name;
    private Visibility visibility = Visibility.PUBLIC;
    private int abiVersion = ModuleSchema.ABI_VERSION;
    private final List<TableSchema> tables = new ArrayList<>();
    private final List<ReducerSchema> reducers = new ArrayList<>();
    private final List<QuerySchema> queries = new ArrayList<>();
    private final List<SubscriptionSchema> subscriptions = new ArrayList<>();
    private final Map<String, TypeDef> types = new LinkedHashMap<>();
    private final List<Authority> authorities = new ArrayList<>();
    private final List<NodeDependency> nodeDependencies = new ArrayList<>();
    private final List<ReplicatedTable> replicatedTables = new ArrayList<>();
    private final Map<String, byte[]> blobs = new LinkedHashMap<>();
    private final Map<String, String> bodies = new LinkedHashMap<>();
    private final List<String> extraFuncs = new ArrayList<>();
    private int memoryPages = 2;
    private String memoryMax = "";
    private byte[] describeOverride;
    private boolean importScan;
    private boolean importStore;
    private boolean importChildren;
    private boolean importHistory;

    public ModuleFixture(String name) {
        this.name = name;
    }

    public static ModuleFixture module(String name) {
        return new ModuleFixture(name);
    }

    public ModuleFixture visibility(Visibility v) {
        visibility = v;
        return this;
    }

    public ModuleFixture abiVersion(int v) {
        abiVersion = v;
        return this;
    }

    public ModuleFixture memory(int initialPages, Integer maxPages) {
        memoryPages = initialPages;
        memoryMax = maxPages == null ? "" : " " + maxPages;
        return this;
    }

    public ModuleFixture authority(Authority a) {
        authorities.add(a);
        return this;
    }

    /** A node this module reaches by name (remote calls, subscriptions, replicas). */
    public ModuleFixture nodeDependency(String nodeName, String address) {
        nodeDependencies.add(new NodeDependency(nodeName, address));
        return this;
    }

    /** A table of another node this module keeps a replica of. */
    public ModuleFixture replicate(String node, String module, String table) {
        replicatedTables.add(new ReplicatedTable(node, module, table));
        return this;
    }

    public ModuleFixture type(TypeDef t) {
        types.put(t.name(), t);
        return this;
    }

    public ModuleFixture table(TableSchema t) {
        tables.add(t);
        blob("t:" + t.name(), t.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return this;
    }

    /** A table named {@code name} with a u64 key {@code id} (auto_inc if asked) and the given non-key fields. */
    public static TableSchema simpleTable(
            String name,
            boolean autoInc,
            Persistence p,
            Visibility v,
            List<FieldDef> fields,
            List<IndexSchema> indexes) {
        return new TableSchema(name, name, v, fields, new FieldDef("id", IntersticeType.U64), autoInc, indexes, p);
    }

    public ModuleFixture blob(String key, byte[] bytes) {
        blobs.put(key, bytes);
        return this;
    }

    /** A reducer with full access to the listed tables of this module (reads, inserts, updates, deletes). */
    public ModuleFixture reducer(String rname, List<FieldDef> args, List<String> tablesAccessed, String body) {
        var refs = tablesAccessed.stream().map(ModuleFixture::ref).toList();
        return reducer(new ReducerSchema(rname, args, refs, refs, refs, refs), body);
    }

    public ModuleFixture reducer(ReducerSchema schema, String body) {
        reducers.add(schema);
        bodies.put(
                "__interstice_reducer_wrapper_" + schema.name(),
                "(func (export \"__interstice_reducer_wrapper_" + schema.name()
                        + "\") (param $ptr i32) (param $len i32)\n" + body + "\n)");
        return this;
    }

    /** A query; {@code body} must leave an i64 (ptr<<32|len) of an encoded IntersticeValue. */
    public ModuleFixture query(String qname, List<FieldDef> args, IntersticeType ret, List<String> reads, String body) {
        queries.add(new QuerySchema(
                qname, args, ret, reads.stream().map(ModuleFixture::ref).toList()));
        bodies.put(
                "__interstice_query_wrapper_" + qname,
                "(func (export \"__interstice_query_wrapper_" + qname
                        + "\") (param $ptr i32) (param $len i32) (result i64)\n" + body + "\n)");
        return this;
    }

    public ModuleFixture subscribe(String reducer, SubscriptionEvent e) {
        subscriptions.add(new SubscriptionSchema(reducer, e));
        return this;
    }

    public ModuleFixture func(String wat) {
        extraFuncs.add(wat);
        return this;
    }

    /** Imports our extension {@code interstice_scan} as {@code $scan} (docs/abi.md §4.2). */
    public ModuleFixture importScan() {
        importScan = true;
        return this;
    }

    /** Imports our extension {@code interstice_store} as {@code $store} (docs/abi.md §4.4). */
    public ModuleFixture importStore() {
        importStore = true;
        return this;
    }

    /** Imports our extension {@code interstice_children} as {@code $children} (docs/abi.md §4.5). */
    public ModuleFixture importChildren() {
        importChildren = true;
        return this;
    }

    /** Imports our extension {@code interstice_history} as {@code $history} (docs/abi.md §4.6). */
    public ModuleFixture importHistory() {
        importHistory = true;
        return this;
    }

    /** Makes interstice_describe return these bytes instead of the encoded schema. */
    public ModuleFixture describeBytes(byte[] b) {
        describeOverride = b;
        return this;
    }

    public static TableRef ref(String table) {
        if (table.contains(".")) {
            String[] p = table.split("\\.", 2);
            return new TableRef(Selection.CURRENT, Selection.other(p[0]), p[1]);
        }
        return new TableRef(Selection.CURRENT, Selection.CURRENT, table);
    }

    public ModuleSchema schema() {
        return new ModuleSchema(
                abiVersion,
                name,
                new Version(0, 1, 0),
                visibility,
                reducers,
                queries,
                tables,
                subscriptions,
                types,
                authorities,
                List.of(),
                nodeDependencies,
                replicatedTables);
    }

    public String wat() {
        byte[] schemaBytes = describeOverride != null ? describeOverride : Abi.encodeModuleSchema(schema());
        var all = new LinkedHashMap<String, byte[]>();
        all.put("__schema", schemaBytes);
        all.put("__hex", "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        all.putAll(blobs);
        var addr = new LinkedHashMap<String, int[]>();
        int at = DATA_START;
        var data = new StringBuilder();
        for (var e : all.entrySet()) {
            addr.put(e.getKey(), new int[] {at, e.getValue().length});
            data.append("  (data (i32.const ")
                    .append(at)
                    .append(") \"")
                    .append(escape(e.getValue()))
                    .append("\")\n");
            at += (e.getValue().length + 7) & ~7;
        }
        if (at >= HEX_OUT) throw new IllegalStateException("fixture data too large");
        var sb = new StringBuilder("(module\n");
        sb.append("""
                  (import "interstice" "interstice_log" (func $log (param i32 i32)))
                  (import "interstice" "interstice_host_call" (func $host_call (param i32 i32) (result i64)))
                  (import "interstice" "interstice_time" (func $time (result i64)))
                  (import "interstice" "interstice_random" (func $random (result i64)))
                  (import "interstice" "interstice_insert_row" (func $insert_row (param i32 i32 i32 i32 i32 i32) (result i32)))
                  (import "interstice" "interstice_update_row" (func $update_row (param i32 i32 i32 i32) (result i32)))
                  (import "interstice" "interstice_delete_row" (func $delete_row (param i32 i32 i32 i32) (result i32)))
                  (import "interstice" "interstice_clear_table" (func $clear_table (param i32 i32) (result i32)))
                  (import "interstice" "interstice_get_by_pk" (func $get_by_pk (param i32 i32 i32 i32 i32 i32) (result i32)))
                """);
        if (importScan)
            sb.append("  (import \"interstice\" \"interstice_scan\" (func $scan (param i32 i32) (result i64)))\n");
        if (importStore)
            sb.append("  (import \"interstice\" \"interstice_store\" (func $store (param i32 i32) (result i64)))\n");
        if (importChildren)
            sb.append(
                    "  (import \"interstice\" \"interstice_children\" (func $children (param i32 i32) (result i64)))\n");
        if (importHistory)
            sb.append(
                    "  (import \"interstice\" \"interstice_history\" (func $history (param i32 i32) (result i64)))\n");
        sb.append("  (memory (export \"memory\") ")
                .append(memoryPages)
                .append(memoryMax)
                .append(")\n");
        sb.append("""
                  (global $heap (mut i32) (i32.const 65536))
                  (func $alloc (export "alloc") (param $size i32) (result i32) (local $p i32)
                    (local.set $p (global.get $heap))
                    (global.set $heap (i32.and (i32.add (i32.add (global.get $heap) (local.get $size)) (i32.const 7)) (i32.const -8)))
                    (block $ok (loop $grow
                      (br_if $ok (i32.le_u (global.get $heap) (i32.shl (memory.size) (i32.const 16))))
                      (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
                      (br $grow)))
                    (local.get $p))
                  (func (export "dealloc") (param i32 i32))
                  (func $log_hex (param $p i32) (param $n i32) (local $i i32) (local $b i32) (local $o i32)
                    (local.set $o (i32.const HEXOUT))
                    (block $done (loop $next
                      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                      (local.set $b (i32.load8_u (i32.add (local.get $p) (local.get $i))))
                      (i32.store8 (local.get $o) (i32.load8_u (i32.add (i32.const ${__hex}) (i32.shr_u (local.get $b) (i32.const 4)))))
                      (i32.store8 (i32.add (local.get $o) (i32.const 1)) (i32.load8_u (i32.add (i32.const ${__hex}) (i32.and (local.get $b) (i32.const 15)))))
                      (local.set $o (i32.add (local.get $o) (i32.const 2)))
                      (local.set $i (i32.add (local.get $i) (i32.const 1)))
                      (br $next)))
                    (call $log (i32.const HEXOUT) (i32.sub (local.get $o) (i32.const HEXOUT))))
                  (func $log_packed (param $v i64)
                    (call $log_hex (i32.wrap_i64 (i64.shr_u (local.get $v) (i64.const 32))) (i32.wrap_i64 (local.get $v))))
                  (func $log_i32 (param $v i32)
                    (i32.store (i32.const I32OUT) (local.get $v))
                    (call $log_hex (i32.const I32OUT) (i32.const 4)))
                  (func (export "interstice_describe") (result i64)
                    (i64.or (i64.shl (i64.const ${__schema}) (i64.const 32)) (i64.const ${__schema.len})))
                """.replace("HEXOUT", String.valueOf(HEX_OUT))
                .replace("RESP", String.valueOf(RESP))
                .replace("I32OUT", String.valueOf(HEX_OUT - 16)));
        for (String f : extraFuncs) sb.append(f).append('\n');
        for (String b : bodies.values()) sb.append(b).append('\n');
        sb.append(data);
        sb.append(")\n");
        return substitute(sb.toString(), addr);
    }

    public byte[] build() {
        return Wat.assemble(wat());
    }

    private static final Pattern VAR = Pattern.compile("\\$\\{([^}]+)}");

    private static String substitute(String s, Map<String, int[]> addr) {
        Matcher m = VAR.matcher(s);
        var out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value;
            if (key.equals("resp")) value = String.valueOf(RESP);
            else if (key.endsWith(".len") && addr.containsKey(key.substring(0, key.length() - 4)))
                value = String.valueOf(addr.get(key.substring(0, key.length() - 4))[1]);
            else if (addr.containsKey(key)) value = String.valueOf(addr.get(key)[0]);
            else throw new IllegalArgumentException("fixture refers to unknown blob ${" + key + "}");
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String escape(byte[] b) {
        var sb = new StringBuilder(b.length * 3);
        for (byte x : b)
            sb.append('\\').append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
        return sb.toString();
    }

    // ---- WAT snippets ----

    /** Inserts blob {@code row} into table {@code table}; logs the i32 result and the response bytes. */
    public static String insertAndLog(String table, String row) {
        return "(call $log_i32 (call $insert_row (i32.const ${t:" + table + "}) (i32.const ${t:" + table
                + ".len}) (i32.const ${" + row
                + "}) (i32.const ${" + row + ".len}) (i32.const ${resp}) (i32.const 4096)))\n"
                + "(call $log_hex (i32.const ${resp}) (i32.const 200))";
    }

    /** Inserts blob {@code row}; traps unless the host answered an Ok response. */
    public static String insertOrTrap(String table, String row) {
        return "(drop (call $insert_row (i32.const ${t:" + table + "}) (i32.const ${t:" + table + ".len}) (i32.const ${"
                + row
                + "}) (i32.const ${" + row + ".len}) (i32.const ${resp}) (i32.const 4096)))\n"
                + "(if (i32.ne (i32.load8_u (i32.const ${resp})) (i32.const 0)) (then unreachable))";
    }

    /** Runs the encoded children call in blob {@code call} ({@link #importChildren}) and logs the response as hex. */
    public static String childCallAndLog(String call) {
        return "(call $log_packed (call $children (i32.const ${" + call + "}) (i32.const ${" + call + ".len})))";
    }

    /** Runs the encoded host call in blob {@code call} and logs the response as hex. */
    public static String hostCallAndLog(String call) {
        return "(call $log_packed (call $host_call (i32.const ${" + call + "}) (i32.const ${" + call + ".len})))";
    }
}
