package dev.interstice.runtime.node;

import static dev.interstice.runtime.testing.NetFixture.await;
import static dev.interstice.runtime.testing.NetFixture.data;
import static dev.interstice.runtime.testing.NetFixture.events;
import static dev.interstice.runtime.testing.NetFixture.field;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.host.NetworkCall;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.authority.network.NetworkPolicy;
import dev.interstice.runtime.testing.NetFixture;
import dev.interstice.runtime.testing.TestNode;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS terminated by the node: the peer's chain and host name are verified; trust comes from the JDK and the policy. */
class NetworkTlsTest {
    static final char[] PASSWORD = "changeit".toCharArray();
    static KeyStore keys;
    static X509Certificate cert;

    TestNode t;
    SSLServerSocket server;
    Thread serverThread;

    /** A self-signed certificate for "localhost" (and 127.0.0.1), made with the JDK's keytool. */
    @BeforeAll
    static void certificate(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        var p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "san=dns:localhost,ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        new String(PASSWORD),
                        "-keypass",
                        new String(PASSWORD))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        keys = KeyStore.getInstance("PKCS12");
        try (var in = new FileInputStream(store.toFile())) {
            keys.load(in, PASSWORD);
        }
        cert = (X509Certificate) keys.getCertificate("server");
    }

    @AfterEach
    void close() throws Exception {
        if (t != null) t.close();
        if (server != null) server.close();
        if (serverThread != null) serverThread.join();
    }

    /** An echo server speaking TLS with the self-signed certificate: it answers "hi" then closes. */
    private int startServer() throws Exception {
        var kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        var ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket)
                ctx.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        serverThread = Thread.ofVirtual().start(() -> {
            try (var s = server.accept()) {
                s.getOutputStream().write("hi".getBytes(UTF_8));
                s.getOutputStream().flush();
            } catch (IOException ignored) {
                // a refused handshake ends here too
            }
        });
        return server.getLocalPort();
    }

    private IntersticeValue.Enum connect(NetworkPolicy policy, String serverName) throws Exception {
        int port = startServer();
        t = NetworkAuthorityTest.node(policy);
        t.node.publish(
                "net.wasm",
                new NetFixture("net")
                        .call("connect", new NetworkCall.TcpConnect("127.0.0.1", port, true, serverName))
                        .build(),
                false);
        t.node.call("net", "connect", List.of());
        await(() -> !events(t, "net").isEmpty(), "the first network event");
        return events(t, "net").getFirst();
    }

    @Test
    void aCertificateTrustedByThePolicyConnectsAndCarriesData() throws Exception {
        var first = connect(NetworkPolicy.loopbackOnly().withTrusted(List.of(cert)), "localhost");
        assertThat(first.variant()).isEqualTo("Connected");
        await(() -> events(t, "net").stream().anyMatch(e -> e.variant().equals("Closed")), "Closed");
        var received = events(t, "net").stream()
                .filter(e -> e.variant().equals("Received"))
                .toList();
        assertThat(new String(data(received.getFirst()), UTF_8)).isEqualTo("hi");
    }

    @Test
    void anUntrustedCertificateIsRefused() throws Exception {
        var first = connect(NetworkPolicy.loopbackOnly(), "localhost");
        assertThat(first.variant()).isEqualTo("ConnectFailed");
        assertThat(field(first, "error").toString()).contains("TLS");
    }

    @Test
    void aHostNameTheCertificateDoesNotNameIsRefused() throws Exception {
        var first = connect(NetworkPolicy.loopbackOnly().withTrusted(List.of(cert)), "example.org");
        assertThat(first.variant()).isEqualTo("ConnectFailed");
        assertThat(field(first, "error").toString()).contains("TLS").containsIgnoringCase("example.org");
    }
}
