package dev.interstice.runtime.node;

import static dev.interstice.runtime.node.LifecycleTest.await;
import static dev.interstice.runtime.testing.ModuleFixture.childCallAndLog;
import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.AuthorityCodec;
import dev.interstice.abi.codec.ChildCodec;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.host.ChildCall;
import dev.interstice.abi.host.FileCall;
import dev.interstice.abi.host.ModuleCall;
import dev.interstice.abi.host.NetworkCall;
import dev.interstice.abi.schema.Authority;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Selection;
import dev.interstice.runtime.authority.AuthorityConfig;
import dev.interstice.runtime.store.Blobs;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child modules and their grants (docs/security.md, Grants): a module spawns children through {@code
 * interstice_children} with a part of what it holds; every privileged call of a child is checked by the host against
 * its grant, and each test tries to exceed one.
 */
class ChildModulesTest {
    @TempDir
    Path tmp;

    TestNode t;
    Path root;

    @AfterEach
    void close() {
        if (t != null) t.close();
    }

    void open(Path dataDir) throws Exception {
        root = tmp.resolve("files");
        Files.createDirectories(root);
        var auth = AuthorityConfig.headless().withFileRoot(root);
        t = new TestNode((dataDir == null ? NodeConfig.inMemory() : NodeConfig.at(dataDir)).withAuthorities(auth));
    }

    // ---- modules ----

    /** A module whose reducers each make one call (a children call or a host call) and log the answer as hex. */
    static final class Caller {
        final ModuleFixture m;

        Caller(String name, Authority... holds) {
            m = ModuleFixture.module(name).importChildren();
            for (Authority a : holds) m.authority(a);
            var result = List.of(
                    new FieldDef("op", IntersticeType.STRING),
                    new FieldDef("module", IntersticeType.STRING),
                    new FieldDef("error", new IntersticeType.Option(IntersticeType.STRING)));
            if (List.of(holds).contains(Authority.MODULE))
                m.reducer("module_result", result, List.of(), "(call $log_hex (local.get $ptr) (local.get $len))");
        }

        Caller child(String reducer, ChildCall c) {
            m.blob(reducer, ChildCodec.encode(c)).reducer(reducer, List.of(), List.of(), childCallAndLog(reducer));
            return this;
        }

        Caller host(String reducer, byte[] hostCall) {
            m.blob(reducer, hostCall).reducer(reducer, List.of(), List.of(), hostCallAndLog(reducer));
            return this;
        }

        Caller file(String reducer, FileCall c) {
            return host(reducer, AuthorityCodec.encodeHostCall(c));
        }

        byte[] build() {
            return m.build();
        }
    }

    static ChildCall.Grant files(String dir) {
        return new ChildCall.Grant(Optional.of(dir), Optional.empty(), false);
    }

    static ChildCall spawn(byte[] wasm, ChildCall.Grant g, boolean stop) {
        return new ChildCall.Spawn(new ChildCall.Wasm(wasm), g, stop);
    }

    static FileCall write(String path) {
        return new FileCall.WriteFile(path, "hi".getBytes(StandardCharsets.UTF_8), false);
    }

    /** The child "kid": writes and reads files, tries to leave its root. */
    static Caller kid(String name, Authority... declares) {
        return new Caller(name, declares)
                .file("write", write("note.txt"))
                .file("read_up", new FileCall.ReadFile("../secret.txt"))
                .file("read_secret", new FileCall.ReadFile("secret.txt"))
                .file("read_link", new FileCall.ReadFile("out/secret.txt"));
    }

    // ---- answers ----

    /** Calls {@code reducer} of {@code module} and returns the line it logged (its call's answer, as bytes). */
    byte[] logged(String module, String reducer) {
        int before = t.hexLogsOf(module).size();
        t.node.call(module, reducer, List.of());
        // the call's own line: a module_result delivered after its commit may follow it at once
        return t.hexLogsOf(module).get(before);
    }

    /** Calls {@code reducer} of {@code module} and returns the answer it logged: null for Ok, else the error. */
    String answer(String module, String reducer) {
        byte[] a = logged(module, reducer);
        var r = new PostcardReader(a);
        return r.readU8() == 0 ? null : r.readString();
    }

    static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The module_result calls of {@code parent} for spawns, as hex. */
    List<String> spawnResults(String parent) {
        String arg = String.format("%02x", 5) + hex("spawn");
        return t.hexLogsOf(parent).stream()
                .map(HexFormat.of()::formatHex)
                .filter(h -> h.contains(arg))
                .toList();
    }

