package dev.interstice.runtime.node;

import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.interstice.abi.codec.AuthorityCodec;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.host.FileCall;
import dev.interstice.abi.host.FileCall.FileType;
import dev.interstice.abi.schema.Authority;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.authority.file.FileLimits;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every File call against the node's file root, and every way out of it the authority refuses. */
class FileAuthorityTest {
    @TempDir
    Path tmp;

    Path root;
    Path outside;
    TestNode t;
    int published;

    /** One decoded answer: {@code ok}, and the rest of the bytes to read the payload (or the error) from. */
    record Answer(boolean ok, PostcardReader rest) {
        String error() {
            assertThat(ok).as("expected an error").isFalse();
            return rest.readString();
        }

        byte[] bytes() {
            assertThat(ok).as("expected Ok").isTrue();
            return rest.readBytes(rest.readVarUsize());
        }

        String text() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        List<FileCall.DirEntry> entries() {
            assertThat(ok).as("expected Ok").isTrue();
            var out = new ArrayList<FileCall.DirEntry>();
            for (int n = rest.readVarUsize(); n > 0; n--)
                out.add(new FileCall.DirEntry(rest.readString(), rest.readString(), FileType.values()[rest.readU8()]));
            return out;
        }
    }

    @BeforeEach
    void open() throws IOException {
        root = tmp.resolve("root");
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "secret");
        openNode(FileLimits.defaults());
    }

    void openNode(FileLimits limits) {
        if (t != null) t.close();
        t = new TestNode(NodeConfig.inMemory()
                .withMaxLogLineBytes(1 << 16)
                .withAuthorities(AuthorityConfig.headless().withFileRoot(root).withFileLimits(limits)));
    }

    @AfterEach
    void close() {
        if (t != null) t.close();
    }

    /** Runs each call as its own reducer of the File holder, in order, and returns the answers. */
    List<Answer> run(FileCall... calls) {
        var m = ModuleFixture.module("files").authority(Authority.FILE);
        for (int i = 0; i < calls.length; i++)
            m.blob("c" + i, AuthorityCodec.encodeHostCall(calls[i]))
                    .reducer("c" + i, List.of(), List.of(), hostCallAndLog("c" + i));
        t.logs.clear();
        t.node.publish("files.wasm", m.build(), true);
        published++;
        var out = new ArrayList<Answer>();
        for (int i = 0; i < calls.length; i++) {
            t.node.call("files", "c" + i, List.of());
            var r = new PostcardReader(t.hexLogsOf("files").getLast());
            out.add(new Answer(r.readU8() == 0, r));
        }
        return out;
    }

    Answer one(FileCall call) {
        return run(call).getFirst();
    }

    static FileCall write(String path, String text) {
        return new FileCall.WriteFile(path, text.getBytes(StandardCharsets.UTF_8), false);
    }

    @Test
    void writesAppendsOverwritesAndReadsItsOwnWrites() throws IOException {
        var a = run(
                write("a.txt", "hello"),
                new FileCall.WriteFile("a.txt", " world".getBytes(StandardCharsets.UTF_8), true),
                new FileCall.ReadFile("a.txt"),
                write("a.txt", "x"),
                new FileCall.ReadFile("./a.txt"));
        assertThat(a.get(0).ok()).isTrue();
        assertThat(a.get(1).ok()).isTrue();
        assertThat(a.get(2).text()).isEqualTo("hello world");
        assertThat(a.get(4).text()).isEqualTo("x");
        assertThat(Files.readString(root.resolve("a.txt"))).isEqualTo("x");
    }

    @Test
    void theRootIsCreatedPrivateAndDefaultsToFilesInTheDataDirectory() throws IOException {
        t.close();
        t = new TestNode(NodeConfig.at(tmp.resolve("data")));
        assertThat(t.node.authorities().offeredNames()).isEqualTo("File, Module, Network");
        Path files = tmp.resolve("data/files");
        assertThat(Files.isDirectory(files)).isTrue();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(files)))
                .isEqualTo("rwx------");
        assertThat(one(write("n.txt", "1")).ok()).isTrue();
        assertThat(Files.readString(files.resolve("n.txt"))).isEqualTo("1");
    }

    @Test
    void aNodeWithoutADataDirectoryOrRootOffersNoFileAuthorityAndSaysWhy() {
        t.close();
        t = new TestNode();
        assertThat(t.node.authorities().offeredNames()).isEqualTo("Module, Network");
        byte[] wasm = ModuleFixture.module("f").authority(Authority.FILE).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.node.publish("f.wasm", wasm, false))
                .hasMessageContaining("needs the File authority, which this node does not offer")
                .hasMessageContaining("a node without a data directory offers File only when given a file root");
    }

    @Test
    void listsADirectorySortedWithTypesAndRootRelativePaths() throws IOException {
        Files.createDirectories(root.resolve("d/sub"));
        Files.createSymbolicLink(root.resolve("d/link"), Path.of("sub"));
        var a = run(write("d/b", "2"), write("d/a", "1"), new FileCall.ListDir("d"), new FileCall.ListDir(""));
        assertThat(a.get(2).entries())
                .containsExactly(
                        new FileCall.DirEntry("a", "d/a", FileType.FILE),
                        new FileCall.DirEntry("b", "d/b", FileType.FILE),
                        new FileCall.DirEntry("link", "d/link", FileType.SYMLINK),
                        new FileCall.DirEntry("sub", "d/sub", FileType.DIRECTORY));
        assertThat(a.get(3).entries()).containsExactly(new FileCall.DirEntry("d", "d", FileType.DIRECTORY));
    }

    @Test
    void metadataOfFilesAndDirectories() {
        var a = run(write("m.txt", "12345"), new FileCall.Metadata("m.txt"), new FileCall.Metadata(""));
        var r = a.get(1);
        assertThat(r.ok()).isTrue();
        assertThat(FileType.values()[r.rest().readU8()]).isEqualTo(FileType.FILE);
        assertThat(r.rest().readVarU64()).isEqualTo(5);
        assertThat(r.rest().readBool()).isFalse(); // readonly
        assertThat(r.rest().readU8()).isEqualTo(1); // created: Some
        r.rest().readVarU64();
        assertThat(r.rest().readU8()).isEqualTo(1); // modified: Some
        long now = System.currentTimeMillis() / 1000;
        assertThat(r.rest().readVarU64()).isBetween(now - 3600, now + 3600); // unix seconds, as upstream
        assertThat(FileType.values()[a.get(2).rest().readU8()]).isEqualTo(FileType.DIRECTORY);
    }

    @Test
    void createsDirectoriesOneOrAllLevels() {
        var a = run(
                new FileCall.CreateDir("x/y/z", false),
                new FileCall.CreateDir("x/y/z", true),
                new FileCall.CreateDir("x", false),
                new FileCall.CreateDir("x/y/z", true));
        assertThat(a.get(0).error())
                .isEqualTo("cannot create the directory 'x/y/z': it (or a directory on its way) " + "does not exist");
        assertThat(a.get(1).ok()).isTrue();
        assertThat(a.get(2).error()).isEqualTo("cannot create the directory 'x': it already exists");
        assertThat(a.get(3).ok()).isTrue();
        assertThat(Files.isDirectory(root.resolve("x/y/z"))).isTrue();
    }

    @Test
    void removesFilesAndDirectoriesButNeverTheRoot() {
        var a = run(
                write("d/f", "1"),
                new FileCall.CreateDir("d", false),
                write("d/f", "1"),
                new FileCall.RemoveFile("d"),
                new FileCall.RemoveDir("d", false),
                new FileCall.RemoveDir("d/f", false),
                new FileCall.RemoveDir("d", true),
                new FileCall.RemoveFile("d/f"),
                new FileCall.RemoveDir("", true),
                new FileCall.RemoveDir("a/..", true),
                new FileCall.RemoveFile("."));
        assertThat(a.get(0).error()).isEqualTo("cannot write 'd/f': it (or a directory on its way) does not exist");
        assertThat(a.get(3).error()).isEqualTo("cannot remove 'd': it is a directory (remove it as a directory)");
        assertThat(a.get(4).error()).isEqualTo("cannot remove 'd': the directory is not empty");
        assertThat(a.get(5).error()).isEqualTo("cannot remove 'd/f': it is not a directory");
        assertThat(a.get(6).ok()).isTrue();
        assertThat(a.get(7).error()).isEqualTo("cannot remove 'd/f': it (or a directory on its way) does not exist");
        for (int i = 8; i <= 10; i++) assertThat(a.get(i).error()).isEqualTo("cannot remove the file root itself");
        assertThat(Files.isDirectory(root)).isTrue();
    }

    @Test
    void renamesFilesAndDirectoriesButNotIntoThemselves() throws IOException {
        var a = run(
                write("a", "A"),
                write("b", "B"),
                new FileCall.Rename("a", "b"),
                new FileCall.CreateDir("d/e", true),
                new FileCall.Rename("d", "d/e/f"),
                new FileCall.Rename("d", "moved"),
                new FileCall.Rename("", "x"),
                new FileCall.Rename("missing", "x"));
        assertThat(a.get(2).ok()).isTrue();
        assertThat(Files.readString(root.resolve("b"))).isEqualTo("A");
        assertThat(Files.exists(root.resolve("a"))).isFalse();
        assertThat(a.get(4).error()).isEqualTo("cannot move 'd' into itself ('d/e/f' is inside it)");
        assertThat(a.get(5).ok()).isTrue();
        assertThat(Files.isDirectory(root.resolve("moved/e"))).isTrue();
        assertThat(a.get(6).error()).isEqualTo("cannot rename the file root itself");
        assertThat(a.get(7).error())
                .isEqualTo("cannot rename 'missing' to 'x': it (or a directory on its way) does not exist");
    }

    @Test
    void copiesFilesAndTrees() throws IOException {
        var a = run(
                write("t/a", "A"),
                new FileCall.CreateDir("t/sub", true),
                write("t/a", "A"),
                write("t/sub/b", "B"),
                new FileCall.Copy("t/a", "c", false),
                new FileCall.Copy("t", "u", false),
                new FileCall.Copy("t", "u", true),
                new FileCall.Copy("t", "t/sub/again", true),
                new FileCall.Copy("t/a", "", false));
        assertThat(a.get(4).ok()).isTrue();
        assertThat(Files.readString(root.resolve("c"))).isEqualTo("A");
        assertThat(a.get(5).error()).isEqualTo("cannot copy 't': it is a directory (copy it recursively)");
        assertThat(a.get(6).ok()).isTrue();
        assertThat(Files.readString(root.resolve("u/a"))).isEqualTo("A");
        assertThat(Files.readString(root.resolve("u/sub/b"))).isEqualTo("B");
        assertThat(a.get(7).error()).isEqualTo("cannot copy 't' into itself ('t/sub/again' is inside it)");
        assertThat(a.get(8).error()).isEqualTo("cannot replace the file root itself");
    }

    @Test
    void pathsOutsideTheRootAreRefused() {
        for (String p : List.of("../outside/secret", "/etc/passwd", "a/../../outside/secret", "C:/x", "./../x"))
            assertThat(one(new FileCall.ReadFile(p)).error()).startsWith("path '" + p + "' is outside the file root");
        var w = one(write("../outside/secret", "overwritten"));
        assertThat(w.error()).contains("is outside the file root ('..' above the root");
        assertThat(outsideSecret()).isEqualTo("secret");
    }

    String outsideSecret() {
        try {
            return Files.readString(outside.resolve("secret"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void symbolicLinksLeadingOutAreRefusedAtEveryPosition() throws IOException {
        Files.createDirectories(root.resolve("d"));
        Files.createSymbolicLink(root.resolve("out"), outside);
        Files.createSymbolicLink(root.resolve("d/out"), outside);
        Files.createSymbolicLink(root.resolve("d/secret"), outside.resolve("secret"));
        Files.createSymbolicLink(root.resolve("d/rel"), Path.of("../../outside/secret"));
        Files.createSymbolicLink(root.resolve("zero"), Path.of("/dev/zero"));
        var a = run(
                new FileCall.ReadFile("out/secret"),
                new FileCall.ReadFile("d/out/secret"),
                new FileCall.ReadFile("d/secret"),
                new FileCall.ReadFile("d/rel"),
                write("d/secret", "overwritten"),
                write("out/new", "x"),
                new FileCall.ListDir("out"),
                new FileCall.Metadata("d/out"),
                new FileCall.CreateDir("out/made", true),
                new FileCall.Rename("d/secret", "out/moved"),
                new FileCall.Copy("d/secret", "copy", false),
                new FileCall.Copy("copy-src", "d/out/copied", false),
                new FileCall.ReadFile("zero"),
                new FileCall.RemoveFile("out/secret"),
                new FileCall.RemoveDir("d/out/sub/", true));
        for (int i = 0; i < a.size(); i++)
            assertThat(a.get(i).error())
                    .as("answer %d", i)
                    .contains("is outside the file root (through a symbolic link");
        assertThat(outsideSecret()).isEqualTo("secret");
        assertThat(Files.exists(outside.resolve("new"))).isFalse();
        assertThat(Files.exists(outside.resolve("made"))).isFalse();
        assertThat(Files.list(outside).toList()).containsExactly(outside.resolve("secret"));
    }

    @Test
    void linksInsideTheRootAreFollowedAndLinksThemselvesCanBeRemoved() throws IOException {
        Files.createDirectories(root.resolve("real"));
        Files.writeString(root.resolve("real/f"), "inside");
        Files.createSymbolicLink(root.resolve("alias"), Path.of("real"));
        Files.createSymbolicLink(root.resolve("out"), outside);
        var a = run(new FileCall.ReadFile("alias/f"), new FileCall.RemoveFile("out"), new FileCall.RemoveFile("alias"));
        assertThat(a.get(0).text()).isEqualTo("inside");
        assertThat(a.get(1).ok()).isTrue();
        assertThat(a.get(2).ok()).isTrue();
        assertThat(outsideSecret()).isEqualTo("secret");
        assertThat(Files.exists(root.resolve("real/f"))).isTrue();
    }

    @Test
    void recursiveCopyAndRemoveNeverFollowLinksOut() throws IOException {
        Files.createDirectories(root.resolve("tree"));
        Files.writeString(root.resolve("tree/f"), "f");
        Files.createSymbolicLink(root.resolve("tree/out"), outside);
        var a = run(new FileCall.Copy("tree", "copy", true), new FileCall.ReadFile("copy/out/secret"));
        assertThat(a.get(0).ok()).isTrue();
        assertThat(Files.isSymbolicLink(root.resolve("copy/out"))).isTrue(); // copied as a link
        assertThat(Files.readString(root.resolve("copy/f"))).isEqualTo("f");
        assertThat(a.get(1).error()).contains("is outside the file root (through a symbolic link");
        var b = run(new FileCall.RemoveDir("tree", true), new FileCall.RemoveDir("copy", true));
        assertThat(b.get(0).ok()).isTrue();
        assertThat(b.get(1).ok()).isTrue();
        assertThat(Files.exists(root.resolve("tree"))).isFalse();
        assertThat(outsideSecret()).isEqualTo("secret");
    }

    @Test
    void danglingLinksAndLinkLoopsAreRefused() throws IOException {
        Files.createDirectories(root);
        Files.createSymbolicLink(root.resolve("loop1"), Path.of("loop2"));
        Files.createSymbolicLink(root.resolve("loop2"), Path.of("loop1"));
        Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("nothing"));
        var a = run(
                new FileCall.ReadFile("loop1"),
                write("dangling", "created outside?"),
                new FileCall.ReadFile("loop1/x"));
        for (var x : a) assertThat(x.error()).contains("goes through a symbolic link that leads nowhere or loops");
        assertThat(Files.exists(outside.resolve("nothing"))).isFalse();
    }

    @Test
    void devicesPipesAndSocketsAreRefused() throws Exception {
        Files.createDirectories(root);
        try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(root.resolve("sock")));
            var a = run(new FileCall.ReadFile("sock"), write("sock", "x"), new FileCall.Copy("sock", "c", false));
            for (var x : a) assertThat(x.error()).contains("'sock': it is not a regular file");
        }
    }

    @Test
    void readingAFifoIsRefusedInsteadOfBlocking() throws Exception {
        Files.createDirectories(root);
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", root.resolve("fifo").toString()).start();
        } catch (IOException e) {
            assumeTrue(false, "no mkfifo here");
            return;
        }
        assumeTrue(p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
        assertThat(one(new FileCall.ReadFile("fifo")).error())
                .isEqualTo("cannot read 'fifo': it is not a regular file (devices, pipes and sockets are refused)");
    }

    @Test
    void hardLinkedFilesAreRefused() throws IOException {
        Files.createDirectories(root);
        try {
            Files.createLink(root.resolve("hl"), outside.resolve("secret"));
        } catch (IOException | UnsupportedOperationException e) {
            assumeTrue(false, "no hard links here");
        }
        var a = run(new FileCall.ReadFile("hl"), write("hl", "overwritten"), new FileCall.Copy("hl", "c", false));
        for (var x : a) assertThat(x.error()).contains("it has 2 hard links, and the File authority refuses");
        assertThat(outsideSecret()).isEqualTo("secret");
    }

    @Test
    void eachCallIsBoundedByItsLimit() throws IOException {
        openNode(new FileLimits(1000, 100, 3, 1500, 16));
        Files.createDirectories(root.resolve("many"));
        Files.write(root.resolve("big"), new byte[2000]);
        for (int i = 0; i < 4; i++) Files.writeString(root.resolve("many/" + i), "x");
        Files.write(root.resolve("many/big"), new byte[900]);
        var a = run(
                new FileCall.ReadFile("big"),
                new FileCall.WriteFile("w", new byte[101], false),
                new FileCall.ListDir("many"),
                new FileCall.Copy("big", "c", false),
                new FileCall.Copy("many", "c2", true),
                new FileCall.ReadFile("many/big"));
        assertThat(a.get(0).error())
                .isEqualTo("cannot read 'big': it has 2000 bytes, more than the read limit of 1000 bytes");
        assertThat(a.get(1).error())
                .isEqualTo("cannot write 101 bytes to 'w': more than the write limit of 100 bytes per call");
        assertThat(Files.exists(root.resolve("w"))).isFalse();
        assertThat(a.get(2).error()).isEqualTo("cannot list 'many': it has more than 3 entries (the listing limit)");
        assertThat(a.get(3).error()).contains("more than the copy limit of 1500 bytes");
        assertThat(a.get(4).ok()).isTrue(); // 904 bytes
        assertThat(a.get(5).bytes()).hasSize(900);
    }

    @Test
    void hugeTreesAreNotCopiedPastTheLimitAndNothingIsWritten() throws IOException {
        openNode(new FileLimits(1000, 1000, 100, 1500, 16));
        Files.createDirectories(root.resolve("t"));
        for (int i = 0; i < 4; i++) Files.write(root.resolve("t/" + i), new byte[500]);
        assertThat(one(new FileCall.Copy("t", "c", true)).error())
                .isEqualTo("cannot copy 't': it holds 2000 bytes or more, more than the copy limit of 1500 bytes");
        assertThat(Files.exists(root.resolve("c"))).isFalse();
    }

    @Test
    void namesWithNulOrBackslashAreRefusedAndUnicodeWorks() throws IOException {
        var a = run(
                write("a\0b", "x"),
                write("a\\b", "x"),
                new FileCall.CreateDir("notes", false),
                write("notes/été ☃.txt", "snow"),
                new FileCall.ListDir("notes"),
                new FileCall.ReadFile("notes/été ☃.txt"),
                new FileCall.ReadFile("x".repeat(5000)));
        assertThat(a.get(0).error()).isEqualTo("path 'a\\x00b' contains a NUL character");
        assertThat(a.get(1).error()).startsWith("path 'a\\b' contains a backslash; separate directories with '/'");
        assertThat(a.get(4).entries())
                .containsExactly(new FileCall.DirEntry("été ☃.txt", "notes/été ☃.txt", FileType.FILE));
        assertThat(a.get(5).text()).isEqualTo("snow");
        assertThat(Files.readString(root.resolve("notes/été ☃.txt"))).isEqualTo("snow");
        assertThat(a.get(6).error()).isEqualTo("a path longer than 4096 bytes is refused");
    }

    @Test
    void writesStayWhenTheReducerTrapsAfterwards() throws IOException {
        byte[] wasm = ModuleFixture.module("files")
                .authority(Authority.FILE)
                .blob("w", AuthorityCodec.encodeHostCall(write("kept.txt", "kept")))
                .reducer("w", List.of(), List.of(), hostCallAndLog("w") + "\nunreachable")
                .build();
        t.node.publish("files.wasm", wasm, false);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.node.call("files", "w", List.of()));
        assertThat(Files.readString(root.resolve("kept.txt"))).isEqualTo("kept");
    }
}
