package dev.interstice.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run behind the JDK's ahead-of-time class cache (JEP 483/515): the launcher runs this once per install
 * (or build) with {@code -XX:AOTCacheOutput}, so every later command starts with the classes it needs already loaded
 * and linked. One JVM must cover both sides, because a cache is written from a single run: it starts the hello
 * example in process on a free port (in a throw-away CLI home) and runs the everyday client commands against it.
 */
final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("interstice-aot-training");
        System.setProperty("interstice.home", home.toString());
        System.setProperty("interstice.example.port", "0");
        var quiet = new PrintWriter(Writer.nullWriter());
        Thread example = Thread.ofPlatform()
                .name("aot-training-example")
                .start(() -> Main.run(quiet, quiet, "example", "hello"));
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (NodeRegistry.load(home).find("hello-example").isEmpty() || ExampleCommand.RUNNING.isEmpty()) {
                if (!example.isAlive() || System.nanoTime() > deadline)
                    throw new IllegalStateException("the hello example did not start");
                Thread.sleep(20);
            }
            for (String[] command : new String[][] {
                {"--help"},
                {"node", "list"},
                {"node", "ping", "hello-example"},
                {"call_reducer", "hello-example", "hello", "hello", "Training"},
                {"call_query", "hello-example", "hello", "get_greetings"},
                {"rows", "hello-example", "hello", "greetings"},
                {"node", "ping", "no-such-node"}
            }) Main.run(quiet, quiet, command);
        } finally {
            ExampleCommand.RUNNING.forEach(Runnable::run);
            example.join(10_000);
            deleteRecursively(home);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
