package dev.interstice.runtime.node;

import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.GpuCodec;
import dev.interstice.abi.host.gpu.BufferUsage;
import dev.interstice.abi.host.gpu.GpuCall;
import dev.interstice.abi.host.gpu.GpuResponse;
import dev.interstice.abi.schema.Authority;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A module's Gpu calls reach the node decoded and are answered as GpuResponses, refused where Gpu is not held. */
class GpuCallsTest {
    TestNode t;

    @AfterEach
    void close() {
        if (t != null) t.close();
    }

    private static ModuleFixture painter(boolean holdsGpu) {
        var m = ModuleFixture.module("painter")
                .blob(
                        "create",
                        GpuCodec.encodeHostCall(
                                new GpuCall.CreateBuffer(64, BufferUsage.of(BufferUsage.VERTEX), false)))
                .reducer("paint", List.of(), List.of(), hostCallAndLog("create"));
        return holdsGpu ? m.authority(Authority.GPU) : m;
    }

    private GpuResponse paint() {
        t.node.call("painter", "paint", List.of());
        return GpuCodec.decodeResponse(t.hexLogsOf("painter").getLast());
    }

    @Test
    void aNodeWithoutGpuAnswersTheCallWithGpuResponseErr() {
        t = new TestNode();
        t.node.publish("painter.wasm", painter(false).build(), false);
        assertThat(paint()).isEqualTo(new GpuResponse.Err("the Gpu authority is not available on this node"));
    }

    @Test
    void aNodeOfferingGpuAnswersItsHolder() {
        var offered = EnumSet.of(Authority.MODULE, Authority.NETWORK, Authority.GPU);
        t = new TestNode(
                NodeConfig.inMemory().withAuthorities(AuthorityConfig.headless().withOffered(offered)));
        t.node.publish("painter.wasm", painter(true).build(), false);
        assertThat(paint()).isEqualTo(new GpuResponse.Err("this node's GPU device is not open (yet)"));
    }

    /** Through the whole path: guest host call, decoded, run on a real device, the id answered to the guest. */
    @Test
    void aNodeWithAGpuDeviceRunsTheHoldersCallsAndFreesThemWhenItIsRemoved() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("DISPLAY") != null, "GPU tests run under Xvfb");
        var offered = EnumSet.of(Authority.MODULE, Authority.NETWORK, Authority.GPU);
        t = new TestNode(
                NodeConfig.inMemory().withAuthorities(AuthorityConfig.headless().withOffered(offered)));
        var gpu = dev.interstice.runtime.authority.gpu.GpuAuthority.offscreen(
                new dev.interstice.runtime.authority.gpu.GpuAuthority.Size(8, 8));
        t.node.authorities().attachGpu(gpu);
        t.node.publish("painter.wasm", painter(true).build(), false);
        assertThat(paint()).isEqualTo(new GpuResponse.I64(0));
        assertThat(paint()).isEqualTo(new GpuResponse.I64(1));
        assertThat(gpu.objects()).isEqualTo(2);
        t.node.remove("painter");
        assertThat(gpu.objects()).isZero();
    }

    @Test
    void aModuleNotHoldingGpuIsRefused() {
        var offered = EnumSet.of(Authority.MODULE, Authority.NETWORK, Authority.GPU);
        t = new TestNode(
                NodeConfig.inMemory().withAuthorities(AuthorityConfig.headless().withOffered(offered)));
        t.node.publish("painter.wasm", painter(false).build(), false);
        assertThat(paint())
                .isEqualTo(new GpuResponse.Err(
                        "module 'painter' does not hold the Gpu authority (declare it in the module's authorities)"));
    }
}
