package dev.interstice.runtime.node;

import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.TableSchema;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {
    static final TableSchema EVENTS = ModuleFixture.simpleTable(
            "events",
            true,
            Persistence.EPHEMERAL,
            Visibility.PUBLIC,
            List.of(new FieldDef("kind", IntersticeType.U32)),
            List.of());

    @Test
    void concurrentCallersLoseNoUpdate() throws Exception {
        concurrentCallersLoseNoUpdate(NodeConfig.inMemory());
    }

    /** With executors > 1 these auto_inc inserts cannot be validated: each falls back to the serial path. */
    @Test
    void concurrentCallersLoseNoUpdateWithExecutors() throws Exception {
        concurrentCallersLoseNoUpdate(NodeConfig.inMemory().withExecutors(4));
    }

    private static void concurrentCallersLoseNoUpdate(NodeConfig config) throws Exception {
        var module = ModuleFixture.module("counter")
                .table(EVENTS)
                .blob("row", Abi.encodeRow(new Row(u64(0), List.of(u32(1)))))
                .reducer("add", List.of(), List.of("events"), ModuleFixture.insertOrTrap("events", "row"));
        int threads = 8;
        int perThread = 500;
        try (var t = new TestNode(config);
                var pool = Executors.newFixedThreadPool(threads)) {
            t.node.load(module.build());
            var futures = new ArrayList<Future<?>>();
            for (int i = 0; i < threads; i++)
                futures.add(pool.submit(() -> {
                    for (int j = 0; j < perThread; j++) t.node.call("counter", "add", List.of());
                }));
            for (var f : futures) f.get();
            List<IntersticeValue> ids = t.node.rows("counter", "events").stream()
                    .map(Row::primaryKey)
                    .toList();
            assertThat(ids)
                    .containsExactlyElementsOf(LongStream.range(0, threads * perThread)
                            .mapToObj(IntersticeValue::u64)
                            .toList());
            // + 1: the load itself is a transaction (it logs the hash of the module's code)
            assertThat(t.node.lastTxId()).isEqualTo(threads * perThread + 1);
        }
    }
}
