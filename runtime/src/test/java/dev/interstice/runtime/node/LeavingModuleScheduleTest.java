package dev.interstice.runtime.node;

import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static dev.interstice.runtime.testing.TestNode.hostCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.host.HostCall;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A module that leaves the node (unload or remove) takes its pending schedules with it, also across a restart. */
class LeavingModuleScheduleTest {

    static byte[] timer() {
        return ModuleFixture.module("timer")
                .blob("later", hostCall(new HostCall.Schedule("tick", 3_600_000)))
                .reducer("arm", List.of(), List.of(), hostCallAndLog("later"))
                .reducer("tick", List.of(), List.of(), "")
                .build();
    }

    @Test
    void unloadAndRemoveDropPendingSchedules(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.publish("timer.wasm", timer(), false);
            t.node.call("timer", "arm", List.of());
            assertThat(t.node.pendingSchedules()).isEqualTo(1);
            t.node.unload("timer");
            assertThat(t.node.pendingSchedules()).isZero();

            t.node.publish("timer.wasm", timer(), false); // resumes it: the old timer does not come back
            t.node.call("timer", "arm", List.of());
            t.node.remove("timer");
            assertThat(t.node.pendingSchedules()).isZero();
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            assertThat(t.node.pendingSchedules()).as("nothing persisted either").isZero();
        }
    }
}
