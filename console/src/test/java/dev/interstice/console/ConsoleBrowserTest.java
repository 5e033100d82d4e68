package dev.interstice.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in a real headless Chromium (web/test/console.e2e.mjs, playwright-core against the system's browser):
 * log in, browse a table while this test calls reducers, upload a module, call its reducer with a bad argument. The
 * screenshots land in target/console-screenshots (docs/console/ holds copies). Skipped without /usr/bin/chromium
 * (.ci/run installs it) or without web/node_modules (the npm build).
 */
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static final Path WEB = Path.of("web");

    @Test
    void aBrowserLogsInBrowsesLiveRowsUploadsAndSeesACallsError(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM + " (apt-get install chromium)");
        assumeTrue(
                Files.isDirectory(WEB.resolve("node_modules/playwright-core")),
                "console/web/node_modules is missing (the npm build: run without -DskipNpm)");
        assumeTrue(Console.class.getResource("/console/index.html") != null, "the console's page was not built");
        Path wasm = dir.resolve("benchmark-workload.wasm");
        Files.write(wasm, ConsoleFixture.wasm("benchmark-workload"));
        AdminToken token = AdminToken.random();
        var running = new AtomicBoolean(true);
        try (Node node = Node.openDeferred(NodeConfig.at(dir.resolve("node")));
                var server = NodeServer.start(
                        node,
                        NetworkConfig.defaults()
                                .withNodeName("browser-test")
                                .withBindHost("127.0.0.1")
                                .withPort(0)
                                .withAdminToken(token));
                var console = Console.start(node, server, token, ConsoleConfig.at("127.0.0.1", 0))) {
            node.load("hello.wasm", ConsoleFixture.wasm("hello"));
            node.call("hello", "hello", List.of(new IntersticeValue.Str("first")));
            Runnable load = () -> {
                for (int i = 0; running.get(); i++)
                    node.call("hello", "hello", List.of(new IntersticeValue.Str("load " + i)));
            };
            Process p = new ProcessBuilder(
                            "node",
                            "test/console.e2e.mjs",
                            console.url(),
                            token.value(),
                            wasm.toAbsolutePath().toString(),
                            Path.of("target/console-screenshots")
                                    .toAbsolutePath()
                                    .toString())
                    .directory(WEB.toFile())
                    .redirectErrorStream(true)
                    .start();
            Thread.ofPlatform()
                    .daemon()
                    .start(
                            () -> { // bounds the test should the script hang
                                try {
                                    if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
                                } catch (InterruptedException e) {
                                    p.destroyForcibly();
                                }
                            });
            var out = new StringBuilder();
            Thread loader = null;
            try (var lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    out.append(line).append('\n');
                    // the page shows the table: change it from now on
                    if (line.equals("load: start") && loader == null)
                        loader = Thread.ofPlatform().daemon().start(load);
                }
            }
            boolean ended = p.waitFor(10, TimeUnit.SECONDS);
            running.set(false);
            if (loader != null) loader.join(10_000);
            assertThat(ended).as(out.toString()).isTrue();
            assertThat(p.exitValue()).as(out.toString()).isZero();
            assertThat(out.toString()).contains("ok");
            assertThat(node.schema("benchmark-workload")).isPresent();
        } finally {
            running.set(false);
        }
    }
}
