package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.runtime.testing.ModuleFixture.hostCallAndLog;
import static dev.interstice.runtime.testing.ModuleFixture.insertAndLog;
import static dev.interstice.runtime.testing.ModuleFixture.insertOrTrap;
import static dev.interstice.runtime.testing.TestNode.hostCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.codec.PostcardReader;
import dev.interstice.abi.host.HostCall;
import dev.interstice.abi.host.IndexQuery;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Selection;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransactionTest {
    static final TableSchema ITEMS = ModuleFixture.simpleTable(
            "items",
            true,
            Persistence.LOGGED,
            Visibility.PUBLIC,
            List.of(new FieldDef("name", IntersticeType.STRING), new FieldDef("qty", IntersticeType.U32)),
            List.of(
                    new IndexSchema("name", IndexSchema.Type.BTREE, true, false),
                    new IndexSchema("qty", IndexSchema.Type.HASH, false, false)));
    static final Row APPLE = new Row(u64(0), List.of(str("apple"), u32(3)));
    static final Row PEAR = new Row(u64(0), List.of(str("pear"), u32(3)));

    TestNode t;

    @BeforeEach
    void open() {
        t = new TestNode(config());
        t.node.load(shop().build());
    }

    /** The node these tests run on (a subclass runs them all again with more executors). */
    NodeConfig config() {
        return NodeConfig.inMemory();
    }

    @AfterEach
    void close() {
        t.close();
    }

    static ModuleFixture shop() {
        List<String> items = List.of("items");
        return ModuleFixture.module("shop")
                .table(ITEMS)
                .blob("apple", Abi.encodeRow(APPLE))
                .blob("pear", Abi.encodeRow(PEAR))
                .blob("pk0", Abi.encodeIndexKey(new IndexKey(u64(0))))
                .blob("pk77", Abi.encodeIndexKey(new IndexKey(u64(77))))
                .blob("missing", Abi.encodeRow(new Row(u64(77), List.of(str("x"), u32(1)))))
                .blob("renamed0", Abi.encodeRow(new Row(u64(0), List.of(str("pear"), u32(9)))))
                .blob(
                        "get0",
                        hostCall(new HostCall.TableGetByPrimaryKey(Selection.CURRENT, "items", new IndexKey(u64(0)))))
                .blob("scan", hostCall(new HostCall.TableScan(Selection.CURRENT, "items")))
                .blob(
                        "byName",
                        hostCall(new HostCall.TableIndexScan(
                                Selection.CURRENT, "items", "name", new IndexQuery.Eq(new IndexKey(str("apple"))))))
                .blob(
                        "qtyRange",
                        hostCall(new HostCall.TableIndexScan(
                                Selection.CURRENT,
                                "items",
                                "qty",
                                new IndexQuery.Range(new IndexKey(u32(0)), new IndexKey(u32(9)), true, true))))
                .blob(
                        "nameFrom",
                        hostCall(new HostCall.TableIndexScan(
                                Selection.CURRENT, "items", "name", new IndexQuery.Gte(new IndexKey(str("b"))))))
                .reducer("add_apple", List.of(), items, insertAndLog("items", "apple"))
                .reducer("add_pear", List.of(), items, insertAndLog("items", "pear"))
                .reducer(
                        "add_apple_twice",
                        List.of(),
                        items,
                        insertAndLog("items", "apple") + insertAndLog("items", "apple"))
                .reducer("add_then_trap", List.of(), items, insertOrTrap("items", "apple") + "\nunreachable")
                .reducer(
                        "add_and_read",
                        List.of(),
                        items,
                        insertOrTrap("items", "apple")
                                + insertOrTrap("items", "pear")
                                + hostCallAndLog("get0")
                                + hostCallAndLog("scan")
                                + hostCallAndLog("byName")
                                + hostCallAndLog("qtyRange")
                                + hostCallAndLog("nameFrom"))
                .reducer(
                        "delete_0",
                        List.of(),
                        items,
                        "(call $log_i32 (call $delete_row (i32.const ${t:items}) (i32.const ${t:items.len}) (i32.const ${pk0}) (i32.const ${pk0.len})))")
                .reducer(
                        "delete_0_and_get",
                        List.of(),
                        items,
                        "(drop (call $delete_row (i32.const ${t:items}) (i32.const ${t:items.len}) (i32.const ${pk0}) (i32.const ${pk0.len})))"
                                + hostCallAndLog("get0") + hostCallAndLog("byName"))
                .reducer(
                        "update_missing",
                        List.of(),
                        items,
                        "(call $log_i32 (call $update_row (i32.const ${t:items}) (i32.const ${t:items.len}) (i32.const ${missing}) (i32.const ${missing.len})))")
                .reducer(
                        "rename_0_to_pear",
                        List.of(),
                        items,
                        "(call $log_i32 (call $update_row (i32.const ${t:items}) (i32.const ${t:items.len}) (i32.const ${renamed0}) (i32.const ${renamed0.len})))")
                .reducer(
                        "clear_and_add",
                        List.of(),
                        items,
                        "(call $log_i32 (call $clear_table (i32.const ${t:items}) (i32.const ${t:items.len})))"
                                + insertOrTrap("items", "apple") + hostCallAndLog("scan"))
                .reducer("no_access", List.of(), List.of(), insertAndLog("items", "apple"))
                .reducer(
                        "get_via_import",
                        List.of(),
                        items,
                        "(call $log_i32 (call $get_by_pk (i32.const ${t:items}) (i32.const ${t:items.len}) (i32.const ${pk0}) (i32.const ${pk0.len}) (i32.const ${resp}) (i32.const 4096)))"
                                + "(call $log_hex (i32.const ${resp}) (i32.const 8))");
    }

    List<Row> items() {
        return t.node.rows("shop", "items");
    }

    List<byte[]> hex() {
        return t.hexLogsOf("shop");
    }

    static int i32(byte[] le) {
        return (le[0] & 0xFF) | (le[1] & 0xFF) << 8 | (le[2] & 0xFF) << 16 | le[3] << 24;
    }

    /** Decodes a logged TableScan/IndexScan response: Ok { rows }. */
    static List<Row> rowsResponse(byte[] b) {
        var r = new PostcardReader(b);
        assertThat(r.readVarU32()).as("Ok discriminant").isZero();
        int n = r.readVarUsize();
        var out = new ArrayList<Row>();
        for (int i = 0; i < n; i++) out.add(Abi.readRow(r));
        return out;
    }

    @Test
    void insertAssignsAutoIncrementIdsAndReturnsTheStoredRow() {
        t.node.call("shop", "add_apple", List.of());
        t.node.call("shop", "add_pear", List.of());
        assertThat(items()).containsExactly(APPLE, new Row(u64(1), PEAR.entries()));
        // second insert: id changed from the guest's 0 to 1, so the host answers Ok(Some(row with id 1))
        byte[] resp = hex().get(3);
        var r = new PostcardReader(resp);
        assertThat(r.readVarU32()).isZero();
        assertThat(r.readU8()).isEqualTo(1);
        assertThat(Abi.readRow(r)).isEqualTo(new Row(u64(1), PEAR.entries()));
    }

    @Test
    void uniqueViolationIsRefusedButTheTransactionContinues() {
        t.node.call("shop", "add_apple_twice", List.of());
        assertThat(items()).hasSize(1);
        byte[] second = hex().get(3);
        assertThat(second[0]).as("Err discriminant").isEqualTo((byte) 1);
        assertThat(new String(second, java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains(
                        "unique index 'name' of table 'items': \"apple\" is already used by the row with primary key 0")
                .doesNotContain("Str[")
                .doesNotContain("U64[");
    }

    @Test
    void trapRollsBackEveryWrite() {
        assertThatThrownBy(() -> t.node.call("shop", "add_then_trap", List.of()))
                .isInstanceOf(CallException.class)
                .satisfies(e -> assertThat(((CallException) e).kind()).isEqualTo(CallException.Kind.TRAP));
        assertThat(items()).isEmpty();
        // the node keeps serving and the auto_inc counter did not advance
        t.node.call("shop", "add_apple", List.of());
        assertThat(items()).containsExactly(APPLE);
    }

    @Test
    void callObserversAreToldEachReducersRunAndCommitTimeAndFailure() {
        var timed = new ArrayList<String>();
        t.node.addCallObserver((module, reducer, txId, runNanos, commitNanos, failure) -> timed.add(module + "."
                + reducer + " " + (txId > 0 && runNanos > 0) + " " + (failure == null ? commitNanos > 0 : failure)));
        t.node.call("shop", "add_apple", List.of());
        assertThatThrownBy(() -> t.node.call("shop", "add_then_trap", List.of()));
        // a trapped reducer committed nothing: it is told with its failure
        assertThat(timed).hasSize(2);
        assertThat(timed.getFirst()).isEqualTo("shop.add_apple true true");
        assertThat(timed.get(1)).startsWith("shop.add_then_trap true ").doesNotEndWith(" true");
    }

    @Test
    void readsSeeTheTransactionsOwnWrites() {
        t.node.call("shop", "add_and_read", List.of());
        List<byte[]> h = hex();
        Row apple = APPLE;
        Row pear = new Row(u64(1), PEAR.entries());
        var get = new PostcardReader(h.get(0));
        assertThat(get.readVarU32()).isZero();
        assertThat(get.readU8()).isEqualTo(1);
        assertThat(Abi.readRow(get)).isEqualTo(apple);
        assertThat(rowsResponse(h.get(1))).containsExactly(apple, pear);
        assertThat(rowsResponse(h.get(2))).containsExactly(apple);
        assertThat(h.get(3)[0]).as("range on a hash index is an error").isEqualTo((byte) 1);
        assertThat(rowsResponse(h.get(4))).containsExactly(pear);
    }

    @Test
    void deleteAndUpdateOfMissingRowsAreRefused() {
        t.node.call("shop", "delete_0", List.of());
        t.node.call("shop", "update_missing", List.of());
        assertThat(hex()).allSatisfy(b -> assertThat(i32(b)).isEqualTo(-1));
    }

    @Test
    void deletedRowsDisappearFromGetsAndIndexScans() {
        t.node.call("shop", "add_apple", List.of());
        t.node.call("shop", "delete_0_and_get", List.of());
        List<byte[]> h = hex();
        assertThat(h.get(h.size() - 2)).startsWith(0, 0); // Ok(None)
        assertThat(rowsResponse(h.getLast())).isEmpty();
        assertThat(items()).isEmpty();
    }

    @Test
    void updateIsCheckedAgainstUniqueIndexes() {
        t.node.call("shop", "add_apple", List.of());
        t.node.call("shop", "add_pear", List.of());
        t.node.call("shop", "rename_0_to_pear", List.of());
        assertThat(i32(hex().getLast())).isEqualTo(-1);
        t.node.call("shop", "delete_0", List.of()); // frees nothing named pear; delete row 0 then rename is moot
        assertThat(items()).containsExactly(new Row(u64(1), PEAR.entries()));
    }

    @Test
    void clearThenInsertInOneTransaction() {
        t.node.call("shop", "add_apple", List.of());
        t.node.call("shop", "add_pear", List.of());
        t.node.call("shop", "clear_and_add", List.of());
        assertThat(items()).containsExactly(new Row(u64(2), APPLE.entries()));
    }

    @Test
    void undeclaredTableAccessIsRefused() {
        t.node.call("shop", "no_access", List.of());
        assertThat(items()).isEmpty();
        assertThat(new String(hex().get(1), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("did not declare insert access");
    }

    @Test
    void getByPrimaryKeyImportAnswersOptionalRow() {
        t.node.call("shop", "get_via_import", List.of());
        assertThat(i32(hex().get(0))).isEqualTo(2);
        assertThat(hex().get(1)).startsWith(0, 0);
        t.node.call("shop", "add_apple", List.of());
        t.node.call("shop", "get_via_import", List.of());
        assertThat(hex().get(hex().size() - 1)).startsWith(0, 1);
    }

    @Test
    void unknownReducerAndBadArgumentsAreRejectedBeforeRunning() {
        assertThatThrownBy(() -> t.node.call("shop", "nope", List.of()))
                .isInstanceOf(CallException.class)
                .hasMessageContaining("no reducer 'nope'");
        assertThatThrownBy(() -> t.node.call("shop", "add_apple", List.of(u64(1))))
                .isInstanceOf(CallException.class)
                .hasMessageContaining("expected 0 argument(s), got 1");
        assertThatThrownBy(() -> t.node.call("nomodule", "x", List.of()))
                .isInstanceOf(CallException.class)
                .hasMessageContaining("no module 'nomodule'");
    }
}
