package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static dev.interstice.runtime.testing.ModuleFixture.insertOrTrap;
import static dev.interstice.runtime.testing.TestNode.hostCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.TypeDef;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import dev.interstice.storage.TxLog;
import dev.interstice.storage.TxRecord;
import dev.interstice.storage.TxTrace;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each logged transaction keeps its trace: the calls it made, nested ones at their depth, and what caused it (a
 * subscriber of a subscriber, a schedule), all in the trace of the one external call they came from.
 */
@Timeout(60)
class TraceRecordTest {
    static final TypeDef ROW = new TypeDef.Struct(
            "row", List.of(new FieldDef("id", IntersticeType.U64), new FieldDef("amount", IntersticeType.U64)));

    static ModuleFixture module(String name, String table) {
        return ModuleFixture.module(name)
                .type(ROW)
                .table(ModuleFixture.simpleTable(
                        table,
                        true,
                        Persistence.LOGGED,
                        Visibility.PUBLIC,
                        List.of(new FieldDef("amount", IntersticeType.U64)),
                        List.of()))
                .blob("entry", Abi.encodeRow(new Row(u64(0), List.of(u64(1)))));
    }

    static byte[] call(String module, String reducer) {
        return hostCall(
                new HostCall.CallReducer(Selection.CURRENT, Selection.other(module), reducer, IntersticeValue.vec()));
    }

    static ModuleFixture subscriber(String name, String table, String source, String sourceTable) {
        return module(name, table)
                .subscribe(
                        "on_row",
                        new SubscriptionEvent.Table(
                                SubscriptionEvent.TableEventKind.INSERT, Selection.CURRENT, source, sourceTable))
                .reducer(
                        "on_row",
                        List.of(new FieldDef("row", new IntersticeType.Named("row"))),
                        List.of(table),
                        insertOrTrap(table, "entry"));
    }

    @Test
    void recordsNestedCallsByDepthAndWhatCausedEachTransaction(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.load(module("leaf", "leaves")
                    .reducer("grow", List.of(), List.of("leaves"), insertOrTrap("leaves", "entry"))
                    .build());
            t.node.load(module("mid", "ticks")
                    .blob("grow", call("leaf", "grow"))
                    .blob("tick", hostCall(new HostCall.Schedule("tick", 0)))
                    .reducer("relay", List.of(), List.of(), hostCallAndLog("grow") + hostCallAndLog("tick"))
                    .reducer("tick", List.of(), List.of("ticks"), insertOrTrap("ticks", "entry"))
                    .build());
            t.node.load(module("top", "unused")
                    .blob("relay", call("mid", "relay"))
                    .blob("grow", call("leaf", "grow"))
                    .reducer("go", List.of(), List.of(), hostCallAndLog("relay") + hostCallAndLog("grow"))
                    .build());
            t.node.load(subscriber("first", "notes", "leaf", "leaves").build());
            t.node.load(subscriber("second", "marks", "first", "notes").build());

            long go = t.node.call("top", "go", List.of()).txId();
            // the log is read from disk: wait for the records written after the call returned
            await(() -> t.node.readLog(go, 100, r -> true).size() == 6); // go, 2 first, 2 second, tick
            List<TxLog.Entry> log = t.node.readLog(go, 100, r -> true);

            TxTrace root = record(log, go).trace();
            assertThat(root.parent()).isNull();
            assertThat(root.calls())
                    .containsExactly(
                            new TxTrace.Call(TxTrace.Kind.LOCAL, 1, "", "", "mid", "relay"),
                            new TxTrace.Call(TxTrace.Kind.LOCAL, 2, "", "", "leaf", "grow"),
                            new TxTrace.Call(TxTrace.Kind.SCHEDULE, 2, "", "", "mid", "tick"),
                            new TxTrace.Call(TxTrace.Kind.LOCAL, 1, "", "", "leaf", "grow"));

            List<TxRecord> firsts = byModule(log, "first");
            assertThat(firsts).hasSize(2); // one per insert into leaf.leaves
            for (TxRecord f : firsts) assertThat(f.trace().parent()).isEqualTo(new TxTrace.Parent("", go, "", go));
            List<TxRecord> seconds = byModule(log, "second");
            assertThat(seconds).hasSize(2);
            for (TxRecord s : seconds) {
                TxTrace.Parent p = s.trace().parent();
                assertThat(p.traceTx())
                        .as("the trace's root stays the external call")
                        .isEqualTo(go);
                assertThat(firsts.stream().map(TxRecord::txId)).contains(p.tx()); // caused by a subscriber
            }
            TxRecord tick = byModule(log, "mid").getFirst();
            assertThat(tick.origin().trigger()).isEqualTo("schedule");
            assertThat(tick.trace().parent()).isEqualTo(new TxTrace.Parent("", go, "", go));

            long other = t.node.call("leaf", "grow", List.of()).txId(); // another external call: a trace of its own
            await(() -> t.node.readLog(other, 100, r -> true).size() == 3);
            for (TxLog.Entry e : t.node.readLog(other + 1, 100, r -> true))
                assertThat(e.record().trace().parent().traceTx()).isEqualTo(other);
        }
    }

    /** A schedule pending over a restart keeps the transaction that made it: its run after the restart links there. */
    @Test
    void aScheduledRunAfterARestartLinksToTheTransactionThatScheduledIt(@TempDir Path dir) {
        var clock = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000L);
        byte[] later = module("later", "ticks")
                .blob("tick", hostCall(new HostCall.Schedule("tick", 3_600_000)))
                .reducer("arm", List.of(), List.of(), hostCallAndLog("tick"))
                .reducer("tick", List.of(), List.of("ticks"), insertOrTrap("ticks", "entry"))
                .build();
        NodeConfig config = NodeConfig.at(dir).withClock(clock::get);
        long first;
        long arm;
        try (var t = new TestNode(config)) {
            t.node.load(later);
            first = t.node.call("later", "arm", List.of()).txId(); // each arm is a trace of its own
            arm = t.node.call("later", "arm", List.of()).txId();
        }
        clock.addAndGet(3_600_000); // both due as the node opens again
        try (var t = new TestNode(config)) {
            await(() -> t.node.rows("later", "ticks").size() == 2);
            await(() ->
                    byModule(t.node.readLog(arm + 1, 100, r -> true), "later").size() == 2);
            List<TxRecord> ticks = byModule(t.node.readLog(arm + 1, 100, r -> true), "later");
            assertThat(ticks).allSatisfy(r -> assertThat(r.origin().trigger()).isEqualTo("schedule"));
            assertThat(ticks.stream().map(r -> r.trace().parent()))
                    .containsExactly(new TxTrace.Parent("", first, "", first), new TxTrace.Parent("", arm, "", arm));
        }
    }

    private static TxRecord record(List<TxLog.Entry> log, long tx) {
        return log.stream()
                .map(TxLog.Entry::record)
                .filter(r -> r.txId() == tx)
                .findFirst()
                .orElseThrow();
    }

    private static List<TxRecord> byModule(List<TxLog.Entry> log, String module) {
        return log.stream()
                .map(TxLog.Entry::record)
                .filter(r -> r.origin() != null && r.origin().module().equals(module))
                .toList();
    }

    private static void await(BooleanSupplier done) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s").isLessThan(deadline);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
