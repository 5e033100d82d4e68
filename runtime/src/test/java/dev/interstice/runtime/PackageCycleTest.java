package dev.interstice.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The runtime's packages depend on each other in one direction only (read from the sources' imports and qualified names). */
class PackageCycleTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/interstice/runtime");
    private static final Pattern REFERENCE = Pattern.compile("dev\\.interstice\\.runtime((?:\\.[a-z]+)*)\\.[A-Z]");

    @Test
    void runtimePackagesHaveNoCycle() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = "runtime"
                        + SOURCES.relativize(f.getParent())
                                .toString()
                                .replace('/', '.')
                                .replaceAll("^(?=.)", ".");
                var m = REFERENCE.matcher(Files.readString(f));
                while (m.find()) {
                    String target = "runtime" + m.group(1);
                    if (!target.equals(pkg))
                        uses.computeIfAbsent(pkg, k -> new TreeSet<>()).add(target);
                }
            }
        }
        assertThat(uses).containsKey("runtime.node"); // the sources were found
        assertThat(cycles(uses)).isEmpty();
    }

    /** Every package that can reach itself, with the path. */
    private static List<String> cycles(Map<String, Set<String>> uses) {
        var out = new ArrayList<String>();
        for (String start : uses.keySet()) {
            var path = new ArrayList<String>();
            if (reaches(start, start, uses, path, new HashSet<>())) out.add(start + " -> " + String.join(" -> ", path));
        }
        return out;
    }

    private static boolean reaches(
            String from, String target, Map<String, Set<String>> uses, List<String> path, Set<String> seen) {
        for (String next : uses.getOrDefault(from, Set.of())) {
            path.add(next);
            if (next.equals(target) || (seen.add(next) && reaches(next, target, uses, path, seen))) return true;
            path.removeLast();
        }
        return false;
    }
}
