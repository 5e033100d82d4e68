package dev.interstice.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.GpuCodec;
import dev.interstice.abi.codec.InputEvents;
import dev.interstice.abi.host.gpu.BufferUsage;
import dev.interstice.abi.host.gpu.GpuCall;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.gpu.GpuAuthority;
import dev.interstice.runtime.authority.window.WindowSettings;
import dev.interstice.runtime.testing.Displays;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.storage.LogRetention;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay of modules holding Gpu or Input. Gpu: the answers its Gpu calls got (object ids, the surface's size, errors) are logged as
 * the transaction's inputs, and the scratch node, which has no window and no GPU device, offers a Gpu stand-in that
 * answers what the log kept; render frames that change persistent rows are re-executed as frames. The fixture keeps
 * the first bytes of each answer in a persistent table, so an answer the replay got differently diverges. Input: a
 * frame's batch of events is delivered again whole.
 */
class GpuReplayTest {
    @TempDir
    Path dir;

    private static final EnumSet<Authority> OFFERED = EnumSet.of(Authority.MODULE, Authority.GPU, Authority.INPUT);

    /** Makes a buffer and reads the surface's size, keeping both answers; {@code paint} on call, also on render. */
    private static ModuleFixture painter(boolean onRender) {
        var m = ModuleFixture.module("painter")
                .authority(Authority.GPU)
                .table(ModuleFixture.simpleTable(
                        "answers",
                        true,
                        Persistence.LOGGED,
                        Visibility.PUBLIC,
                        List.of(new FieldDef("head", IntersticeType.F64)),
                        List.of()))
                .blob(
                        "create",
                        GpuCodec.encodeHostCall(
                                new GpuCall.CreateBuffer(64, BufferUsage.of(BufferUsage.VERTEX), false)))
                .blob("size", GpuCodec.encodeHostCall(new GpuCall.GetSurfaceSize()))
                .blob("row", Abi.encodeRow(new Row(IntersticeValue.u64(0), List.of(IntersticeValue.f64(0)))))
                // the answer's first 6.5 bytes as a finite double (the row's F64 at offset 4)
                .func("""
                        (func $keep (param $v i64)
                          (i64.store (i32.add (i32.const ${row}) (i32.const 4))
                            (i64.or (i64.const 0x3FF0000000000000) (i64.and (i64.const 0x000FFFFFFFFFFFFF)
                              (i64.load (i32.wrap_i64 (i64.shr_u (local.get $v) (i64.const 32)))))))
                          %s)""".formatted(ModuleFixture.insertOrTrap("answers", "row")))
                .reducer("paint", List.of(), List.of("answers"), """
                        (call $keep (call $host_call (i32.const ${create}) (i32.const ${create.len})))
                        (call $keep (call $host_call (i32.const ${size}) (i32.const ${size.len})))""");
        return onRender ? m.subscribe("paint", new SubscriptionEvent.Core(SubscriptionEvent.Simple.RENDER)) : m;
    }

    /** A real device when WebGPU starts (its ids and its frame's size are answered), else null (errors are). */
    private static GpuAuthority device() {
        try {
            return GpuAuthority.offscreen(new GpuAuthority.Size(64, 48));
        } catch (dev.interstice.webgpu.DawnLibrary.UnavailableException e) {
            return null;
        }
    }

    private Replay.Report replay() {
        return Replay.verify(dir.resolve("node"), Long.MAX_VALUE, dir.resolve("scratch"));
    }

    /** With a display the answers are a real device's; without, errors (no device): fed back all the same. */
    @Test
    void gpuAnswersAreLoggedAsInputsAndFedBackByTheReplaysStandIn() {
        try (Node node = Node.open(NodeConfig.at(dir.resolve("node"))
                .withLogRetention(LogRetention.NONE)
                .withLogSink((m, line) -> {})
                .withAuthorities(AuthorityConfig.headless().withOffered(OFFERED)))) {
            if (System.getenv("DISPLAY") != null) node.authorities().attachGpu(device()); // the node closes it
            node.publish("painter.wasm", painter(false).build(), false);
            for (int i = 0; i < 3; i++) node.call("painter", "paint", List.of());
            var records = node.readLog(
                    0, 100, r -> r.origin() != null && r.origin().reducer().equals("paint"));
            assertThat(records)
                    .hasSize(3)
                    .allSatisfy(e -> assertThat(e.record().inputs()).hasSize(2));
        }
        Replay.Report r = replay();
        assertThat(r.divergence()).isNull();
        assertThat(r.reExecuted()).isGreaterThanOrEqualTo(4); // the publish and the three calls
    }

    /** On a real window (Xvfb): frames that wrote persistent rows are re-run as frames on the windowless scratch node. */
    @Test
    void renderFramesOfAWindowedNodeReplayOnTheWindowlessScratchNode() throws Exception {
        Displays.require();
        try (Node node = Node.open(NodeConfig.at(dir.resolve("node"))
                .withLogRetention(LogRetention.NONE)
                .withLogSink((m, line) -> {})
                .withAuthorities(AuthorityConfig.headless()
                        .withOffered(OFFERED)
                        .withWindow(WindowSettings.window().withSize(64, 48))))) {
            node.start();
            node.publish("painter.wasm", painter(true).build(), false);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (node.readLog(
                                    0,
                                    10,
                                    r -> r.origin() != null
                                            && r.origin().trigger().equals("render"))
                            .size()
                    < 3) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(20);
            }
        }
        Replay.Report r = replay();
        assertThat(r.divergence()).isNull();
        assertThat(r.applied()).isZero();
    }

    /**
     * One frame's input is one transaction of several handler calls: its record names every event of the batch, and the
     * replay delivers the whole batch again (one logged row per event).
     */
    @Test
    void aFramesInputBatchOfSeveralEventsReplaysWhole() {
        var game = ModuleFixture.module("game")
                .authority(Authority.INPUT)
                .table(ModuleFixture.simpleTable(
                        "hits",
                        true,
                        Persistence.LOGGED,
                        Visibility.PUBLIC,
                        List.of(new FieldDef("head", IntersticeType.F64)),
                        List.of()))
                .blob("row", Abi.encodeRow(new Row(IntersticeValue.u64(0), List.of(IntersticeValue.f64(1)))))
                .subscribe("on_input", new SubscriptionEvent.Core(SubscriptionEvent.Simple.INPUT))
                .reducer("on_input", List.of(), List.of("hits"), ModuleFixture.insertOrTrap("hits", "row"));
        try (Node node = Node.open(NodeConfig.at(dir.resolve("node"))
                .withLogRetention(LogRetention.NONE)
                .withLogSink((m, line) -> {})
                .withAuthorities(AuthorityConfig.headless().withOffered(OFFERED)))) {
            node.publish("game.wasm", game.build(), false);
            node.authorities()
                    .input()
                    .deliver(List.of(
                            InputEvents.button(1, 0, true),
                            InputEvents.button(1, 0, false),
                            InputEvents.mouseWheel(1, 0, -40)));
            node.authorities().input().deliver(List.of(InputEvents.button(1, 1, true)));
            assertThat(node.rows("game", "hits")).hasSize(4);
        }
        Replay.Report r = replay();
        assertThat(r.divergence()).isNull();
        assertThat(r.reExecuted()).isEqualTo(3); // the publish and the two frames
    }
}
