package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.exec.CallException;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming scans (our interstice_scan extension, docs/abi.md §4.2) through the SDK: the scan-workload module reads
 * its table through cursors, whole and by index range, next to ABI 6's whole-table scan.
 */
class ScanWorkloadModuleTest {
    private static final String M = "scan-workload";

    private static Node open(Path dir) throws Exception {
        Node node = reopen(dir);
        node.load("scan-workload.wasm", ExampleCommand.exampleWasm(M));
        return node;
    }

    private static Node reopen(Path dir) {
        return Node.open(NodeConfig.at(dir).withLogSink((m, msg) -> {}));
    }

    private static void seed(Node node, long first, long count, int groups) {
        for (long at = 0; at < count; at += 20_000)
            node.call(M, "seed", List.of(u64(first + at), u64(Math.min(20_000, count - at)), u32(groups)));
    }

    private static List<Long> longs(IntersticeValue v) {
        return ((IntersticeValue.Vec) v)
                .items().stream().map(x -> ((IntersticeValue.U64) x).value()).toList();
    }

    private static List<Long> query(Node node, String q, IntersticeValue... args) {
        return longs(node.query(M, q, List.of(args)));
    }

    @Test
    void aCursorReadsWhatTheWholeTableScanReads(@TempDir Path dir) throws Exception {
        try (Node node = open(dir)) {
            seed(node, 1, 5_000, 10); // several pages (the SDK asks for 1,024 rows a page)
            long sum = 5_000L * 5_001 / 2;
            assertThat(query(node, "iter_sum")).containsExactly(5_000L, sum);
            assertThat(query(node, "scan_sum")).containsExactly(5_000L, sum);
            // groups 2, 3 and 4: ids with id % 10 in [2, 5)
            long n = 0;
            long s = 0;
            for (long id = 1; id <= 5_000; id++)
                if (id % 10 >= 2 && id % 10 < 5) {
                    n++;
                    s += id;
                }
            assertThat(query(node, "group_sum", u32(2), u32(5))).containsExactly(n, s);
            assertThat(query(node, "group_sum", u32(7), u32(7))).containsExactly(0L, 0L);
            assertThat(query(node, "first_ids", u32(3))).containsExactly(1L, 2L, 3L);
            // the composite index (sensor, at): sensor 3, at in [1000, 1100)
            node.call(M, "seed_readings", List.of(u64(2_000), u32(10)));
            assertThat(query(node, "sensor_window", u32(3), u64(1_000), u64(1_100)))
                    .containsExactly(1003L, 1013L, 1023L, 1033L, 1043L, 1053L, 1063L, 1073L, 1083L, 1093L);
        }
        ReplayTest.assertReplaysClean(dir);
    }

    @Test
    void aCursorIsASnapshotOfTheTransactionAtItsOpening(@TempDir Path dir) throws Exception {
        try (Node node = open(dir)) {
            seed(node, 1, 3_000, 10);
            // before opening: insert 5,000 and delete 7 (seen); while reading: delete the rest, insert 5,001 (not seen)
            node.call(M, "iter_while_writing", List.of(u64(5_000), u64(7)));
            var seen = node.rows(M, "seen").getFirst().entries();
            assertThat(seen).containsExactly(u64(3_000), u64(3_000L * 3_001 / 2 - 7 + 5_000));
            // and the writes made while it read were applied
            assertThat(node.rows(M, "item")).extracting(r -> r.primaryKey()).containsExactly(u64(1), u64(5_001));
        }
    }

    @Test
    void guestMemoryStaysFlatWhileACursorReadsALargeTable(@TempDir Path dir) throws Exception {
        try (Node node = open(dir)) {
            seed(node, 1, 60_000, 100);
        }
        try (Node node = reopen(dir)) { // fresh instances: the rows come back from storage, not through the guest
            assertThat(query(node, "first_ids", u32(1))).containsExactly(1L);
            long before = node.guestMemoryBytes(M);
            assertThat(query(node, "iter_sum")).containsExactly(60_000L, 60_000L * 60_001 / 2);
            long afterCursor = node.guestMemoryBytes(M);
            assertThat(query(node, "scan_sum")).containsExactly(60_000L, 60_000L * 60_001 / 2);
            long afterWholeScan = node.guestMemoryBytes(M);
            assertThat(afterCursor - before).isLessThan(1L << 20);
            // the whole-table scan holds every row at once (over 20 bytes each): the contrast shows what was measured
            assertThat(afterWholeScan - afterCursor).isGreaterThan(2L << 20);
        }
    }

    @Test
    void aModuleThatDoesNotIterateDoesNotImportTheExtension() throws Exception {
        String imports = new String(ExampleCommand.exampleWasm("hello"), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(imports).contains("interstice_host_call").doesNotContain("interstice_scan");
        String scanning = new String(ExampleCommand.exampleWasm(M), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(scanning).contains("interstice_scan");
    }

    @Test
    void tooManyOpenCursorsAreRefused(@TempDir Path dir) throws Exception {
        try (Node node = open(dir)) {
            seed(node, 1, 1_500, 1); // more than a page: a cursor read once stays open
            assertThat(query(node, "open_cursors", u32(200), IntersticeValue.bool(true)))
                    .containsExactly(200L);
            assertThatThrownBy(() -> query(node, "open_cursors", u32(65), IntersticeValue.bool(false)))
                    .isInstanceOf(CallException.class)
                    .hasMessageContaining("too many open scan cursors (64)");
        }
    }
}
