package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code interstice example hello --console}: the example's node serves its console and says where. */
class ConsoleExampleTest {
    private static final Pattern URL =
            Pattern.compile("console: (http://127\\.0\\.0\\.1:\\d+/) \\(log in with the admin token in (.+)\\)");

    @TempDir
    Path home;

    @AfterEach
    void stopExamples() {
        ExampleCommand.RUNNING.forEach(Runnable::run);
        NodeCommand.RUNNING.forEach(Runnable::run);
        System.clearProperty("interstice.example.port");
        System.clearProperty("interstice.home");
    }

    @Test
    @Timeout(60)
    void exampleHelloWithConsolePrintsItsUrlAndServesIt() throws Exception {
        System.setProperty("interstice.home", home.toString());
        System.setProperty("interstice.example.port", "0");
        var out = new StringWriter();
        var err = new StringWriter();
        Thread.startVirtualThread(() ->
                Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "example", "hello", "--console"));
        Matcher m = URL.matcher("");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(m = URL.matcher(out.toString())).find() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(m.find(0)).as(out + "\n" + err).isTrue();
        assertThat(m.group(2)).endsWith("admin.token");
        var http = HttpClient.newHttpClient();
        var page =
                http.send(HttpRequest.newBuilder(URI.create(m.group(1))).build(), HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() == 200) assertThat(page.body()).contains("<title>Interstice console</title>");
        else assertThat(page.body()).contains("was not built"); // a build with -DskipNpm and no web/dist
        var api = http.send(
                HttpRequest.newBuilder(URI.create(m.group(1) + "api/node")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(401);
    }

    @Test
    @Timeout(60)
    void nodeStartWithAConsolePortServesItThereAndABadPortIsAUsageError() throws Exception {
        System.setProperty("interstice.home", home.toString());
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliEndToEndTest.run("node", "create", "local", Integer.toString(port)).ok();
        assertThat(CliEndToEndTest.run("node", "start", "local", "--headless", "--console-port", "70000")
                        .fails(2)
                        .err())
                .contains("--console-port 70000 is out of range");
        var out = new StringWriter();
        var err = new StringWriter();
        Thread.startVirtualThread(() -> Main.run(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                "node",
                "start",
                "local",
                "--headless",
                "--console-port",
                "0"));
        Matcher m = URL.matcher("");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(m = URL.matcher(out.toString())).find() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(m.find(0)).as(out + "\n" + err).isTrue();
        var challenge = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(m.group(1) + "api/challenge"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(challenge.statusCode()).isEqualTo(200);
        assertThat(challenge.body()).contains("\"nonce\"");
    }
}
