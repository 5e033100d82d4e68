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

    @BeforeContainer
    static void start() {
        node = new TestNode(NodeConfig.inMemory());
        node.node.load(Fixtures.secret().build()); // the canary: it must keep answering
        canaryAnswer = node.node.query("secret", "peek", List.of());
        seeds = List.of(Fixtures.bank().build(), Fixtures.caller("127.0.0.1:1"));
    }

    @AfterContainer
    static void stop() {
        node.close();
    }

    @Property
    void aMutatedModuleLoadsOrIsRefusedClearly(
            @ForAll("seed") int seed, @ForAll("mutations") List<Mutations.Mutation> mutations) {
        byte[] wasm = Mutations.applyAll(mutations, seeds.get(seed));
        try {
            var schema = node.node.load(wasm);
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
