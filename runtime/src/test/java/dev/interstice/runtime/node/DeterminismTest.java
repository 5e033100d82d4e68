package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.f64;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Same calls on a fresh node with the same identity give byte-identical tables; time and randomness are per transaction. */
class DeterminismTest {
    static final TableSchema STAMPS = ModuleFixture.simpleTable(
            "stamps",
            true,
            Persistence.LOGGED,
            Visibility.PUBLIC,
            List.of(
                    new FieldDef("t", IntersticeType.F64),
                    new FieldDef("r", IntersticeType.F64),
                    new FieldDef("r2", IntersticeType.F64)),
            List.of());

    static ModuleFixture stamper() {
        byte[] template = Abi.encodeRow(new Row(u64(0), List.of(f64(0), f64(0), f64(0))));
        assertThat(template).startsWith(3, 0, 3, 7); // pk U64(0), 3 entries, F64 at offset 4, 13, 22
        return ModuleFixture.module("stamper")
                .table(STAMPS)
                .blob("row", template)
                .reducer("stamp", List.of(), List.of("stamps"), """
                        (f64.store (i32.add (i32.const ${row}) (i32.const 4)) (f64.convert_i64_s (call $time)))
                        (f64.store (i32.add (i32.const ${row}) (i32.const 13)) (f64.convert_i64_u (i64.shr_u (call $random) (i64.const 12))))
                        (f64.store (i32.add (i32.const ${row}) (i32.const 22)) (f64.convert_i64_u (i64.shr_u (call $random) (i64.const 12))))
                        """ + ModuleFixture.insertOrTrap("stamps", "row"));
    }

    static List<byte[]> run(String nodeId, int calls) {
        var clock = new AtomicLong(1_700_000_000_000L);
        try (var t = new TestNode(NodeConfig.inMemory().withNodeId(nodeId).withClock(() -> clock.addAndGet(7)))) {
            t.node.load(stamper().build());
            for (int i = 0; i < calls; i++) t.node.call("stamper", "stamp", List.of());
            return t.node.encodedRows("stamper", "stamps");
        }
    }

    @Test
    void replayOnAFreshNodeIsByteIdentical() {
        List<byte[]> first = run("node-a", 50);
        List<byte[]> second = run("node-a", 50);
        assertThat(first).hasSize(50);
        for (int i = 0; i < first.size(); i++)
            assertThat(second.get(i)).as("row " + i).isEqualTo(first.get(i));
    }

    @Test
    void randomnessDependsOnNodeAndTransactionAndDiffersWithinOne() {
        List<Row> rows = new ArrayList<>();
        for (byte[] b : run("node-b", 20)) rows.add(Abi.decodeRow(b));
        var randoms = rows.stream().map(r -> r.entries().get(1)).distinct().count();
        assertThat(randoms).isEqualTo(20);
        assertThat(rows)
                .allSatisfy(r ->
                        assertThat(r.entries().get(1)).isNotEqualTo(r.entries().get(2)));
        assertThat(run("node-c", 1).getFirst()).isNotEqualTo(run("node-b", 1).getFirst());
        // one timestamp per transaction, non-decreasing
        double prev = 0;
        for (Row r : rows) {
            double ts =
                    ((dev.interstice.abi.value.IntersticeValue.F64) r.entries().getFirst()).value();
            assertThat(ts).isGreaterThanOrEqualTo(prev);
            prev = ts;
        }
    }
}
