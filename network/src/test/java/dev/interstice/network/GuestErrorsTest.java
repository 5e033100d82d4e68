package dev.interstice.network;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static dev.interstice.runtime.testing.TestNode.hostCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.testing.Fragile;
import dev.interstice.runtime.testing.ModuleFixture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A guest's abort or panic message reaches callers over the network: clients, and modules on other nodes. */
@Timeout(60)
class GuestErrorsTest {
    NetNode fragile;

    @BeforeEach
    void start() {
        fragile = new NetNode("fragile-node");
        fragile.t.node.load(Fragile.module().build());
    }

    @AfterEach
    void stop() {
        fragile.close();
    }

    @Test
    void aClientSeesTheAbortMessage() {
        try (var c = fragile.client()) {
            NetworkException e = catchThrowableOfType(
                    NetworkException.class, () -> c.call("fragile", "save", List.of(str("")), true));
            assertThat(e.errorKind()).isEqualTo(ErrorKind.TRAP);
            assertThat(e).hasMessage("reducer fragile.save failed: " + Fragile.SAVE_ERROR);
            NetworkException q =
                    catchThrowableOfType(NetworkException.class, () -> c.query("fragile", "check", List.of()));
            assertThat(q).hasMessage("query fragile.check failed: " + Fragile.CHECK_ERROR);
        }
    }

    @Test
    void aModuleOnAnotherNodeSeesThePanicOfItsRemoteQuery() {
        try (var app = new NetNode("app-node")) {
            var asker = ModuleFixture.module("asker")
                    .blob(
                            "ask",
                            hostCall(new HostCall.CallQuery(
                                    Selection.other("fragile-node"),
                                    Selection.other("fragile"),
                                    "check",
                                    IntersticeValue.vec())))
                    .reducer("ask", List.of(), List.of(), hostCallAndLog("ask"));
            app.t.node.load(Fixtures.withNodeDependency(asker, "fragile-node", fragile.address()));
            app.t.node.call("asker", "ask", List.of());
            byte[] response = app.t.hexLogsOf("asker").getLast();
            assertThat(response[0]).as("Err").isEqualTo((byte) 1);
            assertThat(new String(response, StandardCharsets.UTF_8))
                    .contains("query fragile.check failed: " + Fragile.CHECK_ERROR);
        }
    }
}
