package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code node create} lays out (data directory, admin token, registry) is readable by its owner only. */
class LocalNodeDataTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        System.clearProperty("interstice.home");
    }

    @Test
    void aCreatedNodesDataDirectoryAndTokenArePrivate() throws IOException {
        Path home = tmp.resolve("home");
        System.setProperty("interstice.home", home.toString());
        Path dir = NodeStartErrorsTest.createLocalNode("n1");
        assertThat(dir.resolve("admin.token")).exists();
        try (Stream<Path> s = Files.walk(home)) {
            assertThat(s.toList()).isNotEmpty().allSatisfy(p -> {
                boolean isDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)))
                        .as(home.relativize(p).toString())
                        .isEqualTo(isDir ? "rwx------" : "rw-------");
            });
        }
    }
}
