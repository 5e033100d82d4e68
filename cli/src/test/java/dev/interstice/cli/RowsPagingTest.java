package dev.interstice.cli;

import static dev.interstice.abi.value.IntersticeValue.u32;
import static dev.interstice.abi.value.IntersticeValue.u64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeClient;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code rows --limit/--after/--where} against a real node on loopback: pages read through indexes. */
@Timeout(120)
class RowsPagingTest {
    private static final String M = "scan-workload";

    @TempDir
    Path home;

    Node node;
    NodeServer server;

    @BeforeEach
    void start() throws Exception {
        System.setProperty("interstice.home", home.toString());
        node = Node.open(NodeConfig.at(home.resolve("data")).withLogSink((m, msg) -> {}));
        node.load("scan-workload.wasm", ExampleCommand.exampleWasm(M));
        // ids 1..12,000 (more than the 10,000 rows a node answers per request), grp = id % 10, value = id
        for (long first = 1; first <= 12_000; first += 4_000)
            node.call(M, "seed", List.of(u64(first), u64(4_000), u32(10)));
        node.call(M, "seed_readings", List.of(u64(2_000), u32(10))); // sensor = id % 10, at = id
        server = NodeServer.start(node, NetworkConfig.defaults().withNodeName("scans"));
        CliEndToEndTest.run("node", "add", "scans", server.address()).ok();
    }

    @AfterEach
    void stop() {
        server.close();
        node.close();
        System.clearProperty("interstice.home");
    }

    private static String rows(String... args) {
        return rowsOf("item", args);
    }

    private static String rowsOf(String table, String... args) {
        var all = new ArrayList<>(List.of("rows", "scans", M, table));
        all.addAll(List.of(args));
        return CliEndToEndTest.run(all.toArray(String[]::new)).ok().out();
    }

    /** The ids in a text table's first column, in order. */
    private static List<Long> ids(String table) {
        var out = new ArrayList<Long>();
        var m = Pattern.compile("(?m)^(\\d+)\\s").matcher(table);
        while (m.find()) out.add(Long.parseLong(m.group(1)));
        return out;
    }

    private static List<Long> range(long first, long last, long step) {
        var out = new ArrayList<Long>();
        for (long i = first; i <= last; i += step) out.add(i);
        return out;
    }

    @Test
    void limitAndAfterPageThroughATable() {
        String first = rows("--limit", "100");
        assertThat(ids(first)).isEqualTo(range(1, 100, 1));
        assertThat(first).contains("(100 rows; more follow: --after 100)");
        assertThat(ids(rows("--limit", "100", "--after", "100"))).isEqualTo(range(101, 200, 1));
        String last = rows("--after", "11950");
        assertThat(ids(last)).isEqualTo(range(11_951, 12_000, 1));
        assertThat(last).contains("(50 rows)").doesNotContain("more follow");
        // without --limit the CLI reads every page (the node answers at most 10,000 rows a request)
        assertThat(ids(rows())).hasSize(12_000).isEqualTo(range(1, 12_000, 1));
        assertThat(rowsOf("seen")).contains("(0 rows)");
    }

    @Test
    void whereReadsThroughAnIndex() {
        String g3 = rows("--where", "grp=3", "--limit", "5");
        assertThat(ids(g3)).containsExactly(3L, 13L, 23L, 33L, 43L);
        assertThat(g3).contains("more follow: --after 43");
        assertThat(ids(rows("--where", "grp=3", "--limit", "5", "--after", "43")))
                .containsExactly(53L, 63L, 73L, 83L, 93L);
        // a range on the index: groups 8 and 9, in index order (group, then id)
        assertThat(ids(rows("--where", "grp>=8", "--limit", "3"))).containsExactly(8L, 18L, 28L);
        // the primary key
        assertThat(ids(rows("--where", "id>=10", "--where", "id<13"))).containsExactly(10L, 11L, 12L);
        // the composite index (sensor, at): equality on sensor, a range on at; and paging through it
        assertThat(ids(rowsOf("reading", "--where", "sensor=3", "--where", "at>=1000", "--where", "at<1100")))
                .isEqualTo(range(1003, 1093, 10));
        assertThat(ids(rowsOf(
                        "reading", "--where", "sensor=3", "--where", "at>=1000", "--limit", "2", "--after", "1013")))
                .containsExactly(1023L, 1033L);
        assertThat(ids(rowsOf("reading", "--where", "sensor=3", "--limit", "2")))
                .containsExactly(3L, 13L);
    }

    @Test
    void whereOnAFieldNoIndexAnswersIsRefused() {
        var r = CliEndToEndTest.run("rows", "scans", M, "item", "--where", "value=5")
                .fails(1);
        assertThat(r.err())
                .contains("no index of table 'item' answers value = 5")
                .contains("indexes: id (primary key), grp");
        assertThat(CliEndToEndTest.run("rows", "scans", M, "reading", "--where", "at>=5")
                        .fails(1)
                        .err())
                .as("the second column of a composite index alone")
                .contains("indexes: id (primary key), (sensor,at)");
        assertThat(CliEndToEndTest.run("rows", "scans", M, "item", "--where", "colour=5")
                        .fails(2)
                        .err())
                .contains("table 'item' has no field 'colour'");
        assertThat(CliEndToEndTest.run("rows", "scans", M, "item", "--where", "grp~5")
                        .fails(2)
                        .err())
                .contains("expected field=value");
    }

    @Test
    void aNodeAnswersAtMostTenThousandRowsARequest() {
        try (var c = NodeClient.connect(server.address(), NodeClient.Options.client())) {
            assertThat(c.rowsPage(M, "item", List.of(), null, 50_000)).hasSize(10_000);
            var rest = c.rowsPage(M, "item", List.of(), new IndexKey(IntersticeValue.u64(10_000)), 50_000);
            assertThat(rest).hasSize(2_000);
            assertThat(rest.getFirst().primaryKey()).isEqualTo(u64(10_001));
        }
    }
}
