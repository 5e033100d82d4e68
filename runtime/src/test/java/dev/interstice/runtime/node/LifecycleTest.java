package dev.interstice.runtime.node;

import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static dev.interstice.runtime.testing.ModuleFixture.insertOrTrap;
import static dev.interstice.runtime.testing.TestNode.hostCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifecycleTest {

    static ModuleFixture timer() {
        return ModuleFixture.module("timer")
                .table(TransactionTest.ITEMS)
                .blob("apple", Abi.encodeRow(TransactionTest.APPLE))
                .blob("init", "init ran".getBytes(StandardCharsets.UTF_8))
                .blob("load", "load ran".getBytes(StandardCharsets.UTF_8))
                .blob("later", hostCall(new HostCall.Schedule("tock", 0)))
                .blob("inASecond", hostCall(new HostCall.Schedule("tock", 150)))
                .blob("unknown", hostCall(new HostCall.Schedule("nope", 0)))
                .blob("withArgs", hostCall(new HostCall.Schedule("needs_arg", 0)))
                .subscribe("on_init", new SubscriptionEvent.Core(SubscriptionEvent.Simple.INIT))
                .subscribe("on_load", new SubscriptionEvent.Core(SubscriptionEvent.Simple.LOAD))
                .reducer("on_init", List.of(), List.of(), "(call $log (i32.const ${init}) (i32.const ${init.len}))")
                .reducer("on_load", List.of(), List.of(), "(call $log (i32.const ${load}) (i32.const ${load.len}))")
                .reducer("tick", List.of(), List.of(), hostCallAndLog("later"))
                .reducer("tick_later", List.of(), List.of(), hostCallAndLog("inASecond"))
                .reducer("tick_then_trap", List.of(), List.of(), hostCallAndLog("later") + "unreachable")
                .reducer("bad_ticks", List.of(), List.of(), hostCallAndLog("unknown") + hostCallAndLog("withArgs"))
                .reducer("needs_arg", List.of(new FieldDef("x", IntersticeType.U32)), List.of(), "")
                .reducer("tock", List.of(), List.of("items"), insertOrTrap("items", "apple"));
    }

    static void await(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 5 s");
            Thread.sleep(5);
        }
    }

    @Test
    void initRunsOnFirstLoadOnlyAndLoadOnEveryStart(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.load(timer().build());
            assertThat(t.logsOf("timer")).containsExactly("init ran", "load ran");
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.schema("timer")).isPresent();
            assertThat(t.logsOf("timer")).containsExactly("load ran");
        }
    }

    @Test
    void scheduledReducerRunsAsItsOwnTransaction() throws InterruptedException {
        try (var t = new TestNode()) {
            t.node.load(timer().build());
            t.node.call("timer", "tick", List.of());
            assertThat(t.hexLogsOf("timer").getLast()).containsExactly(0);
            await(() -> t.node.rows("timer", "items").size() == 1);
        }
    }

    @Test
    void delayedScheduleWaitsAndRolledBackSchedulesNeverRun() throws InterruptedException {
        try (var t = new TestNode()) {
            t.node.load(timer().build());
            try {
                t.node.call("timer", "tick_then_trap", List.of());
            } catch (RuntimeException expected) {
                // the schedule belonged to the rolled-back transaction
            }
            long start = System.nanoTime();
            t.node.call("timer", "tick_later", List.of());
            assertThat(t.node.pendingSchedules()).isEqualTo(1);
            await(() -> t.node.rows("timer", "items").size() == 1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(140));
            Thread.sleep(200);
            assertThat(t.node.rows("timer", "items")).hasSize(1);
        }
    }

    @Test
    void aSchedulesDelayCountsFromItsTransactionsTimeNotItsCommit() throws InterruptedException {
        // the clock as the calling thread sees it during the call: T at its first read (the transaction's start), a
        // second later at every read after it (e.g. a commit); then T + 500 ms for everyone. tock is due 150 ms after
        // the transaction's time, so it runs; counted from the commit it would be due at T + 1150 and never run.
        long t0 = 1_000_000;
        var now = new AtomicLong(t0);
        var reads = new AtomicLong();
        var during = new AtomicBoolean();
        Thread caller = Thread.currentThread();
        LongSupplier clock = () -> during.get() && Thread.currentThread() == caller
                ? (reads.getAndIncrement() == 0 ? t0 : t0 + 1000)
                : now.get();
        try (var t = new TestNode(NodeConfig.inMemory().withClock(clock))) {
            t.node.load(timer().build());
            during.set(true);
            t.node.call("timer", "tick_later", List.of());
            during.set(false);
            now.set(t0 + 500);
            await(() -> t.node.rows("timer", "items").size() == 1);
        }
    }

    @Test
    void schedulingAnUnknownOrArgumentTakingReducerIsAnError() {
        try (var t = new TestNode()) {
            t.node.load(timer().build());
            t.node.call("timer", "bad_ticks", List.of());
            var h = t.hexLogsOf("timer");
            assertThat(new String(h.get(h.size() - 2), StandardCharsets.ISO_8859_1))
                    .contains("no reducer 'nope'");
            assertThat(new String(h.getLast(), StandardCharsets.ISO_8859_1)).contains("takes arguments");
            assertThat(t.node.pendingSchedules()).isZero();
        }
    }
}
