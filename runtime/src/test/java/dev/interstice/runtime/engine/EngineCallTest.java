package dev.interstice.runtime.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.interstice.runtime.engine.GuestTrapException.Kind;
import dev.interstice.runtime.testing.StubHost;
import dev.interstice.runtime.testing.Wat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Calls into guests and back: results, memory, host functions, traps and instance isolation. */
class EngineCallTest {

    private static WasmEngine engine;
    private static CompiledModule guest;

    @BeforeAll
    static void compile() {
        engine = new WasmEngine(EngineConfig.defaults());
        guest = engine.compile("guest", Wat.resource("engine/guest.wat"));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /** Records what the guest logs and answers the clock/random/host_call imports. */
    static class RecordingHost extends StubHost {
        final List<String> logs = new ArrayList<>();
        final List<byte[]> hostCalls = new ArrayList<>();

        @Override
        public void log(GuestInstance g, int ptr, int len) {
            logs.add(new String(g.read(ptr, len), UTF_8));
        }

        @Override
        public long hostCall(GuestInstance g, int ptr, int len) {
            hostCalls.add(g.read(ptr, len));
            return ((long) ptr << 32) | len;
        }

        @Override
        public long time(GuestInstance g) {
            return 1_000_000L;
        }

        @Override
        public long random(GuestInstance g) {
            return 42L;
        }
    }

    @Test
    void exportsReturnTheirResults() {
        GuestInstance g = guest.instantiate(new RecordingHost());

        assertThat(g.export("add").call(2, 3)).isEqualTo(5);
        assertThat(g.export("add").call(-7, 2))
                .as("i32 results are sign-extended")
                .isEqualTo(-5);
        assertThat(g.export("add64").call(Long.MAX_VALUE - 1, 1)).isEqualTo(Long.MAX_VALUE);
        long half = g.export("half").call(Double.doubleToRawLongBits(5.0));
        assertThat(Double.longBitsToDouble(half)).isEqualTo(2.5);
        assertThat(g.export("say_hello").call()).as("no result -> 0").isZero();
        assertThat(g.export("time_plus_random").call()).isEqualTo(1_000_042L);
    }

    @Test
    void exportHandlesAreCachedAndNamed() {
        GuestInstance g = guest.instantiate(new RecordingHost());
        GuestInstance.Export add = g.export("add");
        assertThat(g.export("add")).isSameAs(add);
        assertThat(add.name()).isEqualTo("add");
        assertThat(g.module()).isSameAs(guest);
    }

    @Test
    void unknownOrNonFunctionExportIsRefused() {
        GuestInstance g = guest.instantiate(new RecordingHost());
        assertThatThrownBy(() -> g.export("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'guest'")
                .hasMessageContaining("nope");
        assertThatThrownBy(() -> g.export("memory"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory");
    }

    @Test
    void wrongArgumentCountIsRefusedWithoutBreakingTheInstance() {
        GuestInstance g = guest.instantiate(new RecordingHost());
        assertThatThrownBy(() -> g.export("add").call(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("takes 2 arguments, got 1");
        assertThat(g.isBroken()).isFalse();
        assertThat(g.export("add").call(1, 1)).isEqualTo(2);
    }

    @Test
    void hostFunctionReadsTheGuestsMessage() {
        RecordingHost host = new RecordingHost();
        GuestInstance g = guest.instantiate(host);

        g.export("say_hello").call();

        assertThat(host.logs).containsExactly("hello from the guest");
    }

    @Test
    void allocWriteTransformReadRoundTrip() {
        RecordingHost host = new RecordingHost();
        GuestInstance g = guest.instantiate(host);
        byte[] text = "round trip: Interstice!".getBytes(UTF_8);

        int p1 = g.alloc(text.length);
        int p2 = g.alloc(text.length);
        assertThat(p1).isPositive();
        assertThat(p2).as("a second allocation does not overlap the first").isGreaterThanOrEqualTo(p1 + text.length);
        g.write(p1, text);
        g.export("upper").call(p1, text.length);
        assertThat(new String(g.read(p1, text.length), UTF_8)).isEqualTo("ROUND TRIP: INTERSTICE!");

        g.write(p2, new byte[] {9, 1, 2, 3, 9}, 1, 3);
        assertThat(g.export("sum").call(p2, 3)).isEqualTo(6);

        g.export("log").call(p1, 5);
        assertThat(host.logs).containsExactly("ROUND");
        long packed = g.export("call_host").call(p2, 3);
        assertThat(host.hostCalls).singleElement().isEqualTo(new byte[] {1, 2, 3});
        assertThat(packed).isEqualTo(((long) p2 << 32) | 3);
        g.dealloc(p1, text.length);
        assertThat(g.isBroken()).isFalse();
    }

    @Test
    void allocGrowsMemoryAndMemorySizeFollows() {
        GuestInstance g = guest.instantiate(new RecordingHost());
        assertThat(g.memorySize()).isEqualTo(65536);
        int p = g.alloc(100_000);
        assertThat(g.memorySize()).isGreaterThanOrEqualTo(p + 100_000);
        g.write(p + 99_999, new byte[] {7});
        assertThat(g.read(p + 99_999, 1)).containsExactly(7);
    }

    @Test
    void outOfRangeMemoryAccessFromTheHostIsReported() {
        GuestInstance g = guest.instantiate(new RecordingHost());
        int size = g.memorySize();

        assertThat(g.read(size - 4, 4)).hasSize(4);
        assertThat(g.read(size, 0)).isEmpty();
        assertThatThrownBy(() -> g.read(size - 4, 5))
                .isInstanceOf(GuestMemoryException.class)
                .hasMessageContaining("ptr " + (size - 4))
                .hasMessageContaining("len 5")
                .hasMessageContaining("size " + size);
        assertThatThrownBy(() -> g.read(-1, 1))
                .isInstanceOf(GuestMemoryException.class)
                .hasMessageContaining("ptr 4294967295");
        assertThatThrownBy(() -> g.read(0, -1)).isInstanceOf(GuestMemoryException.class);
        assertThatThrownBy(() -> g.read(Integer.MAX_VALUE, 2)).isInstanceOf(GuestMemoryException.class);
        assertThatThrownBy(() -> g.write(size - 1, new byte[2]))
                .isInstanceOf(GuestMemoryException.class)
                .hasMessageContaining("write");
        assertThatThrownBy(() -> g.write(0, new byte[2], 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(g.isBroken())
                .as("host-side range errors do not break the guest")
                .isFalse();
    }

    @Test
    void trapMidCallBreaksOnlyThatInstance() {
        RecordingHost host = new RecordingHost();
        GuestInstance g = guest.instantiate(host);
        GuestInstance other = guest.instantiate(new RecordingHost());
        other.export("inc").call();

        GuestTrapException e = catchThrowableOfType(
                GuestTrapException.class, () -> g.export("boom").call());

        assertThat(e.kind()).isEqualTo(Kind.TRAP);
        assertThat(e.label()).isEqualTo("guest");
        assertThat(e.export()).isEqualTo("boom");
        assertThat(e)
                .hasMessageStartingWith("module 'guest': ")
                .hasMessageContaining("'boom'")
                .hasMessageContaining("unreachable");
        assertThat(host.logs).as("the call did run up to the trap").containsExactly("hello");
        assertThat(g.isBroken()).isTrue();
        assertThatThrownBy(() -> g.export("add").call(1, 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken");

        assertThat(other.isBroken()).isFalse();
        assertThat(other.export("inc").call()).isEqualTo(2);
        GuestInstance fresh = guest.instantiate(new RecordingHost());
        assertThat(fresh.export("add").call(20, 22)).isEqualTo(42);
    }

    @Test
    void outOfBoundsAccessAndDivisionByZeroAreTraps() {
        GuestInstance a = guest.instantiate(new RecordingHost());
        GuestTrapException oob = catchThrowableOfType(
                GuestTrapException.class, () -> a.export("load_oob").call());
        assertThat(oob.kind()).isEqualTo(Kind.TRAP);
        assertThat(oob).hasMessageContaining("'load_oob'").hasMessageContaining("out of bounds");
        assertThat(a.isBroken()).isTrue();

        GuestInstance b = guest.instantiate(new RecordingHost());
        assertThat(b.export("div").call(7, 2)).isEqualTo(3);
        GuestTrapException div = catchThrowableOfType(
                GuestTrapException.class, () -> b.export("div").call(1, 0));
        assertThat(div.kind()).isEqualTo(Kind.TRAP);
        assertThat(div).hasMessageContaining("'div'").hasMessageContaining("divide by zero");
    }

    @Test
    void hostFunctionExceptionPropagatesUnchangedAndBreaksTheInstance() {
        IllegalStateException own = new IllegalStateException("runtime says no");
        GuestInstance g = guest.instantiate(new RecordingHost() {
            @Override
            public void log(GuestInstance gi, int ptr, int len) {
                throw own;
            }
        });

        assertThatThrownBy(() -> g.export("say_hello").call()).isSameAs(own);
        assertThat(g.isBroken()).isTrue();
    }

    @Test
    void hostFunctionErrorPropagates() {
        OutOfMemoryError oom = new OutOfMemoryError("simulated");
        GuestInstance g = guest.instantiate(new RecordingHost() {
            @Override
            public void log(GuestInstance gi, int ptr, int len) {
                throw oom;
            }
        });
        assertThatThrownBy(() -> g.export("say_hello").call()).isSameAs(oom);
        assertThat(g.isBroken()).isTrue();
    }

    @Test
    void hostFunctionMayCallBackIntoTheSameInstance() {
        GuestInstance g = guest.instantiate(new RecordingHost() {
            @Override
            public long hostCall(GuestInstance gi, int ptr, int len) {
                // The runtime allocates response buffers this way while the guest waits in a host call.
                int dst = gi.alloc(len);
                gi.write(dst, gi.read(ptr, len));
                return ((long) dst << 32) | len;
            }
        });
        int p = g.alloc(3);
        g.write(p, new byte[] {4, 5, 6});
        long packed = g.export("call_host").call(p, 3);
        int dst = (int) (packed >>> 32);
        assertThat(dst).isNotEqualTo(p);
        assertThat(g.read(dst, 3)).containsExactly(4, 5, 6);
    }

    @Test
    void manyInstancesOfOneCompiledModuleAreIsolated() {
        List<GuestInstance> instances = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            instances.add(guest.instantiate(new RecordingHost()));
        }
        for (int i = 0; i < instances.size(); i++) {
            GuestInstance g = instances.get(i);
            for (int n = 0; n <= i % 5; n++) {
                g.export("inc").call();
            }
            g.write(2048, new byte[] {(byte) i});
        }
        for (int i = 0; i < instances.size(); i++) {
            GuestInstance g = instances.get(i);
            assertThat(g.export("inc").call()).isEqualTo(i % 5 + 2);
            assertThat(g.read(2048, 1)).containsExactly((byte) i);
        }
    }

    @Test
    void instancesRunConcurrentlyOnDifferentThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    GuestInstance g = guest.instantiate(new RecordingHost());
                    long acc = 0;
                    for (int i = 0; i < 20_000; i++) {
                        acc += g.export("add").call(i, 1);
                    }
                    return acc;
                }));
            }
            long expected = 20_000L * 20_001L / 2;
            for (Future<Long> f : results) {
                assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
