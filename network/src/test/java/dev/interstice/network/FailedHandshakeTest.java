package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A connect whose handshake fails leaves nothing behind: no writer thread, no open socket. */
class FailedHandshakeTest {
    @Test
    void aRefusedHandshakeLeavesNoThreadBehind() throws Exception {
        try (var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // answers every connection by closing it: what a node does with a Hello it will not serve
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        s.getInputStream().read(); // the Hello's first byte, then close
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            String address = "127.0.0.1:" + server.getLocalPort();
            for (int i = 0; i < 20; i++)
                assertThatThrownBy(() -> NodeClient.connect(
                                address, NodeClient.Options.client().withConnectTimeout(Duration.ofSeconds(2))))
                        .isInstanceOf(NetworkException.class)
                        .hasMessageContaining("closed the connection during the handshake");
            NetNode.await("the failed connections' threads to end", () -> writers() == 0);
            assertThat(writers()).isZero();
            server.close();
            acceptor.join(5000);
        }
    }

    private static long writers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("interstice-writer client"))
                .count();
    }
}
