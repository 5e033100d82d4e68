package dev.interstice.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.ReducerSchema;
import dev.interstice.runtime.engine.EngineConfig;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A misbehaving guest fails only its own call; a bad module is refused and changes nothing. */
class FailureTest {
    TestNode t;

    @BeforeEach
    void open() {
        t = new TestNode(NodeConfig.inMemory().withEngine(new EngineConfig(16L << 20, Duration.ofMillis(300))));
        t.node.load(TransactionTest.shop().build());
        t.node.load(rogue().build());
    }

    @AfterEach
    void close() {
        t.close();
    }

    static ModuleFixture rogue() {
        return ModuleFixture.module("rogue")
                .func("(func $recurse (param i32) (result i32) (call $recurse (i32.add (local.get 0) (i32.const 1))))")
                .reducer("spin", List.of(), List.of(), "(loop $l (br $l))")
                .reducer("recurse", List.of(), List.of(), "(drop (call $recurse (i32.const 0)))")
                .reducer(
                        "hog",
                        List.of(),
                        List.of(),
                        "(if (i32.eq (memory.grow (i32.const 1000)) (i32.const -1)) (then unreachable))")
                .reducer("oob", List.of(), List.of(), "(drop (i32.load (i32.const -8)))")
                .reducer("bad_host_call", List.of(), List.of(), "(drop (call $host_call (i32.const 0) (i32.const 3)))")
                .reducer("bad_pointer", List.of(), List.of(), "(call $log (i32.const -100) (i32.const 50))")
                .reducer("fine", List.of(), List.of(), "(call $log (i32.const ${ok}) (i32.const ${ok.len}))")
                .blob("ok", "still here".getBytes());
    }

    void stillServing() {
        t.node.call("rogue", "fine", List.of());
        assertThat(t.logsOf("rogue")).contains("still here");
        t.node.call("shop", "add_apple", List.of());
        assertThat(t.node.rows("shop", "items")).hasSize(1);
    }

    @Test
    void infiniteLoopHitsTheDeadline() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> t.node.call("rogue", "spin", List.of()))
                .isInstanceOf(CallException.class)
                .satisfies(e -> assertThat(((CallException) e).kind()).isEqualTo(CallException.Kind.DEADLINE));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        stillServing();
    }

    @Test
    void stackExhaustionMemoryCapOutOfBoundsAndBadHostCallsFailOnlyTheCall() {
        for (String r : List.of("recurse", "hog", "oob", "bad_host_call", "bad_pointer"))
            assertThatThrownBy(() -> t.node.call("rogue", r, List.of()))
                    .as(r)
                    .isInstanceOf(CallException.class)
                    .satisfies(e -> assertThat(((CallException) e).kind()).isEqualTo(CallException.Kind.TRAP));
        stillServing();
    }

    @Test
    void malformedWasmIsRefused() {
        assertThatThrownBy(() -> t.node.load("junk.wasm", new byte[] {0, 'a', 's', 'm', 9, 9}))
                .isInstanceOf(ModuleException.class)
                .hasMessageContaining("junk.wasm");
        stillServing();
    }

    @Test
    void wrongAbiVersionIsRefused() {
        assertThatThrownBy(() ->
                        t.node.load(ModuleFixture.module("old").abiVersion(5).build()))
                .isInstanceOf(ModuleException.class)
                .hasMessageContaining("module 'old' was built for ABI version 5");
        assertThat(t.node.schema("old")).isEmpty();
    }

    @Test
    void undecodableSchemaIsRefused() {
        assertThatThrownBy(() -> t.node.load(
                        "garbled",
                        ModuleFixture.module("x")
                                .describeBytes(new byte[] {6, 1, 'x', 99, 99})
                                .build()))
                .isInstanceOf(ModuleException.class)
                .hasMessageContaining("garbled")
                .hasMessageContaining("does not decode");
    }

    @Test
    void missingWrapperExportIsRefused() {
        var f = ModuleFixture.module("liar");
        var declared = f.schema();
        var withGhost = new dev.interstice.abi.schema.ModuleSchema(
                declared.abiVersion(),
                "liar",
                declared.version(),
                declared.visibility(),
                List.of(new ReducerSchema("ghost", List.of(), List.of(), List.of(), List.of(), List.of())),
                List.of(),
                List.of(),
                List.of(),
                declared.typeDefinitions(),
                List.of(),
                List.of(),
                List.of(),
                List.of());
        assertThatThrownBy(() -> t.node.load(
                        f.describeBytes(Abi.encodeModuleSchema(withGhost)).build()))
                .isInstanceOf(ModuleException.class)
                .hasMessageContaining("__interstice_reducer_wrapper_ghost");
    }

    @Test
    void loadingTheSameModuleTwiceIsRefused() {
        assertThatThrownBy(() -> t.node.load(rogue().build()))
                .isInstanceOf(ModuleException.class)
                .hasMessageContaining("already loaded");
        stillServing();
    }
}
