package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.interstice.cli.update.ReleaseSource;
import dev.interstice.cli.update.ReleaseVersion;
import dev.interstice.cli.update.UpdateException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code interstice update} against a release source served over HTTP on loopback, with archives built here in the
 * layout of the real one (a top directory interstice-VERSION with bin/interstice, runtime/bin/java and install.sh —
 * the repository's own, which does the switch): update, the SHA-256 check, downgrades, rollback.
 */
class UpdateCommandTest {
    @TempDir
    Path tmp;

    Path releases;
    Path prefix;
    HttpServer http;

    @BeforeEach
    void serve() throws IOException {
        releases = Files.createDirectories(tmp.resolve("releases"));
        prefix = tmp.resolve("prefix");
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", ex -> {
            Path f = releases.resolve(ex.getRequestURI().getPath().substring(1));
            if (!Files.isRegularFile(f)) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, Files.size(f));
                try (var out = ex.getResponseBody()) {
                    Files.copy(f, out);
                }
            }
            ex.close();
        });
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/";
    }

    /** An archive like the real one, whose bin/interstice prints its version. */
    private Path archive(String version) throws Exception {
        Path build = Files.createDirectories(tmp.resolve("build-" + version));
        Path top = build.resolve("interstice-" + version);
        executable(
                top.resolve("bin/interstice"),
                "#!/bin/sh\n[ \"$1\" = --train-aot-cache ] && exit 0\necho \"fake interstice " + version + "\"\n");
        executable(top.resolve("runtime/bin/java"), "#!/bin/sh\nexit 0\n");
        Files.createDirectories(top);
        Files.copy(Path.of("..", "scripts", "install.sh"), top.resolve("install.sh"));
        Path archive = releases.resolve("interstice-" + version + "-linux-x64.tar.gz");
        run(List.of(
                "tar",
                "-czf",
                archive.toString(),
                "-C",
                build.toString(),
                top.getFileName().toString()));
        return archive;
    }

    private void publish(String version, Path archive, String sha256) throws IOException {
        Files.writeString(
                releases.resolve("latest.json"),
                "{\"version\": \"" + version + "\", \"archive\": \"" + archive.getFileName() + "\", \"sha256\": \""
                        + sha256 + "\"}");
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    private static void executable(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(command + ": " + out).isZero();
        return out.strip();
    }

    private void install(String version) throws Exception {
        run(List.of(
                "bash",
                "../scripts/install.sh",
                "--prefix",
                prefix.toString(),
                archive(version).toString()));
    }

    /** What the installed {@code interstice} says it is. */
    private String installed() throws Exception {
        return run(List.of(prefix.resolve("bin/interstice").toString()));
    }

    private record Result(int code, String out, String err) {}

    private Result update(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var all = new java.util.ArrayList<>(List.of("update", "--prefix", prefix.toString()));
        all.addAll(List.of(args));
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void updatesToTheNewestReleaseKeepsThePreviousAndRollsBack() throws Exception {
        install("0.1.0");
        assertThat(installed()).isEqualTo("fake interstice 0.1.0");
        Path a = archive("0.2.0");
        publish("0.2.0", a, sha256(a));

        assertThat(update("--check", "--source", url()).out()).contains("a newer release is available: 0.2.0");
        assertThat(installed()).as("--check changes nothing").isEqualTo("fake interstice 0.1.0");

        Result r = update(); // the source given with --check is remembered
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("updated interstice 0.1.0 -> 0.2.0");
        assertThat(installed()).isEqualTo("fake interstice 0.2.0");
        assertThat(update().out()).contains("0.2.0 is the newest release");

        r = update("--rollback");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(installed()).isEqualTo("fake interstice 0.1.0");
        r = update("--rollback");
        assertThat(installed()).as("and forth again").isEqualTo("fake interstice 0.2.0");
    }

    @Test
    void anArchiveWhoseSha256DoesNotMatchIsRefusedAndNothingChanges() throws Exception {
        install("0.1.0");
        Path a = archive("0.2.0");
        publish("0.2.0", a, "0".repeat(64));
        Result r = update("--source", url());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("does not match its SHA-256").contains("nothing was installed");
        assertThat(installed()).isEqualTo("fake interstice 0.1.0");
        assertThat(prefix.resolve("lib/interstice/0.2.0")).doesNotExist();
        try (var left = Files.list(prefix.resolve("lib/interstice"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".update-"));
        }
    }

    @Test
    void aDowngradeIsRefusedUnlessAsked() throws Exception {
        install("0.2.0");
        Path a = archive("0.1.0");
        publish("0.1.0", a, sha256(a));
        Result r = update("--source", url());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("older than the installed 0.2.0; not downgrading");
        assertThat(installed()).isEqualTo("fake interstice 0.2.0");

        r = update("--allow-downgrade");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(installed()).isEqualTo("fake interstice 0.1.0");
    }

    @Test
    void withoutASourceOrAnInstallationItSaysWhatToDo() throws Exception {
        Result r = update("--source", url());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no interstice is installed under " + prefix.toAbsolutePath());
        install("0.1.0");
        r = update();
        assertThat(r.err()).contains("no release source: give one with --source");
        assertThat(update("--rollback").err()).contains("no previous version");
    }

    @Test
    void plainHttpIsAcceptedOnLoopbackOnly() {
        assertThatThrownBy(() -> ReleaseSource.of("http://example.com/releases"))
                .isInstanceOf(UpdateException.class)
                .hasMessageContaining("use https://");
        assertThat(ReleaseSource.of("http://127.0.0.1:1/").toString()).isEqualTo("http://127.0.0.1:1/");
    }

    @Test
    void versionsOrderAsReleasesDo() {
        assertThat(List.of("0.10.0", "0.2.0", "0.2.0-SNAPSHOT", "1.0", "0.2.1").stream()
                        .map(ReleaseVersion::parse)
                        .sorted()
                        .map(ReleaseVersion::toString))
                .containsExactly("0.2.0-SNAPSHOT", "0.2.0", "0.2.1", "0.10.0", "1.0");
        assertThat(ReleaseVersion.parse("0.2")).isEqualTo(ReleaseVersion.parse("0.2.0"));
        assertThatThrownBy(() -> ReleaseVersion.parse("latest")).hasMessageContaining("not a release version");
    }
}
