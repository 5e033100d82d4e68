package dev.interstice.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.interstice.runtime.engine.GuestTrapException.Kind;
import dev.interstice.runtime.testing.StubHost;
import dev.interstice.runtime.testing.Wat;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deadlines, stack exhaustion and the memory cap. */
class EngineLimitsTest {

    private static final long DEADLINE_MS = 200;
    private static final long CAP_PAGES = 4;

    private static WasmEngine engine;
    private static CompiledModule guest;
    private static CompiledModule outer;

    /** Calls interstice_host_call (where tests nest calls into other instances), then spins if asked to. */
    private static final String OUTER_WAT = """
            (module
              (import "interstice" "interstice_host_call" (func $host_call (param i32 i32) (result i64)))
              (memory 1)
              (func (export "call_host") (result i64)
                (call $host_call (i32.const 0) (i32.const 0)))
              (func (export "call_host_then_spin")
                (drop (call $host_call (i32.const 0) (i32.const 0)))
                (loop $forever (br $forever))))
            """;

    @BeforeAll
    static void compile() {
        engine = new WasmEngine(new EngineConfig(CAP_PAGES * 65536, Duration.ofMillis(DEADLINE_MS)));
        guest = engine.compile("guest", Wat.resource("engine/guest.wat"));
        outer = engine.compile("outer", Wat.assemble(OUTER_WAT));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /**
     * Runs {@code body} on a fresh thread; if it has not finished after {@code limitMs}, interrupts it so a broken
     * deadline cannot hang the build, and fails.
     */
    private static <T> T onWorker(long limitMs, Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("guest-worker").start(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        t.join(limitMs);
        if (t.isAlive()) {
            t.interrupt();
            t.join(5_000);
            throw new AssertionError("guest call still running after " + limitMs + " ms");
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw (Error) e.getCause();
        }
    }

    @Test
    void infiniteLoopEndsAtTheDeadlineAndTheThreadServesTheNextCall() throws Exception {
        String report = onWorker(2_000, () -> {
            GuestInstance g = guest.instantiate(new StubHost());
            long start = System.nanoTime();
            GuestTrapException e = catchThrowableOfType(
                    GuestTrapException.class, () -> g.export("spin").call());
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(e).isNotNull();
            assertThat(e.kind()).isEqualTo(Kind.DEADLINE);
            assertThat(e)
                    .hasMessageStartingWith("module 'guest': ")
                    .hasMessageContaining("'spin'")
                    .hasMessageContaining("exceeded its deadline of 200 ms");
            assertThat(elapsedMs).isBetween(DEADLINE_MS, 1_500L);
            assertThat(g.isBroken()).isTrue();
            assertThat(Thread.currentThread().isInterrupted())
                    .as("interrupt flag cleared")
                    .isFalse();

            // Same thread, next call: runs normally, and so does blocking code.
            GuestInstance next = guest.instantiate(new StubHost());
            assertThat(next.export("add").call(1, 2)).isEqualTo(3);
            Thread.sleep(DEADLINE_MS + 50);
            assertThat(next.export("add").call(2, 2)).isEqualTo(4);
            return "ok";
        });
        assertThat(report).isEqualTo("ok");
    }

    @Test
    void theWatchdogOutlivesAnErrorThrownInsideATick() throws Exception {
        var thrown = new java.util.concurrent.atomic.AtomicInteger();
        Watchdog.tickProbe = () -> {
            if (thrown.getAndIncrement() < 3) {
                throw new OutOfMemoryError("simulated: the heap is full");
            }
        };
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (thrown.get() == 0) { // until a tick has failed
                assertThat(System.nanoTime()).as("the watchdog ticks").isLessThan(until);
                Thread.sleep(5);
            }
            GuestTrapException e = onWorker(2_000, () -> {
                GuestInstance g = guest.instantiate(new StubHost());
                return catchThrowableOfType(
                        GuestTrapException.class, () -> g.export("spin").call());
            });
            assertThat(e.kind()).as("a runaway call is still stopped").isEqualTo(Kind.DEADLINE);
        } finally {
            Watchdog.tickProbe = null;
        }
    }

    @Test
    void callsShorterThanTheDeadlineAreNeverInterrupted() throws Exception {
        onWorker(10_000, () -> {
            GuestInstance g = guest.instantiate(new StubHost());
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * DEADLINE_MS);
            long calls = 0;
            while (System.nanoTime() < end) {
                g.export("add").call(1, 2);
                calls++;
            }
            assertThat(calls).isPositive();
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            return null;
        });
    }

