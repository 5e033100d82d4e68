package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interstice.runtime.testing.ModuleFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A started node's log file: rolled over within its bounds, module lines with module and tx, JSON, {@code logs}. */
@Timeout(120)
class NodeLogsTest {
    static final String LINE = "chatter says: " + "x".repeat(120);

    @TempDir
    Path home;

    Thread starter;
    final StringWriter console = new StringWriter();

    /** Logs {@link #LINE} ten times a call. */
    static byte[] chatter() {
        String body = "(call $log (i32.const ${line}) (i32.const ${line.len}))".repeat(10);
        return ModuleFixture.module("chatter")
                .blob("line", LINE.getBytes(StandardCharsets.UTF_8))
                .reducer("talk", List.of(), List.of(), body)
                .build();
    }

    static final String FORGED =
            "quiet here\n2026-01-01 00:00:00.000 INFO  module.chatter [module=chatter tx=1] - forged";

    /** Logs "quiet here", and (forge) a line with a line break that looks like one of chatter's. */
    static byte[] quiet() {
        return ModuleFixture.module("quiet")
                .blob("line", "quiet here".getBytes(StandardCharsets.UTF_8))
                .blob("forged", FORGED.getBytes(StandardCharsets.UTF_8))
                .reducer("talk", List.of(), List.of(), "(call $log (i32.const ${line}) (i32.const ${line.len}))")
                .reducer("forge", List.of(), List.of(), "(call $log (i32.const ${forged}) (i32.const ${forged.len}))")
                .build();
    }

    @BeforeEach
    void home() {
        System.setProperty("interstice.home", home.toString());
    }

    @AfterEach
    void stop() throws InterruptedException {
        NodeCommand.RUNNING.forEach(Runnable::run);
        if (starter != null) starter.join(Duration.ofSeconds(10));
        System.clearProperty("interstice.home");
    }

    Path startNode(String... flags) throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliEndToEndTest.run("node", "create", "local", Integer.toString(port)).ok();
        var args = new ArrayList<>(List.of("node", "start", "local", "--headless"));
        args.addAll(List.of(flags));
        starter = Thread.startVirtualThread(() -> Main.run(
                new PrintWriter(console, true),
                new PrintWriter(new StringWriter(), true),
                args.toArray(String[]::new)));
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!console.toString().contains("authorities offered") && starter.isAlive() && System.nanoTime() < until)
            Thread.sleep(20);
        assertThat(console.toString()).contains("listening on");
        Path wasm = home.resolve("chatter.wasm");
        Files.write(wasm, chatter());
        CliEndToEndTest.run("publish", "local", wasm.toString()).ok();
        Files.write(wasm, quiet());
        CliEndToEndTest.run("publish", "local", wasm.toString()).ok();
        var reg = NodeRegistry.load();
        return NodeLogging.logFile(reg.dataDir(reg.require("local")));
    }

    @Test
    void theLogFileRollsOverWithinItsBoundsAndModuleLinesCarryModuleAndTransaction() throws Exception {
        Path log = startNode("--log-file-size", "4KB", "--log-files", "3");
        for (int i = 0; i < 15; i++)
            CliEndToEndTest.run("call_reducer", "local", "chatter", "talk").ok();

        List<Path> files;
        try (Stream<Path> s = Files.list(log.getParent())) {
            files = s.sorted().toList();
        }
        assertThat(files.stream().map(p -> p.getFileName().toString()))
                .as("node.log and two rolled-over files, no more")
                .containsExactly("node.1.log", "node.2.log", "node.log");
        for (Path f : files)
            assertThat(Files.size(f)).as(f.toString()).isLessThanOrEqualTo(4096 + 512); // one line past the limit
        assertThat(Files.readString(log))
                .containsPattern("INFO  module.chatter \\[module=chatter tx=\\d+\\] - " + LINE);
    }

    @Test
    void jsonLinesParseAndCarryModuleAndTransaction() throws Exception {
        Path log = startNode("--log-format", "json");
        CliEndToEndTest.run("call_reducer", "local", "chatter", "talk").ok();
        var json = new ObjectMapper();
        JsonNode moduleLine = null;
        for (String line : Files.readAllLines(log)) {
            JsonNode n = json.readTree(line); // every line is one JSON object
            assertThat(n.isObject()).as(line).isTrue();
            if ("chatter".equals(n.path("mdc").path("module").asText(null))) moduleLine = n;
        }
        assertThat(moduleLine).as("a line logged by the module").isNotNull();
        assertThat(moduleLine.path("mdc").path("tx").asText()).matches("\\d+");
        assertThat(moduleLine.path("formattedMessage").asText()).isEqualTo(LINE);
        assertThat(moduleLine.path("loggerName").asText()).isEqualTo("module.chatter");
        assertThat(moduleLine.path("level").asText()).isEqualTo("INFO");
    }

    @Test
    void logsPrintsTheLastLinesOfOneModule() throws Exception {
        startNode();
        CliEndToEndTest.run("call_reducer", "local", "chatter", "talk").ok();
        CliEndToEndTest.run("call_reducer", "local", "quiet", "talk").ok();

        String quietOnly =
                CliEndToEndTest.run("logs", "local", "--module", "quiet").ok().out();
        assertThat(quietOnly.lines())
                .hasSize(1)
                .allMatch(l -> l.contains("[module=quiet tx=") && l.endsWith("quiet here"));
        String lastChatter = CliEndToEndTest.run("logs", "local", "--module", "chatter", "-n", "3")
                .ok()
                .out();
        assertThat(lastChatter.lines()).hasSize(3).allMatch(l -> l.endsWith(LINE));
        assertThat(CliEndToEndTest.run("logs", "local").ok().out())
                .contains("quiet here")
                .contains(LINE)
                .contains("listening on");
        assertThat(CliEndToEndTest.run("logs", "nope").fails(1).err()).contains("unknown node 'nope'");

        CliEndToEndTest.run("call_reducer", "local", "quiet", "forge").ok();
        assertThat(CliEndToEndTest.run("logs", "local", "--module", "chatter")
                        .ok()
                        .out())
                .as("a line break in a module's message cannot start a line of another module")
                .doesNotContain("forged");
        assertThat(CliEndToEndTest.run("logs", "local", "--module", "quiet", "-n", "1")
                        .ok()
                        .out())
                .contains("[module=quiet tx=")
                .contains("quiet here\\n2026-01-01 00:00:00.000 INFO  module.chatter [module=chatter tx=1] - forged");
    }

    @Test
    void followPrintsNewLinesOfTheModuleAsTheyAreWritten() throws Exception {
        startNode();
        var followed = new StringWriter();
        Thread follower = Thread.startVirtualThread(() -> Main.run(
                new PrintWriter(followed, true),
                new PrintWriter(new StringWriter(), true),
                "logs",
                "local",
                "--module",
                "quiet",
                "--follow"));
        CliEndToEndTest.run("call_reducer", "local", "chatter", "talk").ok();
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        // the follower starts from the end of the file when its thread gets there: a line written before that is not
        // new to it, so the module talks until the follower prints a line of it
        while (!followed.toString().contains("quiet here") && System.nanoTime() < until) {
            CliEndToEndTest.run("call_reducer", "local", "quiet", "talk").ok();
            Thread.sleep(200);
        }
        follower.interrupt();
        follower.join(Duration.ofSeconds(10));
        assertThat(follower.isAlive()).as("stops when interrupted").isFalse();
        assertThat(followed.toString()).contains("[module=quiet tx=").doesNotContain(LINE);
    }
}
