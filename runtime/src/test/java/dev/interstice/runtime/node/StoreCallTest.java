package dev.interstice.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.StoreCodec;
import dev.interstice.abi.host.StoreCall;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.store.Blobs;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content store through {@code interstice_store} (docs/abi.md §4.4, docs/store.md), from hand-written modules. */
class StoreCallTest {
    static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);
    static final byte[] WORLD = "world".getBytes(StandardCharsets.UTF_8);
    static final String H = Blobs.hash(HELLO);
    static final String W = Blobs.hash(WORLD);

    @TempDir
    Path dir;

    TestNode t;

    @AfterEach
    void close() {
        if (t != null) t.close();
    }

    /** A module whose reducers each send store calls in order and log every answer as hex. */
    static final class StoreModule {
        final String name;
        final Map<String, List<StoreCall>> reducers = new LinkedHashMap<>();
        final Map<String, Boolean> traps = new LinkedHashMap<>();

        StoreModule(String name) {
            this.name = name;
        }

        StoreModule reducer(String reducer, StoreCall... calls) {
            reducers.put(reducer, List.of(calls));
            return this;
        }

        /** A reducer that sends its calls, then traps. */
        StoreModule trapping(String reducer, StoreCall... calls) {
            traps.put(reducer, true);
            return reducer(reducer, calls);
        }

        byte[] build() {
            var m = ModuleFixture.module(name).importStore();
            int n = 0;
            for (var r : reducers.entrySet()) {
                var body = new StringBuilder();
                for (StoreCall c : r.getValue()) {
                    String b = "c" + n++;
                    m.blob(b, StoreCodec.encode(c));
                    body.append("(call $log_packed (call $store (i32.const ${")
                            .append(b)
                            .append("}) (i32.const ${")
                            .append(b)
                            .append(".len})))");
                }
                if (traps.containsKey(r.getKey())) body.append("(unreachable)");
                m.reducer(r.getKey(), List.of(), List.of(), body.toString());
            }
            return m.build();
        }
    }

    private List<byte[]> answers(String module) {
        return t.hexLogsOf(module);
    }

    private List<byte[]> run(String module, String reducer) {
        int before = answers(module).size();
        t.node.call(module, reducer, List.of());
        var all = answers(module);
        return all.subList(before, all.size());
    }

    @Test
    void storesDeduplicatesLabelsAndLists() {
        t = new TestNode();
        t.node.load(new StoreModule("m")
                .reducer(
                        "all",
                        new StoreCall.New(),
                        new StoreCall.Store("1", HELLO),
                        new StoreCall.Store("1", HELLO),
                        new StoreCall.Get("1", H),
                        new StoreCall.Exists("1", H),
                        new StoreCall.Exists("1", W),
                        new StoreCall.Label("1", "greetings", H),
                        new StoreCall.StoreAtLabel("1", "greetings", WORLD),
                        new StoreCall.GetByLabel("1", "greetings"),
                        new StoreCall.ListLabels("1"),
                        new StoreCall.ListAllContent("1"),
                        new StoreCall.CalculateTotalSize("1"),
                        new StoreCall.RemoveFromLabel("1", "greetings", W),
                        new StoreCall.GetByLabel("1", "greetings"),
                        new StoreCall.ReplaceContentAtLabel("1", "latest", WORLD),
                        new StoreCall.ReplaceAtLabel("1", "latest", H),
                        new StoreCall.GetByLabel("1", "latest"),
                        new StoreCall.RemoveLabel("1", "latest"),
                        new StoreCall.GetByLabel("1", "latest"),
                        new StoreCall.ListLabels("1"))
                .build());
        assertThat(run("m", "all"))
                .containsExactly(
                        StoreCodec.okString("1"),
                        StoreCodec.okString(H),
                        StoreCodec.okString(H),
                        StoreCodec.okBytes(HELLO),
                        StoreCodec.okBool(true),
                        StoreCodec.okBool(false),
                        StoreCodec.ok(),
                        StoreCodec.okString(W),
                        StoreCodec.okOptionalString(W), // the most recently added
                        StoreCodec.okStrings(List.of("greetings")),
                        StoreCodec.okStrings(List.of(H, W).stream().sorted().toList()),
                        StoreCodec.okU64(10), // "hello" once, "world" once
                        StoreCodec.ok(),
                        StoreCodec.okOptionalString(H),
                        StoreCodec.okString(W),
                        StoreCodec.ok(),
                        StoreCodec.okOptionalString(H),
                        StoreCodec.ok(),
                        StoreCodec.okOptionalString(null),
                        StoreCodec.okStrings(List.of("greetings")));
    }

    @Test
    void labelsAndContentRollBackWithATrappingReducer() {
        t = new TestNode();
        t.node.load(new StoreModule("m")
                .reducer("make", new StoreCall.New(), new StoreCall.StoreAtLabel("1", "a", HELLO))
                .trapping("fails", new StoreCall.StoreAtLabel("1", "a", WORLD), new StoreCall.RemoveLabel("1", "b"))
                .reducer(
                        "read",
                        new StoreCall.GetByLabel("1", "a"),
                        new StoreCall.Exists("1", W),
                        new StoreCall.ListLabels("1"))
                .build());
        run("m", "make");
        assertThatThrownBy(() -> t.node.call("m", "fails", List.of())).isInstanceOf(CallException.class);
        assertThat(run("m", "read"))
                .containsExactly(
                        StoreCodec.okOptionalString(H), StoreCodec.okBool(false), StoreCodec.okStrings(List.of("a")));
    }

    @Test
    void aModuleCannotReadAnotherModulesContentOrStore() {
        t = new TestNode();
        t.node.load(new StoreModule("owner")
                .reducer("put", new StoreCall.New(), new StoreCall.StoreAtLabel("1", "secret", HELLO))
                .build());
        t.node.load(new StoreModule("thief")
                .reducer("before", new StoreCall.Get("1", H))
                .reducer(
                        "after",
                        new StoreCall.New(),
                        new StoreCall.Get("1", H),
                        new StoreCall.Exists("1", H),
                        new StoreCall.Label("1", "mine", H),
                        new StoreCall.ListAllContent("1"))
                .build());
        run("owner", "put");
        assertThat(run("thief", "before"))
                .containsExactly(StoreCodec.err("module 'thief' has no store '1' (make one with new)"));
        assertThat(run("thief", "after"))
                .containsExactly(
                        StoreCodec.okString("1"),
                        StoreCodec.err("store '1' holds no content " + H),
                        StoreCodec.okBool(false),
                        StoreCodec.err("store '1' holds no content " + H),
                        StoreCodec.okStrings(List.of()));
    }

    @Test
    void badRequestsAnswerErrAndChangeNothing() {
        t = new TestNode();
        t.node.load(new StoreModule("m")
                .reducer(
                        "bad",
                        new StoreCall.New(),
                        new StoreCall.Get("1", "not-a-hash"),
                        new StoreCall.Label("1", "", H),
                        new StoreCall.Label("1", "x", H),
                        new StoreCall.StoreAtLabel("1", "nul\u0000label", HELLO),
                        new StoreCall.ListAllContent("1"),
                        new StoreCall.Store("7", HELLO))
                .build());
        var answers = run("m", "bad");
        assertThat(answers).hasSize(7);
        assertThat(new String(answers.get(1), StandardCharsets.UTF_8)).contains("is not a content ref");
        assertThat(new String(answers.get(2), StandardCharsets.UTF_8)).contains("holds no content");
        assertThat(answers.get(3)).isEqualTo(StoreCodec.err("store '1' holds no content " + H));
        assertThat(new String(answers.get(4), StandardCharsets.UTF_8)).contains("a label must be");
        assertThat(answers.get(5)).isEqualTo(StoreCodec.okStrings(List.of())); // the refused store kept nothing
        assertThat(answers.get(6)).isEqualTo(StoreCodec.err("module 'm' has no store '7' (make one with new)"));
    }

    @Test
    void limitsAnswerErr() {
        t = new TestNode();
        var calls = new java.util.ArrayList<StoreCall>();
        for (int i = 0; i < 65; i++) calls.add(new StoreCall.New());
        calls.add(new StoreCall.StoreAtLabel("1", "x".repeat(1025), HELLO));
        calls.add(new StoreCall.StoreAtLabel("1", "é".repeat(512), HELLO)); // 1024 bytes: the most a label may have
        t.node.load(new StoreModule("m")
                .reducer("many", calls.toArray(StoreCall[]::new))
                .build());
        var answers = run("m", "many");
        assertThat(answers.get(63)).isEqualTo(StoreCodec.okString("64"));
        assertThat(answers.get(64)).isEqualTo(StoreCodec.err("module 'm' has 64 stores, the most one module may make"));
        assertThat(new String(answers.get(65), StandardCharsets.UTF_8)).contains("a label must be 1 to 1024 bytes");
        assertThat(answers.get(66)).isEqualTo(StoreCodec.okString(H));
    }

    @Test
    void aMalformedStoreCallTrapsTheCall() {
        t = new TestNode();
        var m = ModuleFixture.module("m")
                .importStore()
                .blob("junk", new byte[] {99})
                .reducer(
                        "junk",
                        List.of(),
                        List.of(),
                        "(drop (call $store (i32.const ${junk}) (i32.const ${junk.len})))");
        t.node.load(m.build());
        assertThatThrownBy(() -> t.node.call("m", "junk", List.of()))
                .isInstanceOf(CallException.class)
                .hasMessageContaining("malformed store call");
    }

    private Path blobFile(String hash) {
        return dir.resolve("storage/content/sha256")
                .resolve(hash.substring(0, 2))
                .resolve(hash.substring(2));
    }

    @Test
    void contentNoLabelNamesIsCollectedPeriodically() {
        t = new TestNode(NodeConfig.at(dir));
        t.node.load(new StoreModule("m")
                .reducer("put", new StoreCall.New(), new StoreCall.StoreAtLabel("1", "a", HELLO))
                .reducer("unlabelled", new StoreCall.Store("1", WORLD))
                .build());
        run("m", "put");
        run("m", "unlabelled");
        assertThat(blobFile(W)).exists();
        t.node.collectContentEvery(Duration.ofMillis(100), Duration.ZERO);
        dev.interstice.runtime.testing.NetFixture.await(
                () -> !Files.exists(blobFile(W)), "the unlabelled content to be collected without being asked");
        assertThat(blobFile(H)).exists(); // a label keeps it
    }

    @Test
    void aRemovedModulesStoresGoWithItAndItsContentAtTheNextCollection() {
        var module = new StoreModule("m")
                .reducer("put", new StoreCall.New(), new StoreCall.StoreAtLabel("1", "a", HELLO))
                .reducer("read", new StoreCall.GetByLabel("1", "a"))
                .build();
        t = new TestNode(NodeConfig.at(dir));
        t.node.load(module);
        run("m", "put");
        t.node.remove("m");
        t.node.load(module); // the same name again, before any collection, starts with no store
        assertThat(run("m", "read")).containsExactly(StoreCodec.err("module 'm' has no store '1' (make one with new)"));
        assertThat(t.node.collectContent(Duration.ofHours(1))).isEqualTo(1); // labelled, but its store is gone
        assertThat(blobFile(H)).doesNotExist();
        assertThat(blobFile(Blobs.hash(module))).exists(); // loaded again
    }

    @Test
    void aDamagedBlobIsAnErrorNeverWrongBytes() throws Exception {
        t = new TestNode(dev.interstice.runtime.node.NodeConfig.at(dir));
        t.node.load(new StoreModule("m")
                .reducer("put", new StoreCall.New(), new StoreCall.StoreAtLabel("1", "a", HELLO))
                .reducer("get", new StoreCall.Get("1", H))
                .build());
        run("m", "put");
        Files.write(blobFile(H), "jello".getBytes(StandardCharsets.UTF_8));
        assertThat(run("m", "get"))
                .containsExactly(StoreCodec.err(
                        "content " + H + " is damaged on this node (its bytes no longer match their hash)"));
        Files.delete(blobFile(H));
        assertThat(run("m", "get"))
                .containsExactly(StoreCodec.err("content " + H + " is missing from the node's content store"));
    }

    @Test
    void contentAndLabelsSurviveARestartAndOrphansAreCollected() throws Exception {
        var module = new StoreModule("m")
                .reducer("put", new StoreCall.New(), new StoreCall.StoreAtLabel("1", "a", HELLO))
                .trapping("orphan", new StoreCall.Store("1", WORLD))
                .reducer("unlabelled", new StoreCall.Store("1", WORLD))
                .reducer(
                        "read",
                        new StoreCall.GetByLabel("1", "a"),
                        new StoreCall.Get("1", H),
                        new StoreCall.Exists("1", W))
                .build();
        t = new TestNode(NodeConfig.at(dir));
        t.node.load(module);
        run("m", "put");
        // a failed transaction's blob is written (durable before any commit could name it), then collected
        assertThatThrownBy(() -> t.node.call("m", "orphan", List.of())).isInstanceOf(CallException.class);
        assertThat(blobFile(W)).exists();
        t.close();
        t = new TestNode(NodeConfig.at(dir)); // opening collects what no store holds
        assertThat(blobFile(W)).doesNotExist();
        assertThat(run("m", "read"))
                .containsExactly(StoreCodec.okOptionalString(H), StoreCodec.okBytes(HELLO), StoreCodec.okBool(false));

        // content stored without a label is kept until a collection after the grace period
        run("m", "unlabelled");
        assertThat(t.node.collectContent(Duration.ofHours(1))).isZero();
        assertThat(run("m", "read").get(2)).isEqualTo(StoreCodec.okBool(true));
        assertThat(t.node.collectContent(Duration.ZERO)).isEqualTo(1);
        assertThat(run("m", "read"))
                .containsExactly(StoreCodec.okOptionalString(H), StoreCodec.okBytes(HELLO), StoreCodec.okBool(false));
        assertThat(blobFile(W)).doesNotExist();
        try (Stream<Path> files = Files.walk(dir.resolve("storage/content"))) {
            assertThat(files.filter(Files::isRegularFile).toList()) // the labelled content and the module's code
                    .containsExactlyInAnyOrder(blobFile(H), blobFile(Blobs.hash(module)));
        }
    }

    @Test
    void aQueryReadsButCannotChangeTheStore() {
        t = new TestNode();
        var m = ModuleFixture.module("m").importStore();
        m.blob("new", StoreCodec.encode(new StoreCall.New()));
        m.blob("put", StoreCodec.encode(new StoreCall.StoreAtLabel("1", "a", HELLO)));
        m.blob("read", StoreCodec.encode(new StoreCall.GetByLabel("1", "a")));
        m.blob("unit", dev.interstice.abi.codec.Abi.encodeValue(dev.interstice.abi.value.IntersticeValue.VOID));
        m.reducer("make", List.of(), List.of(), "(drop (call $store (i32.const ${new}) (i32.const ${new.len})))");
        m.query(
                "q",
                List.of(),
                dev.interstice.abi.schema.IntersticeType.VOID,
                List.of(),
                "(call $log_packed (call $store (i32.const ${read}) (i32.const ${read.len})))"
                        + "(call $log_packed (call $store (i32.const ${put}) (i32.const ${put.len})))"
                        + "(i64.or (i64.shl (i64.const ${unit}) (i64.const 32)) (i64.const ${unit.len}))");
        t.node.load(m.build());
        t.node.call("m", "make", List.of());
        t.node.query("m", "q", List.of());
        assertThat(answers("m"))
                .containsExactly(
                        StoreCodec.okOptionalString(null), StoreCodec.err("a query cannot change the content store"));
    }
}
