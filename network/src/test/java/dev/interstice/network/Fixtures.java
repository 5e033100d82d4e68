package dev.interstice.network;

import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static dev.interstice.runtime.testing.ModuleFixture.insertOrTrap;
import static dev.interstice.runtime.testing.TestNode.hostCall;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.testing.ModuleFixture;
import java.util.List;

/** Test modules (WAT-built, ABI 6). */
final class Fixtures {
    private Fixtures() {}

    static final TableSchema LEDGER = ModuleFixture.simpleTable(
            "ledger",
            true,
            Persistence.LOGGED,
            Visibility.PUBLIC,
            List.of(new FieldDef("amount", IntersticeType.U64)),
            List.of());
    static final TableSchema VAULT = ModuleFixture.simpleTable(
            "vault",
            true,
            Persistence.LOGGED,
            Visibility.PRIVATE,
            List.of(new FieldDef("amount", IntersticeType.U64)),
            List.of());
    static final Row ENTRY = new Row(u64(0), List.of(u64(10)));
    static final TypeDef LEDGER_TYPE = new TypeDef.Struct(
            "ledger", List.of(new FieldDef("id", IntersticeType.U64), new FieldDef("amount", IntersticeType.U64)));
    static final String RETURN_42 = "(i64.or (i64.shl (i64.const ${answer}) (i64.const 32)) (i64.const ${answer.len}))";

    /** Public module "bank": public ledger, private vault. */
    static ModuleFixture bank() {
        return ModuleFixture.module("bank")
                .table(LEDGER)
                .table(VAULT)
                .type(LEDGER_TYPE)
                .blob("entry", Abi.encodeRow(ENTRY))
                .blob("answer", Abi.encodeValue(u64(42)))
                .reducer("record", List.of(), List.of("ledger"), insertOrTrap("ledger", "entry"))
                .reducer("hide", List.of(), List.of("vault"), insertOrTrap("vault", "entry"))
                .reducer(
                        "add",
                        List.of(
                                new FieldDef("amount", IntersticeType.U64),
                                new FieldDef("note", IntersticeType.STRING)),
                        List.of(),
                        "(call $log_hex (local.get $ptr) (local.get $len))")
                .reducer("boom", List.of(), List.of(), "unreachable")
                .reducer(
                        "burst",
                        List.of(),
                        List.of("ledger"),
                        "(local $i i32) (loop $l " + insertOrTrap("ledger", "entry")
                                + " (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))")
                .reducer(
                        "wipe",
                        List.of(),
                        List.of("ledger"),
                        "(drop (call $clear_table (i32.const ${t:ledger}) (i32.const ${t:ledger.len})))")
                .query("total", List.of(), IntersticeType.U64, List.of(), RETURN_42)
                .query(
                        "greet",
                        List.of(new FieldDef("name", IntersticeType.STRING)),
                        IntersticeType.U64,
                        List.of(),
                        "(call $log_hex (local.get $ptr) (local.get $len))" + RETURN_42);
    }

    /** Private module "secret" with a public table. */
    static ModuleFixture secret() {
        return ModuleFixture.module("secret")
                .visibility(Visibility.PRIVATE)
                .table(ModuleFixture.simpleTable(
                        "notes",
                        true,
                        Persistence.EPHEMERAL,
                        Visibility.PUBLIC,
                        List.of(new FieldDef("n", IntersticeType.U64)),
                        List.of()))
                .blob("answer", Abi.encodeValue(u64(7)))
                .reducer("poke", List.of(), List.of(), "")
                .query("peek", List.of(), IntersticeType.U64, List.of(), RETURN_42);
    }

    /**
     * Module "caller": node dependency "bank-node" at {@code bankAddress}; {@code pay} calls bank.record there,
     * {@code ask} queries bank.total there (the response is logged), {@code on_ledger} receives the ledger's inserts,
     * {@code on_ledger_delete} its deletes, {@code on_connect} logs peers. Each received insert is also recorded in
     * its own public table {@code seen}; {@code note} inserts there directly.
     */
    static byte[] caller(String bankAddress) {
        return callerFixture(bankAddress).build();
    }

    /** {@link #caller} expecting node "bank-node" to present the key {@code fingerprint} (docs/abi.md §5). */
    static byte[] caller(String bankAddress, String fingerprint) {
        return callerFixture(bankAddress)
                .blob(
                        "node_keys",
                        new dev.interstice.runtime.module.NodeKeys(java.util.Map.of("bank-node", fingerprint)).encode())
                .func("(func (export \"interstice_node_keys\") (result i64)"
                        + " (i64.or (i64.shl (i64.const ${node_keys}) (i64.const 32)) (i64.const ${node_keys.len})))")
                .build();
    }

