package dev.interstice.cli;

import static dev.interstice.cli.CliEndToEndTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node started with {@code node start} (TLS only over TCP) also listens on {@code <data>/node.sock}: the CLI's
 * commands to it go through that socket, with the registered admin token, and through TCP and TLS when it is gone.
 */
@Timeout(120)
class LocalSocketCommandTest {
    @TempDir
    Path home;

    private Thread running;
    private Path dataDir;

    @BeforeEach
    void createNode() throws Exception {
        System.setProperty("interstice.home", home.toString());
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        run("node", "create", "local", String.valueOf(port)).ok();
        dataDir = home.resolve("nodes").resolve(entry("node_id"));
        Files.write(home.resolve("bank.wasm"), CliEndToEndTest.bank().build());
    }

    @AfterEach
    void stop() throws Exception {
        NodeCommand.RUNNING.forEach(Runnable::run);
        if (running != null) running.join(Duration.ofSeconds(10));
        System.clearProperty("interstice.home");
    }

    private String entry(String field) throws Exception {
        return new TomlMapper()
                .readTree(Files.readString(home.resolve("nodes.toml")))
                .at("/nodes/0/" + field)
                .asText(null);
    }

    private void start(String... flags) throws Exception {
        var args = new ArrayList<>(List.of(
                "node",
                "start",
                "local",
                "--headless",
                "--load",
                home.resolve("bank.wasm").toString()));
        args.addAll(List.of(flags));
        var out = new StringWriter();
        running = Thread.startVirtualThread(() -> Main.run(
                new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), args.toArray(String[]::new)));
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!out.toString().contains("module(s); press Ctrl+C") && System.nanoTime() < until) Thread.sleep(20);
        assertThat(out.toString()).contains("listening on");
    }

    /** Points the registry at a TCP port where nothing listens: what still works went through the socket. */
    private void breakTheAddress() throws Exception {
        int dead;
        try (var s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        Path toml = home.resolve("nodes.toml");
        Files.writeString(
                toml,
                Files.readString(toml).replaceAll("address = \"[^\"]*\"", "address = \"127.0.0.1:" + dead + "\""));
    }

    @Test
    void commandsToALocalNodeGoThroughItsSocketAndFallBackToTlsWithoutIt() throws Exception {
        start();
        Path socket = dataDir.resolve("node.sock");
        assertThat(socket).exists();
        String address = entry("address");
        String plaintext = entry("plaintext"); // what the node's start recorded: its TCP port refuses plaintext
        assertThat(run("node", "show", "local").ok().out())
                .contains("through its local socket")
                .contains(", admin");

        breakTheAddress();
        assertThat(run("node", "ping", "local").ok().out()).contains("pong from node 'local'");
        run("call_reducer", "local", "bank", "record").ok();
        assertThat(run("call_query", "local", "bank", "total").ok().out().strip())
                .isEqualTo("42");
        assertThat(run("rows", "local", "bank", "vault").ok().out()).contains("(0 rows)"); // private: the admin's
        assertThat(run("rows", "local", "bank", "ledger").ok().out()).contains("ten");
        assertThat(entry("plaintext"))
                .as("nothing learnt about TCP from the socket")
                .isEqualTo(plaintext);

        // without the socket file: TCP and TLS at the registered address
        Files.writeString(
                home.resolve("nodes.toml"),
                Files.readString(home.resolve("nodes.toml"))
                        .replaceAll("address = \"[^\"]*\"", "address = \"" + address + "\""));
        Files.delete(socket);
        assertThat(run("node", "show", "local").ok().out()).contains("TLS 1.3").contains(", admin");
        assertThat(run("node", "ping", "local").ok().out()).contains("pong from node 'local'");
    }

    @Test
    void theSocketIsDeletedWhenTheNodeStopsAndNoneIsMadeWithNoLocalSocket() throws Exception {
        start();
        Path socket = dataDir.resolve("node.sock");
        assertThat(socket).exists();
        NodeCommand.RUNNING.forEach(Runnable::run);
        running.join(Duration.ofSeconds(10));
        assertThat(socket).doesNotExist();

        start("--no-local-socket");
        assertThat(socket).doesNotExist();
        assertThat(run("node", "show", "local").ok().out()).contains("TLS 1.3");
        breakTheAddress();
        assertThat(run("node", "ping", "local").fails(1).err()).contains("local");
    }
}
