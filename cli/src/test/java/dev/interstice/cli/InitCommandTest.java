package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code interstice init} scaffolds a project that builds with npm into a module that runs on a node. */
class InitCommandTest {

    static int run(Path dir, String... command) throws Exception {
        var p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("npm.log").toFile())
                .start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 5 minutes");
        }
        return p.exitValue();
    }

    @Test
    void scaffoldedProjectBuildsAndItsReducerRuns(@TempDir Path tmp) throws Exception {
        System.setProperty(
                "interstice.repo", Path.of("..").toAbsolutePath().normalize().toString());
        Path project = tmp.resolve("greeter");
        assertThat(Main.run("init", project.toString())).isZero();
        assertThat(project.resolve("package.json"))
                .content()
                .contains("\"name\": \"greeter\"")
                .doesNotContain("__SDK_PATH__");

        assertThat(run(project, "npm", "install", "--no-audit", "--no-fund"))
                .as(Files.readString(project.resolve("npm.log")))
                .isZero();
        assertThat(run(project, "npm", "run", "build"))
                .as(Files.readString(project.resolve("npm.log")))
                .isZero();

        try (Node node = Node.open(NodeConfig.inMemory().withLogSink((m, msg) -> {}))) {
            var schema = node.load(Files.readAllBytes(project.resolve("build/module.wasm")));
            assertThat(schema.name()).isEqualTo("greeter");
            node.call("greeter", "hello", List.of(str("init")));
            assertThat(node.query("greeter", "greetings", List.of()))
                    .isEqualTo(IntersticeValue.vec(str("Hello, init!")));
        }
    }

    @Test
    void anSdkWithoutItsCompilerIsInstalledIntoTheProjectNotLinked(@TempDir Path tmp) throws Exception {
        Path template = tmp.resolve("installed/sdk/assemblyscript/template"); // as in the install archive
        Files.createDirectories(template);
        Files.writeString(
                template.resolve("package.json"), "{\"dependencies\": {\"@interstice/sdk\": \"file:__SDK_PATH__\"}}");
        System.setProperty("interstice.repo", tmp.resolve("installed").toString());
        try {
            Path project = tmp.resolve("p");
            assertThat(Main.run("init", project.toString())).isZero();
            assertThat(project.resolve(".npmrc")).content().contains("install-links=true");
        } finally {
            System.setProperty(
                    "interstice.repo",
                    Path.of("..").toAbsolutePath().normalize().toString());
        }
    }

    @Test
    void refusesANonEmptyDirectory(@TempDir Path tmp) throws Exception {
        System.setProperty(
                "interstice.repo", Path.of("..").toAbsolutePath().normalize().toString());
        Files.writeString(tmp.resolve("keep.txt"), "mine");
        assertThat(Main.run("init", tmp.toString())).isEqualTo(2);
        assertThat(tmp.resolve("keep.txt")).hasContent("mine");
    }
}