    /** Waits until {@code child} is loaded and its parent got the spawn's outcome (nothing else then arrives late). */
    void spawned(String parent, String child) throws InterruptedException {
        await(() -> t.node.schema(child).isPresent());
        await(() -> spawnResults(parent).stream().anyMatch(h -> h.contains(hex(child))));
    }

    // ---- tests ----

    @Test
    void aChildWithAFileGrantWorksInsideItsDirectoryAndNeverOutside() throws Exception {
        open(null);
        Files.writeString(root.resolve("secret.txt"), "parent's");
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "outside");
        t.node.publish(
                "parent.wasm",
                new Caller("parent", Authority.MODULE, Authority.FILE)
                        .child("spawn", spawn(kid("kid").build(), files("kids/a"), true))
                        .build(),
                false);
        assertThat(answer("parent", "spawn")).isNull();
        spawned("parent", "kid");
        assertThat(spawnResults("parent").getFirst()).contains(hex("kid")).endsWith("00");

        assertThat(answer("kid", "write")).isNull();
        assertThat(Files.readString(root.resolve("kids/a/note.txt"))).isEqualTo("hi");
        assertThat(answer("kid", "read_up")).contains("outside the file root");
        assertThat(answer("kid", "read_secret")).contains("secret.txt"); // not found in its own root
        Files.createSymbolicLink(root.resolve("kids/a/out"), outside);
        assertThat(answer("kid", "read_link")).contains("symbolic link");
    }

    @Test
    void aParentCannotGrantWhatItDoesNotHoldNorADirectoryOutsideItsRoot() throws Exception {
        open(null);
        Files.createSymbolicLink(root.resolve("escape"), Files.createDirectories(tmp.resolve("elsewhere")));
        byte[] kid = kid("kid").build();
        t.node.publish(
                "parent.wasm",
                new Caller("parent", Authority.MODULE)
                        .child("file", spawn(kid, files("sub"), true))
                        .child(
                                "net",
                                spawn(
                                        kid,
                                        new ChildCall.Grant(Optional.empty(), Optional.of(List.of("127.0.0.1")), false),
                                        true))
                        .build(),
                false);
        assertThat(answer("parent", "file"))
                .isEqualTo("cannot grant the File authority: module 'parent' does not hold the File authority"
                        + " (declare it in the module's authorities)");
        assertThat(answer("parent", "net"))
                .startsWith("cannot grant the Network authority: module 'parent' does not hold");

        t.node.remove("parent");
        t.node.publish(
                "holder.wasm",
                new Caller("holder", Authority.MODULE, Authority.FILE)
                        .child("up", spawn(kid, files("../x"), true))
                        .child("link", spawn(kid, files("escape"), true))
                        .build(),
                false);
        assertThat(answer("holder", "up")).contains("outside the file root");
        assertThat(answer("holder", "link")).contains("symbolic link");
        assertThat(t.node.schema("kid")).isEmpty();
    }

    @Test
    void aModuleWithoutTheModuleAuthorityCannotSpawn() throws Exception {
        open(null);
        t.node.publish(
                "plain.wasm",
                new Caller("plain")
                        .child("spawn", spawn(kid("kid").build(), ChildCall.Grant.none(), true))
                        .build(),
                false);
        assertThat(answer("plain", "spawn"))
                .isEqualTo("cannot spawn a child: module 'plain' does not hold the Module authority (declare it in"
                        + " the module's authorities)");
    }

    @Test
    void aRevokedGrantIsRefusedAtTheChildsNextCallAndListed() throws Exception {
        open(null);
        t.node.publish(
                "parent.wasm",
                new Caller("parent", Authority.MODULE, Authority.FILE)
                        .child("spawn", spawn(kid("kid").build(), files("k"), false))
                        .child("revoke", new ChildCall.Revoke("kid", Optional.of(Authority.FILE)))
                        .child("revoke_other", new ChildCall.Revoke("parent", Optional.empty()))
                        .child("list", new ChildCall.ListChildren())
                        .build(),
                false);
        answer("parent", "spawn");
        spawned("parent", "kid");
        assertThat(answer("kid", "write")).isNull();
        assertThat(ChildCodec.decodeChildren(logged("parent", "list")))
                .containsExactly(new ChildCall.Child("kid", files("k"), List.of(), false, true));

        assertThat(answer("parent", "revoke")).isNull();
        assertThat(answer("kid", "write"))
                .isEqualTo("module 'kid' is a child module and its File grant from 'parent' was revoked");
        assertThat(answer("parent", "revoke_other")).isEqualTo("module 'parent' is not a child of module 'parent'");
        assertThat(ChildCodec.decodeChildren(logged("parent", "list")))
                .containsExactly(new ChildCall.Child("kid", files("k"), List.of(Authority.FILE), false, true));
    }

    @Test
    void aChildsModuleGrantCoversItsOwnChildrenOnlyAndAGrandchildGetsNoMoreThanItHolds() throws Exception {
        open(null);
        byte[] grandkid = kid("grandkid").build();
        byte[] sibling = new Caller("sibling").build();
        var mid = new Caller("mid", Authority.MODULE)
                .child(
                        "spawn_more",
                        spawn(
                                grandkid,
                                new ChildCall.Grant(Optional.of("g"), Optional.of(List.of("127.0.0.1")), false),
                                true))
                .child("spawn", spawn(grandkid, files("g"), true))
                .child("spawn_up", spawn(grandkid, files("../elsewhere"), true))
                .host("load", AuthorityCodec.encodeHostCall(new ModuleCall.Load(Selection.CURRENT, sibling)))
                .host(
                        "unload_parent",
                        AuthorityCodec.encodeHostCall(new ModuleCall.Unload(Selection.CURRENT, "parent")))
                .host(
                        "unload_grandkid",
                        AuthorityCodec.encodeHostCall(new ModuleCall.Unload(Selection.CURRENT, "grandkid")));
        t.node.publish(
                "parent.wasm",
                new Caller("parent", Authority.MODULE, Authority.FILE)
                        .child(
                                "spawn",
                                spawn(mid.build(), new ChildCall.Grant(Optional.of("m"), Optional.empty(), true), true))
                        .child("revoke_file", new ChildCall.Revoke("mid", Optional.of(Authority.FILE)))
                        .build(),
                false);
        answer("parent", "spawn");
        spawned("parent", "mid");
        assertThat(answer("mid", "spawn_more"))
                .isEqualTo("cannot grant the Network authority: module 'mid' is a child module and its grant from"
                        + " 'parent' does not include the Network authority");
        assertThat(answer("mid", "spawn_up"))
                .startsWith("cannot grant the File authority on '../elsewhere': path '../elsewhere' is outside the"
                        + " file root");
        assertThat(answer("mid", "load")).contains("covers its own children only");
        assertThat(answer("mid", "unload_parent")).contains("'parent' is not one of its children");
        assertThat(answer("mid", "spawn")).isNull();
        spawned("mid", "grandkid");
        assertThat(answer("grandkid", "write")).isNull();
        assertThat(Files.readString(root.resolve("m/g/note.txt"))).isEqualTo("hi");

        // revoking the middle one's File takes the grandchild's too: its grant came from it
        answer("parent", "revoke_file");
        assertThat(answer("grandkid", "write"))
                .isEqualTo("module 'grandkid' is a child module and the grant of its ancestor 'mid': its File grant"
                        + " from 'parent' was revoked");
        assertThat(answer("mid", "unload_grandkid")).isNull();
        await(() -> t.node.schema("grandkid").isEmpty());
    }

    @Test
    void aChildDeclaringAnAuthorityOutsideItsGrantIsNotLoaded() throws Exception {
        open(null);
        t.node.publish(
                "parent.wasm",
                new Caller("parent", Authority.MODULE, Authority.FILE)
                        .child("spawn", spawn(kid("kid", Authority.NETWORK).build(), files("k"), true))
                        .build(),
                false);
        assertThat(answer("parent", "spawn")).isNull(); // accepted: the outcome comes after commit
        await(() -> !spawnResults("parent").isEmpty());
        assertThat(spawnResults("parent").getFirst())
                .contains(hex("child module 'kid' declares the Network authority, which its grant from 'parent'"
                        + " does not include"));
        assertThat(t.node.schema("kid")).isEmpty();
        assertThat(t.node.authorities().children().isChild("kid")).isFalse();
    }

    @Test
    void childrenStopWithTheirParentOrKeepRunningAsTheirPolicySays() throws Exception {
        open(null);
        t.node.publish(
                "parent.wasm",
                new Caller("parent", Authority.MODULE, Authority.FILE)
                        .child("a", spawn(kid("stops").build(), files("a"), true))
                        .child("b", spawn(kid("keeps").build(), files("b"), false))
                        .build(),
                false);
        answer("parent", "a");
        answer("parent", "b");
        spawned("parent", "stops");
        spawned("parent", "keeps");
        t.node.unload("parent");
        assertThat(t.node.schema("stops")).isEmpty();
        assertThat(t.node.unloadedModules()).contains("parent", "stops");
        assertThat(t.node.schema("keeps")).isPresent();
        assertThat(answer("keeps", "write")).isNull(); // its grant still holds
    }

    @Test
    void childrenAndTheirGrantsSurviveARestart() throws Exception {
        Path data = tmp.resolve("data");
        open(data);
        t.node.publish(
                "parent.wasm",
                new Caller("parent", Authority.MODULE, Authority.FILE)
                        .child("a", spawn(kid("one").build(), files("one"), true))
                        .child("b", spawn(kid("two").build(), files("two"), true))
                        .child("revoke", new ChildCall.Revoke("two", Optional.empty()))
                        .child("list", new ChildCall.ListChildren())
                        .build(),
                false);
        answer("parent", "a");
        answer("parent", "b");
        spawned("parent", "one");
        spawned("parent", "two");
        answer("parent", "revoke");
        t.close();

        t = new TestNode(
                NodeConfig.at(data).withAuthorities(AuthorityConfig.headless().withFileRoot(root)));
        assertThat(t.node.schema("one")).isPresent();
        assertThat(answer("one", "write")).isNull();
        assertThat(Files.readString(root.resolve("one/note.txt"))).isEqualTo("hi");
        assertThat(answer("two", "write")).contains("File grant from 'parent' was revoked");
        assertThat(ChildCodec.decodeChildren(logged("parent", "list")))
                .extracting(ChildCall.Child::name, ChildCall.Child::revoked)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("one", List.of()),
                        org.assertj.core.groups.Tuple.tuple("two", List.of(Authority.FILE)));
        // a removed child's record goes with it
        t.node.remove("two");
        assertThat(t.node.authorities().children().isChild("two")).isFalse();
    }

    @Test
    void aChildIsSpawnedFromAContentHash() throws Exception {
        open(null);
        byte[] kid = kid("kid").build();
        t.node.publish("kid.wasm", kid, false); // its code stays in the content store
        t.node.remove("kid");
        String hash = Blobs.hash(kid);
        t.node.publish(
                "parent.wasm",
                new Caller("parent", Authority.MODULE, Authority.FILE)
                        .child("spawn", new ChildCall.Spawn(new ChildCall.Hash(hash), files("k"), true))
                        .child("missing", new ChildCall.Spawn(new ChildCall.Hash("0".repeat(64)), files("k"), true))
                        .build(),
                false);
        assertThat(answer("parent", "missing")).contains("this node has no module code with hash " + "0".repeat(64));
        assertThat(answer("parent", "spawn")).isNull();
        spawned("parent", "kid");
        assertThat(answer("kid", "write")).isNull();
    }

    @Test
    void aChildsNetworkGrantReachesTheGrantedAddressesOnly() throws Exception {
        open(null);
        try (var server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            var net = new Caller("netkid")
                    .host("ok", AuthorityCodec.encodeHostCall(new NetworkCall.TcpConnect("127.0.0.1", port, false, "")))
                    .host(
                            "other_port",
                            AuthorityCodec.encodeHostCall(new NetworkCall.TcpConnect(
                                    "127.0.0.1", port + 1 == 65536 ? 1 : port + 1, false, "")))
                    .host(
                            "other_host",
                            AuthorityCodec.encodeHostCall(new NetworkCall.TcpConnect("127.0.0.2", port, false, "")))
                    .host(
                            "name",
                            AuthorityCodec.encodeHostCall(new NetworkCall.TcpConnect("localhost", port, false, "")))
                    .host("listen", AuthorityCodec.encodeHostCall(new NetworkCall.TcpListen("127.0.0.1", 0)))
                    .file("file", write("x"));
            t.node.publish(
                    "parent.wasm",
                    new Caller("parent", Authority.MODULE, Authority.NETWORK)
                            .child(
                                    "spawn",
                                    spawn(
                                            net.build(),
                                            new ChildCall.Grant(
                                                    Optional.empty(), Optional.of(List.of("127.0.0.1:" + port)), false),
                                            true))
                            .child(
                                    "wide",
                                    spawn(
                                            net.build(),
                                            new ChildCall.Grant(
                                                    Optional.empty(), Optional.of(List.of("10.0.0.0/8")), false),
                                            true))
                            .build(),
                    false);
            assertThat(answer("parent", "wide"))
                    .isEqualTo(
                            "cannot grant the Network authority on 10.0.0.0/8: module 'parent' may not reach it itself");
            assertThat(answer("parent", "spawn")).isNull();
            spawned("parent", "netkid");
            assertThat(logged("netkid", "ok")[0]).isEqualTo((byte) 0); // Ok(handle)
            assertThat(answer("netkid", "other_port")).contains("does not include 127.0.0.1 port");
            assertThat(answer("netkid", "other_host")).contains("does not include 127.0.0.2 port " + port);
            assertThat(answer("netkid", "name")).contains("connects to an IP address, not 'localhost'");
            assertThat(answer("netkid", "listen")).contains("not listen or bind");
            assertThat(answer("netkid", "file")).contains("does not include the File authority");
        }
    }
}
