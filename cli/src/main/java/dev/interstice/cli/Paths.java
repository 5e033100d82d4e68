package dev.interstice.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where the CLI keeps its data and finds the repository it runs from. */
final class Paths {
    private Paths() {}

    /** {@code -Dinterstice.home}, else {@code INTERSTICE_HOME}, else the OS data directory ({@code $XDG_DATA_HOME/interstice} or ~/.local/share/interstice). */
    static Path home() {
        String prop = System.getProperty("interstice.home"); // tests (the environment cannot be changed in-process)
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        String env = System.getenv("INTERSTICE_HOME");
        if (env != null && !env.isBlank()) return Path.of(env);
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "interstice");
        String os = System.getProperty("os.name", "").toLowerCase();
        Path user = Path.of(System.getProperty("user.home"));
        if (os.contains("mac")) return user.resolve("Library/Application Support/interstice");
        if (os.contains("win") && System.getenv("APPDATA") != null)
            return Path.of(System.getenv("APPDATA"), "interstice");
        return user.resolve(".local/share/interstice");
    }

    /** The repository root the launcher runs from (holds sdk/ and modules/), from -Dinterstice.repo. */
    static Path repo() {
        String r = System.getProperty("interstice.repo");
        if (r != null) return Path.of(r);
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("sdk/assemblyscript/package.json"))) p = p.getParent();
        if (p == null)
            throw new IllegalStateException(
                    "cannot find the Interstice repository (sdk/assemblyscript); run through the ./interstice launcher");
        return p;
    }

    /** Deletes {@code dir} and everything below it; nothing if it does not exist. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
