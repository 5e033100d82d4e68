package dev.interstice.network;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.schema.SubscriptionEvent;
import dev.interstice.network.wire.Frames;
import dev.interstice.network.wire.Message;
import dev.interstice.network.wire.MessageCodec;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.ModuleFixture;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a publisher is told when a module cannot be installed: the kind of failure and a message without Java names. */
@Timeout(60)
class PublishTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    NetNode n;

    @BeforeEach
    void start() {
        n = new NetNode("bank-node", NodeConfig.inMemory(), 0, c -> c.withMaxFrameBytes(64 * 1024));
        n.t.node.load(Fixtures.bank().build());
    }

    @AfterEach
    void stop() {
        n.close();
    }

    static void failsWith(ErrorKind kind, ThrowingRunnable r, String... fragments) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(NetworkException.class, e -> {
            assertThat(e.errorKind()).isEqualTo(kind);
            for (String f : fragments) assertThat(e.getMessage()).contains(f);
            assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("dev.interstice");
        });
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static Message.Publish byHash(String hash, byte[] wasm) {
        return new Message.Publish(0, "", wasm, false, false, List.of(), false, hash);
    }

    @Test
    void aModuleTheNodeKeepsIsPublishedByItsHash() {
        byte[] diary = ModuleFixture.module("diary")
                .reducer("noop", List.of(), List.of(), "")
                .build();
        String hash = dev.interstice.runtime.store.Blobs.hash(diary);
        try (var a = n.admin()) {
            failsWith(
                    ErrorKind.NOT_FOUND,
                    () -> a.submit(byHash(hash, new byte[0]), WAIT),
                    "this node has no module code with hash " + hash);
            a.publish("diary.wasm", diary, false, WAIT);
            a.remove("diary");
            assertThat(n.t.node.schema("diary")).isEmpty();
            var p = (Message.Published) a.submit(byHash(hash, new byte[0]), WAIT);
            assertThat(p.module()).isEqualTo("diary");
            a.call("diary", "noop", List.of(), false);
            failsWith(
                    ErrorKind.BAD_REQUEST,
                    () -> a.submit(byHash(hash, diary), WAIT),
                    "a publish carries either the wasm or its hash, not both");
        }
    }

    @Test
    void aModuleWhoseInitHookTrapsIsNotPublishedAndThePublisherIsToldWhy() {
        var broken = ModuleFixture.module("diary")
                .subscribe("on_init", new SubscriptionEvent.Core(SubscriptionEvent.Simple.INIT))
                .reducer("on_init", List.of(), List.of(), "unreachable");
        try (var a = n.admin()) {
            failsWith(
                    ErrorKind.TRAP,
                    () -> a.publish("diary.wasm", broken.build(), false, WAIT),
                    "module 'diary' was not published: its init hook 'on_init' trapped: ");
            assertThat(n.t.node.schema("diary")).isEmpty();
            // a replacement whose load hook traps: the loaded version stays
            var bank = Fixtures.bank()
                    .subscribe("on_load", new SubscriptionEvent.Core(SubscriptionEvent.Simple.LOAD))
                    .reducer("on_load", List.of(), List.of(), "unreachable");
            a.call("bank", "record", List.of(), false);
            failsWith(
                    ErrorKind.TRAP,
                    () -> a.publish("bank.wasm", bank.build(), false, WAIT),
                    "module 'bank' was not published: its load hook 'on_load' trapped: ",
                    "the previous version stays loaded");
            assertThat(n.t.node.schema("bank").orElseThrow().reducer("on_load")).isEmpty();
            assertThat(a.rows("bank", "ledger")).hasSize(1);
        }
    }

    @Test
    void aReplacingPublishCompilesAndStartsTheModuleOnce() {
        // the start function logs a marker: it runs once per compilation, when the module describes itself
        var loud = Fixtures.bank().func("(func $hello (call $log_i32 (i32.const 0x5eed))) (start $hello)");
        try (var a = n.admin()) {
            a.call("bank", "record", List.of(), false);
            Message.Published p = a.publish("bank.wasm", loud.build(), false, WAIT);
            assertThat(p.replaced()).isTrue();
            assertThat(n.t.logs.stream()
                            .filter(l -> l.message().equals("ed5e0000"))
                            .count())
                    .isEqualTo(1);
            assertThat(a.rows("bank", "ledger")).hasSize(1);
        }
    }

    @Test
    void aGuestFaultWhileTheModuleStartsIsATrapOrAnInvalidModuleNotAnInternalError() {
        try (var a = n.admin()) {
            failsWith(
                    ErrorKind.TRAP,
                    () -> a.publish(
                            "fragile.wasm",
                            ModuleFixture.module("fragile")
                                    .func("(func $boom unreachable) (start $boom)")
                                    .build(),
                            false,
                            WAIT),
                    "module 'fragile.wasm' failed while starting",
                    "trapped");
            failsWith(
                    ErrorKind.INVALID_MODULE,
                    () -> a.publish(
                            "eager.wasm",
                            ModuleFixture.module("eager")
                                    .func("(func $seed (drop (call $random))) (start $seed)")
                                    .build(),
                            false,
                            WAIT),
                    "interstice_random is not available while a module describes itself");
            assertThat(a.query("bank", "total", List.of())).isNotNull(); // the connection is fine
        }
    }

    @Test
    void aModuleLargerThanTheNodesFrameLimitIsRefusedBeforeItIsSent() {
        try (var a = n.admin()) {
            assertThat(a.maxFrameBytes()).isEqualTo(64 * 1024); // announced by the node
            failsWith(
                    ErrorKind.UNSUPPORTED,
                    () -> a.publish("big.wasm", new byte[3 << 20], false, WAIT),
                    "module too large (3.0 MiB; the limit is 0.1 MiB, the largest message node 'bank-node' accepts)");
            failsWith(
                    ErrorKind.UNSUPPORTED,
                    () -> a.publish("big.wasm", new byte[70 * 1024], false, WAIT),
                    "module too large (0.1 MiB, 71680 bytes; the limit is 0.1 MiB, 65499 bytes");
            assertThat(a.isOpen()).isTrue();
            assertThat(a.query("bank", "total", List.of())).isNotNull();
        }
    }

    @Test
    void aRequestLargerThanTheNodeAcceptsIsRefusedHereAndTheConnectionStaysUsable() {
        try (var a = n.admin()) {
            failsWith(
                    ErrorKind.UNSUPPORTED,
                    () -> a.call("bank", "add", List.of(u64(1), str("x".repeat(100 * 1024))), false),
                    "the call of bank.add was not sent: its message has ",
                    "more than node 'bank-node' accepts (65536 bytes)");
            assertThat(a.isOpen()).isTrue();
            assertThat(a.query("bank", "total", List.of())).isNotNull();
        }
    }

    @Test
    void theNodesClosingReasonIsShownEvenWhenAConnectionResetFollowsIt() throws Exception {
        try (var fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var clientSawClosing = new CountDownLatch(1);
            // a node that answers the handshake, reads one request, says why it is leaving, then resets the connection
            Thread.startVirtualThread(() -> {
                try (Socket s = fake.accept()) {
                    var in = s.getInputStream();
                    Frames.read(in, 1 << 20);
                    Frames.write(
                            s.getOutputStream(),
                            MessageCodec.encode(new Message.Welcome(
                                    MessageCodec.MAJOR,
                                    MessageCodec.MINOR,
                                    "fake-id",
                                    "fake",
                                    new byte[32],
                                    1 << 20,
                                    16)));
                    s.getOutputStream().flush();
                    Frames.read(in, 1 << 20);
                    Frames.write(
                            s.getOutputStream(),
                            MessageCodec.encode(new Message.Closing("going down for maintenance")));
                    s.getOutputStream().flush();
                    clientSawClosing.await(10, TimeUnit.SECONDS);
                    s.setSoLinger(true, 0); // close with a reset (RST), not a clean end of stream
                } catch (Exception ignored) {
                    // test over
                }
            });
            var opts = NodeClient.Options.client()
                    .withListener(
                            m -> {
                                if (m instanceof Message.Closing) clientSawClosing.countDown();
                            },
                            reason -> {});
            try (var c = NodeClient.connect("127.0.0.1:" + fake.getLocalPort(), opts)) {
                failsWith(ErrorKind.CONNECTION_LOST, c::ping, "closed by the node: going down for maintenance");
                failsWith(
                        ErrorKind.CONNECTION_LOST,
                        c::ping,
                        "is closed (closed by the node: going down for maintenance)");
            }
        }
    }
}
