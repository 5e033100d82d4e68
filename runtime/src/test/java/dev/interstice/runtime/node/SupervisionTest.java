package dev.interstice.runtime.node;

import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static dev.interstice.runtime.testing.TestNode.hostCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.runtime.node.Supervisor.State;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A module whose scheduled reducer traps on every run: each policy bounds what the node does about it. */
class SupervisionTest {
    static final String RAN = "tick ran";

    final TestNode t = new TestNode();

    @AfterEach
    void close() {
        t.close();
    }

    /** {@code arm} schedules {@code tick} at once; {@code tick} logs, then traps. */
    static byte[] flaky() {
        return ModuleFixture.module("flaky")
                .blob("soon", hostCall(new HostCall.Schedule("tick", 0)))
                .blob("ran", RAN.getBytes(StandardCharsets.UTF_8))
                .reducer("arm", List.of(), List.of(), hostCallAndLog("soon"))
                .reducer(
                        "tick",
                        List.of(),
                        List.of(),
                        "(call $log (i32.const ${ran}) (i32.const ${ran.len})) unreachable")
                .build();
    }

    /** Logs the arguments it is notified with, as hex. */
    static byte[] watchdog() {
        return ModuleFixture.module("watchdog")
                .reducer(
                        "on_failure",
                        List.of(
                                new FieldDef("module", IntersticeType.STRING),
                                new FieldDef("reducer", IntersticeType.STRING),
                                new FieldDef("error", IntersticeType.STRING),
                                new FieldDef("failures", IntersticeType.U32)),
                        List.of(),
                        "(call $log_hex (local.get $ptr) (local.get $len))")
                .build();
    }

    long runs() {
        return t.logsOf("flaky").stream().filter(RAN::equals).count();
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Waits long enough for any further run the policy should not make (several back-offs), then checks none came. */
    void noMoreRunsThan(long n) throws InterruptedException {
        Thread.sleep(1000);
        assertThat(runs()).isEqualTo(n);
    }

    State state() {
        return t.node.supervisor().status().stream()
                .filter(h -> h.reducer().equals("tick"))
                .findFirst()
                .orElseThrow()
                .state();
    }

    @Test
    void aFailingScheduleIsRetriedWithBackOffThenGivenUpOn() throws InterruptedException {
        t.node.supervisor().setPolicy("flaky", SupervisionPolicy.parse("retry:3"));
        t.node.load(flaky());
        t.node.call("flaky", "arm", List.of());
        await("three runs", () -> runs() == 3);
        noMoreRunsThan(3);
        assertThat(state()).isEqualTo(State.GAVE_UP);
        var h = t.node.supervisor().status().getFirst();
        assertThat(h.failures()).isEqualTo(3);
        assertThat(h.lastError()).containsIgnoringCase("unreachable");
    }

    @Test
    void theDefaultPolicyRetriesFiveTimesAndNeverSpins() throws InterruptedException {
        t.node.supervisor()
                .setPolicy(
                        "flaky",
                        new SupervisionPolicy(
                                SupervisionPolicy.Action.RETRY,
                                5,
                                Duration.ofMillis(10),
                                Duration.ofMillis(40),
                                null,
                                null));
        t.node.load(flaky());
        t.node.call("flaky", "arm", List.of());
        await("five runs", () -> runs() == 5);
        noMoreRunsThan(5);
    }

    @Test
    void aDisabledHandlerStopsRunningUntilItsModuleIsPublishedAgain() throws InterruptedException {
        t.node.supervisor().setPolicy("flaky", SupervisionPolicy.parse("disable:2"));
        t.node.load(flaky());
        t.node.call("flaky", "arm", List.of());
        await("one run", () -> runs() == 1);
        t.node.call("flaky", "arm", List.of());
        await("disabled", () -> !t.node.supervisor().status().isEmpty() && state() == State.DISABLED);
        assertThat(runs()).isEqualTo(2);

        t.node.call("flaky", "arm", List.of());
        await("the schedule dropped", () -> t.node.pendingSchedules() == 0);
        noMoreRunsThan(2);

        t.node.publish("flaky.wasm", flaky(), false);
        assertThat(t.node.supervisor().status()).as("published again: afresh").isEmpty();
        t.node.call("flaky", "arm", List.of());
        await("it runs again", () -> runs() == 3);
    }

    @Test
    void theUnloadPolicyUnloadsTheModuleKeepingItsData() {
        t.node.supervisor().setPolicy("flaky", SupervisionPolicy.parse("unload:2"));
        t.node.load(flaky());
        t.node.call("flaky", "arm", List.of());
        t.node.call("flaky", "arm", List.of());
        await("unloaded", () -> t.node.unloadedModules().contains("flaky"));
        assertThat(t.node.schema("flaky")).isEmpty();
        assertThat(state()).isEqualTo(State.UNLOADED);
    }

    @Test
    void aSupervisingModuleIsNotifiedEveryNFailures() {
        t.node.load(watchdog());
        t.node.supervisor().setPolicy("flaky", SupervisionPolicy.parse("notify:watchdog.on_failure:2"));
        t.node.load(flaky());
        for (int i = 0; i < 4; i++) t.node.call("flaky", "arm", List.of());
        await("two notifications", () -> t.hexLogsOf("watchdog").size() == 2);
        String hex = HexFormat.of().formatHex(t.hexLogsOf("watchdog").get(1));
        assertThat(hex)
                .contains(HexFormat.of().formatHex("flaky".getBytes(StandardCharsets.UTF_8)))
                .contains(HexFormat.of().formatHex("tick".getBytes(StandardCharsets.UTF_8)))
                .endsWith("04"); // failures: 4
        assertThat(runs()).as("nothing retried").isEqualTo(4);
    }

    @Test
    void policiesParseAndRefuseNonsenseClearly() {
        assertThat(SupervisionPolicy.parse("disable:3").toString()).isEqualTo("disable:3");
        assertThat(SupervisionPolicy.parse("notify:w.f").toString()).isEqualTo("notify:w.f:5");
        assertThat(SupervisionPolicy.parse("retry").maxFailures()).isEqualTo(5);
        assertThat(SupervisionPolicy.DEFAULT.backoffBefore(20)).isEqualTo(SupervisionPolicy.DEFAULT_MAX_BACKOFF);
        assertThatThrownBy(() -> SupervisionPolicy.parse("explode"))
                .hasMessageContaining("use retry, disable, unload or notify");
        assertThatThrownBy(() -> SupervisionPolicy.parse("notify:nobody"))
                .hasMessageContaining("notify:<module>.<reducer>");
        assertThatThrownBy(() -> SupervisionPolicy.parse("retry:0")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> SupervisionPolicy.parse("retry:x")).hasMessageContaining("whole number");
    }
}
