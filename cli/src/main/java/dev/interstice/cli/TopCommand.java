package dev.interstice.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code interstice top <node>}: a node's metrics live in the terminal, refreshed every second: transactions per
 * second and p99 latency per reducer (over the last interval), errors by kind, connections, storage. It reads the
 * node's {@code /metrics} endpoint (a local node started with {@code --metrics} says where in its data directory).
 */
@Command(
        name = "top",
        mixinStandardHelpOptions = true,
        description =
                "Show a node's metrics live (the node runs with --metrics): tx/s and p99 per reducer, errors, connections.")
final class TopCommand implements Callable<Integer> {
    private static final String CLEAR = "\033[H\033[2J";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<name|id>")
    String ref;

    @Option(
            names = "--metrics",
            paramLabel = "<host:port>",
            description = "Where the node serves its metrics (default: what the local node's data directory says).")
    String metricsAt;

    @Option(names = "--iterations", paramLabel = "<n>", description = "Stop after n screens (default: until Ctrl+C).")
    int iterations;

    @Option(
            names = "--interval",
            paramLabel = "<ms>",
            defaultValue = "1000",
            description = "Milliseconds between screens (default ${DEFAULT-VALUE}).")
    long intervalMs;

    @Override
    public Integer call() throws InterruptedException {
        if (intervalMs < 100) throw CliException.usage("--interval must be at least 100 ms");
        String where = metricsAt != null ? metricsAt : localMetricsAddress();
        URI uri = URI.create("http://" + where + "/metrics");
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        PrintWriter out = spec.commandLine().getOut();
        Scrape previous = null;
        for (int i = 0; iterations <= 0 || i < iterations; i++) {
            if (i > 0) Thread.sleep(intervalMs);
            Scrape now = new Scrape(System.nanoTime(), PromText.parse(fetch(http, uri, where)));
            out.print(CLEAR);
            out.print(render(ref, where, previous, now));
            out.flush();
            previous = now;
        }
        return 0;
    }

    private String localMetricsAddress() {
        var reg = NodeRegistry.load();
        var e = reg.require(ref);
        Path file = e.local() && e.nodeId() != null ? reg.dataDir(e).resolve(MetricsEndpoint.ADDRESS_FILE) : null;
        try {
            if (file != null && Files.exists(file))
                return Files.readString(file).strip();
        } catch (IOException unreadable) {
            // as if absent
        }
        throw new CliException("node '" + e.name() + "' serves no metrics that this CLI knows of: start it with"
                + " --metrics <port> (interstice node start " + e.name() + " --metrics 9464), or name the address with"
                + " --metrics <host:port>");
    }

    private static String fetch(HttpClient http, URI uri, String where) {
        try {
            var r = http.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200)
                throw new CliException("the metrics endpoint " + uri + " answered HTTP " + r.statusCode());
            return r.body();
        } catch (IOException e) {
            throw new CliException("cannot read metrics from " + where + ": " + e.getMessage()
                    + " (is the node running with --metrics?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    record Scrape(long atNanos, List<PromText.Sample> samples) {
        double sum(String name, Map<String, String> labels) {
            double s = 0;
            for (var x : samples)
                if (x.name().equals(name) && x.labels().entrySet().containsAll(labels.entrySet())) s += x.value();
            return s;
        }
    }

    /** One screen: per reducer tx/s and p99 over the last interval (since start on the first screen). */
    static String render(String node, String where, Scrape before, Scrape now) {
        var sb = new StringBuilder();
        double seconds = before == null ? 0 : (now.atNanos() - before.atNanos()) / 1e9;
        sb.append("interstice top: node '")
                .append(node)
                .append("' (metrics at ")
                .append(where)
                .append(")\n");
        sb.append(String.format(
                Locale.ROOT,
                "connections %.0f   log %s   snapshot %s   fsync p99 %s%n%n",
                now.sum("interstice_connections", Map.of()),
                bytes(now.sum("interstice_storage_log_bytes", Map.of())),
                bytes(now.sum("interstice_storage_snapshot_bytes", Map.of())),
                millis(p99(before, now, "interstice_storage_fsync_seconds_bucket", Map.of()))));
        var reducers = new TreeMap<String, Map<String, String>>();
        for (var s : now.samples())
            if (s.name().equals("interstice_transactions_total")
                    || s.name().equals("interstice_reducer_duration_seconds_count"))
                reducers.put(
                        s.labels().get("module") + "." + s.labels().get("reducer"),
                        Map.of(
                                "module",
                                s.labels().get("module"),
                                "reducer",
                                s.labels().get("reducer")));
        var rows = new ArrayList<List<String>>();
        for (var e : reducers.entrySet()) {
            double total = now.sum("interstice_transactions_total", e.getValue());
            String rate = before == null
                    ? "-"
                    : String.format(
                            Locale.ROOT,
                            "%.1f",
                            (total - before.sum("interstice_transactions_total", e.getValue())) / seconds);
            rows.add(List.of(
                    e.getKey(),
                    rate,
                    String.format(Locale.ROOT, "%.0f", total),
                    millis(p99(before, now, "interstice_reducer_duration_seconds_bucket", e.getValue()))));
        }
        var table = new java.io.StringWriter();
        if (rows.isEmpty()) sb.append("no reducer has run yet\n");
        else {
            TextTable.print(new PrintWriter(table, true), List.of("REDUCER", "TX/S", "TOTAL", "P99"), rows);
            sb.append(table);
        }
        var errors = new TreeMap<String, Double>();
        for (var s : now.samples())
            if (s.name().equals("interstice_errors_total") && s.value() > 0)
                errors.merge(s.labels().getOrDefault("kind", "?"), s.value(), Double::sum);
        sb.append("\nerrors: ");
        if (errors.isEmpty()) sb.append("none");
        else
            errors.forEach((k, v) -> sb.append(k)
                    .append(' ')
                    .append(String.format(Locale.ROOT, "%.0f", v))
                    .append("  "));
        sb.append('\n');
        return sb.toString();
    }

    /** The 99th percentile of a cumulative histogram's increase since {@code before} (its whole life if null). */
    static double p99(Scrape before, Scrape now, String bucketName, Map<String, String> labels) {
        var counts = new TreeMap<Double, Double>();
        for (var s : now.samples())
            if (s.name().equals(bucketName) && s.labels().entrySet().containsAll(labels.entrySet()))
                counts.merge(PromText.le(s.labels().get("le")), s.value(), Double::sum);
        if (before != null) {
            var old = new HashMap<Double, Double>();
            for (var s : before.samples())
                if (s.name().equals(bucketName) && s.labels().entrySet().containsAll(labels.entrySet()))
                    old.merge(PromText.le(s.labels().get("le")), s.value(), Double::sum);
            counts.replaceAll((le, c) -> c - old.getOrDefault(le, 0.0));
        }
        if (counts.isEmpty()) return Double.NaN;
        double total = counts.lastEntry().getValue();
        if (total <= 0) return Double.NaN;
        for (var e : counts.entrySet()) if (e.getValue() >= 0.99 * total) return e.getKey();
        return Double.POSITIVE_INFINITY;
    }

    private static String millis(double seconds) {
        if (Double.isNaN(seconds)) return "-";
        if (Double.isInfinite(seconds)) return "> max";
        return String.format(Locale.ROOT, "<= %.3f ms", seconds * 1000);
    }

    private static String bytes(double b) {
        return b >= 1 << 20
                ? String.format(Locale.ROOT, "%.1f MiB", b / (1 << 20))
                : String.format(Locale.ROOT, "%.1f KiB", b / 1024);
    }
}
