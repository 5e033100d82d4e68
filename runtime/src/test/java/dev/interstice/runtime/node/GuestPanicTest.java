package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.runtime.engine.GuestMessage;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.testing.Fragile;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A guest's panic or abort message, logged by its SDK before it traps, reaches the caller in the error. */
class GuestPanicTest {
    TestNode t;

    @BeforeEach
    void open() {
        t = new TestNode();
        t.node.load(Fragile.module().build());
    }

    @AfterEach
    void close() {
        t.close();
    }

    CallException failure(Runnable call) {
        return catchThrowableOfType(CallException.class, call::run);
    }

    @Test
    void anAbortsMessageAndLocationReachTheCaller() {
        CallException e = failure(() -> t.node.call("fragile", "save", List.of(str(""))));
        assertThat(e.kind()).isEqualTo(CallException.Kind.TRAP);
        assertThat(e).hasMessage("reducer fragile.save failed: " + Fragile.SAVE_ERROR);
        assertThat(t.logsOf("fragile")).contains("Panic Error: " + Fragile.SAVE_PANIC);
    }

    @Test
    void aRustPanicsTextReachesTheCallerOfAQuery() {
        CallException e = failure(() -> t.node.query("fragile", "check", List.of()));
        assertThat(e).hasMessage("query fragile.check failed: " + Fragile.CHECK_ERROR);
    }

    @Test
    void theMessageIsCutAndItsControlCharactersEscaped() {
        CallException e = failure(() -> t.node.call("fragile", "shout", List.of()));
        assertThat(e.getMessage())
                .startsWith("reducer fragile.shout failed: aborted: \"\\u001b[2J\\\"quoted\\\"\\nxxx")
                .endsWith("xxx...\"")
                .doesNotContain("\u001b")
                .hasSizeLessThan(GuestMessage.MAX_CHARS + 100);
    }

    @Test
    void anInitHookThatAbortsSaysWhyTheModuleWasNotPublished() {
        var hooked = ModuleFixture.module("hooked")
                .blob("why", "Panic Error: no config given".getBytes(StandardCharsets.UTF_8))
                .subscribe("on_init", new SubscriptionEvent.Core(SubscriptionEvent.Simple.INIT))
                .reducer(
                        "on_init",
                        List.of(),
                        List.of(),
                        "(call $log (i32.const ${why}) (i32.const ${why.len})) unreachable");
        CallException e = failure(() -> t.node.load(hooked.build()));
        assertThat(e)
                .hasMessage("module 'hooked' was not published: its init hook 'on_init' aborted: \"no config given\"");
    }

    @Test
    void aPanicLineOfAnEarlierCallDoesNotExplainALaterTrap() {
        t.node.call("fragile", "calm", List.of()); // logs a panic line, then returns normally
        CallException e = failure(() -> t.node.call("fragile", "trap", List.of()));
        assertThat(e).hasMessage("reducer fragile.trap failed: trapped on unreachable instruction");
    }
}
