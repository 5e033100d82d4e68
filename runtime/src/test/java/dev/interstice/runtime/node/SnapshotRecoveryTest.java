package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static dev.interstice.runtime.testing.ModuleFixture.insertOrTrap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IndexSchema;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.table.Condition;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart recovers a snapshot and the log after it by streaming the rows into the tables: exactly the rows of
 * before (updates and deletes after the snapshot included), with a btree and a unique index that work.
 */
class SnapshotRecoveryTest {
    static TableSchema table(String name, Persistence p) {
        return ModuleFixture.simpleTable(
                name,
                false,
                p,
                Visibility.PUBLIC,
                List.of(
                        new FieldDef("n", IntersticeType.U32),
                        new FieldDef("code", IntersticeType.U32),
                        new FieldDef("name", IntersticeType.STRING)),
                List.of(
                        new IndexSchema("n", IndexSchema.Type.BTREE, false, false),
                        new IndexSchema("code", IndexSchema.Type.BTREE, true, false)));
    }

    static Row row(long id, long n, long code, String name) {
        return new Row(u64(id), List.of(u32(n), u32(code), str(name)));
    }

    static final Row R1 = row(1, 10, 100, "one");
    static final Row R2 = row(2, 20, 200, "two");
    static final Row R3 = row(3, 30, 300, "three");
    static final Row R4 = row(4, 10, 400, "four");
    static final Row R2B = row(2, 40, 250, "two, changed after the snapshot");
    static final Row R5 = row(5, 20, 500, "five, after the snapshot");

    static String both(String what) {
        return what.replace("$T", "logged") + what.replace("$T", "stateful");
    }

    static ModuleFixture inv() {
        var tables = List.of("logged", "stateful");
        return ModuleFixture.module("inv")
                .table(table("logged", Persistence.LOGGED))
                .table(table("stateful", Persistence.STATEFUL))
                .blob("r1", Abi.encodeRow(R1))
                .blob("r2", Abi.encodeRow(R2))
                .blob("r3", Abi.encodeRow(R3))
                .blob("r4", Abi.encodeRow(R4))
                .blob("r2b", Abi.encodeRow(R2B))
                .blob("r5", Abi.encodeRow(R5))
                .blob("pk3", Abi.encodeIndexKey(new IndexKey(u64(3))))
                // code 250 is R2B's (taken), code 300 was R3's (free since its delete)
                .blob("taken", Abi.encodeRow(row(9, 1, 250, "duplicate code")))
                .blob("freed", Abi.encodeRow(row(10, 1, 300, "reuses a deleted row's code")))
                .reducer(
                        "seed",
                        List.of(),
                        tables,
                        both(insertOrTrap("$T", "r1")
                                + insertOrTrap("$T", "r2")
                                + insertOrTrap("$T", "r3")
                                + insertOrTrap("$T", "r4")))
                .reducer(
                        "change",
                        List.of(),
                        tables,
                        both("(if (i32.ne (call $update_row (i32.const ${t:$T}) (i32.const ${t:$T.len})"
                                + " (i32.const ${r2b}) (i32.const ${r2b.len})) (i32.const 0)) (then unreachable))\n"
                                + "(if (i32.ne (call $delete_row (i32.const ${t:$T}) (i32.const ${t:$T.len})"
                                + " (i32.const ${pk3}) (i32.const ${pk3.len})) (i32.const 0)) (then unreachable))\n"
                                + insertOrTrap("$T", "r5")))
                .reducer("insert_taken", List.of(), tables, insertOrTrap("logged", "taken"))
                .reducer("insert_freed", List.of(), tables, both(insertOrTrap("$T", "freed")));
    }

    static List<Row> where(TestNode t, String table, Condition c) {
        return t.node.rowsPage("inv", table, false, List.of(c), null, 100).rows().stream()
                .map(Abi::decodeRow)
                .toList();
    }

    @Test
    void snapshotAndLogTailRecoverExactlyTheRowsAndWorkingIndexes(@TempDir Path dir) {
        try (var t = new TestNode(NodeConfig.at(dir))) {
            t.node.load(inv().build());
            t.node.call("inv", "seed", List.of());
            t.node.snapshot(); // R1..R4 in the snapshot (logged) and the row files (stateful)
            t.node.call("inv", "change", List.of()); // in the log only
        }
        try (var t = new TestNode(NodeConfig.at(dir))) {
            for (String table : List.of("logged", "stateful")) {
                assertThat(t.node.rows("inv", table)).as(table).containsExactly(R1, R2B, R4, R5);
                // the btree index over n, in (n, id) order
                assertThat(where(t, table, new Condition("n", Condition.Op.GTE, new IndexKey(u32(10)))))
                        .as(table)
                        .containsExactly(R1, R4, R5, R2B);
                assertThat(where(t, table, new Condition("n", Condition.Op.EQ, new IndexKey(u32(30)))))
                        .as(table)
                        .isEmpty();
                // the unique index: the updated row's new code, not its old one nor the deleted row's
                assertThat(where(t, table, new Condition("code", Condition.Op.EQ, new IndexKey(u32(250)))))
                        .containsExactly(R2B);
                assertThat(where(t, table, new Condition("code", Condition.Op.EQ, new IndexKey(u32(200)))))
                        .isEmpty();
            }
            assertThatThrownBy(() -> t.node.call("inv", "insert_taken", List.of()))
                    .isInstanceOf(CallException.class);
            t.node.call("inv", "insert_freed", List.of());
            assertThat(t.node.rows("inv", "logged")).hasSize(5);
        }
        try (var t = new TestNode(NodeConfig.at(dir))) { // and once more, from what the last run logged
            assertThat(t.node.rows("inv", "logged")).containsExactlyElementsOf(t.node.rows("inv", "stateful"));
            assertThat(where(t, "logged", new Condition("code", Condition.Op.EQ, new IndexKey(u32(300)))))
                    .extracting(Row::primaryKey)
                    .containsExactly(u64(10));
        }
    }
}
