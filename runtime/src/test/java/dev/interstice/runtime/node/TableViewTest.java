package dev.interstice.runtime.node;

import static dev.interstice.runtime.testing.ViewModules.doc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.PostcardWriter;
import dev.interstice.abi.host.CallContext;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.IntersticeException;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.module.ModuleException;
import dev.interstice.runtime.table.Condition;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import dev.interstice.runtime.testing.ViewModules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Table views (module/TableViews): the rows of a viewed table that the node hands out for a requester are those the
 * view admits for it; the view itself is the node's to call; errors quote no other row; bad declarations are refused.
 */
class TableViewTest {
    static final String ALICE = "alice-node";
    static final String BOB = "bob-node";

    static byte[] docs(ModuleFixture f) {
        ViewModules.insert(f, "a1", doc(1, 10, ALICE));
        ViewModules.insert(f, "b2", doc(2, 20, BOB));
        ViewModules.insert(f, "clash", doc(3, 20, ALICE)); // n = 20 is row 2's (bob's) unique value
        return f.build();
    }

    static List<Long> ids(List<byte[]> rows) {
        return rows.stream()
                .map(b -> ((IntersticeValue.U64) Abi.decodeRow(b).primaryKey()).value())
                .toList();
    }

    static TestNode twoRows(ModuleFixture f) {
        var t = new TestNode(TestNode.fastDeadline());
        t.node.load(docs(f));
        t.node.call("docs", "a1", List.of());
        t.node.call("docs", "b2", List.of());
        return t;
    }

    /**
     * A query run for a requester reads a viewed table through the view: the row another requester owns reads as
     * absent, by primary key as by scan; the admin (no requester) reads it. Row 1 is alice's.
     */
    @Test
    void aQueryRunForARequesterReadsTheViewedTableThroughTheView() {
        var f = ViewModules.docs()
                .blob("pk1", Abi.encodeIndexKey(new IndexKey(IntersticeValue.u64(1))))
                .blob(
                        "scan",
                        dev.interstice.runtime.testing.TestNode.hostCall(new dev.interstice.abi.host.HostCall.TableScan(
                                dev.interstice.abi.schema.Selection.CURRENT, "docs")))
                .query("sees1", List.of(), IntersticeType.BOOL, List.of("docs"), """
                        (drop (call $get_by_pk (i32.const ${t:docs}) (i32.const ${t:docs.len}) (i32.const ${pk1})
                                               (i32.const ${pk1.len}) (i32.const ${resp}) (i32.const 4096)))
                        (if (result i64) (i32.eq (i32.load8_u (i32.add (i32.const ${resp}) (i32.const 1))) (i32.const 1))
                          (then (i64.or (i64.shl (i64.const ${yes}) (i64.const 32)) (i64.const ${yes.len})))
                          (else (i64.or (i64.shl (i64.const ${no}) (i64.const 32)) (i64.const ${no.len}))))
                        """)
                .query("scanned", List.of(), IntersticeType.BOOL, List.of("docs"), """
                        (call $log_packed (call $host_call (i32.const ${scan}) (i32.const ${scan.len})))
                        (i64.or (i64.shl (i64.const ${yes}) (i64.const 32)) (i64.const ${yes.len}))
                        """);
        try (var t = twoRows(f)) {
            var caller = new CallContext(BOB, "");
            assertThat(t.node.query("docs", "sees1", List.of())).isEqualTo(new IntersticeValue.Bool(true));
            assertThat(t.node.query("docs", "sees1", List.of(), caller, ALICE))
                    .isEqualTo(new IntersticeValue.Bool(true));
            assertThat(t.node.query("docs", "sees1", List.of(), caller, BOB))
                    .as("alice's row, read for bob")
                    .isEqualTo(new IntersticeValue.Bool(false));
            assertThat(t.node.queryFromPeer("docs", "sees1", List.of(), caller, BOB))
                    .isEqualTo(new IntersticeValue.Bool(false));

            t.node.query("docs", "scanned", List.of(), caller, BOB);
            t.node.query("docs", "scanned", List.of());
            var scans = t.hexLogsOf("docs");
            String bobs = java.util.HexFormat.of().formatHex(scans.get(scans.size() - 2));
            String all = java.util.HexFormat.of().formatHex(scans.getLast());
            String alice = java.util.HexFormat.of().formatHex(ALICE.getBytes(StandardCharsets.UTF_8));
            assertThat(bobs).as("bob's scan").doesNotContain(alice);
            assertThat(all).as("the admin's scan").contains(alice);
        }
    }

    @Test
    void eachRequesterReadsOnlyTheRowsTheViewAdmitsItTheAdminReadsAll() {
        try (var t = twoRows(ViewModules.docs())) {
            assertThat(ids(t.node.publicRows("docs", "docs", ALICE))).containsExactly(1L);
            assertThat(ids(t.node.publicRows("docs", "docs", BOB))).containsExactly(2L);
            assertThat(ids(t.node.publicRows("docs", "docs", "cli"))).isEmpty();
            assertThat(ids(t.node.encodedRows("docs", "docs", BOB))).containsExactly(2L);
            assertThat(ids(t.node.publicRows("docs", "docs", null))).containsExactly(1L, 2L);

            var page = t.node.rowsPage("docs", "docs", true, List.of(), null, 1, BOB);
            assertThat(ids(page.rows())).containsExactly(2L);
            assertThat(page.more()).as("no admitted row follows").isFalse();
            var first = t.node.rowsPage("docs", "docs", true, List.of(), null, 1, null);
            assertThat(first.more()).as("the admin's page goes on").isTrue();
        }
    }

