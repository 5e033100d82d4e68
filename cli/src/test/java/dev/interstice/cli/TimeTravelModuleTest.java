package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.abi.value.IntersticeValue.u8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.HistoryCodec;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.node.BranchLimits;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time travel for modules (docs/time-travel.md, docs/abi.md §4.6) through the SDK: the tictactoe example reads its
 * tables as of past transactions, previews and tries moves in branches, merges and rewinds, on a real node.
 */
class TimeTravelModuleTest {
    private static final String M = "tictactoe";

    @TempDir
    Path dir;

    private Node open(NodeConfig config) throws Exception {
        Node node = Node.open(config.withLogSink((m, msg) -> {}));
        node.load("tictactoe.wasm", ExampleCommand.exampleWasm(M));
        return node;
    }

    private Node open() throws Exception {
        return open(NodeConfig.at(dir));
    }

    private static int[] board(IntersticeValue v) {
        return ((IntersticeValue.Vec) v)
                .items().stream()
                        .mapToInt(x -> ((IntersticeValue.U8) x).value())
                        .toArray();
    }

    private static int[] boardAt(Node node, long tx) {
        return board(node.query(M, "board_at", List.of(u64(tx))));
    }

    private static int[] boardIn(Node node, String branch) {
        return board(node.query(M, "board_in", List.of(str(branch))));
    }

    /** The board from the committed rows of {@code cell}. */
    private static int[] board(List<byte[]> cells) {
        int[] b = new int[9];
        for (byte[] r : cells) {
            Row row = Abi.decodeRow(r);
            b[((IntersticeValue.U8) row.primaryKey()).value()] =
                    ((IntersticeValue.U8) row.entries().get(0)).value();
        }
        return b;
    }

    private static int[] mainBoard(Node node) {
        return board(node.encodedRows(M, "cell"));
    }

    private static long moveTx(Node node, int n) {
        for (Row r : node.rows(M, "move"))
            if (((IntersticeValue.U32) r.primaryKey()).value() == n)
                return ((IntersticeValue.U64) r.entries().get(1)).value();
        throw new AssertionError("no move " + n);
    }

    private static void play(Node node, int... cells) {
        for (int c : cells) node.call(M, "play", List.of(u8(c)));
    }

    private static IntersticeValue cells(int... cells) {
        var items = new ArrayList<IntersticeValue>();
        for (int c : cells) items.add(u8(c));
        return new IntersticeValue.Vec(items);
    }

    private static List<List<byte[]>> allRows(Node node) {
        var out = new ArrayList<List<byte[]>>();
        for (String t : List.of("cell", "game", "move")) out.add(node.encodedRows(M, t));
        return out;
    }

