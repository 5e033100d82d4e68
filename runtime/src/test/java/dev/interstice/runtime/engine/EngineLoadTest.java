package dev.interstice.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.interstice.runtime.engine.GuestTrapException.Kind;
import dev.interstice.runtime.testing.StubHost;
import dev.interstice.runtime.testing.Wat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Loading and linking: what is refused, with which message, and instance initialisation. */
class EngineLoadTest {

    private static final List<WasmType> I32 = List.of(WasmType.I32);
    private static final List<WasmType> NONE = List.of();

    private static WasmEngine engine;

    @BeforeAll
    static void open() {
        engine = new WasmEngine(EngineConfig.defaults());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static CompiledModule compile(String label, String wat) {
        return engine.compile(label, Wat.assemble(wat));
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        EngineConfig d = EngineConfig.defaults();
        assertThat(d.maxMemoryBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(d.callDeadline()).hasSeconds(5);
        assertThat(engine.config()).isEqualTo(d);
        assertThatThrownBy(() -> new EngineConfig(1, java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedBytesAreRefusedWithLabelAndReason() {
        assertThatThrownBy(() -> engine.compile("junk", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageStartingWith("module 'junk': ")
                .hasMessageContaining("malformed");
        assertThatThrownBy(() -> engine.compile("empty", new byte[0]))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageStartingWith("module 'empty': ");
        byte[] truncated = Wat.resource("engine/guest.wat");
        byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length / 2);
        assertThatThrownBy(() -> engine.compile("cut", cut))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageStartingWith("module 'cut': ");
    }

    @Test
    void invalidModuleIsRefusedWithLabelAndReason() {
        // Well-formed binary whose function returns an i64 where it declares an i32 (wat2wasm does not type-check
        // folded bodies here, the engine's validator must).
        byte[] wasm = {
            0x00,
            0x61,
            0x73,
            0x6d,
            0x01,
            0x00,
            0x00,
            0x00, // header
            0x01,
            0x05,
            0x01,
            0x60,
            0x00,
            0x01,
            0x7f, // type: () -> i32
            0x03,
            0x02,
            0x01,
            0x00, // func 0: type 0
            0x0a,
            0x06,
            0x01,
            0x04,
            0x00,
            0x42,
            0x01,
            0x0b // body: i64.const 1, end
        };
        ModuleLoadException e =
                catchThrowableOfType(ModuleLoadException.class, () -> engine.compile("bad-types", wasm));
        assertThat(e).hasMessageStartingWith("module 'bad-types': ").hasMessageContaining("invalid");
        assertThat(e.label()).isEqualTo("bad-types");
    }

    @Test
    void unknownImportIsRefusedNamingModuleAndField() {
        CompiledModule m = compile("needs-foo", """
                (module (import "env" "foo" (func (param i32))))
                """);
        assertThatThrownBy(() -> m.instantiate(new StubHost()))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageStartingWith("module 'needs-foo': ")
                .hasMessageContaining("imports env.foo, which this node does not provide");

        CompiledModule wasi = compile("wasi", """
                (module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32))))
                """);
        assertThatThrownBy(() -> wasi.instantiate(new StubHost()))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageContaining("wasi_snapshot_preview1.fd_write");

        CompiledModule typo = compile("typo", """
                (module (import "interstice" "interstice_logg" (func (param i32 i32))))
                """);
        assertThatThrownBy(() -> typo.instantiate(new StubHost()))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageContaining("interstice.interstice_logg")
                .hasMessageContaining("interstice.interstice_log,");
    }

    @Test
    void importWithTheRightNameButWrongSignatureIsRefused() {
        CompiledModule m = compile("bad-log", """
                (module (import "interstice" "interstice_log" (func (param i32) (result i32))))
                """);
        assertThatThrownBy(() -> m.instantiate(new StubHost()))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageStartingWith("module 'bad-log': ")
                .hasMessageContaining("interstice.interstice_log")
                .hasMessageContaining("(i32) -> (i32)")
                .hasMessageContaining("(i32, i32) -> ()");
        CompiledModule abort = compile("bad-abort", """
                (module (import "env" "abort" (func (param i32 i32 i32))))
                """);
        assertThatThrownBy(() -> abort.instantiate(new StubHost()))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageContaining("env.abort")
                .hasMessageContaining("(i32, i32, i32, i32) -> ()");
    }

    @Test
    void importedMemoryTableOrGlobalIsRefused() {
        CompiledModule m = compile("imports-memory", """
                (module (import "env" "memory" (memory 1)))
                """);
        assertThatThrownBy(() -> m.instantiate(new StubHost()))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageContaining("imports memory env.memory, which this node does not provide");
        CompiledModule g = compile("imports-global", """
                (module (import "env" "g" (global i32)))
                """);
        assertThatThrownBy(() -> g.instantiate(new StubHost()))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageContaining("global env.g");
    }

    @Test
    void everyAbiImportIsDispatchedWithItsArguments() {
        CompiledModule m = compile("all-imports", """
                (module
                  (import "interstice" "interstice_host_call" (func $hc (param i32 i32) (result i64)))
                  (import "interstice" "interstice_log" (func $log (param i32 i32)))
                  (import "interstice" "interstice_time" (func $time (result i64)))
                  (import "interstice" "interstice_random" (func $rnd (result i64)))
                  (import "interstice" "interstice_insert_row" (func $ins (param i32 i32 i32 i32 i32 i32) (result i32)))
                  (import "interstice" "interstice_update_row" (func $upd (param i32 i32 i32 i32) (result i32)))
                  (import "interstice" "interstice_delete_row" (func $del (param i32 i32 i32 i32) (result i32)))
                  (import "interstice" "interstice_clear_table" (func $clr (param i32 i32) (result i32)))
                  (import "interstice" "interstice_get_by_pk" (func $get (param i32 i32 i32 i32 i32 i32) (result i32)))
                  (memory 1)
                  (func (export "run") (result i64)
                    (local $acc i64)
                    (local.set $acc (call $hc (i32.const 1) (i32.const 2)))
                    (call $log (i32.const 3) (i32.const 4))
                    (local.set $acc (i64.add (local.get $acc) (call $time)))
                    (local.set $acc (i64.add (local.get $acc) (call $rnd)))
                    (local.set $acc (i64.add (local.get $acc)
                      (i64.extend_i32_s (call $ins (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5) (i32.const 6)))))
                    (local.set $acc (i64.add (local.get $acc)
                      (i64.extend_i32_s (call $upd (i32.const 7) (i32.const 8) (i32.const 9) (i32.const 10)))))
                    (local.set $acc (i64.add (local.get $acc)
                      (i64.extend_i32_s (call $del (i32.const 11) (i32.const 12) (i32.const 13) (i32.const 14)))))
                    (local.set $acc (i64.add (local.get $acc)
                      (i64.extend_i32_s (call $clr (i32.const 15) (i32.const 16)))))
                    (local.set $acc (i64.add (local.get $acc)
                      (i64.extend_i32_s (call $get (i32.const 17) (i32.const 18) (i32.const 19) (i32.const 20) (i32.const -1) (i32.const 22)))))
                    (local.get $acc)))
                """);
        List<String> calls = new ArrayList<>();
        GuestInstance g = m.instantiate(new HostFunctions() {
            @Override
            public long hostCall(GuestInstance gi, int ptr, int len) {
                calls.add("host_call " + ptr + " " + len);
                return 1L << 40;
            }

            @Override
            public void log(GuestInstance gi, int ptr, int len) {
                calls.add("log " + ptr + " " + len);
            }

            @Override
            public long time(GuestInstance gi) {
                calls.add("time");
                return 1L << 33;
            }

            @Override
            public long random(GuestInstance gi) {
                calls.add("random");
                return 1L << 34;
            }

            @Override
            public int insertRow(GuestInstance gi, int a, int b, int c, int d, int e, int f) {
                calls.add("insert " + a + " " + b + " " + c + " " + d + " " + e + " " + f);
                return 1;
            }

            @Override
            public int updateRow(GuestInstance gi, int a, int b, int c, int d) {
                calls.add("update " + a + " " + b + " " + c + " " + d);
                return 2;
            }

            @Override
            public int deleteRow(GuestInstance gi, int a, int b, int c, int d) {
                calls.add("delete " + a + " " + b + " " + c + " " + d);
                return 4;
            }

            @Override
            public int clearTable(GuestInstance gi, int a, int b) {
                calls.add("clear " + a + " " + b);
                return 8;
            }

            @Override
            public int getByPk(GuestInstance gi, int a, int b, int c, int d, int e, int f) {
                calls.add("get " + a + " " + b + " " + c + " " + d + " " + e + " " + f);
                assertThat(gi).isNotNull();
                return -16;
            }
        });

        long result = g.export("run").call();

        assertThat(calls)
                .containsExactly(
                        "host_call 1 2",
                        "log 3 4",
                        "time",
                        "random",
                        "insert 1 2 3 4 5 6",
                        "update 7 8 9 10",
                        "delete 11 12 13 14",
                        "clear 15 16",
                        "get 17 18 19 20 -1 22");
        assertThat(result).isEqualTo((1L << 40) + (1L << 33) + (1L << 34) + 1 + 2 + 4 + 8 - 16);
    }

    @Test
    void exportedFunctionsCanBeCheckedAndListed() {
        CompiledModule m = engine.compile("guest", Wat.resource("engine/guest.wat"));
        assertThat(m.label()).isEqualTo("guest");
        assertThat(m.exportsFunction("alloc")).isTrue();
        assertThat(m.exportsFunction("memory")).as("memory is not a function").isFalse();
        assertThat(m.exportsFunction("nope")).isFalse();
        assertThat(m.exportedFunctions()).startsWith("alloc", "dealloc", "add").doesNotContain("memory");
        assertThatCode(() -> m.requireFunction("alloc", I32, I32)).doesNotThrowAnyException();
        assertThatCode(() -> m.requireFunction("add64", List.of(WasmType.I64, WasmType.I64), List.of(WasmType.I64)))
                .doesNotThrowAnyException();
        assertThatCode(() -> m.requireFunction("spin", NONE, NONE)).doesNotThrowAnyException();
    }

    @Test
    void missingExportIsRefusedWithExpectedSignature() {
        CompiledModule m = engine.compile("guest", Wat.resource("engine/guest.wat"));
        assertThatThrownBy(() -> m.requireFunction("interstice_describe", NONE, List.of(WasmType.I64)))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageStartingWith("module 'guest': ")
                .hasMessageContaining("interstice_describe")
                .hasMessageContaining("() -> (i64)");
        assertThatThrownBy(() -> m.requireFunction("memory", NONE, NONE))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageContaining("'memory' is a memory");
    }

    @Test
    void wrongExportSignatureNamesExpectedAndActual() {
        CompiledModule m = engine.compile("guest", Wat.resource("engine/guest.wat"));
        assertThatThrownBy(() -> m.requireFunction("alloc", List.of(WasmType.I64), I32))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageStartingWith("module 'guest': ")
                .hasMessageContaining("'alloc'")
                .hasMessageContaining("expected (i64) -> (i32)")
                .hasMessageContaining("has signature (i32) -> (i32)");
        assertThatThrownBy(() -> m.requireFunction("half", List.of(WasmType.F32), List.of(WasmType.F64)))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageContaining("(f64) -> (f64)");
    }

    @Test
    void startFunctionAndInitializeRunAtInstantiation() {
        CompiledModule m = compile("init", """
                (module
                  (global $g (mut i32) (i32.const 0))
                  (func $start (global.set $g (i32.const 7)))
                  (start $start)
                  (func (export "_initialize") (global.set $g (i32.add (global.get $g) (i32.const 10))))
                  (func (export "get") (result i32) (global.get $g)))
                """);
        GuestInstance g = m.instantiate(new StubHost());
        assertThat(g.export("get").call()).isEqualTo(17);
    }

    @Test
    void startFunctionMayCallHostFunctionsOfItsInstance() {
        CompiledModule m = compile("start-logs", """
                (module
                  (import "interstice" "interstice_log" (func $log (param i32 i32)))
                  (memory 1)
                  (data (i32.const 16) "started")
                  (func $start (call $log (i32.const 16) (i32.const 7)))
                  (start $start))
                """);
        List<String> logs = new ArrayList<>();
        m.instantiate(new StubHost() {
            @Override
            public void log(GuestInstance g, int ptr, int len) {
                logs.add(new String(g.read(ptr, len), java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        assertThat(logs).containsExactly("started");
    }

    @Test
    void failingStartFunctionOrInitializeFailsInstantiation() {
        CompiledModule trapStart = compile("trap-start", """
                (module (func $s unreachable) (start $s))
                """);
        GuestTrapException e =
                catchThrowableOfType(GuestTrapException.class, () -> trapStart.instantiate(new StubHost()));
        assertThat(e.kind()).isEqualTo(Kind.TRAP);
        assertThat(e).hasMessageStartingWith("module 'trap-start': ").hasMessageContaining("start function");

        CompiledModule trapInit = compile("trap-init", """
                (module (func (export "_initialize") unreachable))
                """);
        GuestTrapException e2 =
                catchThrowableOfType(GuestTrapException.class, () -> trapInit.instantiate(new StubHost()));
        assertThat(e2.kind()).isEqualTo(Kind.TRAP);
        assertThat(e2).hasMessageContaining("'_initialize'");

        CompiledModule badInit = compile("bad-init", """
                (module (func (export "_initialize") (param i32)))
                """);
        assertThatThrownBy(() -> badInit.instantiate(new StubHost()))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageContaining("_initialize");
    }

    @Test
    void dataSegmentOutsideMemoryIsALoadError() {
        CompiledModule m = compile("bad-data", """
                (module (memory 1) (data (i32.const 65530) "0123456789"))
                """);
        assertThatThrownBy(() -> m.instantiate(new StubHost()))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageStartingWith("module 'bad-data': ");
    }

    @Test
    void moduleWithoutMemoryHasNoGuestMemory() {
        CompiledModule m = compile("no-memory", """
                (module (func (export "one") (result i32) (i32.const 1)))
                """);
        GuestInstance g = m.instantiate(new StubHost());
        assertThat(g.memorySize()).isZero();
        assertThat(g.read(0, 0)).isEmpty();
        assertThatThrownBy(() -> g.read(0, 1)).isInstanceOf(GuestMemoryException.class);
        assertThatThrownBy(() -> g.alloc(8))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageContaining("alloc");
        assertThatCode(() -> g.dealloc(0, 8)).as("no dealloc export: no-op").doesNotThrowAnyException();
        assertThat(g.export("one").call()).isEqualTo(1);
    }

    @Test
    void assemblyScriptAbortEndsTheCallWithTheDecodedMessage() {
        // AssemblyScript strings: UTF-16LE payload, byte length as u32 at ptr - 4.
        CompiledModule m = compile("as-guest", """
                (module
                  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
                  (memory 1)
                  (data (i32.const 252) "\\16\\00\\00\\00b\\00a\\00d\\00 \\00i\\00n\\00p\\00u\\00t\\00 \\00\\e9\\00")
                  (data (i32.const 508) "\\1a\\00\\00\\00a\\00s\\00s\\00e\\00m\\00b\\00l\\00y\\00/\\00i\\00.\\00t\\00s\\00")
                  (func (export "fail") (call $abort (i32.const 256) (i32.const 512) (i32.const 42) (i32.const 7)))
                  (func (export "fail_bare") (call $abort (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 2)))
                  (func (export "fail_garbage") (call $abort (i32.const -8) (i32.const 2) (i32.const 3) (i32.const 4))))
                """);
        GuestInstance g = m.instantiate(new StubHost());
        GuestTrapException e = catchThrowableOfType(
                GuestTrapException.class, () -> g.export("fail").call());
        assertThat(e.kind()).isEqualTo(Kind.ABORT);
        assertThat(e.label()).isEqualTo("as-guest");
        assertThat(e)
                .hasMessageStartingWith("module 'as-guest': ")
                .hasMessageContaining("'fail'")
                .hasMessageContaining("bad input é")
                .hasMessageContaining("assembly/i.ts:42:7");
        assertThat(e.reason()).isEqualTo("aborted: \"bad input é\" (assembly/i.ts:42:7)");
        assertThat(g.isBroken()).isTrue();

        GuestInstance g2 = m.instantiate(new StubHost());
        GuestTrapException bare = catchThrowableOfType(
                GuestTrapException.class, () -> g2.export("fail_bare").call());
        assertThat(bare.kind()).isEqualTo(Kind.ABORT);
        assertThat(bare).hasMessageContaining(":1:2");

        GuestInstance g3 = m.instantiate(new StubHost());
        GuestTrapException garbage = catchThrowableOfType(
                GuestTrapException.class, () -> g3.export("fail_garbage").call());
        assertThat(garbage.kind())
                .as("bad string pointers do not hide the abort")
                .isEqualTo(Kind.ABORT);
        assertThat(garbage).hasMessageContaining(":3:4");
    }

    @Test
    void closedEngineRefusesNewWork() {
        WasmEngine e = new WasmEngine(EngineConfig.defaults());
        CompiledModule m = e.compile("m", Wat.assemble("(module)"));
        e.close();
        e.close(); // idempotent
        assertThatThrownBy(() -> e.compile("m", Wat.assemble("(module)"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> m.instantiate(new StubHost())).isInstanceOf(IllegalStateException.class);
    }
}