    @Test
    void aRunawayGuestDoesNotDisturbOtherThreads() throws Exception {
        CompletableFuture<GuestTrapException> runaway = CompletableFuture.supplyAsync(
                () -> {
                    GuestInstance g = guest.instantiate(new StubHost());
                    return catchThrowableOfType(
                            GuestTrapException.class, () -> g.export("spin").call());
                },
                r -> Thread.ofPlatform().start(r));
        onWorker(10_000, () -> {
            GuestInstance g = guest.instantiate(new StubHost());
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * DEADLINE_MS);
            while (System.nanoTime() < end) {
                assertThat(g.export("add").call(2, 2)).isEqualTo(4);
            }
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            return null;
        });
        assertThat(runaway.get(5, TimeUnit.SECONDS).kind()).isEqualTo(Kind.DEADLINE);
    }

    @Test
    void callsEndingAroundTheDeadlineLeaveNoStrayInterrupt() throws Exception {
        // Exercises the race between a call returning and the watchdog firing: whichever wins, the thread must come
        // out with its interrupt flag clear.
        try (WasmEngine fast = new WasmEngine(EngineConfig.defaults().withCallDeadline(Duration.ofMillis(15)))) {
            CompiledModule m = fast.compile("busy", Wat.resource("engine/guest.wat"));
            onWorker(20_000, () -> {
                // Warm up the JIT, then calibrate on the fastest of a few runs (a pause must not make calls too short).
                // Cold runs may themselves hit the short deadline: that only costs a fresh instance.
                GuestInstance probe = m.instantiate(new StubHost());
                long best = Long.MAX_VALUE;
                for (int i = 0; i < 205; i++) {
                    if (probe.isBroken()) {
                        probe = m.instantiate(new StubHost());
                    }
                    long t0 = System.nanoTime();
                    try {
                        probe.export("busy").call(i < 200 ? 20_000 : 200_000);
                    } catch (GuestTrapException e) {
                        continue;
                    }
                    if (i >= 200) {
                        best = Math.min(best, System.nanoTime() - t0);
                    }
                }
                double perMs = 200_000 / Math.max(0.001, best / 1e6);
                Random random = new Random(7);
                int deadlines = 0;
                int completed = 0;
                // Work sizes hover around the deadline: grow after a call that finished, shrink after one that hit it,
                // so both outcomes (and calls ending right at the deadline) occur however wrong the calibration is
                // on a loaded machine.
                double n = perMs * 20;
                for (int i = 0; i < 40; i++) {
                    GuestInstance g = m.instantiate(new StubHost());
                    try {
                        g.export("busy").call((long) (n * (0.8 + 0.4 * random.nextDouble())));
                        completed++;
                        n *= 1.6;
                    } catch (GuestTrapException e) {
                        assertThat(e.kind()).isEqualTo(Kind.DEADLINE);
                        deadlines++;
                        n *= 0.7;
                    }
                    assertThat(Thread.currentThread().isInterrupted())
                            .as("call %d", i)
                            .isFalse();
                }
                assertThat(completed)
                        .as("some calls finished before the deadline")
                        .isPositive();
                assertThat(deadlines).as("some calls ran past the deadline").isPositive();
                return null;
            });
        }
    }

    @Test
    void nestedCallRunsUnderTheOutermostDeadline() throws Exception {
        long hostWorkMs = 150;
        GuestInstance inner = guest.instantiate(new StubHost());
        onWorker(3_000, () -> {
            GuestInstance o = outer.instantiate(new StubHost() {
                @Override
                public long hostCall(GuestInstance g, int ptr, int len) {
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(hostWorkMs);
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait(); // host work that eats most of the outer budget
                    }
                    return inner.export("spin").call();
                }
            });
            long start = System.nanoTime();
            GuestTrapException e = catchThrowableOfType(
                    GuestTrapException.class, () -> o.export("call_host").call());
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(e.kind()).isEqualTo(Kind.DEADLINE);
            assertThat(e.label()).as("reported where the runaway code was").isEqualTo("guest");
            // A deadline restarted by the nested entry could not end before hostWorkMs + DEADLINE_MS = 350 ms.
            assertThat(elapsedMs).isBetween(DEADLINE_MS, hostWorkMs + DEADLINE_MS - 5);
            assertThat(inner.isBroken()).isTrue();
            assertThat(o.isBroken()).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            return null;
        });
    }

    @Test
    void nestedCallIntoAnotherEngineKeepsTheOutermostDeadline() throws Exception {
        try (WasmEngine lenient = new WasmEngine(EngineConfig.defaults().withCallDeadline(Duration.ofSeconds(30)))) {
            GuestInstance inner =
                    lenient.compile("lenient", Wat.resource("engine/guest.wat")).instantiate(new StubHost());
            onWorker(3_000, () -> {
                GuestInstance o = outer.instantiate(new StubHost() {
                    @Override
                    public long hostCall(GuestInstance g, int ptr, int len) {
                        return inner.export("spin").call();
                    }
                });
                long start = System.nanoTime();
                GuestTrapException e = catchThrowableOfType(
                        GuestTrapException.class, () -> o.export("call_host").call());
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(e.kind()).isEqualTo(Kind.DEADLINE);
                assertThat(e).hasMessageContaining("deadline of 200 ms");
                assertThat(elapsedMs).isBetween(DEADLINE_MS, 1_500L);
                return null;
            });
        }
    }

    @Test
    void returningFromANestedCallDoesNotEndTheOuterDeadline() throws Exception {
        GuestInstance inner = guest.instantiate(new StubHost());
        onWorker(3_000, () -> {
            GuestInstance o = outer.instantiate(new StubHost() {
                @Override
                public long hostCall(GuestInstance g, int ptr, int len) {
                    return inner.export("add").call(1, 2);
                }
            });
            GuestTrapException e = catchThrowableOfType(
                    GuestTrapException.class,
                    () -> o.export("call_host_then_spin").call());
            assertThat(e.kind()).isEqualTo(Kind.DEADLINE);
            assertThat(e.label()).isEqualTo("outer");
            assertThat(inner.isBroken()).isFalse();
            assertThat(inner.export("add").call(2, 3)).isEqualTo(5);
            return null;
        });
    }

    @Test
    void nestedCallsReturnResultsAndPassHostExceptionsThrough() throws Exception {
        GuestInstance inner = guest.instantiate(new StubHost());
        GuestInstance o = outer.instantiate(new StubHost() {
            @Override
            public long hostCall(GuestInstance g, int ptr, int len) {
                return inner.export("add64").call(40, 2);
            }
        });
        assertThat(o.export("call_host").call()).isEqualTo(42);

        IllegalArgumentException own = new IllegalArgumentException("abort from the runtime");
        GuestInstance failingInner = guest.instantiate(new StubHost() {
            @Override
            public void log(GuestInstance g, int ptr, int len) {
                throw own;
            }
        });
        GuestInstance o2 = outer.instantiate(new StubHost() {
            @Override
            public long hostCall(GuestInstance g, int ptr, int len) {
                return failingInner.export("say_hello").call();
            }
        });
        assertThatThrownBy(() -> o2.export("call_host").call()).isSameAs(own);
        assertThat(failingInner.isBroken()).isTrue();
        assertThat(o2.isBroken()).isTrue();
    }

    @Test
    void foreignInterruptIsNotReportedAsADeadline() throws Exception {
        try (WasmEngine slow = new WasmEngine(EngineConfig.defaults().withCallDeadline(Duration.ofSeconds(30)))) {
            CompiledModule m = slow.compile("slow", Wat.resource("engine/guest.wat"));
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<Thread> worker = new AtomicReference<>();
            CompletableFuture<Object[]> outcome = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().start(() -> {
                GuestInstance g = m.instantiate(new StubHost());
                worker.set(Thread.currentThread());
                started.countDown();
                GuestTrapException e = catchThrowableOfType(
                        GuestTrapException.class, () -> g.export("spin").call());
                outcome.complete(new Object[] {e, Thread.currentThread().isInterrupted()});
            });
            started.await();
            Thread.sleep(50);
            t.interrupt();
            Object[] r = outcome.get(5, TimeUnit.SECONDS);
            GuestTrapException e = (GuestTrapException) r[0];
            assertThat(e.kind()).isEqualTo(Kind.TRAP);
            assertThat(e).hasMessageContaining("interrupted").hasMessageContaining("not by the call deadline");
            assertThat((Boolean) r[1])
                    .as("someone else's interrupt is left for them")
                    .isTrue();
            t.join(5_000);
        }
    }

    @Test
    void infiniteRecursionExhaustsTheStack() throws Exception {
        onWorker(10_000, () -> {
            GuestInstance g = guest.instantiate(new StubHost());
            GuestTrapException e = catchThrowableOfType(
                    GuestTrapException.class, () -> g.export("recurse").call(0));
            assertThat(e.kind()).isEqualTo(Kind.STACK_EXHAUSTED);
            assertThat(e).hasMessageContaining("'recurse'").hasMessageContaining("call stack");
            assertThat(g.isBroken()).isTrue();
            GuestInstance next = guest.instantiate(new StubHost());
            assertThat(next.export("add").call(1, 1)).isEqualTo(2);
            return null;
        });
    }

    @Test
    void growPastTheCapReturnsMinusOne() {
        GuestInstance g = guest.instantiate(new StubHost());
        assertThat(g.export("grow").call(2)).as("1 -> 3 pages").isEqualTo(1);
        assertThat(g.export("grow").call(2))
                .as("3 -> 5 pages is above the cap of 4")
                .isEqualTo(-1);
        assertThat(g.export("grow").call(1)).as("3 -> 4 pages").isEqualTo(3);
        assertThat(g.memorySize()).isEqualTo(CAP_PAGES * 65536);
        assertThat(g.isBroken()).isFalse();
    }

    @Test
    void trapAfterARefusedGrowIsAMemoryLimit() {
        GuestInstance g = guest.instantiate(new StubHost());
        assertThat(g.export("grow_or_trap").call(1)).isEqualTo(2);
        GuestTrapException e = catchThrowableOfType(
                GuestTrapException.class, () -> g.export("grow_or_trap").call(10));
        assertThat(e.kind()).isEqualTo(Kind.MEMORY_LIMIT);
        assertThat(e).hasMessageContaining("'grow_or_trap'").hasMessageContaining("memory cap of 262144 bytes");
        assertThat(g.isBroken()).isTrue();
    }

    @Test
    void refusedGrowThatTheGuestSurvivedDoesNotColourALaterTrap() {
        GuestInstance g = guest.instantiate(new StubHost());
        assertThat(g.export("grow").call(100)).isEqualTo(-1);
        GuestTrapException e = catchThrowableOfType(
                GuestTrapException.class, () -> g.export("div").call(1, 0));
        assertThat(e.kind()).isEqualTo(Kind.TRAP);
    }

    @Test
    void allocThatCannotGrowIsAMemoryLimit() {
        GuestInstance g = guest.instantiate(new StubHost());
        GuestTrapException e = catchThrowableOfType(GuestTrapException.class, () -> g.alloc(1 << 20));
        assertThat(e.kind()).isEqualTo(Kind.MEMORY_LIMIT);
        assertThat(e).hasMessageContaining("alloc(1048576) returned 0").hasMessageContaining("262144 bytes");
        assertThat(g.isBroken()).isTrue();
    }

    @Test
    void modulesOwnMaximumIsNotReportedAsTheCap() {
        CompiledModule small = engine.compile("small", Wat.assemble("""
                (module
                  (memory 1 2)
                  (func (export "grow_or_trap") (param i32) (result i32)
                    (if (i32.lt_s (memory.grow (local.get 0)) (i32.const 0)) (then unreachable))
                    (memory.size)))
                """));
        GuestInstance g = small.instantiate(new StubHost());
        GuestTrapException e = catchThrowableOfType(
                GuestTrapException.class, () -> g.export("grow_or_trap").call(3));
        assertThat(e.kind()).isEqualTo(Kind.TRAP);
    }

    @Test
    void declaredMaximumAboveTheCapIsClamped() {
        CompiledModule big = engine.compile("big-max", Wat.assemble("""
                (module
                  (memory 2 1000)
                  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
                """));
        GuestInstance g = big.instantiate(new StubHost());
        assertThat(g.export("grow").call(3)).isEqualTo(-1);
        assertThat(g.export("grow").call(2)).isEqualTo(2);
        assertThat(g.memorySize()).isEqualTo(4 * 65536);
    }

    @Test
    void initialMemoryAboveTheCapIsRefused() {
        CompiledModule huge = engine.compile("huge", Wat.assemble("(module (memory 5))"));
        assertThatThrownBy(() -> huge.instantiate(new StubHost()))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageStartingWith("module 'huge': ")
                .hasMessageContaining("initial memory of 5 pages")
                .hasMessageContaining("262144 bytes");
    }

    @Test
    void startFunctionRunsUnderTheDeadline() throws Exception {
        CompiledModule looping = engine.compile("looping-start", Wat.assemble("""
                (module (func $s (loop $l (br $l))) (start $s))
                """));
        onWorker(2_000, () -> {
            GuestTrapException e =
                    catchThrowableOfType(GuestTrapException.class, () -> looping.instantiate(new StubHost()));
            assertThat(e.kind()).isEqualTo(Kind.DEADLINE);
            assertThat(e).hasMessageContaining("start function");
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            return null;
        });
    }
}