    private static void assertSameRows(List<List<byte[]>> a, List<List<byte[]>> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).hasSameSizeAs(b.get(i));
            for (int j = 0; j < a.get(i).size(); j++)
                assertThat(Arrays.equals(a.get(i).get(j), b.get(i).get(j))).isTrue();
        }
    }

    /** Whether the module's note of its last merge names {@code branch} (it notes it first). */
    private static boolean noted(Node node, String branch) {
        node.call(M, "note_merge", List.of());
        return node.rows(M, "merged").stream().anyMatch(r -> r.primaryKey().equals(str(branch)));
    }

    private static void waitFor(BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 500 && !done.getAsBoolean(); i++) Thread.sleep(20);
        assertThat(done.getAsBoolean()).isTrue();
    }

    @Test
    void aPastReadEqualsTheRowsAtThatTransactionAndRewindPutsThemBack() throws Exception {
        try (Node node = open()) {
            play(node, 4, 0, 8);
            int[][] expected = {{0, 0, 0, 0, 1, 0, 0, 0, 0}, {2, 0, 0, 0, 1, 0, 0, 0, 0}, {2, 0, 0, 0, 1, 0, 0, 0, 1}};
            for (int n = 1; n <= 3; n++) {
                long tx = moveTx(node, n);
                assertThat(boardAt(node, tx)).containsExactly(expected[n - 1]);
                // the module's own past read agrees with the node's (rows --as-of-tx)
                assertThat(boardAt(node, tx))
                        .containsExactly(
                                board(node.rowsAsOf(M, "cell", false, tx, null).rows()));
            }
            assertThat(boardAt(node, moveTx(node, 1) - 1)).containsOnly(0);

            node.call(M, "rewind", List.of(u32(1)));
            assertThat(mainBoard(node)).containsExactly(expected[0]);
            assertThat(node.rows(M, "move")).hasSize(1);
            play(node, 2); // O's turn again, as after move 1
            assertThat(mainBoard(node)).containsExactly(0, 0, 2, 0, 1, 0, 0, 0, 0);
        }
    }

    @Test
    void aTransactionNotCommittedYetOrBeyondTheKeptHistoryIsRefusedPlainly() throws Exception {
        try (Node node = open(NodeConfig.at(dir).withLogRetention(dev.interstice.storage.LogRetention.NONE))) {
            play(node, 4);
            long first = moveTx(node, 1);
            assertThatThrownBy(() -> boardAt(node, 1_000_000))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("tx 1000000 is not committed yet");
            play(node, 0, 8);
            node.snapshot(); // no retention: the log before the snapshot is pruned
            play(node, 1);
            assertThatThrownBy(() -> boardAt(node, first))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("kept history does not reach back to tx " + first);
        }
    }

    @Test
    void aPreviewPlaysInABranchAndLeavesTheMatchAlone() throws Exception {
        try (Node node = open()) {
            play(node, 0, 3, 1, 4); // X on 0 and 1: X wins at 2
            var before = allRows(node);
            node.call(M, "preview", List.of(u8(2)));
            node.call(M, "preview", List.of(u8(8)));
            assertSameRows(allRows(node), before);
            var previews = node.rows(M, "preview");
            assertThat(previews).hasSize(2);
            assertThat(previews.get(0).entries()).containsExactly(u8(1), u32(5)); // X would win
            assertThat(previews.get(1).entries()).containsExactly(u8(0), u32(5));
            assertThat(node.branches(M)).isEmpty(); // discarded

            // a move the branch refuses fails the preview; its fork is undone with it
            assertThatThrownBy(() -> node.call(M, "preview", List.of(u8(0))))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("cell 0 is taken");
            assertThat(node.branches(M)).isEmpty();
        }
    }

    @Test
    void aLineKeptInABranchIsReadAndDiscarded() throws Exception {
        try (Node node = open()) {
            play(node, 4);
            node.call(M, "try_line", List.of(str("a"), cells(0, 8)));
            node.call(M, "extend_line", List.of(str("a"), u8(2)));
            assertThat(boardIn(node, "a")).containsExactly(2, 0, 2, 0, 1, 0, 0, 0, 1);
            assertThat(mainBoard(node)).containsExactly(0, 0, 0, 0, 1, 0, 0, 0, 0);
            assertThat(node.branches(M)).containsExactly(new HistoryCodec.Branch("a", moveTx(node, 1), 3));

            node.call(M, "drop_line", List.of(str("a")));
            assertThat(node.branches(M)).isEmpty();
            assertThatThrownBy(() -> boardIn(node, "a"))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("module 'tictactoe' has no branch 'a'");
            assertThatThrownBy(() -> node.discardBranch(M, "a"))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("no branch 'a'");
        }
    }

    @Test
    void aFailedTransactionUndoesWhatItDidToABranch() throws Exception {
        try (Node node = open()) {
            play(node, 4);
            // the second move of the line is refused: the whole transaction fails, the branch was never made
            assertThatThrownBy(() -> node.call(M, "try_line", List.of(str("x"), cells(0, 0))))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("cell 0 is taken");
            assertThat(node.branches(M)).isEmpty();

            node.call(M, "try_line", List.of(str("f"), cells(0)));
            // 4 is free in the branch but taken on the match: the branch's move is taken back with the transaction
            assertThatThrownBy(() -> node.call(M, "play_and_follow", List.of(str("f"), u8(4))))
                    .isInstanceOf(CallException.class);
            assertThat(node.branches(M)).containsExactly(new HistoryCodec.Branch("f", moveTx(node, 1), 1));
            // rebuilt from its record (the fork and the one call), it goes on as before
            node.call(M, "play_and_follow", List.of(str("f"), u8(6)));
            assertThat(boardIn(node, "f")).containsExactly(2, 0, 0, 0, 1, 0, 1, 0, 0);
            assertThat(mainBoard(node)).containsExactly(0, 0, 0, 0, 1, 0, 2, 0, 0);
        }
    }

    @Test
    void aMergeReplaysTheBranchsCallsOnTheMainTimelineAndReportsFailures() throws Exception {
        try (Node node = open()) {
            play(node, 4);
            node.call(M, "try_line", List.of(str("b"), cells(0, 8)));
            assertThat(mainBoard(node)).containsExactly(0, 0, 0, 0, 1, 0, 0, 0, 0);
            long request = node.call(M, "merge_line", List.of(str("b"))).txId();
            waitFor(() -> noted(node, "b")); // the merge runs once merge_line committed
            assertThat(mainBoard(node)).containsExactly(2, 0, 0, 0, 1, 0, 0, 0, 1);
            // the merged calls' transactions hang under the merge request in its trace
            java.util.function.Predicate<dev.interstice.storage.TxRecord> replayed = r -> r.origin() != null
                    && r.origin().trigger().isEmpty()
                    && !r.origin().reducer().equals("note_merge");
            waitFor(() -> node.readLog(request + 1, 100, replayed).size() == 2);
            assertThat(node.readLog(request + 1, 100, replayed))
                    .allSatisfy(e -> assertThat(e.record().trace().parent())
                            .isEqualTo(new dev.interstice.storage.TxTrace.Parent("", request, "", request)));
            assertThat(node.branches(M)).isEmpty();
            assertThat(node.rows(M, "merged").getFirst().entries()).containsExactly(u32(2), u32(0), str(""));

            // a line whose move the match took meanwhile: that call fails, the next still runs
            node.call(M, "try_line", List.of(str("c"), cells(2, 6)));
            play(node, 2);
            node.call(M, "merge_line", List.of(str("c")));
            waitFor(() -> noted(node, "c")); // the report is there once the merge ran
            assertThat(node.rows(M, "move")).hasSize(5);
            var merged = node.rows(M, "merged").stream()
                    .filter(r -> r.primaryKey().equals(str("c")))
                    .findFirst()
                    .orElseThrow();
            assertThat(merged.entries().subList(0, 2)).containsExactly(u32(1), u32(1));
            assertThat(((IntersticeValue.Str) merged.entries().get(2)).value()).contains("cell 2 is taken");

            // the same through the node's API, at once
            node.call(M, "try_line", List.of(str("d"), cells(5)));
            var report = node.mergeBranch(M, "d");
            assertThat(report.applied()).hasSize(1);
            assertThat(report.failed()).isEmpty();
            assertThat(mainBoard(node)[5]).isEqualTo(2);
        }
    }

    @Test
    void limitsOnBranchesCallsAndRowsGiveClearErrors() throws Exception {
        try (Node node = open(NodeConfig.at(dir).withBranchLimits(new BranchLimits(2, 14, 3)))) {
            play(node, 4, 0, 8, 2, 6); // 5 cells, 1 game, 5 moves: 11 rows
            node.call(M, "try_line", List.of(str("a"), cells()));
            node.call(M, "try_line", List.of(str("b"), cells()));
            assertThatThrownBy(() -> node.call(M, "try_line", List.of(str("c"), cells())))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("already keeps 2 branches, the most it may (2)");
            node.call(M, "drop_line", List.of(str("b")));
            node.call(M, "extend_line", List.of(str("a"), u8(3))); // its cell and its move: 13 rows
            // one more move: 2 more rows make 15, over 14
            assertThatThrownBy(() -> node.call(M, "extend_line", List.of(str("a"), u8(5))))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("would hold 15 rows, more than a branch may (14)");
            assertThat(node.branches(M)).containsExactly(new HistoryCodec.Branch("a", moveTx(node, 5), 1));
            assertThat(boardIn(node, "a")).containsExactly(2, 0, 2, 2, 1, 0, 1, 0, 1);
        }
        try (Node node = open(NodeConfig.at(dir.resolve("calls")).withBranchLimits(new BranchLimits(2, 100, 3)))) {
            assertThatThrownBy(() -> node.call(M, "try_line", List.of(str("long"), cells(0, 1, 2, 3))))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("already records 3 calls, the most a branch may (3)");
            assertThat(node.branches(M)).isEmpty();
        }
    }

    private Node reopen() {
        return Node.open(NodeConfig.at(dir).withLogSink((m, msg) -> {}));
    }

    @Test
    void branchesAndTheCallsMadeInThemSurviveARestartAndMergeOrDiscardAfterIt() throws Exception {
        long tx;
        int[] keep;
        List<HistoryCodec.Branch> kept;
        try (Node node = open()) {
            play(node, 4, 0);
            tx = moveTx(node, 1);
            node.call(M, "try_line", List.of(str("keep"), cells(8)));
            node.call(M, "extend_line", List.of(str("keep"), u8(2)));
            node.call(M, "try_line", List.of(str("drop"), cells(1)));
            node.call(M, "preview", List.of(u8(6))); // forked and discarded in one transaction: nothing kept
            keep = boardIn(node, "keep");
            kept = node.branches(M);
            assertThat(kept).extracting(HistoryCodec.Branch::name).containsExactly("keep", "drop");
        }
        try (Node node = reopen()) {
            assertThat(node.branches(M)).isEqualTo(kept);
            assertThat(boardIn(node, "keep")).containsExactly(keep); // rebuilt from the fork and its two calls
            assertThat(boardIn(node, "drop")).containsExactly(2, 1, 0, 0, 1, 0, 0, 0, 0);
            assertThat(boardAt(node, tx)).containsExactly(0, 0, 0, 0, 1, 0, 0, 0, 0);
            node.call(M, "extend_line", List.of(str("keep"), u8(6)));
            node.call(M, "drop_line", List.of(str("drop")));
        }
        try (Node node = reopen()) {
            assertThat(node.branches(M))
                    .containsExactly(new HistoryCodec.Branch("keep", kept.get(0).fromTx(), 3));
            assertThat(boardIn(node, "keep")).containsExactly(2, 0, 2, 0, 1, 0, 1, 0, 1);
            node.call(M, "merge_line", List.of(str("keep")));
            waitFor(() -> noted(node, "keep"));
            assertThat(mainBoard(node)).containsExactly(2, 0, 2, 0, 1, 0, 1, 0, 1);
            node.call(M, "try_line", List.of(str("person"), cells(5)));
        }
        try (Node node = reopen()) {
            assertThat(node.branches(M)).extracting(HistoryCodec.Branch::name).containsExactly("person");
            node.discardBranch(M, "person");
        }
        try (Node node = reopen()) {
            assertThat(node.branches(M)).isEmpty(); // discarded and merged branches stay gone
            assertThatThrownBy(() -> boardIn(node, "keep"))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("has no branch 'keep'");
        }
    }

    @Test
    void aRemovedModulesBranchesGoWithIt() throws Exception {
        try (Node node = open()) {
            play(node, 4);
            node.call(M, "try_line", List.of(str("a"), cells(8)));
            node.unload(M); // an unloaded module keeps its data, and its branches
            node.load("tictactoe.wasm", ExampleCommand.exampleWasm(M));
            assertThat(node.branches(M)).extracting(HistoryCodec.Branch::name).containsExactly("a");
            node.remove(M);
            node.load("tictactoe.wasm", ExampleCommand.exampleWasm(M));
            assertThat(node.branches(M)).isEmpty();
        }
        try (Node node = reopen()) {
            assertThat(node.branches(M)).isEmpty();
        }
    }

    @Test
    void aDamagedBranchFileIsSetAsideAndTheNodeStartsWithItsMainTimelineWhole() throws Exception {
        List<List<byte[]>> rows;
        try (Node node = open()) {
            play(node, 4, 0);
            node.call(M, "try_line", List.of(str("torn"), cells(8)));
            node.call(M, "try_line", List.of(str("tail"), cells(1)));
            node.call(M, "extend_line", List.of(str("tail"), u8(2)));
            rows = allRows(node);
        }
        Path branches = dir.resolve("branches").resolve(M);
        Path base = branches.resolve("b-torn").resolve("base");
        byte[] b = java.nio.file.Files.readAllBytes(base);
        java.nio.file.Files.write(base, Arrays.copyOf(b, b.length / 2)); // half written
        Path calls = branches.resolve("b-tail").resolve("calls");
        byte[] c = java.nio.file.Files.readAllBytes(calls);
        java.nio.file.Files.write(calls, Arrays.copyOf(c, c.length - 3)); // the last call torn
        try (Node node = reopen()) {
            assertSameRows(allRows(node), rows);
            assertThat(node.branches(M)).extracting(HistoryCodec.Branch::name).containsExactly("tail");
            assertThat(node.branches(M).getFirst().calls()).isEqualTo(1); // the call before the torn one
            assertThat(boardIn(node, "tail")).containsExactly(2, 1, 0, 0, 1, 0, 0, 0, 0);
            assertThat(java.nio.file.Files.list(branches)
                            .map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("bad-") && n.endsWith("-torn"));
            node.call(M, "try_line", List.of(str("torn"), cells(8))); // the name is free again
            node.call(M, "extend_line", List.of(str("tail"), u8(2)));
        }
        try (Node node = reopen()) {
            assertThat(node.branches(M))
                    .extracting(HistoryCodec.Branch::name, HistoryCodec.Branch::calls)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("tail", 2),
                            org.assertj.core.groups.Tuple.tuple("torn", 1));
        }
    }

    @Test
    void aDiscardWhoseTransactionTheLogLostGivesTheBranchBack() throws Exception {
        try (Node node = open()) {
            play(node, 4);
            node.call(M, "try_line", List.of(str("a"), cells(8)));
        }
        // as a crash would leave it: the discard's files renamed, its transaction not in the log
        Path branches = dir.resolve("branches").resolve(M);
        java.nio.file.Files.move(branches.resolve("b-a"), branches.resolve("gone-1000000-a"));
        try (Node node = reopen()) {
            assertThat(node.branches(M)).extracting(HistoryCodec.Branch::name).containsExactly("a");
            assertThat(boardIn(node, "a")).containsExactly(0, 0, 0, 0, 1, 0, 0, 0, 2);
        }
    }

    @Test
    void anInMemoryNodeReadsOnlyItsLastCommittedStateButBranchesFromIt() throws Exception {
        try (Node node = open(NodeConfig.inMemory())) {
            play(node, 4, 0);
            assertThat(boardAt(node, moveTx(node, 2))).containsExactly(2, 0, 0, 0, 1, 0, 0, 0, 0);
            assertThatThrownBy(() -> boardAt(node, moveTx(node, 1)))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("an in-memory node keeps no history");
            node.call(M, "preview", List.of(u8(8)));
            assertThat(node.rows(M, "preview")).hasSize(1);
        }
    }
}
