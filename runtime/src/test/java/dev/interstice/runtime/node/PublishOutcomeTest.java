package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.runtime.testing.ModuleFixture.insertOrTrap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.engine.EngineConfig;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installing a module is all or nothing: a failing init or load hook leaves the node as it was, and says why. */
class PublishOutcomeTest {
    static final TableSchema NOTES = ModuleFixture.simpleTable(
            "notes",
            false,
            Persistence.LOGGED,
            Visibility.PUBLIC,
            List.of(new FieldDef("n", IntersticeType.U64)),
            List.of());
    static final Row FIRST = new Row(u64(1), List.of(u64(10)));
    static final Row SECOND = new Row(u64(2), List.of(u64(20)));

    /** Module "diary": init inserts note 1; load runs {@code loadBody}; {@code add} inserts note 2. */
    static ModuleFixture diary(String loadBody) {
        return ModuleFixture.module("diary")
                .table(NOTES)
                .blob("first", Abi.encodeRow(FIRST))
                .blob("second", Abi.encodeRow(SECOND))
                .subscribe("on_init", new SubscriptionEvent.Core(SubscriptionEvent.Simple.INIT))
                .subscribe("on_load", new SubscriptionEvent.Core(SubscriptionEvent.Simple.LOAD))
                .reducer("on_init", List.of(), List.of("notes"), insertOrTrap("notes", "first"))
                .reducer("on_load", List.of(), List.of("notes"), loadBody)
                .reducer("add", List.of(), List.of("notes"), insertOrTrap("notes", "second"));
    }

    static CallException.Kind kind(Throwable e) {
        return ((CallException) e).kind();
    }

    @Test
    void aTrappingLoadHookLeavesNothingBehindNotEvenTheInitHooksRows(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThatThrownBy(
                            () -> t.node.load("diary.wasm", diary("unreachable").build()))
                    .isInstanceOf(CallException.class)
                    .satisfies(e -> assertThat(kind(e)).isEqualTo(CallException.Kind.TRAP))
                    .hasMessageStartingWith("module 'diary' was not published: its load hook 'on_load' trapped: ")
                    .hasMessageContaining("unreachable");
            assertThat(t.node.schema("diary")).isEmpty();
            assertThat(t.node.modules()).isEmpty();
            // nothing was stored either: a fixed version installs from scratch and its init runs
            t.node.load("diary.wasm", diary("").build());
            assertThat(t.node.rows("diary", "notes")).containsExactly(FIRST);
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.rows("diary", "notes")).containsExactly(FIRST);
        }
    }

    @Test
    void anInitHookPastItsDeadlineIsReportedAsADeadline() {
        try (var t = new TestNode(TestNode.fastDeadline())) {
            var spinning = ModuleFixture.module("spinner")
                    .subscribe("on_init", new SubscriptionEvent.Core(SubscriptionEvent.Simple.INIT))
                    .reducer("on_init", List.of(), List.of(), "(loop $l (br $l))");
            assertThatThrownBy(() -> t.node.load(spinning.build()))
                    .isInstanceOf(CallException.class)
                    .satisfies(e -> assertThat(kind(e)).isEqualTo(CallException.Kind.DEADLINE))
                    .hasMessageStartingWith(
                            "module 'spinner' was not published: its init hook 'on_init' hit its deadline: ");
            assertThat(t.node.schema("spinner")).isEmpty();
        }
    }

    @Test
    void aReplacementWhoseLoadHookTrapsKeepsThePreviousVersionAndItsRows(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.load(diary("").build());
            t.node.call("diary", "add", List.of());
            var broken = diary("unreachable").reducer("brand_new", List.of(), List.of(), "");
            for (boolean reset : List.of(false, true))
                assertThatThrownBy(() -> t.node.replace(broken.build(), reset))
                        .isInstanceOf(CallException.class)
                        .satisfies(e -> assertThat(kind(e)).isEqualTo(CallException.Kind.TRAP))
                        .hasMessageStartingWith("module 'diary' was not published: its load hook 'on_load' trapped: ")
                        .hasMessageEndingWith("(the previous version stays loaded with its rows)");
            assertThat(t.node.schema("diary").orElseThrow().reducer("brand_new"))
                    .isEmpty();
            assertThat(t.node.rows("diary", "notes")).containsExactly(FIRST, SECOND);
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.schema("diary").orElseThrow().reducer("brand_new"))
                    .isEmpty();
            assertThat(t.node.rows("diary", "notes")).containsExactly(FIRST, SECOND);
        }
    }

    @Test
    void aLoadHookThatTrapsOnRestartDoesNotStopTheNode(@TempDir Path dir) {
        // the load hook inserts note 2: fine the first time, a duplicate key (trap) on every later start
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.load(diary(insertOrTrap("notes", "second")).build());
            assertThat(t.node.rows("diary", "notes")).containsExactly(FIRST, SECOND);
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.schema("diary")).isPresent();
            assertThat(t.node.rows("diary", "notes")).containsExactly(FIRST, SECOND);
            assertThatThrownBy(() -> t.node.call("diary", "add", List.of())).isInstanceOf(CallException.class);
        }
    }

    @Test
    void aModuleWhoseStartFunctionTrapsIsRefusedAsAModuleNotAnInternalError() {
        try (var t =
                new TestNode(NodeConfig.inMemory().withEngine(new EngineConfig(64L << 20, Duration.ofSeconds(5))))) {
            var trapsAtStart = ModuleFixture.module("fragile").func("(func $boom unreachable) (start $boom)");
            assertThatThrownBy(() -> t.node.load("fragile.wasm", trapsAtStart.build()))
                    .isInstanceOf(ModuleException.class)
                    .hasMessageContaining("module 'fragile.wasm' failed while starting")
                    .hasMessageContaining("trapped");
            var randomAtStart = ModuleFixture.module("eager").func("(func $seed (drop (call $random))) (start $seed)");
            assertThatThrownBy(() -> t.node.load("eager.wasm", randomAtStart.build()))
                    .isInstanceOf(ModuleException.class)
                    .hasMessageContaining("module 'eager.wasm' failed while starting")
                    .hasMessageContaining("interstice_random is not available while a module describes itself");
        }
    }
}
