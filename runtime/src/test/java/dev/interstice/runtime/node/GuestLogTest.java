package dev.interstice.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A guest's log lines are bounded: a module cannot flood the node's log with one call. */
class GuestLogTest {
    static ModuleFixture chatty() {
        return ModuleFixture.module("chatty")
                .blob("accents", "héllo wörld".getBytes(StandardCharsets.UTF_8))
                .reducer("flood", List.of(), List.of(), "(call $log (i32.const 0) (i32.const 100000))")
                .reducer(
                        "accents",
                        List.of(),
                        List.of(),
                        "(call $log (i32.const ${accents}) (i32.const ${accents.len}))")
                .reducer("beyond", List.of(), List.of(), "(call $log (i32.const 0) (i32.const 10000000))");
    }

    @Test
    void aLongLineIsCutToTheDefaultOf4KiBAndSaysHowMuchWasCut() {
        try (var t = new TestNode()) {
            t.node.load(chatty().build());
            t.node.call("chatty", "flood", List.of());
            String line = t.logsOf("chatty").getLast();
            String suffix = " [... 95904 more bytes cut]";
            assertThat(line).endsWith(suffix);
            assertThat(line.substring(0, line.length() - suffix.length()).getBytes(StandardCharsets.UTF_8))
                    .hasSize(4096);
        }
    }

    @Test
    void theLimitIsConfigurableAndNeverSplitsACharacter() {
        try (var t = new TestNode(NodeConfig.inMemory().withMaxLogLineBytes(9))) {
            t.node.load(chatty().build());
            t.node.call("chatty", "accents", List.of());
            // 9 bytes end inside "ö" (2 bytes): the line is cut before it, after "héllo w" (8 bytes)
            assertThat(t.logsOf("chatty").getLast()).isEqualTo("héllo w [... 5 more bytes cut]");
            // a range outside the guest's memory is still an error, not a silently shortened line
            assertThatThrownBy(() -> t.node.call("chatty", "beyond", List.of()))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("outside guest memory");
        }
    }
}
