package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.bool;
import static dev.interstice.abi.value.IntersticeValue.str;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.node.Replay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Time travel agrees with replay: over random workloads of inserts, updates and deletes through reducers, a table read
 * as of transaction N (from the log, no code runs) equals the table of a fresh node that replayed the log up to N.
 */
class AsOfReplayPropertyTest {
    static final String M = "benchmark-workload";
    static final String T = "benchlogged";

    @Property(tries = 3)
    void asOfNEqualsAFreshReplayToN(@ForAll long seed, @ForAll @IntRange(min = 20, max = 70) int calls)
            throws Exception {
        Path dir = Files.createTempDirectory("asof");
        try {
            Path data = dir.resolve("data");
            var rnd = new Random(seed);
            var txs = new ArrayList<Long>();
            try (Node node = Node.open(NodeConfig.at(data).withLogSink((m, msg) -> {}))) {
                node.load("benchmark-workload.wasm", ExampleCommand.exampleWasm(M));
                int snapshotAt = rnd.nextInt(calls);
                for (int i = 0; i < calls; i++) {
                    long seq = rnd.nextInt(12);
                    String reducer = List.of("tx_insert_logged", "tx_update_logged", "tx_delete_logged")
                            .get(rnd.nextInt(3));
                    var args = reducer.equals("tx_delete_logged")
                            ? List.of(str("c"), u64(seq), bool(false))
                            : List.of(str("c"), u64(seq), u64(rnd.nextInt(6)), bool(false));
                    txs.add(node.call(M, reducer, List.copyOf(args)).txId());
                    if (i == snapshotAt) node.snapshot(); // some states then start from a kept snapshot
                }
            }
            for (int k = 0; k < 3; k++) {
                long n = txs.get(rnd.nextInt(txs.size()));
                var past = dev.interstice.runtime.node.NodeLog.rowsAsOf(data, M, T, n);
                Path scratch = dir.resolve("scratch-" + k);
                Replay.Report r = Replay.verify(data, n, scratch);
                assertThat(r.clean()).as("%s", r.divergence()).isTrue();
                try (Node fresh = Node.open(NodeConfig.at(scratch).withLogSink((m, msg) -> {}))) {
                    assertThat(past.txId()).isLessThanOrEqualTo(n); // the last one that changed something
                    assertThat(past.rows()).as("tx %d", n).containsExactlyElementsOf(fresh.encodedRows(M, T));
                }
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }
}
