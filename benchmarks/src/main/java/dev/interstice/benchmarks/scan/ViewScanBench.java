package dev.interstice.benchmarks.scan;

import dev.interstice.abi.codec.Abi;
import dev.interstice.abi.schema.FieldDef;
import dev.interstice.abi.schema.IntersticeType;
import dev.interstice.abi.schema.Persistence;
import dev.interstice.abi.schema.Visibility;
import dev.interstice.abi.value.IndexKey;
import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import dev.interstice.network.AdminToken;
import dev.interstice.network.NetworkConfig;
import dev.interstice.network.NodeClient;
import dev.interstice.network.NodeServer;
import dev.interstice.runtime.module.TableViews;
import dev.interstice.runtime.node.Node;
import dev.interstice.runtime.node.NodeConfig;
import dev.interstice.runtime.testing.ModuleFixture;
import dev.interstice.runtime.testing.ViewModules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A remote {@code rows} scan (pages of 10,000 over loopback TLS) of the same table with and without a view, in one
 * run: module "plain" (no view) and "viewed" (view {@code owner == caller}, every row owned by "cli" so it admits them
 * all: the figure is the view's cost), read by a client, and "viewed" read by the admin (who bypasses views).
 * Arguments: rows (default 100,000), rounds (default 5). docs/benchmarks.md, Views.
 */
public final class ViewScanBench {
    private ViewScanBench() {}

    static byte[] module(String name, boolean view) {
        var table = ModuleFixture.simpleTable(
                "docs",
                true,
                Persistence.EPHEMERAL,
                Visibility.PUBLIC,
                List.of(new FieldDef("n", IntersticeType.U64), new FieldDef("owner", IntersticeType.STRING)),
                List.of());
        var f = ModuleFixture.module(name)
                .table(table)
                .type(ViewModules.DOC)
                .blob(
                        "row",
                        Abi.encodeRow(new Row(
                                IntersticeValue.u64(0), List.of(IntersticeValue.u64(7), IntersticeValue.str("cli")))))
                .blob("yes", Abi.encodeValue(new IntersticeValue.Bool(true)))
                .blob("no", Abi.encodeValue(new IntersticeValue.Bool(false)))
                .query("mine", ViewModules.ROW_ARG, IntersticeType.BOOL, List.of("docs"), ViewModules.OWNER_IS_CALLER)
                .reducer(
                        "fill",
                        List.of(),
                        List.of("docs"),
                        "(local $i i32)\n(block $done (loop $next\n"
                                + "(br_if $done (i32.ge_u (local.get $i) (i32.const 1000)))\n"
                                + ModuleFixture.insertOrTrap("docs", "row")
                                + "\n(local.set $i (i32.add (local.get $i) (i32.const 1)))\n(br $next)))");
        if (view)
            f.blob("views", new TableViews(Map.of("docs", "mine")).encode())
                    .func("(func (export \"interstice_views\") (result i64)"
                            + " (i64.or (i64.shl (i64.const ${views}) (i64.const 32)) (i64.const ${views.len})))");
        return f.build();
    }

    /** Reads the whole table page by page; returns the rows read. */
    static long scan(NodeClient c, String module) {
        long n = 0;
        IndexKey after = null;
        while (true) {
            List<Row> page = c.rowsPage(module, "docs", List.of(), after, 10_000);
            n += page.size();
            if (page.size() < 10_000) return n;
            after = new IndexKey(page.getLast().primaryKey());
        }
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        var token = AdminToken.random();
        try (Node node = Node.open(NodeConfig.inMemory().withLogSink((m, s) -> {}));
                NodeServer server = NodeServer.start(
                        node,
                        NetworkConfig.defaults().withNodeName("view-bench").withAdminToken(token))) {
            node.load(module("plain", false));
            node.load(module("viewed", true));
            for (int i = 0; i < rows / 1000; i++) {
                node.call("plain", "fill", List.of());
                node.call("viewed", "fill", List.of());
            }
            try (var client = NodeClient.connect(server.address(), NodeClient.Options.client());
                    var admin = NodeClient.connect(
                            server.address(), NodeClient.Options.client().withAdminToken(token))) {
                var plain = new ArrayList<Double>();
                var viewed = new ArrayList<Double>();
                var bypass = new ArrayList<Double>();
                for (int r = 0; r < rounds + 1; r++) { // the first round warms up; each round starts elsewhere
                    double[] rate = new double[3];
                    for (int k = 0; k < 3; k++) {
                        int which = (r + k) % 3;
                        rate[which] = switch (which) {
                            case 0 -> rate(client, "plain", rows);
                            case 1 -> rate(client, "viewed", rows);
                            default -> rate(admin, "viewed", rows);
                        };
                    }
                    if (r == 0) continue;
                    plain.add(rate[0]);
                    viewed.add(rate[1]);
                    bypass.add(rate[2]);
                }
                System.out.printf(
                        Locale.ROOT,
                        "rows/s (median of %d): no view %.0f, view (client) %.0f, view bypassed (admin) %.0f;"
                                + " view / no view = %.2f%n",
                        rounds,
                        median(plain),
                        median(viewed),
                        median(bypass),
                        median(viewed) / median(plain));
            }
        }
    }

    private static double rate(NodeClient c, String module, int rows) {
        long t0 = System.nanoTime();
        long n = scan(c, module);
        if (n != rows) throw new IllegalStateException(module + ": read " + n + " rows, not " + rows);
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(List<Double> xs) {
        var s = xs.stream().sorted().toList();
        return s.get(s.size() / 2);
    }
}