    /** Paging a filter after a row the requester may not see answers exactly as after a missing row. */
    @Test
    void anAfterRowTheViewRefusesIsAnsweredAsAMissingOne() {
        try (var t = twoRows(ViewModules.docs())) {
            var where = List.of(new Condition("n", Condition.Op.GTE, new IndexKey(IntersticeValue.u64(0))));
            var bobs = new IndexKey(IntersticeValue.u64(2));
            var none = new IndexKey(IntersticeValue.u64(99));
            String missing = catchThrowable(() -> t.node.rowsPage("docs", "docs", true, where, none, 10, ALICE))
                    .getMessage();
            assertThat(missing).contains("no row with primary key 99 matches the filter");
            assertThatThrownBy(() -> t.node.rowsPage("docs", "docs", true, where, bobs, 10, ALICE))
                    .isInstanceOf(CallException.class)
                    .hasMessage(missing.replace("99", "2"));
            assertThat(t.node.rowsPage("docs", "docs", true, where, bobs, 10, BOB)
                            .rows())
                    .isEmpty();
        }
    }

    @Test
    void theViewQueryIsCalledByTheNodeOnly() {
        try (var t = twoRows(ViewModules.docs())) {
            var row = new IntersticeValue.Struct(
                    "doc",
                    List.of(
                            new IntersticeValue.Field("id", IntersticeValue.u64(2)),
                            new IntersticeValue.Field("n", IntersticeValue.u64(20)),
                            new IntersticeValue.Field("owner", IntersticeValue.str(BOB))));
            assertThatThrownBy(() -> t.node.queryFromPeer("docs", "mine", List.of(row), new CallContext(BOB, "")))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("is a table's view")
                    .extracting(e -> ((CallException) e).kind())
                    .isEqualTo(IntersticeException.Kind.REFUSED);
            assertThatThrownBy(() -> t.node.query("docs", "mine", List.of(row))).isInstanceOf(CallException.class);
        }
    }

    @Test
    void aUniqueViolationOnAViewedTableDoesNotNameTheOtherRow() {
        try (var t = twoRows(ViewModules.docs())) {
            t.node.call("docs", "clash", List.of());
            String answer = t.hexLogsOf("docs").stream()
                    .map(b -> new String(b, StandardCharsets.UTF_8))
                    .filter(s -> s.contains("unique index"))
                    .findFirst()
                    .orElseThrow();
            assertThat(answer).contains("is already used by another row").doesNotContain("primary key");
        }
    }

    @Test
    void aViewThatTrapsAdmitsNothing() {
        var f = ViewModules.docs(Visibility.PUBLIC, "unreachable", Map.of("docs", "mine"));
        try (var t = twoRows(f)) {
            assertThat(t.node.publicRows("docs", "docs", ALICE)).isEmpty();
            assertThat(t.node.admits("docs", "docs", BOB, Abi.encodeRow(doc(2, 20, BOB))))
                    .isFalse();
            assertThat(ids(t.node.publicRows("docs", "docs", null))).containsExactly(1L, 2L);
        }
    }

    @Test
    void invalidViewDeclarationsAreRefusedAtLoad() {
        refused(
                ViewModules.docs(Visibility.PRIVATE, ViewModules.OWNER_IS_CALLER, Map.of("docs", "mine")),
                "view 'mine' names table 'docs', which is private");
        refused(
                ViewModules.docs(Visibility.PUBLIC, ViewModules.OWNER_IS_CALLER, Map.of("nope", "mine")),
                "view 'mine' names table 'nope', which the module does not declare");
        refused(
                ViewModules.docs(Visibility.PUBLIC, ViewModules.OWNER_IS_CALLER, Map.of("docs", "theirs")),
                "the view of table 'docs' names query 'theirs', which is not declared");
        refused(
                ViewModules.docs(Visibility.PUBLIC, ViewModules.OWNER_IS_CALLER, Map.of("docs", "count"))
                        .query("count", ViewModules.ROW_ARG, IntersticeType.U64, List.of(), "(i64.const 0)"),
                "view 'count' returns");
        refused(
                ViewModules.docs(Visibility.PUBLIC, ViewModules.OWNER_IS_CALLER, Map.of("docs", "odd"))
                        .query(
                                "odd",
                                List.of(new FieldDef("id", IntersticeType.U64)),
                                IntersticeType.BOOL,
                                List.of(),
                                "(i64.const 0)"),
                "view 'odd' cannot take the rows of table 'docs'");
        var twice = new PostcardWriter(64);
        twice.writeVarUsize(2);
        for (int i = 0; i < 2; i++) {
            twice.writeString("docs");
            twice.writeString("mine");
        }
        refused(
                ViewModules.docs(Visibility.PUBLIC, ViewModules.OWNER_IS_CALLER, Map.of())
                        .blob("twice", twice.toByteArray())
                        .func("(func (export \"interstice_views\") (result i64)"
                                + " (i64.or (i64.shl (i64.const ${twice}) (i64.const 32)) (i64.const ${twice.len})))"),
                "table 'docs' has two views");
    }

    private static void refused(ModuleFixture f, String message) {
        try (var t = new TestNode()) {
            assertThatThrownBy(() -> t.node.load(f.build()))
                    .isInstanceOf(ModuleException.class)
                    .hasMessageContaining("interstice_views is invalid")
                    .hasMessageContaining(message)
                    .extracting(e -> ((ModuleException) e).kind())
                    .isEqualTo(IntersticeException.Kind.INVALID);
        }
    }

    static Row row(long id) {
        return doc(id, id * 10, ALICE);
    }
}
