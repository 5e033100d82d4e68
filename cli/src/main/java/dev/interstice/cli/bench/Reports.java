package dev.interstice.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The report of a {@link LoadResult}: a human-readable summary, JSON, and a self-contained HTML page (charts by the
 * console's chart library, uPlot, inlined).
 */
public final class Reports {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Percentiles of the latency distribution written to the JSON report and drawn in the HTML chart. */
    static final double[] SPECTRUM = {
        0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97, 97.5, 98, 98.5, 99, 99.25, 99.5, 99.75, 99.9,
        99.95, 99.99, 99.999, 100
    };

    private Reports() {}

    // ---- text ----

    public static String summary(LoadResult r) {
        var c = r.config();
        var sb = new StringBuilder();
        sb.append("== ")
                .append(c.name())
                .append(": ")
                .append(c.module())
                .append('.')
                .append(c.reducer())
                .append(' ')
                .append(c.argsDescription())
                .append(" ==\n");
        sb.append(String.format(Locale.ROOT, "target        %s, ack %s%n", r.target(), r.ack()));
        sb.append(String.format(
                Locale.ROOT,
                "load          %d connection%s x %d in flight, %s, warmup %.1f s, measured %.2f s%n",
                c.connections(),
                c.connections() == 1 ? "" : "s",
                c.inflight(),
                c.openLoop() ? String.format(Locale.ROOT, "open loop at %,.0f calls/s", c.rate()) : "closed loop",
                c.warmupMs() / 1000.0,
                r.measuredMs() / 1000.0));
        sb.append(String.format(
                Locale.ROOT,
                "throughput    %,.0f tx/s acknowledged (%,d calls in the measured window), errors %,d%n",
                r.throughputTps(),
                r.acknowledged(),
                r.errors()));
        sb.append(String.format(
                Locale.ROOT,
                "latency       p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (from the %s)%n",
                us(r.latencyUs(50)),
                us(r.latencyUs(90)),
                us(r.latencyUs(99)),
                us(r.latencyUs(99.9)),
                us(r.latency().getMaxValue()),
                c.openLoop() ? "intended send time" : "send time"));
        var t = r.totals();
        sb.append(String.format(
                Locale.ROOT,
                "whole run     sent %,d, acknowledged %,d, errors %,d, unfinished %,d%n",
                t.sent(),
                t.acknowledged(),
                t.errors(),
                t.unfinished()));
        for (var e : r.rates().entrySet())
            sb.append(String.format(
                    Locale.ROOT,
                    "rate          %s: %,.0f/s (%,d -> %,d)%n",
                    e.getKey(),
                    e.getValue().perSecond(),
                    e.getValue().start(),
                    e.getValue().end()));
        for (var e : r.errorSamples().entrySet())
            sb.append(String.format(Locale.ROOT, "error         %,d x %s%n", e.getValue(), e.getKey()));
        if (r.checks().isEmpty()) sb.append("verification  (none)\n");
        for (var ch : r.checks())
            sb.append(String.format(
                    Locale.ROOT, "verification  %s %s: %s%n", ch.passed() ? "PASS" : "FAIL", ch.name(), ch.detail()));
        for (var e : c.notes().entrySet())
            sb.append(String.format(Locale.ROOT, "note          %s: %s%n", e.getKey(), e.getValue()));
        sb.append(String.format(Locale.ROOT, "environment   %s%n", r.environment()));
        return sb.toString();
    }

    /** One line per run: name, ack, throughput, latency percentiles, errors, verification, measured rates. */
    public static String table(Map<String, LoadResult> results) {
        var sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "%-22s %-8s %12s %10s %10s %10s %10s %7s  %s%n",
                "run",
                "ack",
                "tx/s",
                "p50",
                "p90",
                "p99",
                "max",
                "errors",
                "verified"));
        for (var e : results.entrySet()) {
            var r = e.getValue();
            sb.append(String.format(
                    Locale.ROOT,
                    "%-22s %-8s %,12.0f %10s %10s %10s %10s %7d  %s%s%n",
                    e.getKey(),
                    r.ack(),
                    r.throughputTps(),
                    Reports.us(r.latencyUs(50)),
                    Reports.us(r.latencyUs(90)),
                    Reports.us(r.latencyUs(99)),
                    Reports.us(r.latency().getMaxValue()),
                    r.errors(),
                    r.verified() ? "yes" : "NO",
                    r.rates().isEmpty()
                            ? ""
                            : "  "
                                    + r.rates().entrySet().stream()
                                            .map(x -> String.format(
                                                    Locale.ROOT,
                                                    "%s %,.0f/s",
                                                    x.getKey(),
                                                    x.getValue().perSecond()))
                                            .toList()));
        }
        return sb.toString();
    }

    /** Microseconds, printed in the most readable unit. */
    public static String us(long us) {
        if (us < 1_000) return us + " µs";
        if (us < 1_000_000) return String.format(Locale.ROOT, "%.2f ms", us / 1000.0);
        return String.format(Locale.ROOT, "%.2f s", us / 1e6);
    }

    // ---- JSON ----

    public static ObjectNode json(LoadResult r) {
        var c = r.config();
        ObjectNode o = JSON.createObjectNode();
        o.put("name", c.name());
        o.put("run_id", c.runId());
        o.put("target", r.target());
        o.put("module_name", c.module());
        o.put("reducer_name", c.reducer());
        o.put("args", c.argsDescription());
        o.put("ack", r.ack());
        o.put("mode", c.openLoop() ? "open_loop" : "closed_loop");
        if (c.openLoop()) o.put("rate", c.rate());
        else o.putNull("rate");
        o.put("connections", c.connections());
        o.put("inflight", c.inflight());
        o.put("warmup_ms", c.warmupMs());
        o.put("duration_ms", c.durationMs());
        o.put("measured_ms", round(r.measuredMs(), 3));
        o.put("started_at_ms", r.startedAtMs());
        o.put("ended_at_ms", r.endedAtMs());
        o.put("throughput_kind", "acknowledged_commits");
        o.put("throughput_tps", round(r.throughputTps(), 1));
        o.put("acknowledged", r.acknowledged());
        o.put("errors", r.errors());
        o.put("latency_basis", c.openLoop() ? "intended_send_time" : "send_time");
        var h = r.latency();
        o.put("latency_us_mean", round(h.getTotalCount() == 0 ? 0 : h.getMean(), 1));
        o.put("latency_us_p50", r.latencyUs(50));
        o.put("latency_us_p90", r.latencyUs(90));
        o.put("latency_us_p95", r.latencyUs(95));
        o.put("latency_us_p99", r.latencyUs(99));
        o.put("latency_us_p999", r.latencyUs(99.9));
        o.put("latency_us_max", h.getMaxValue());
        var t = o.putObject("totals");
        t.put("sent", r.totals().sent());
        t.put("acknowledged", r.totals().acknowledged());
        t.put("errors", r.totals().errors());
        t.put("unfinished", r.totals().unfinished());
        o.put("max_seq", r.maxSeq());
        o.put("max_client", r.maxClient());
        var rates = o.putObject("rates");
        for (var e : r.rates().entrySet()) {
            var x = rates.putObject(e.getKey());
            x.put("start", e.getValue().start());
            x.put("end", e.getValue().end());
            x.put("per_second", round(e.getValue().perSecond(), 1));
        }
        var errs = o.putObject("error_samples");
        r.errorSamples().forEach(errs::put);
        var v = o.putObject("verification");
        v.put("passed", r.verified());
        ArrayNode checks = v.putArray("checks");
        for (var ch : r.checks()) {
            var x = checks.addObject();
            x.put("name", ch.name());
            x.put("passed", ch.passed());
            x.put("before", ch.before());
            x.put("after", ch.after());
            x.put("expected_delta", ch.expectedDelta());
            x.put("detail", ch.detail());
        }
        ArrayNode tl = o.putArray("timeline");
        for (var iv : r.timeline()) {
            var x = tl.addObject();
            x.put("t_ms", round(iv.startMs(), 1));
            x.put("length_ms", round(iv.lengthMs(), 1));
            x.put("phase", iv.phase().name().toLowerCase());
            x.put("acknowledged", iv.acknowledged());
            x.put("errors", iv.errors());
            x.put("tps", round(iv.tps(), 1));
            x.put("p50_us", iv.p50Us());
            x.put("p99_us", iv.p99Us());
            x.put("max_us", iv.maxUs());
        }
        ArrayNode pct = o.putArray("latency_percentiles");
        if (h.getTotalCount() > 0)
            for (double p : SPECTRUM) {
                var x = pct.addObject();
                x.put("percentile", p);
                x.put("latency_us", p == 0 ? h.getMinValue() : h.getValueAtPercentile(p));
            }
        var notes = o.putObject("notes");
        c.notes().forEach((k, val) -> notes.set(k, JSON.valueToTree(val)));
        var env = o.putObject("environment");
        r.environment().forEach((k, val) -> env.set(k, JSON.valueToTree(val)));
        return o;
    }

    public static void writeJson(LoadResult r, Path file) throws IOException {
        mkdirs(file);
        JSON.writeValue(file.toFile(), json(r));
    }

    // ---- HTML ----

    public static void writeHtml(LoadResult r, Path file) throws IOException {
        mkdirs(file);
        Files.writeString(file, html(r));
    }

    /** One page comparing several runs (their charts overlaid), e.g. the runs of one {@code benchmark} command. */
    public static void writeHtml(Map<String, LoadResult> runs, Path file) throws IOException {
        mkdirs(file);
        Files.writeString(file, html(runs));
    }

    public static String html(LoadResult r) {
        return html(Map.of(r.config().name(), r));
    }

    /**
     * A self-contained page: each run's figures, then the charts (uPlot, from the console's build, inlined with the
     * runs' data: they open offline, zoom by dragging, show values on hover, and overlay the runs), then the JSON.
     */
    public static String html(Map<String, LoadResult> runs) {
        var sb = new StringBuilder();
        String title =
                runs.size() == 1 ? runs.values().iterator().next().config().name() : String.join(" vs ", runs.keySet());
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title))
                .append(" - Interstice load run</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}")
                .append(
                        "h1{font-size:20px}h2{font-size:16px;margin-top:28px}table{border-collapse:collapse;font-size:13px}")
                .append(
                        "td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}pre{background:#f6f6f6;padding:10px;font-size:12px;overflow:auto}")
                .append(".pass{color:#1a7f37}.fail{color:#c0392b;font-weight:bold}.interstice-chart{margin:16px 0}")
                .append("</style></head><body>\n");
        if (runs.size() > 1)
            sb.append("<h1>")
                    .append(esc(title))
                    .append("</h1>\n<pre>")
                    .append(esc(table(runs)))
                    .append("</pre>\n");
        runs.forEach((name, r) -> details(sb, r, runs.size() == 1 ? "<h1>" : "<h2>"));
        sb.append("<div id=\"charts\"></div>\n");
        String script = ChartScript.get();
        if (script == null)
            sb.append(
                    "<p>(no charts: this build of interstice lacks the console's chart bundle; build it with npm)</p>\n");
        runs.forEach((name, r) -> sb.append("<script type=\"application/json\" class=\"interstice-run\">")
                .append(scriptSafe(chartData(name, r).toString()))
                .append("</script>\n"));
        if (script != null) sb.append("<script>").append(scriptSafe(script)).append("</script>\n");
        runs.forEach((name, r) -> sb.append("<h2>JSON report")
                .append(runs.size() > 1 ? ": " + esc(name) : "")
                .append("</h2>\n<pre>")
                .append(esc(json(r).toPrettyString()))
                .append("</pre>\n"));
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private static void details(StringBuilder sb, LoadResult r, String heading) {
        var c = r.config();
        sb.append(heading)
                .append(esc(c.name()))
                .append(": ")
                .append(esc(c.module()))
                .append('.')
                .append(esc(c.reducer()))
                .append(heading.replace("<", "</"))
                .append("\n<table>\n");
        row(sb, "throughput", String.format(Locale.ROOT, "%,.0f tx/s acknowledged", r.throughputTps()));
        row(
                sb,
                "latency",
                String.format(
                        Locale.ROOT,
                        "p50 %s, p90 %s, p99 %s, p99.9 %s, max %s (from the %s)",
                        us(r.latencyUs(50)),
                        us(r.latencyUs(90)),
                        us(r.latencyUs(99)),
                        us(r.latencyUs(99.9)),
                        us(r.latency().getMaxValue()),
                        c.openLoop() ? "intended send time" : "send time"));
        row(
                sb,
                "calls",
                String.format(
                        Locale.ROOT,
                        "%,d acknowledged and %,d errors in the measured window; whole run: sent %,d, acknowledged %,d, errors %,d",
                        r.acknowledged(),
                        r.errors(),
                        r.totals().sent(),
                        r.totals().acknowledged(),
                        r.totals().errors()));
        row(
                sb,
                "load",
                String.format(
                        Locale.ROOT,
                        "%d connections x %d in flight, %s, warmup %.1f s, measured %.2f s",
                        c.connections(),
                        c.inflight(),
                        c.openLoop()
                                ? String.format(Locale.ROOT, "open loop at %,.0f calls/s", c.rate())
                                : "closed loop",
                        c.warmupMs() / 1000.0,
                        r.measuredMs() / 1000.0));
        row(sb, "target", r.target() + ", ack " + r.ack());
        row(sb, "arguments", c.argsDescription());
        for (var e : r.rates().entrySet())
            row(
                    sb,
                    e.getKey(),
                    String.format(Locale.ROOT, "%,.0f/s", e.getValue().perSecond()));
        for (var ch : r.checks())
            sb.append("<tr><th>verification</th><td class=\"")
                    .append(ch.passed() ? "pass" : "fail")
                    .append("\">")
                    .append(ch.passed() ? "PASS " : "FAIL ")
                    .append(esc(ch.name()))
                    .append(": ")
                    .append(esc(ch.detail()))
                    .append("</td></tr>\n");
        for (var e : r.errorSamples().entrySet()) row(sb, "error", e.getValue() + " x " + e.getKey());
        sb.append("</table>\n");
    }

    /**
     * What the charts draw of a run: per timeline interval (drain left out: its last few calls only) its middle in
     * seconds, tx/s and latency p50/p99 in µs; where the warmup ended; the latency at each {@link #SPECTRUM}
     * percentile, x = log10(100 / (100 - p)) (0 -> 0, 90 -> 1, 99 -> 2, ...; the max at 5.3).
     */
    static ObjectNode chartData(String name, LoadResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", name);
        ArrayNode timeline = o.putArray("timeline");
        double warmEnd = 0;
        for (var iv : r.timeline()) {
            if (iv.lengthMs() <= 0 || iv.phase() == LoadResult.Phase.DRAIN) continue;
            ObjectNode p = timeline.addObject();
            p.put("t", round((iv.startMs() + iv.lengthMs() / 2) / 1000.0, 3));
            p.put("tps", round(iv.tps(), 1));
            p.put("p50", iv.acknowledged() > 0 ? iv.p50Us() : 0);
            p.put("p99", iv.acknowledged() > 0 ? iv.p99Us() : 0);
            if (iv.phase() == LoadResult.Phase.WARMUP) warmEnd = (iv.startMs() + iv.lengthMs()) / 1000.0;
        }
        o.put("warmupEnd", round(warmEnd, 3));
        ArrayNode spectrum = o.putArray("spectrum");
        var h = r.latency();
        if (h.getTotalCount() > 0)
            for (double p : SPECTRUM)
                spectrum.addObject()
                        .put("x", p >= 100 ? 5.3 : round(Math.log10(100.0 / (100.0 - p)), 6))
                        .put("us", p == 0 ? h.getMinValue() : h.getValueAtPercentile(p));
        return o;
    }

    /** Text inside a script element must not close it. */
    private static String scriptSafe(String s) {
        return s.replace("</", "<\\/");
    }

    /** The console's chart bundle for reports (console/web/src/report.js), read once from the class path. */
    private static final class ChartScript {
        private static final String SCRIPT = read();

        static String get() {
            return SCRIPT;
        }

        private static String read() {
            try (var in = Reports.class.getResourceAsStream("/console/report/report.js")) {
                return in == null ? null : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                return null;
            }
        }
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>\n");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static void mkdirs(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
    }

    /** For callers that want the JSON as a string. */
    public static String jsonString(LoadResult r) {
        try {
            return JSON.writeValueAsString(json(r));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
