package dev.interstice.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.network.wire.Message;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.store.Blobs;
import dev.interstice.runtime.store.DirectoryCodeSource;
import dev.interstice.runtime.store.UrlCodeSource;
import dev.interstice.runtime.testing.ModuleFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Modules by content address across nodes (docs/store.md): a node publishing code by its hash that it lacks fetches
 * it through its chain loader (its peers, then configured directories and URLs) and loads it only once verified.
 */
@Timeout(60)
class CodeByHashTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    final List<AutoCloseable> open = new java.util.ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    private NetNode node(String name, java.util.function.UnaryOperator<NetworkConfig> tweak) {
        var n = new NetNode(name, NodeConfig.inMemory(), 0, tweak);
        open.add(n);
        return n;
    }

    static byte[] diary(Visibility v) {
        return ModuleFixture.module("diary")
                .visibility(v)
                .reducer("noop", List.of(), List.of(), "")
                .build();
    }

    /** {@code wasm} with a custom section of {@code size} random bytes appended (the engine ignores it). */
    static byte[] withCustomSection(byte[] wasm, int size) {
        byte[] payload = new byte[size];
        new java.util.Random(1).nextBytes(payload);
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(wasm);
        out.write(0); // custom section
        byte[] name = "ballast".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int length = 1 + name.length + size;
        for (int v = length; ; v >>>= 7) { // LEB128
            if (v < 0x80) {
                out.write(v);
                break;
            }
            out.write((v & 0x7F) | 0x80);
        }
        out.write(name.length);
        out.writeBytes(name);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    @Test
    void aNodeFetchesAModuleItLacksFromAPeerThatHostsIt() {
        // code larger than a's frames: the answer travels in parts
        var a = node("a", c -> c.withMaxFrameBytes(64 * 1024));
        byte[] code = withCustomSection(diary(Visibility.PUBLIC), 200 * 1024);
        String hash = Blobs.hash(code);
        a.t.node.load(code);
        var b = node("b", c -> c.withCodePeer(a.address()));
        try (var admin = b.admin()) {
            var p = (Message.Published) admin.submit(PublishTest.byHash(hash, new byte[0]), WAIT);
            assertThat(p.module()).isEqualTo("diary");
            admin.call("diary", "noop", List.of(), false);
            assertThat(b.t.node.codeHash("diary")).isEqualTo(hash);
            // now b keeps it: a later publish by hash needs no peer
            assertThat(b.t.node.keptCode(hash)).isEqualTo(code);
        }
    }

    @Test
    void theNodesItsModulesDependOnAreAskedToo() {
        var a = node("bank-node", c -> c);
        a.t.node.load(Fixtures.bank().build());
        byte[] code = diary(Visibility.PUBLIC);
        a.t.node.load(code);
        var b = node("b", c -> c); // no --code-peer: its module "caller" depends on a
        b.t.node.load(Fixtures.caller(a.address()));
        var p = b.t.node.publishByHash(Blobs.hash(code), dev.interstice.runtime.node.Node.PublishOptions.DEFAULT);
        assertThat(p.module()).isEqualTo("diary");
    }

    @Test
    void aPrivateModulesCodeIsSharedWithTheAdminOnly() {
        var a = node("a", c -> c);
        byte[] code = diary(Visibility.PRIVATE);
        String hash = Blobs.hash(code);
        a.t.node.load(code);
        try (var anyone = a.client();
                var admin = a.admin()) {
            PublishTest.failsWith(
                    ErrorKind.NOT_FOUND,
                    () -> anyone.fetchContent(Message.ContentKind.MODULE_CODE, hash),
                    "shares no module code with hash " + hash);
            assertThat(anyone.codeHashes()).isEmpty();
            assertThat(admin.fetchContent(Message.ContentKind.MODULE_CODE, hash))
                    .isEqualTo(code);
            assertThat(admin.codeHashes()).containsExactly(new Message.ModuleCode("diary", hash));
        }
        // so a peer (not the admin) does not get it either
        var b = node("b", c -> c.withCodePeer(a.address()));
        try (var admin = b.admin()) {
            PublishTest.failsWith(
                    ErrorKind.NOT_FOUND,
                    () -> admin.submit(PublishTest.byHash(hash, new byte[0]), WAIT),
                    "peer " + a.address() + " (does not have it)");
        }
        assertThat(b.t.node.schema("diary")).isEmpty();
    }

    @Test
    void anUnknownHashIsRefusedNamingEveryPlaceTried() throws IOException {
        var a = node("a", c -> c);
        var b = node("b", c -> c.withCodePeer(a.address()));
        Path modules = Files.createDirectory(dir.resolve("modules"));
        try (var http = Http.serving(new byte[0], 404)) {
            b.t.node.codeSources(List.of(new DirectoryCodeSource(modules), new UrlCodeSource(http.base())));
            String hash = "ab".repeat(32);
            try (var admin = b.admin()) {
                PublishTest.failsWith(
                        ErrorKind.NOT_FOUND,
                        () -> admin.submit(PublishTest.byHash(hash, new byte[0]), WAIT),
                        "this node has no module code with hash " + hash + " and found it nowhere: tried",
                        "its content store (no module's code has this hash)",
                        "peer " + a.address() + " (does not have it)",
                        "directory " + modules + " (does not have it)",
                        http.base() + " (does not have it)");
            }
        }
    }

    @Test
    void codeWhoseDigestIsNotTheHashIsRefusedAndTheNextPlaceAsked() throws IOException {
        var b = node("b", c -> c);
        byte[] code = diary(Visibility.PUBLIC);
        String hash = Blobs.hash(code);
        Path wrong = Files.createDirectory(dir.resolve("wrong"));
        Path right = Files.createDirectory(dir.resolve("right"));
        byte[] tampered = code.clone();
        tampered[tampered.length - 1] ^= 1;
        Files.write(wrong.resolve(hash + ".wasm"), tampered);
        try (var http = Http.serving(diary(Visibility.PRIVATE), 200)) {
            b.t.node.codeSources(List.of(new DirectoryCodeSource(wrong), new UrlCodeSource(http.base())));
            try (var admin = b.admin()) {
                PublishTest.failsWith(
                        ErrorKind.NOT_FOUND,
                        () -> admin.submit(PublishTest.byHash(hash, new byte[0]), WAIT),
                        "directory " + wrong + " (answered " + code.length + " bytes whose SHA-256 is "
                                + Blobs.hash(tampered) + ": refused)",
                        http.base() + " (answered ");
                assertThat(b.t.node.schema("diary")).isEmpty();
                // a directory holding the right bytes, asked after the wrong one, is taken
                Files.write(right.resolve(hash + ".wasm"), code);
                b.t.node.codeSources(List.of(new DirectoryCodeSource(wrong), new DirectoryCodeSource(right)));
                var p = (Message.Published) admin.submit(PublishTest.byHash(hash, new byte[0]), WAIT);
                assertThat(p.module()).isEqualTo("diary");
            }
        }
    }

    @Test
    void aConnectionThatMayPublishNothingMakesTheNodeFetchNothing() {
        var b = node("b", c -> c);
        byte[] code = diary(Visibility.PUBLIC);
        try (var http = Http.serving(code, 200);
                var admin = b.admin()) {
            b.t.node.codeSources(List.of(new UrlCodeSource(http.base())));
            var created = admin.createToken(List.of(Grant.parse("call:*")), null);
            try (var caller = NodeClient.connect(
                            b.address(),
                            NodeClient.Options.client().withToken(TokenCredential.parse(created.credential())));
                    var anyone = b.client()) {
                for (var c : List.of(caller, anyone))
                    PublishTest.failsWith(
                            ErrorKind.UNAUTHORIZED,
                            () -> c.submit(PublishTest.byHash(Blobs.hash(code), new byte[0]), WAIT),
                            "publish");
            }
            assertThat(http.paths).isEmpty();
            assertThat(b.t.node.schema("diary")).isEmpty();
        }
    }

    @Test
    void aModuleIsFetchedOverHttp() {
        var b = node("b", c -> c);
        byte[] code = diary(Visibility.PUBLIC);
        String hash = Blobs.hash(code);
        try (var http = Http.serving(code, 200)) {
            b.t.node.codeSources(List.of(new UrlCodeSource(http.base())));
            var p = b.t.node.publishByHash(hash, dev.interstice.runtime.node.Node.PublishOptions.DEFAULT);
            assertThat(p.module()).isEqualTo("diary");
            assertThat(http.paths).containsExactly("/code/" + hash + ".wasm");
        }
    }

    /** A loopback HTTP server answering every GET with the same status and body, noting the paths asked. */
    record Http(HttpServer server, List<String> paths) implements AutoCloseable {
        static Http serving(byte[] body, int status) {
            try {
                var s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                var paths = new java.util.concurrent.CopyOnWriteArrayList<String>();
                s.createContext("/", x -> {
                    paths.add(x.getRequestURI().getPath());
                    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
                    if (body.length > 0) x.getResponseBody().write(body);
                    x.close();
                });
                s.start();
                return new Http(s, paths);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/code");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
