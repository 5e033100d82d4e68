package dev.interstice.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.HistoryCodec;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.host.HistoryCall;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code interstice_history} at the ABI level (docs/abi.md §4.6), from hand-written modules: refusals and scope. */
class HistoryCallTest {
    @TempDir
    Path dir;

    TestNode t;

    @AfterEach
    void close() {
        if (t != null) t.close();
    }

    private static final IntersticeValue NO_ARGS = new IntersticeValue.Vec(List.of());

    /**
     * A module with a logged table {@code t} (auto_inc key), an ephemeral table {@code e}, a reducer {@code ins} that
     * inserts into {@code t}, and one reducer per entry of {@code reducers} that sends its history calls in order and
     * logs each answer as hex (then inserts into {@code t}, which shows the transaction went on).
     */
    private static byte[] module(String name, List<List<HistoryCall>> reducers, List<String> names) {
        var m = ModuleFixture.module(name)
                .importHistory()
                .table(ModuleFixture.simpleTable(
                        "t", true, Persistence.LOGGED, Visibility.PRIVATE, List.of(), List.of()))
                .table(ModuleFixture.simpleTable(
                        "e", false, Persistence.EPHEMERAL, Visibility.PRIVATE, List.of(), List.of()))
                .blob("row", Abi.encodeRow(new Row(IntersticeValue.u64(0), List.of())))
                .reducer("ins", List.of(), List.of("t"), ModuleFixture.insertOrTrap("t", "row"));
        int n = 0;
        for (int r = 0; r < reducers.size(); r++) {
            var body = new StringBuilder();
            for (HistoryCall c : reducers.get(r)) {
                String b = "c" + n++;
                m.blob(b, HistoryCodec.encode(c));
                body.append("(call $log_packed (call $history (i32.const ${")
                        .append(b)
                        .append("}) (i32.const ${")
                        .append(b)
                        .append(".len})))");
            }
            body.append(ModuleFixture.insertOrTrap("t", "row"));
            m.reducer(names.get(r), List.of(), List.of("t", "e"), body.toString());
        }
        return m.build();
    }

    /** The answers logged by {@code module}'s last call of {@code reducer}, as (ok, error text or null). */
    private List<String> run(String module, String reducer) {
        int before = t.hexLogsOf(module).size();
        t.node.call(module, reducer, List.of());
        var all = t.hexLogsOf(module);
        return errors(all.subList(before, all.size()));
    }

    /** Each answer's error text, or "ok". */
    private static List<String> errors(List<byte[]> answers) {
        var out = new ArrayList<String>();
        for (byte[] a : answers) {
            var r = new PostcardReader(a);
            out.add(r.readU8() == 0 ? "ok" : r.readString());
        }
        return out;
    }

    @Test
    void refusalsAnswerErrAndTheTransactionGoesOn() {
        t = new TestNode(NodeConfig.at(dir));
        t.node.load(module(
                "m",
                List.of(List.of(
                        new HistoryCall.ReadAsOf("e", 1),
                        new HistoryCall.ReadAsOf("nope", 1),
                        new HistoryCall.Fork("bad name!", 1),
                        new HistoryCall.Fork("later", 1_000_000),
                        new HistoryCall.Call("none", "ins", NO_ARGS),
                        new HistoryCall.ReadBranch("none", "t"),
                        new HistoryCall.Discard("none"),
                        new HistoryCall.Merge("none"))),
                List.of("bad")));
        assertThat(run("m", "bad"))
                .containsExactly(
                        "table 'e' is ephemeral: its past is not kept",
                        "no table 'nope' in module 'm'",
                        "a branch name is 1 to 64 letters, digits, '_', '.' or '-', not 'bad name!'",
                        "tx 1000000 is not committed yet: the last committed is tx 1, this transaction is tx 2",
                        "module 'm' has no branch 'none'",
                        "module 'm' has no branch 'none'",
                        "module 'm' has no branch 'none'",
                        "module 'm' has no branch 'none'");
        assertThat(t.node.rows("m", "t")).hasSize(1); // the reducer's insert after the refusals committed
    }

    @Test
    void aMalformedHistoryCallTrapsTheCall() {
        t = new TestNode();
        var m = ModuleFixture.module("m")
                .importHistory()
                .blob("junk", new byte[] {42})
                .reducer(
                        "junk",
                        List.of(),
                        List.of(),
                        "(call $log_packed (call $history (i32.const ${junk}) (i32.const 1)))");
        t.node.load(m.build());
        assertThatThrownBy(() -> t.node.call("m", "junk", List.of()))
                .isInstanceOf(CallException.class)
                .hasMessageContaining("malformed history call");
    }

    @Test
    void aBranchBelongsToItsModuleAndBranchesDoNotNest() {
        t = new TestNode(NodeConfig.at(dir));
        t.node.load(module(
                "a",
                List.of(
                        List.of(new HistoryCall.Fork("x", 1), new HistoryCall.Call("x", "ins", NO_ARGS)),
                        List.of(new HistoryCall.Call("x", "nest", NO_ARGS)),
                        List.of(new HistoryCall.Fork("inner", 1), new HistoryCall.ListBranches())),
                List.of("fork", "call_nest", "nest")));
        t.node.load(module(
                "b",
                List.of(List.of(
                        new HistoryCall.ListBranches(),
                        new HistoryCall.Discard("x"),
                        new HistoryCall.ReadBranch("x", "t"))),
                List.of("peek")));
        assertThat(run("a", "fork")).containsExactly("ok", "ok");
        assertThat(t.node.branches("a")).containsExactly(new HistoryCodec.Branch("x", 1, 1));
        assertThat(run("b", "peek"))
                .containsExactly("ok", "module 'b' has no branch 'x'", "module 'b' has no branch 'x'");
        assertThat(t.hexLogsOf("b").get(0)).containsExactly(HistoryCodec.okBranches(List.of()));

        // in the branch, the module's own time-travel calls are refused; the reducer itself runs
        assertThat(run("a", "call_nest")).containsExactly("ok");
        assertThat(errors(t.hexLogsOf("a@x")))
                .containsExactly(
                        "time travel is not available inside a branch (branches do not nest)",
                        "time travel is not available inside a branch (branches do not nest)");
        assertThat(t.node.branches("a")).containsExactly(new HistoryCodec.Branch("x", 1, 2));
        assertThat(t.node.rows("a", "t")).hasSize(2); // fork and call_nest inserted on the main timeline only
    }

    @Test
    void aModuleHoldingAnAuthorityCannotForkForItsBranchWouldReachTheWorld() {
        t = new TestNode(NodeConfig.at(dir));
        var m = ModuleFixture.module("h")
                .importHistory()
                .authority(dev.interstice.abi.schema.Authority.MODULE)
                .blob("fork", HistoryCodec.encode(new HistoryCall.Fork("x", 1)))
                .reducer(
                        "fork",
                        List.of(),
                        List.of(),
                        "(call $log_packed (call $history (i32.const ${fork}) (i32.const ${fork.len})))");
        t.node.load(m.build());
        assertThat(run("h", "fork"))
                .singleElement()
                .asString()
                .startsWith("cannot fork branch 'x': module 'h' needs the Module authority, which this node does not"
                        + " offer");
        assertThat(t.node.branches("h")).isEmpty();
    }
}
