package dev.interstice.cli;

import static dev.interstice.cli.CliEndToEndTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code interstice bundle} and {@code run}: a node packed into an image boots elsewhere the same, tables included. */
@Timeout(180)
class ImageCommandTest {
    private static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");

    @TempDir
    Path home;

    @BeforeEach
    void setHome() {
        System.setProperty("interstice.home", home.toString());
    }

    @AfterEach
    void stop() {
        NodeCommand.RUNNING.forEach(Runnable::run);
        System.clearProperty("interstice.home");
    }

    private static int freePort() throws Exception {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Runs a foreground command on a virtual thread until its node listens; returns what it printed so far. */
    private static StringWriter startInBackground(String... args) throws Exception {
        var out = new StringWriter();
        var err = new StringWriter();
        Thread.startVirtualThread(() -> Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args));
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!out.toString().contains("authorities offered") && System.nanoTime() < until) {
            if (err.toString().contains("error:")) throw new AssertionError(err + "\n" + out);
            Thread.sleep(20);
        }
        assertThat(out.toString()).as("%s", err).contains("listening on");
        return out;
    }

    private static void stopAll() throws Exception {
        NodeCommand.RUNNING.forEach(Runnable::run);
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!NodeCommand.RUNNING.isEmpty() && System.nanoTime() < until) Thread.sleep(20);
    }

    /** A node "src" with hello (main) and bank loaded, some rows written, then stopped. */
    private String sourceNode() throws Exception {
        runningSourceNode(freePort());
        run("call_reducer", "src", "bank", "record").ok();
        String rows = run("rows", "src", "hello", "greetings").ok().out();
        assertThat(rows).contains("Hello, ann!");
        stopAll();
        return rows;
    }

    /** A running node "src" on {@code port} with hello (main) and bank published and hello called once. */
    private void runningSourceNode(int port) throws Exception {
        run("node", "create", "src", String.valueOf(port)).ok();
        startInBackground("node", "start", "src", "--headless");
        Path hello = home.resolve("hello.wasm");
        Files.write(hello, ExampleCommand.exampleWasm("hello"));
        Path bank = home.resolve("bank.wasm");
        Files.write(bank, CliEndToEndTest.bank().build());
        run("publish", "src", hello.toString()).ok();
        run("publish", "src", bank.toString()).ok();
        run("call_reducer", "src", "hello", "hello", "\"ann\"").ok();
    }

    @Test
    void aNodeBundledWithItsTablesBootsElsewhereWithTheSameRows() throws Exception {
        String rows = sourceNode();
        Path tar = home.resolve("src.tar");
        String said = run("bundle", "src", "-o", tar.toString(), "--data").ok().out();
        assertThat(said).contains("2 module(s), main hello, with its tables");
        var m = HASH.matcher(said);
        assertThat(m.find()).isTrue();
        String hash = m.group();

        Path again = home.resolve("again.tar"); // the same node gives the same archive, byte for byte
        assertThat(run("bundle", "src", "-o", again.toString(), "--data").ok().out())
                .contains(hash);
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(tar));

        startInBackground(
                "run",
                tar.toString(),
                "--name",
                "copy",
                "--port",
                String.valueOf(freePort()),
                "--hash",
                hash,
                "--start-option=--headless");
        assertThat(run("rows", "copy", "hello", "greetings").ok().out()).isEqualTo(rows);
        assertThat(run("rows", "copy", "bank", "ledger").ok().out()).contains("(1 row)");
        assertThat(run("call_reducer", "copy", "hello", "hello", "\"bob\"").ok().out())
                .contains("committed");
    }

    @Test
    void withoutItsTablesTheImageStartsFreshFromItsModules() throws Exception {
        sourceNode();
        Path dir = home.resolve("src-image");
        run("bundle", "src", "-o", dir.toString(), "--start-option=--headless").ok();
        assertThat(dir.resolve("bin/main.wasm")).exists();
        assertThat(dir.resolve("usr/lib/bank.wasm")).exists();
        assertThat(Files.readString(dir.resolve("etc/node.toml"))).contains("--headless");

        startInBackground("run", dir.toString(), "--name", "fresh", "--port", String.valueOf(freePort()));
        assertThat(run("rows", "fresh", "hello", "greetings").ok().out()).contains("(0 rows)");
        assertThat(run("rows", "fresh", "bank", "ledger").ok().out()).contains("(0 rows)");
        run("call_reducer", "fresh", "hello", "hello", "\"bob\"").ok();
        assertThat(run("rows", "fresh", "hello", "greetings").ok().out())
                .contains("Hello, bob!")
                .doesNotContain("ann");
    }

    @Test
    void aRunningNodeServesItsOwnImageByHash() throws Exception {
        int srcPort = freePort();
        runningSourceNode(srcPort);
        var m = HASH.matcher(run("bundle", "src", "-o", home.resolve("src.tar").toString())
                .ok()
                .out());
        assertThat(m.find()).isTrue();
        String hash = m.group();

        assertThat(run("run", "sha256:" + "0".repeat(64), "--from", "src")
                        .fails(1)
                        .err())
                .contains("cannot fetch image sha256:000")
                .contains("has no image with hash")
                .contains("'interstice bundle' of it prints that hash");
        assertThat(run("run", hash).fails(2).err()).contains("--from <node|host:port>");
        // by address, without the admin token: its modules are all public, so it serves its image to anyone
        String address = "127.0.0.1:" + srcPort;
        assertThat(run("run", "sha256:" + "1".repeat(64), "--from", address)
                        .fails(1)
                        .err())
                .contains("has no image with hash sha256:111");

        startInBackground(
                "run",
                hash,
                "--from",
                "src",
                "--name",
                "copy",
                "--port",
                String.valueOf(freePort()),
                "--start-option=--headless");
        assertThat(run("rows", "copy", "hello", "greetings").ok().out()).contains("(0 rows)");
        run("call_reducer", "copy", "hello", "hello", "\"bob\"").ok();
        assertThat(run("rows", "copy", "bank", "ledger").ok().out()).contains("(0 rows)");
        assertThat(run("node", "schema", "copy").ok().out())
                .contains("code_hash = \""
                        + dev.interstice.runtime.store.Blobs.hash(ExampleCommand.exampleWasm("hello")) + "\"");
    }

    @Test
    void publishByHashFetchesWhatTheNodeLacksFromItsCodePeerThenItsCodeDirectory() throws Exception {
        int aPort = freePort();
        run("node", "create", "a", String.valueOf(aPort)).ok();
        run("node", "create", "b", String.valueOf(freePort())).ok();
        startInBackground("node", "start", "a", "--headless");
        Path codeDir = Files.createDirectories(home.resolve("code"));
        startInBackground(
                "node",
                "start",
                "b",
                "--headless",
                "--code-peer",
                "127.0.0.1:" + aPort,
                "--code-dir",
                codeDir.toString());
        byte[] hello = ExampleCommand.exampleWasm("hello");
        Path file = home.resolve("hello.wasm");
        Files.write(file, hello);
        run("publish", "a", file.toString()).ok();
        String hash = dev.interstice.runtime.store.Blobs.hash(hello);
        assertThat(run("node", "schema", "a").ok().out()).contains("code_hash = \"" + hash + "\"");

        assertThat(run("publish", "b", "--hash", hash).ok().out()).contains("hello");
        run("call_reducer", "b", "hello", "hello", "\"ann\"").ok();

        byte[] bank = CliEndToEndTest.bank().build();
        String bankHash = dev.interstice.runtime.store.Blobs.hash(bank);
        assertThat(run("publish", "b", "--hash", bankHash).fails(1).err())
                .contains("found it nowhere")
                .contains("peer 127.0.0.1:" + aPort + " (does not have it)")
                .contains("directory " + codeDir + " (does not have it)");
        Files.write(codeDir.resolve(bankHash + ".wasm"), bank);
        run("publish", "b", "--hash", "sha256:" + bankHash).ok();
        assertThat(run("node", "schema", "b").ok().out()).contains("code_hash = \"" + bankHash + "\"");
    }

    @Test
    void anImageAPeerSendsUnderAnotherHashIsRefused() throws Exception {
        Path img = home.resolve("img");
        Files.createDirectories(img.resolve("bin"));
        Files.write(img.resolve("bin/main.wasm"), ExampleCommand.exampleWasm("hello"));
        var tar = new java.io.ByteArrayOutputStream();
        dev.interstice.cli.image.Image.pack(img, tar);
        try (var t = new dev.interstice.runtime.testing.TestNode();
                var server = dev.interstice.network.NodeServer.start(
                        t.node, dev.interstice.network.NetworkConfig.defaults().withNodeName("liar"))) {
            server.serveImages(hash -> tar.toByteArray()); // whatever is asked, the same bytes
            String asked = "sha256:" + "2".repeat(64);
            assertThat(run("run", asked, "--from", server.address()).fails(1).err())
                    .contains("the image's content hash is " + dev.interstice.cli.image.Image.hash(img) + ", not "
                            + asked)
                    .contains("the image " + server.address() + " sent is refused");
        }
        assertThat(run("node", "list").ok().out()).doesNotContain("image-"); // nothing was created
    }

    @Test
    void aWrongHashAnArchiveThatEscapesAndAMissingMainAreRefused() throws Exception {
        Path img = home.resolve("img");
        Files.createDirectories(img.resolve("bin"));
        Files.write(img.resolve("bin/main.wasm"), ExampleCommand.exampleWasm("hello"));
        assertThat(run("run", img.toString(), "--hash", "sha256:" + "0".repeat(64))
                        .fails(1)
                        .err())
                .contains("the image's content hash is sha256:")
                .contains(", not sha256:000");

        Path evil = home.resolve("evil.tar");
        try (OutputStream out = Files.newOutputStream(evil);
                var tar = new TarArchiveOutputStream(out)) {
            byte[] b = "x".getBytes(StandardCharsets.UTF_8);
            var e = new TarArchiveEntry("../outside.txt");
            e.setSize(b.length);
            tar.putArchiveEntry(e);
            tar.write(b);
            tar.closeArchiveEntry();
        }
        assertThat(run("run", evil.toString()).fails(1).err()).contains("points outside the image");
        assertThat(home.getParent().resolve("outside.txt")).doesNotExist();

        Files.delete(img.resolve("bin/main.wasm"));
        assertThat(run("run", img.toString()).fails(1).err()).contains("it has no bin/main.wasm");
        assertThat(run("node", "list").ok().out()).doesNotContain("img"); // nothing was created
    }
}