    static ModuleFixture callerFixture(String bankAddress) {
        var f = ModuleFixture.module("caller")
                .type(LEDGER_TYPE)
                .table(ModuleFixture.simpleTable(
                        "seen",
                        true,
                        Persistence.EPHEMERAL,
                        Visibility.PUBLIC,
                        List.of(new FieldDef("amount", IntersticeType.U64)),
                        List.of()))
                .blob("entry", Abi.encodeRow(ENTRY))
                .reducer("note", List.of(), List.of("seen"), insertOrTrap("seen", "entry"))
                .blob(
                        "pay",
                        hostCall(new HostCall.CallReducer(
                                Selection.other("bank-node"),
                                Selection.other("bank"),
                                "record",
                                IntersticeValue.vec())))
                .blob(
                        "ask",
                        hostCall(new HostCall.CallQuery(
                                Selection.other("bank-node"), Selection.other("bank"), "total", IntersticeValue.vec())))
                .reducer("pay", List.of(), List.of(), hostCallAndLog("pay"))
                .reducer("ask", List.of(), List.of(), hostCallAndLog("ask"))
                .subscribe(
                        "on_ledger",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.INSERT,
                                Selection.other("bank-node"),
                                "bank",
                                "ledger"))
                .reducer(
                        "on_ledger",
                        List.of(new FieldDef("row", new IntersticeType.Named("ledger"))),
                        List.of("seen"),
                        "(call $log_hex (local.get $ptr) (local.get $len))" + insertOrTrap("seen", "entry"))
                .subscribe(
                        "on_ledger_delete",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.DELETE,
                                Selection.other("bank-node"),
                                "bank",
                                "ledger"))
                .reducer(
                        "on_ledger_delete",
                        List.of(new FieldDef("row", new IntersticeType.Named("ledger"))),
                        List.of(),
                        "(call $log_hex (local.get $ptr) (local.get $len))")
                .subscribe("on_connect", new SubscriptionEvent.Core(SubscriptionEvent.Simple.CONNECT))
                .reducer(
                        "on_connect",
                        List.of(new FieldDef("node_id", IntersticeType.STRING)),
                        List.of(),
                        "(call $log_hex (local.get $ptr) (local.get $len))");
        return f.nodeDependency("bank-node", bankAddress);
    }

    static final TableSchema BLOBS = ModuleFixture.simpleTable(
            "blobs",
            true,
            Persistence.LOGGED,
            Visibility.PUBLIC,
            List.of(new FieldDef("data", IntersticeType.STRING)),
            List.of());
    static final TypeDef BLOB_TYPE = new TypeDef.Struct(
            "blob", List.of(new FieldDef("id", IntersticeType.U64), new FieldDef("data", IntersticeType.STRING)));
    /** Length of the string {@code big.huge} answers. */
    static final int HUGE = 100_000;

    /**
     * Public module "big": public table {@code blobs} of 600-byte strings; {@code fill} inserts 100 rows (about 60 KB),
     * {@code wipe} clears the table, query {@code huge} answers a string of {@link #HUGE} 'x's (built in memory).
     */
    static ModuleFixture big() {
        byte[] huge = Abi.encodeValue(IntersticeValue.str("x".repeat(HUGE)));
        int at = 131072; // third page: clear of the allocator's start
        return ModuleFixture.module("big")
                .memory(4, null)
                .table(BLOBS)
                .type(BLOB_TYPE)
                .blob("row", Abi.encodeRow(new Row(u64(0), List.of(IntersticeValue.str("b".repeat(600))))))
                .blob("hugehead", java.util.Arrays.copyOf(huge, huge.length - HUGE))
                .reducer(
                        "fill",
                        List.of(),
                        List.of("blobs"),
                        "(local $i i32) (loop $l " + insertOrTrap("blobs", "row")
                                + " (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))")
                .reducer(
                        "wipe",
                        List.of(),
                        List.of("blobs"),
                        "(drop (call $clear_table (i32.const ${t:blobs}) (i32.const ${t:blobs.len})))")
                .query(
                        "huge",
                        List.of(),
                        IntersticeType.STRING,
                        List.of(),
                        "(memory.copy (i32.const " + at + ") (i32.const ${hugehead}) (i32.const ${hugehead.len}))"
                                + "(memory.fill (i32.add (i32.const " + at
                                + ") (i32.const ${hugehead.len})) (i32.const 120) (i32.const " + HUGE + "))"
                                + "(i64.or (i64.shl (i64.const " + at
                                + ") (i64.const 32)) (i64.extend_i32_u (i32.add (i32.const ${hugehead.len}) (i32.const "
                                + HUGE + "))))");
    }

    /** Module "mirror": node dependency "big-node" at {@code bigAddress}; logs every insert into and delete from big.blobs there. */
    static byte[] mirror(String bigAddress) {
        var f = ModuleFixture.module("mirror").type(BLOB_TYPE);
        for (var kind : List.of(SubscriptionEvent.TableEventKind.INSERT, SubscriptionEvent.TableEventKind.DELETE)) {
            String reducer = "on_" + kind.name().toLowerCase();
            f.subscribe(reducer, new SubscriptionEvent.Table(kind, Selection.other("big-node"), "big", "blobs"))
                    .reducer(
                            reducer,
                            List.of(new FieldDef("row", new IntersticeType.Named("blob"))),
                            List.of(),
                            "(call $log_hex (local.get $ptr) (local.get $len))");
        }
        return withNodeDependency(f, "big-node", bigAddress);
    }

    /** Module "watch": node dependency "app-node" at {@code appAddress}; {@code on_seen} logs inserts into caller.seen there. */
    static byte[] watch(String appAddress) {
        var f = ModuleFixture.module("watch")
                .type(LEDGER_TYPE)
                .subscribe(
                        "on_seen",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.INSERT, Selection.other("app-node"), "caller", "seen"))
                .reducer(
                        "on_seen",
                        List.of(new FieldDef("row", new IntersticeType.Named("ledger"))),
                        List.of(),
                        "(call $log_hex (local.get $ptr) (local.get $len))");
        return withNodeDependency(f, "app-node", appAddress);
    }

    static byte[] withNodeDependency(ModuleFixture f, String name, String address) {
        return f.nodeDependency(name, address).build();
    }

    /** The arguments logged by a fixture reducer that logs its call input. */
    static List<IntersticeValue> loggedArgs(byte[] logged) {
        return Abi.readCallInput(new PostcardReader(logged)).args();
    }

    static String loggedCaller(byte[] logged) {
        return Abi.readCallInput(new PostcardReader(logged)).context().callerNodeId();
    }
}
