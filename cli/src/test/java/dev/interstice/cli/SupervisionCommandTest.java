package dev.interstice.cli;

import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.abi.host.HostCall;
import dev.interstice.runtime.testing.ModuleFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code node start --supervise}: a module's failing schedule is disabled as asked, and {@code node show} says so. */
@Timeout(120)
class SupervisionCommandTest {
    @TempDir
    Path home;

    Thread starter;

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

    /** {@code arm} schedules {@code tick} at once; {@code tick} traps. */
    static byte[] flaky() {
        var w = new PostcardWriter();
        Abi.writeHostCall(w, new HostCall.Schedule("tick", 0));
        return ModuleFixture.module("flaky")
                .blob("soon", w.toByteArray())
                .reducer("arm", List.of(), List.of(), hostCallAndLog("soon"))
                .reducer("tick", List.of(), List.of(), "unreachable")
                .build();
    }

    @Test
    void aModulesPolicyIsAppliedAndShown() throws Exception {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliEndToEndTest.run("node", "create", "local", Integer.toString(port)).ok();
        var console = new StringWriter();
        starter = Thread.startVirtualThread(() -> Main.run(
                new PrintWriter(console, true),
                new PrintWriter(new StringWriter(), true),
                "node",
                "start",
                "local",
                "--headless",
                "--supervise",
                "flaky=disable:2",
                "--supervise-default",
                "retry:3"));
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!console.toString().contains("listening on") && starter.isAlive() && System.nanoTime() < until)
            Thread.sleep(20);
        Path wasm = home.resolve("flaky.wasm");
        Files.write(wasm, flaky());
        CliEndToEndTest.run("publish", "local", wasm.toString()).ok();
        CliEndToEndTest.run("call_reducer", "local", "flaky", "arm").ok();
        CliEndToEndTest.run("call_reducer", "local", "flaky", "arm").ok();

        String shown = "";
        until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!shown.contains("flaky.tick: disabled") && System.nanoTime() < until) {
            shown = CliEndToEndTest.run("node", "show", "local").out();
            Thread.sleep(50);
        }
        assertThat(shown)
                .contains("supervision: retry:3 by default; flaky=disable:2")
                .containsPattern(
                        "flaky\\.tick: disabled after 2 failures in a row \\(disable:2\\); last: .*unreachable");
    }

    @Test
    void aBadPolicyIsAUsageErrorNamingTheForms() {
        var r = CliEndToEndTest.run("node", "start", "nowhere", "--supervise", "flaky=explode");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("use retry, disable, unload or notify");
        r = CliEndToEndTest.run("node", "start", "nowhere", "--supervise", "flaky");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--supervise takes <module>=<policy>");
    }
}
