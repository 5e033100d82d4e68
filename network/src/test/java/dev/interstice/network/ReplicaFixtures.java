package dev.interstice.network;

import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static dev.interstice.runtime.testing.ModuleFixture.insertAndLog;
import static dev.interstice.runtime.testing.TestNode.hostCall;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.TableRef;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.testing.ModuleFixture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The modules of the replica tests: "bank" (the source, on "bank-node") and "copy", which replicates its ledger. */
final class ReplicaFixtures {
    private ReplicaFixtures() {}

    static final String REPLICA = "__replica__bank_node__bank__ledger";
    private static final TableRef LEDGER_THERE =
            new TableRef(Selection.other("bank-node"), Selection.other("bank"), "ledger");

    /** Bank with {@code bump} (row 1's amount becomes 11) and {@code drop1} (deletes row 1). */
    static byte[] bank() {
        return Fixtures.bank()
                .blob("bumped", Abi.encodeRow(new Row(u64(1), List.of(u64(11)))))
                .blob("pk1", Abi.encodeIndexKey(new IndexKey(u64(1))))
                .reducer(
                        "bump",
                        List.of(),
                        List.of("ledger"),
                        "(drop (call $update_row (i32.const ${t:ledger}) (i32.const ${t:ledger.len})"
                                + " (i32.const ${bumped}) (i32.const ${bumped.len})))")
                .reducer(
                        "drop1",
                        List.of(),
                        List.of("ledger"),
                        "(drop (call $delete_row (i32.const ${t:ledger}) (i32.const ${t:ledger.len})"
                                + " (i32.const ${pk1}) (i32.const ${pk1.len})))")
                .build();
    }

    /**
     * Module "copy": replicates bank-node.bank.ledger. {@code on_insert} logs its input, then scans the replica and
     * logs the answer; {@code on_update} and {@code on_delete} log their input; {@code on_sync} logs "synced";
     * {@code write} tries to insert into the replica (logs the result); {@code peek} scans it without declaring the
     * read; {@code scan} scans it (declared). With {@code callOnLoad} its load hook calls bank.record on bank-node.
     */
    static byte[] copy(String bankAddress, boolean callOnLoad) {
        byte[] scan = hostCall(new HostCall.TableScan(Selection.CURRENT, REPLICA));
        var f = ModuleFixture.module("copy")
                .type(Fixtures.LEDGER_TYPE)
                .blob("scan", scan)
                .blob("synced", "synced".getBytes(StandardCharsets.UTF_8))
                .blob("t:" + REPLICA, REPLICA.getBytes(StandardCharsets.UTF_8))
                .blob("entry", Abi.encodeRow(Fixtures.ENTRY))
                .blob(
                        "pay",
                        hostCall(new HostCall.CallReducer(
                                Selection.other("bank-node"),
                                Selection.other("bank"),
                                "record",
                                IntersticeValue.vec())));
        var row = List.of(new FieldDef("row", new IntersticeType.Named("ledger")));
        for (String marker : List.of("inserted", "updated", "deleted"))
            f.blob(marker, marker.getBytes(StandardCharsets.UTF_8));
        f.subscribe("on_insert", table(SubscriptionEvent.TableEventKind.INSERT))
                .reducer(
                        new ReducerSchema("on_insert", row, List.of(LEDGER_THERE), List.of(), List.of(), List.of()),
                        logInput("inserted") + hostCallAndLog("scan"))
                .subscribe("on_update", table(SubscriptionEvent.TableEventKind.UPDATE))
                .reducer(
                        "on_update",
                        List.of(new FieldDef("old", new IntersticeType.Named("ledger")), row.getFirst()),
                        List.of(),
                        logInput("updated"))
                .subscribe("on_delete", table(SubscriptionEvent.TableEventKind.DELETE))
                .reducer("on_delete", row, List.of(), logInput("deleted"))
                .subscribe("on_sync", new SubscriptionEvent.ReplicaSync("bank-node", "bank", "ledger"))
                .reducer("on_sync", List.of(), List.of(), "(call $log (i32.const ${synced}) (i32.const ${synced.len}))")
                .reducer(
                        new ReducerSchema(
                                "write", List.of(), List.of(LEDGER_THERE), List.of(LEDGER_THERE), List.of(), List.of()),
                        insertAndLog(REPLICA, "entry"))
                .reducer(
                        new ReducerSchema("scan", List.of(), List.of(LEDGER_THERE), List.of(), List.of(), List.of()),
                        hostCallAndLog("scan"))
                .reducer("peek", List.of(), List.of(), hostCallAndLog("scan"));
        if (callOnLoad)
            f.subscribe("on_load", new SubscriptionEvent.Core(SubscriptionEvent.Simple.LOAD))
                    .reducer("on_load", List.of(), List.of(), hostCallAndLog("pay"));
        return f.nodeDependency("bank-node", bankAddress)
                .replicate("bank-node", "bank", "ledger")
                .build();
    }

    /** Logs the marker line, then the call input in hex. */
    private static String logInput(String marker) {
        return "(call $log (i32.const ${" + marker + "}) (i32.const ${" + marker + ".len}))"
                + "(call $log_hex (local.get $ptr) (local.get $len))";
    }

    private static SubscriptionEvent table(SubscriptionEvent.TableEventKind kind) {
        return new SubscriptionEvent.Table(kind, Selection.other("bank-node"), "bank", "ledger");
    }

    /**
     * The ids of the rows a handler of copy received, in order: {@code marker} ("inserted", "updated", "deleted") is
     * the line before its logged input; the row is its last argument (the new row of an update).
     */
    static List<Long> events(List<String> copyLogs, String marker) {
        var out = new ArrayList<Long>();
        for (int i = 0; i + 1 < copyLogs.size(); i++) {
            if (!copyLogs.get(i).equals(marker)) continue;
            List<IntersticeValue> args = Fixtures.loggedArgs(HexFormat.of().parseHex(copyLogs.get(i + 1)));
            var row = (IntersticeValue.Vec) args.getLast();
            out.add(((IntersticeValue.U64) row.items().getFirst()).value());
        }
        return out;
    }

    /** The ids in a logged TableScan answer; null if the line is not one (an error answer, or another log). */
    static List<Long> scannedIds(byte[] logged) {
        try {
            var r = new PostcardReader(logged);
            if (r.readU8() != 0) return null;
            long n = r.readVarU64();
            var out = new ArrayList<Long>();
            for (long i = 0; i < n; i++)
                out.add(((IntersticeValue.U64) Abi.readRow(r).primaryKey()).value());
            return r.remaining() == 0 ? out : null;
        } catch (RuntimeException notAScan) {
            return null;
        }
    }

    /** The ids of a node's rows (ledger or its replica), in key order. */
    static List<Long> ids(List<Row> rows) {
        return rows.stream()
                .map(r -> ((IntersticeValue.U64) r.primaryKey()).value())
                .toList();
    }
}
