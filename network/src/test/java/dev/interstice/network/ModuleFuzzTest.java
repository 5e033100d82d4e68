package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.TestNode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Mutated modules (sections, the describe output in their data, exports, code) loaded into a running node: each loads
 * or is refused with a message, never with a crash or a bug's exception (a null pointer, an index out of bounds, a
 * stack overflow), and the node goes on serving the module it already had. With the tests this runs a bounded
 * sample; {@code scripts/fuzz.sh} runs the long one.
 */
class ModuleFuzzTest {
    private static TestNode node;
    private static List<byte[]> seeds;
    private static IntersticeValue canaryAnswer;
    private static int baselineThreads;
    private static long baselineHeap;
    private static long startedAt;
    private static final java.util.concurrent.atomic.AtomicLong TRIES = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong LOADED = new java.util.concurrent.atomic.AtomicLong();

    @BeforeContainer
    static void start() {
        node = new TestNode(NodeConfig.inMemory());
        node.node.load(Fixtures.secret().build()); // the canary: it must keep answering
        canaryAnswer = node.node.query("secret", "peek", List.of());
        seeds = List.of(Fixtures.bank().build(), Fixtures.caller("127.0.0.1:1"));
        baselineThreads = Thread.activeCount();
        baselineHeap = ProtocolFuzzTest.heapAfterGc();
        startedAt = System.nanoTime();
    }

    @AfterContainer
    static void stop() {
        System.out.printf(
                "ModuleFuzzTest: %d modules (%d loaded, the rest refused) in %d s; platform threads %d at start, %d at"
                        + " end; heap after GC %d MiB at start, %d MiB at end%n",
                TRIES.get(),
                LOADED.get(),
                java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt),
                baselineThreads,
                Thread.activeCount(),
                baselineHeap >> 20,
                ProtocolFuzzTest.heapAfterGc() >> 20);
        node.close();
    }

    @Property
    void aMutatedModuleLoadsOrIsRefusedClearly(
            @ForAll("seed") int seed, @ForAll("mutations") List<Mutations.Mutation> mutations) {
        byte[] wasm = Mutations.applyAll(mutations, seeds.get(seed));
        TRIES.incrementAndGet();
        try {
            var schema = node.node.load(wasm);
            LOADED.incrementAndGet();
            node.node.remove(schema.name());
        } catch (RuntimeException e) {
            assertThat(e)
                    .as(() -> "a refusal, not a bug: " + stackTrace(e))
                    .isNotInstanceOfAny(
                            NullPointerException.class,
                            IndexOutOfBoundsException.class,
                            ClassCastException.class,
                            ArithmeticException.class,
                            NegativeArraySizeException.class,
                            IllegalMonitorStateException.class);
            assertThat(e.getMessage()).as("the refusal says why").isNotBlank();
        }
        assertThat(node.node.query("secret", "peek", List.of())).isEqualTo(canaryAnswer);
    }

    private static String stackTrace(Throwable e) {
        var w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    @Provide
    Arbitrary<Integer> seed() {
        return Arbitraries.integers().between(0, 1);
    }

    @Provide
    Arbitrary<List<Mutations.Mutation>> mutations() {
        return Mutations.some();
    }
}
