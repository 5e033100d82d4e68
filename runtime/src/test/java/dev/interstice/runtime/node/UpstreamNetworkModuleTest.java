package dev.interstice.runtime.node;

import static dev.interstice.runtime.testing.NetFixture.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.testing.TestNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Upstream's default network broker ({@code module_defaults/network.wasm}, built by the Rust SDK) runs unmodified: a
 * TCP exchange with a local server through its connect/send reducers and its result tables. Its binary is not ours to
 * commit: it is read from the upstream mirror at test time (skipped without it). Driven with IP literals only; its DNS
 * socket (bound on 0.0.0.0 at load) is refused by the loopback-only policy, so nothing leaves loopback.
 */
class UpstreamNetworkModuleTest {
    static final Path MIRROR = Path.of("/work/.mirror/Naloween+interstice/repo");

    static byte[] upstreamNetworkWasm() throws Exception {
        assumeTrue(Files.isDirectory(MIRROR), "the upstream mirror is not on this machine");
        var p = new ProcessBuilder(
                        "git",
                        "-C",
                        MIRROR.toString(),
                        "show",
                        "HEAD:crates/interstice-cli/module_defaults/network.wasm")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] wasm = p.getInputStream().readAllBytes();
        assumeTrue(p.waitFor() == 0 && wasm.length > 0, "the mirror has no network.wasm");
        return wasm;
    }

    @Test
    void upstreamsNetworkBrokerConnectsSendsReceivesAndSeesTheClose() throws Exception {
        byte[] wasm = upstreamNetworkWasm();
        try (var t = new TestNode();
                var server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            var schema = t.node.load("network.wasm", wasm);
            String m = schema.name();
            assertThat(t.logsOf(m)).anySatisfy(l -> assertThat(l).contains("failed to bind DNS UDP socket"));

            t.node.call(
                    m,
                    "connect",
                    List.of(
                            IntersticeValue.u64(1),
                            IntersticeValue.str("127.0.0.1"),
                            IntersticeValue.u32(server.getLocalPort())));
            try (Socket peer = server.accept()) {
                await(() -> !t.node.rows(m, "connection").isEmpty(), "the connection row");
                var connection = t.node.rows(m, "connection").getFirst().toString();
                assertThat(connection).contains("connected");
                long handle = handleOf(t, m);
                t.node.call(m, "send", List.of(IntersticeValue.u64(handle), bytes("ping")));
                assertThat(peer.getInputStream().readNBytes(4)).isEqualTo("ping".getBytes(UTF_8));
                peer.getOutputStream().write("pong".getBytes(UTF_8));
                peer.shutdownOutput();
                await(() -> !t.node.rows(m, "connclosed").isEmpty(), "the close row");
            }
            // Inbound { id (the key), owner, handle, data }
            assertThat(t.node.rows(m, "inbound").getFirst().entries().get(2)).isEqualTo(bytes("pong"));
        }
    }

    private static long handleOf(TestNode t, String m) {
        var row = t.node.rows(m, "connection").getFirst();
        // Connection { id (the key), owner, req_id, handle, status, error }
        return ((IntersticeValue.U64) row.entries().get(2)).value();
    }

    private static IntersticeValue bytes(String s) {
        var items = new ArrayList<IntersticeValue>();
        for (byte b : s.getBytes(UTF_8)) items.add(IntersticeValue.u8(b & 0xFF));
        return IntersticeValue.vec(items);
    }
}
